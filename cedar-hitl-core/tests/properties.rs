//! Invariants, checked with proptest over arbitrary inputs and session histories.

use cedar_hitl_core::*;
use proptest::prelude::*;
use serde_json::json;
use std::sync::Arc;

fn json_value() -> impl Strategy<Value = JsonValue> {
    let leaf = prop_oneof![
        Just(JsonValue::Null),
        any::<bool>().prop_map(JsonValue::Bool),
        any::<i64>().prop_map(JsonValue::Integer),
        any::<f64>().prop_map(JsonValue::Float),
        ".{0,12}".prop_map(JsonValue::String),
        prop_oneof![
            Just("rm -rf /"),
            Just("git push --force origin main"),
            Just(".env"),
            Just(".git/x"),
            Just("DROP TABLE t")
        ]
        .prop_map(|s| JsonValue::String(s.into())),
        Just(JsonValue::Unsupported("set".into())),
    ];
    leaf.prop_recursive(4, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(JsonValue::Array),
            prop::collection::vec(
                (
                    prop_oneof![
                        Just("command".to_string()),
                        Just("file_path".to_string()),
                        Just("notebook_path".to_string()),
                        "[a-z]{1,6}"
                    ],
                    inner
                ),
                0..4
            )
            .prop_map(JsonValue::Object),
        ]
    })
}

fn tool_name() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("Bash".to_string()),
        Just("Write".to_string()),
        Just("Edit".to_string()),
        Just("MultiEdit".to_string()),
        Just("NotebookEdit".to_string()),
        Just("Read".to_string()),
        ".{0,10}",
    ]
}

const SCOPES: [&str; 10] = [
    "all_session",
    "tool_type:Bash",
    "tool_type:Write",
    "tool_group:file_write",
    "bash_pattern:rm -rf*",
    "bash_pattern:git push*",
    "write_path:.git/**",
    "rule:force_push_any",
    "rule:write_env_files",
    "this_call",
];

fn well_formed(d: &Decision) -> Result<(), String> {
    let ok = match d.outcome() {
        Outcome::Allow => {
            !d.is_fail_closed()
                && d.timeout_s().is_none()
                && d.severity().is_none()
                && d.cache_hit().is_none()
        }
        Outcome::RequireApproval => {
            d.timeout_s().is_some_and(|t| (30..=3600).contains(&t))
                && d.severity().is_some()
                && !d.matching_rule_ids().is_empty()
                && d.tier() == Some(Tier::Soft)
                && !d.is_fail_closed()
        }
        Outcome::Deny => match d.fail_closed() {
            Some(f) => {
                d.reason() == format!("fail-closed: {}", f.cause)
                    && d.matching_rule_ids().is_empty()
                    && d.tier().is_none()
            }
            None => d.timeout_s().is_none() && (d.tier().is_some() || d.cache_hit().is_some()),
        },
    };
    let tier_ids = d.tier().is_none() || !d.matching_rule_ids().is_empty();
    if ok && tier_ids && !d.reason().is_empty() {
        Ok(())
    } else {
        Err(format!("malformed decision {d:?}"))
    }
}

