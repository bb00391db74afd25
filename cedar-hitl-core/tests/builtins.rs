//! The upstream built-in profile keeps its verified match behaviour (evasions and over-matches
//! included; every applicable action evaluated and merged). The hardened default profile is
//! covered by the contract fixtures `contracts/decisions/hardened-*.json`.

use cedar_hitl_core::*;
use serde_json::json;
use std::sync::Arc;

fn session(read_only: bool) -> Session {
    let cfg = SessionConfig { repo: "o/r".into(), read_only, ..Default::default() };
    Session::new(upstream(), cfg).unwrap()
}

fn upstream() -> Arc<PolicyBundle> {
    Arc::new(PolicyBundle::builder().builtins(BuiltinProfile::Upstream).build().unwrap())
}

fn bash(s: &Session, cmd: &str) -> Decision {
    s.evaluate(&ToolCall::new("Bash", json!({ "command": cmd })))
}

fn write(s: &Session, tool: &str, path: &str) -> Decision {
    s.evaluate(&ToolCall::new(tool, json!({ "file_path": path, "content": "x" })))
}

#[track_caller]
fn expect(d: &Decision, outcome: Outcome, ids: &[&str]) {
    assert_eq!(d.outcome(), outcome, "{d:?}");
    assert_eq!(d.matching_rule_ids(), ids, "{d:?}");
}

#[test]
fn hard_bash_rules() {
    let s = session(false);
    for cmd in ["rm -rf /tmp/build", "sudo rm -rf / --no-preserve-root"] {
        let d = bash(&s, cmd);
        expect(&d, Outcome::Deny, &["rm_slash"]);
        assert_eq!(
            (d.reason(), d.tier(), d.is_fail_closed()),
            ("Hard-deny: rm_slash", Some(Tier::Hard), false)
        );
    }
    for cmd in ["rm -rf ./build", "rm -fr /", "rm  -rf /", "psql -c 'drop table users'"] {
        expect(&bash(&s, cmd), Outcome::Allow, &[]);
    }
    for cmd in ["echo 'DROP TABLE x' | psql", "grep -r 'DROP TABLE' migrations/"] {
        expect(&bash(&s, cmd), Outcome::Deny, &["drop_table"]);
    }
}

#[test]
fn force_push_gates() {
    let s = session(false);
    for cmd in
        ["git push --force origin main", "git push --force origin prod", "git push -f origin main"]
    {
        let d = bash(&s, cmd);
        expect(&d, Outcome::RequireApproval, &["force_push_any", "force_push_main"]);
        assert_eq!((d.timeout_s(), d.severity()), (Some(300), Some(Severity::High)), "{cmd}");
        assert_eq!(d.reason(), "Soft-deny: force_push_any, force_push_main");
    }
    for cmd in [
        "git push --force origin feature",
        "git push -f",
        "git push --force-with-lease origin main",
    ] {
        let d = bash(&s, cmd);
        expect(&d, Outcome::RequireApproval, &["force_push_any"]);
        assert_eq!((d.timeout_s(), d.severity()), (Some(300), Some(Severity::Medium)), "{cmd}");
    }
    for cmd in ["git push origin main -f", "git push origin maintenance"] {
        expect(&bash(&s, cmd), Outcome::RequireApproval, &["push_to_protected_branch"]);
    }
    for cmd in [
        "git push -f\n",
        "git push -f;echo ok",
        "git push origin +main",
        "git push origin HEAD:main",
        "npm test",
    ] {
        expect(&bash(&s, cmd), Outcome::Allow, &[]);
    }
    expect(&bash(&s, "git push --force origin main && rm -rf /"), Outcome::Deny, &["rm_slash"]);
}

#[test]
fn write_rules() {
    let s = session(false);
    for p in [".git/x", ".git/credentials"] {
        expect(&write(&s, "Write", p), Outcome::Deny, &["write_git_internals"]);
    }
    for p in ["a/.git/HEAD", "/.git/x", "./.git/config"] {
        expect(&write(&s, "Write", p), Outcome::Deny, &["write_git_internals_nested"]);
    }
    for p in [".GIT/config", ".env.local"] {
        expect(&write(&s, "Write", p), Outcome::Allow, &[]);
    }
    for tool in ["Write", "Edit", "MultiEdit"] {
        for p in [".env", "x/.env", "prod.env", "creds/.env"] {
            let d = write(&s, tool, p);
            expect(&d, Outcome::RequireApproval, &["write_env_files"]);
            assert_eq!((d.timeout_s(), d.severity()), (Some(300), Some(Severity::High)));
        }
    }
    expect(
        &write(&s, "Write", "config/credentials.json"),
        Outcome::RequireApproval,
        &["write_credentials"],
    );
    let nb = s.evaluate(&ToolCall::new("NotebookEdit", json!({"notebook_path": "a/.git/x.ipynb"})));
    expect(&nb, Outcome::Deny, &["write_git_internals_nested"]);
}

#[test]
fn read_only_sessions_merge_every_action() {
    let s = session(true);
    expect(&write(&s, "Write", "docs/x"), Outcome::Deny, &["read_only_forbid_write"]);
    // the write_file evaluation runs too, so both hard ids are reported.
    expect(
        &write(&s, "Edit", ".git/config"),
        Outcome::Deny,
        &["read_only_forbid_edit", "write_git_internals"],
    );
    for (tool, input) in [
        ("Read", json!({"file_path": "a"})),
        ("Glob", json!({})),
        ("Grep", json!({})),
        ("Bash", json!({"command": "echo hi > a.py && git push origin feat"})),
    ] {
        expect(&s.evaluate(&ToolCall::new(tool, input)), Outcome::Allow, &[]);
    }
}

#[test]
fn bad_tool_inputs_fail_closed_before_any_scope() {
    let cfg = SessionConfig { initial_approvals: vec!["all_session".into()], ..Default::default() };
    let s = Session::new(upstream(), cfg).unwrap();
    let cases = [
        ("Bash", json!({})),
        ("Bash", json!({"command": null})),
        ("Bash", json!({"command": ["rm", "-rf", "/"]})),
        ("Bash", json!({"command": 1.5})),
        ("Write", json!({"path": ".git/config"})),
        ("Edit", json!({"file_path": 7})),
        ("NotebookEdit", json!({"file_path": "x.ipynb"})),
        ("Read", json!("a string")),
        ("Read", json!([1, 2])),
    ];
    for (tool, input) in cases {
        let d = s.evaluate(&ToolCall::new(tool, input.clone()));
        assert_eq!(d.outcome(), Outcome::Deny, "{tool} {input}");
        assert_eq!(
            d.fail_closed().map(|f| f.cause),
            Some(FailClosedCause::InvalidToolInput),
            "{tool} {input}"
        );
        assert_eq!(d.reason(), "fail-closed: invalid_tool_input");
    }
    for v in [
        JsonValue::Object(vec![("command".into(), JsonValue::Float(f64::NAN))]),
        JsonValue::Object(vec![("x".into(), JsonValue::Unsupported("set".into()))]),
    ] {
        let d = s.evaluate(&ToolCall::new("Bash", v));
        assert_eq!(d.fail_closed().map(|f| f.cause), Some(FailClosedCause::UnhashableToolInput));
    }
    let mut deep = JsonValue::Null;
    for _ in 0..10_000 {
        deep = JsonValue::Array(vec![deep]);
    }
    let d = s.evaluate(&ToolCall::new("Read", JsonValue::Object(vec![("x".into(), deep)])));
    assert_eq!(d.fail_closed().map(|f| f.cause), Some(FailClosedCause::UnhashableToolInput));
}

#[test]
fn names_with_quotes_and_escapes_are_exact_entity_ids() {
    let bundle = PolicyBundle::builder()
        .blueprint_hard(r#"@tier("hard") @rule_id("weird_tool") forbid (principal, action == Agent::Action::"invoke_tool", resource == Agent::Tool::"Wr\"ite\\x");"#)
        .build()
        .unwrap();
    for principal in ["a\"b", "\\u{74}", "line\nbreak"] {
        let s = Session::new(
            Arc::new(bundle.clone()),
            SessionConfig { principal: principal.into(), ..Default::default() },
        )
        .unwrap();
        expect(
            &s.evaluate(&ToolCall::new("Wr\"ite\\x", json!({}))),
            Outcome::Deny,
            &["weird_tool"],
        );
        expect(&s.evaluate(&ToolCall::new("\\u{74}ool", json!({}))), Outcome::Allow, &[]);
    }
}