fn hard_ids(bundle: &PolicyBundle) -> Vec<String> {
    bundle
        .rules()
        .iter()
        .filter(|r| r.tier() == Some(Tier::Hard))
        .map(|r| r.rule_id().to_owned())
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, .. ProptestConfig::default() })]

    #[test]
    fn evaluate_never_panics_and_is_well_formed(tool in tool_name(), input in json_value(), read_only in any::<bool>()) {
        let s = Session::new(Arc::new(PolicyBundle::builtin()), SessionConfig { read_only, ..Default::default() }).unwrap();
        let d = s.evaluate(&ToolCall::new(tool, input));
        well_formed(&d).map_err(TestCaseError::fail)?;
    }

    #[test]
    fn no_scope_or_cache_state_turns_a_hard_match_into_allow(
        scopes in prop::sample::subsequence(SCOPES.to_vec(), 0..SCOPES.len()),
        cmd_prefix in "[a-z ]{0,8}",
        seed_cache in any::<bool>(),
    ) {
        let bundle = Arc::new(PolicyBundle::builtin());
        let s = Session::new(bundle.clone(), SessionConfig { read_only: true, initial_approvals: scopes.iter().map(|s| s.to_string()).collect(), ..Default::default() }).unwrap();
        let calls = [
            ToolCall::new("Bash", json!({"command": format!("{cmd_prefix}\nsudo rm -fr /")})),
            ToolCall::new("Write", json!({"file_path": ".git/config"})),
            ToolCall::new("Edit", json!({"file_path": "src/x"})),
        ];
        for call in &calls {
            if seed_cache {
                let h = tool_input_sha256(call.input()).unwrap();
                s.record_input_decision(call.tool_name(), &h, CachedDecision::Denied, None, None);
                s.record_outcome(call, &[], Resolution::Approved { scope: Some("tool_type_session".into()) }).unwrap();
            }
            let d = s.evaluate(call);
            prop_assert_eq!(d.outcome(), Outcome::Deny);
            prop_assert_eq!(d.tier(), Some(Tier::Hard));
            prop_assert!(d.matching_rule_ids().iter().all(|id| hard_ids(&bundle).contains(id)));
        }
    }

    #[test]
    fn rule_ids_are_positional_and_deterministic(parts in prop::collection::vec(prop_oneof![
        Just("git push --force origin main"), Just("git push origin release/x"), Just("git push -f origin prod"), Just("echo ok")], 1..4)) {
        // A blueprint adds more overlapping rules so several ids can match at once.
        let soft = r#"@tier("soft") @rule_id("any_push") @severity("low") forbid (principal, action == Agent::Action::"execute_bash", resource) when { context.command like "*git push*" };
@tier("soft") @rule_id("bash_any") forbid (principal, action == Agent::Action::"invoke_tool", resource == Agent::Tool::"Bash");"#;
        let bundle = Arc::new(PolicyBundle::builder().blueprint_soft(soft).build().unwrap());
        let order: Vec<String> = bundle.rules().iter().filter(|r| r.tier() == Some(Tier::Soft)).map(|r| r.rule_id().to_owned()).collect();
        let cmd = parts.join(" && ");
        let first = Session::new(bundle.clone(), SessionConfig::default()).unwrap().evaluate(&ToolCall::new("Bash", json!({"command": cmd.clone()})));
        for _ in 0..3 {
            let again = Session::new(bundle.clone(), SessionConfig::default()).unwrap().evaluate(&ToolCall::new("Bash", json!({"command": cmd.clone()})));
            prop_assert_eq!(again.matching_rule_ids(), first.matching_rule_ids());
        }
        let positions: Vec<usize> = first.matching_rule_ids().iter().map(|id| order.iter().position(|o| o == id).unwrap()).collect();
        prop_assert!(positions.windows(2).all(|w| w[0] < w[1]), "{:?}", first.matching_rule_ids());
    }

    #[test]
    fn caches_never_exceed_capacity(ops in prop::collection::vec((0u8..3, "[a-z]{1,3}", 0u32..120), 1..200)) {
        let clock = Arc::new(ManualClock::new(0.0));
        let s = Session::with_clock(Arc::new(PolicyBundle::builtin()), SessionConfig::default(), clock.clone()).unwrap();
        let cap = constants().cache_max_entries;
        for (op, key, dt) in ops {
            match op {
                0 => s.record_input_decision("Bash", &key, CachedDecision::Denied, None, None),
                1 => s.record_rule_decision("Bash", &[key], CachedDecision::Denied, None, None).unwrap(),
                _ => clock.advance(f64::from(dt)),
            }
            prop_assert!(s.input_cache_len() <= cap && s.rule_cache_len() <= cap);
        }
    }

    #[test]
    fn snapshot_restore_decides_identically(
        history in prop::collection::vec((0u8..5, 0usize..6), 0..12),
    ) {
        let calls = [
            ToolCall::new("Bash", json!({"command": "git push --force origin main"})),
            ToolCall::new("Bash", json!({"command": "git push --force origin feature"})),
            ToolCall::new("Write", json!({"file_path": "app/.env"})),
            ToolCall::new("Bash", json!({"command": "git push origin main"})),
            ToolCall::new("Read", json!({"file_path": "x"})),
            ToolCall::new("Edit", json!({"file_path": "config/credentials.yml"})),
        ];
        let clock = Arc::new(ManualClock::new(1_700_000_000.0));
        let bundle = Arc::new(PolicyBundle::builtin());
        let s = Session::with_clock(bundle.clone(), SessionConfig::default(), clock.clone()).unwrap();
        for (op, i) in history {
            let call = &calls[i];
            let ids = s.evaluate(call).matching_rule_ids().to_vec();
            let resolution = match op {
                0 => Resolution::Denied { request_id: format!("r{i}"), reason: Some("no".into()), decided_at: None },
                1 => Resolution::TimedOut { reason: None, decided_at: None },
                2 => Resolution::Approved { scope: Some("tool_type_session".into()) },
                3 => { clock.advance(25.0); continue; }
                _ => { s.begin_gate(None, Some(1000)); continue; }
            };
            let _ = s.record_outcome(call, &ids, resolution);
        }
        let restored = Session::restore_with_clock(bundle, &s.snapshot(), clock.clone()).unwrap();
        for step in 0..3 {
            for call in &calls {
                let (a, b) = (s.evaluate(call), restored.evaluate(call));
                prop_assert_eq!((a.outcome(), a.reason(), a.matching_rule_ids()), (b.outcome(), b.reason(), b.matching_rule_ids()), "step {}", step);
            }
            prop_assert_eq!(s.gate_count(), restored.gate_count());
            prop_assert_eq!(s.approvals_in_window(), restored.approvals_in_window());
            prop_assert_eq!(s.drain_denials(), restored.drain_denials());
            clock.advance(30.0);
        }
    }
}
