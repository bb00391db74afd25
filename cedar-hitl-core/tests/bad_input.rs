//! The Rust bad-input table: each row states its expected result — a typed error at load, or a
//! fail-closed DENY with its cause — and nothing may panic or return ALLOW.

use cedar_hitl_core::*;
use serde_json::json;
use std::sync::Arc;

enum Expect {
    /// evaluate → DENY, fail_closed, this cause.
    FailClosed(FailClosedCause),
    /// evaluate → DENY by the hard tier (not fail-closed).
    HardDeny,
    /// evaluate → ALLOW is correct for this harmless input (still must not panic).
    Allow,
    /// evaluate → REQUIRE_APPROVAL because the shell parser cannot see the command (opaque).
    Opaque,
    /// construction → this error type (and, for load errors, kind).
    Load(LoadErrorKind),
    Scope,
    Config,
}

fn session() -> Session {
    Session::new(Arc::new(PolicyBundle::builtin()), SessionConfig::default()).unwrap()
}

fn obj(members: Vec<(&str, JsonValue)>) -> JsonValue {
    JsonValue::Object(members.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
}

fn nested(levels: usize) -> JsonValue {
    let mut v = JsonValue::Null;
    for _ in 0..levels {
        v = JsonValue::Array(vec![v]);
    }
    obj(vec![("command", JsonValue::from("ls")), ("deep", v)])
}

fn check_call(name: &str, tool: &str, input: JsonValue, expect: Expect) {
    let d = session().evaluate(&ToolCall::new(tool, input));
    match expect {
        Expect::FailClosed(cause) => {
            assert_eq!(d.outcome(), Outcome::Deny, "{name}: {d:?}");
            assert_eq!(d.fail_closed().map(|f| f.cause), Some(cause), "{name}: {d:?}");
            assert_eq!(d.reason(), format!("fail-closed: {cause}"), "{name}");
        }
        Expect::HardDeny => assert_eq!(
            (d.outcome(), d.tier(), d.is_fail_closed()),
            (Outcome::Deny, Some(Tier::Hard), false),
            "{name}: {d:?}"
        ),
        Expect::Allow => assert_eq!(d.outcome(), Outcome::Allow, "{name}: {d:?}"),
        Expect::Opaque => assert_eq!(
            (d.outcome(), d.matching_rule_ids()),
            (Outcome::RequireApproval, &["opaque_shell_command".to_owned()][..]),
            "{name}: {d:?}"
        ),
        _ => unreachable!("{name}: construction row in the call table"),
    }
}

fn check_build(name: &str, result: Result<Session, Error>, expect: Expect) {
    match (result, expect) {
        (Err(Error::Load(e)), Expect::Load(kind)) => {
            assert_eq!(e.kind(), kind, "{name}: {e}");
            assert!(!e.message().is_empty());
        }
        (Err(Error::Scope(e)), Expect::Scope) => assert!(!e.message().is_empty(), "{name}"),
        (Err(Error::Config(e)), Expect::Config) => assert!(!e.field().is_empty(), "{name}"),
        (Ok(_), _) => panic!("{name}: construction succeeded"),
        (Err(e), _) => panic!("{name}: wrong error type: {e:?}"),
    }
}

fn with_bundle(b: PolicyBundleBuilder) -> Result<Session, Error> {
    Session::new(Arc::new(b.build()?), SessionConfig::default())
}

fn with_config(cfg: SessionConfig) -> Result<Session, Error> {
    Session::new(Arc::new(PolicyBundle::builtin()), cfg)
}

#[test]
fn bad_tool_calls() {
    let ten_mb = "a".repeat(10 * 1024 * 1024);
    let wide: Vec<(String, JsonValue)> =
        (0..100_000).map(|i| (format!("k{i}"), JsonValue::Integer(i))).collect();
    let lossy_name = String::from_utf8_lossy(b"Ba\xffsh").into_owned();
    let rows: Vec<(&str, &str, JsonValue, Expect)> = vec![
        ("empty command", "Bash", json!({"command": ""}).into(), Expect::Allow),
        // The same key twice: a host would send both and a JSON reader keep the last, while the
        // first would be judged. One meaning or none (docs/boundary.md).
        (
            "duplicate key",
            "Bash",
            obj(vec![("command", "echo hi".into()), ("command", "rm -rf /".into())]),
            Expect::FailClosed(FailClosedCause::InvalidToolInput),
        ),
        (
            "duplicate key, nested, among many",
            "Read",
            obj(vec![(
                "opts",
                JsonValue::Object(
                    (0..40).map(|i| (format!("k{}", i % 39), JsonValue::Integer(i))).collect(),
                ),
            )]),
            Expect::FailClosed(FailClosedCause::InvalidToolInput),
        ),
        ("empty path", "Write", json!({"file_path": ""}).into(), Expect::Allow),
        // Past the parser's size cap a command is opaque: a human decides (docs/shell.md).
        (
            "10 MB command",
            "Bash",
            obj(vec![("command", JsonValue::from(ten_mb.clone()))]),
            Expect::Opaque,
        ),
        // …but its last window is still read: padding does not hide a hard-denied command.
        (
            "10 MB command ending in ; rm -rf /",
            "Bash",
            obj(vec![("command", JsonValue::from(format!("{ten_mb}; rm -rf /")))]),
            Expect::HardDeny,
        ),
        (
            "10 MB command starting with rm -rf / #",
            "Bash",
            obj(vec![("command", JsonValue::from(format!("rm -rf / #{ten_mb}")))]),
            Expect::HardDeny,
        ),
        (
            "10 MB path under .git",
            "Write",
            obj(vec![("file_path", JsonValue::from(format!(".git/{ten_mb}")))]),
            Expect::HardDeny,
        ),
        (
            "NUL inside command before rm -rf /",
            "Bash",
            json!({"command": "echo \u{0}; rm -rf /"}).into(),
            Expect::HardDeny,
        ),
        (
            "NUL inside a harmless command",
            "Bash",
            json!({"command": "echo a\u{0}b"}).into(),
            Expect::Opaque,
        ),
        (
            "NUL inside path",
            "Write",
            json!({"file_path": "a\u{0}/.git/x"}).into(),
            Expect::HardDeny,
        ),
        (
            "10,000-level nesting",
            "Bash",
            nested(10_000),
            Expect::FailClosed(FailClosedCause::UnhashableToolInput),
        ),
        (
            "input is a string",
            "Read",
            json!("file.txt").into(),
            Expect::FailClosed(FailClosedCause::InvalidToolInput),
        ),
        (
            "input is an array",
            "Bash",
            json!(["rm", "-rf", "/"]).into(),
            Expect::FailClosed(FailClosedCause::InvalidToolInput),
        ),
        (
            "input is null",
            "Write",
            JsonValue::Null,
            Expect::FailClosed(FailClosedCause::InvalidToolInput),
        ),
        (
            "command is an array",
            "Bash",
            json!({"command": ["rm", "-rf", "/"]}).into(),
            Expect::FailClosed(FailClosedCause::InvalidToolInput),
        ),
        (
            "command is a number",
            "Bash",
            json!({"command": 0}).into(),
            Expect::FailClosed(FailClosedCause::InvalidToolInput),
        ),
        (
            "path is an object",
            "Edit",
            json!({"file_path": {"p": ".env"}}).into(),
            Expect::FailClosed(FailClosedCause::InvalidToolInput),
        ),
        (
            "missing path key",
            "Write",
            json!({"path": ".git/config"}).into(),
            Expect::FailClosed(FailClosedCause::InvalidToolInput),
        ),
        (
            "missing command key",
            "Bash",
            json!({"cmd": "rm -rf /"}).into(),
            Expect::FailClosed(FailClosedCause::InvalidToolInput),
        ),
        (
            "NaN",
            "Read",
            obj(vec![("x", JsonValue::Float(f64::NAN))]),
            Expect::FailClosed(FailClosedCause::UnhashableToolInput),
        ),
        (
            "Infinity",
            "Bash",
            obj(vec![("command", JsonValue::from("ls")), ("n", JsonValue::Float(f64::INFINITY))]),
            Expect::FailClosed(FailClosedCause::UnhashableToolInput),
        ),
        (
            "integer beyond 64 bits is fine",
            "Read",
            obj(vec![(
                "n",
                JsonValue::BigInteger(BigInteger::parse("123456789012345678901234567890").unwrap()),
            )]),
            Expect::Allow,
        ),
        (
            "host value with no JSON form",
            "Read",
            obj(vec![("x", JsonValue::Unsupported("set".into()))]),
            Expect::FailClosed(FailClosedCause::UnhashableToolInput),
        ),
        ("100,000-key object", "Read", JsonValue::Object(wide), Expect::Allow),
        // Invalid UTF-8 cannot reach a Rust &str; a host that decodes it lossily gets a name that
        // is not the Bash tool, so only invoke_tool rules apply to it.
        (
            "invalid UTF-8 tool name, lossily decoded, is not Bash",
            &lossy_name,
            json!({"command": "rm -rf /"}).into(),
            Expect::Allow,
        ),
        (
            "tool name the host cannot express",
            "",
            JsonValue::Null,
            Expect::FailClosed(FailClosedCause::InvalidToolInput),
        ),
        ("tool name with quotes", "Wr\"ite", json!({"file_path": ".git/x"}).into(), Expect::Allow),
        ("tool name with backslash and \\u{74}", "\\u{74}ool\\", json!({}).into(), Expect::Allow),
        ("tool name with a newline", "Bash\n", json!({"command": "x"}).into(), Expect::Allow),
    ];
    assert!(rows.len() >= 20);
    // Principals with quotes, backslashes, escapes and newlines are plain entity ids.
    for principal in ["a\"b", "c\\d", "\\u{74}", "line\nbreak"] {
        let s = with_config(SessionConfig { principal: principal.into(), ..Default::default() })
            .unwrap();
        let d = s.evaluate(&ToolCall::new("Bash", json!({"command": "rm -rf /"})));
        assert_eq!((d.outcome(), d.tier()), (Outcome::Deny, Some(Tier::Hard)), "{principal:?}");
    }
    for (name, tool, input, expect) in rows {
        if name == "tool name the host cannot express" {
            let d = session()
                .evaluate(&ToolCall::with_invalid_name("tool name must be a string, got int"));
            assert_eq!(
                d.fail_closed().map(|f| f.cause),
                Some(FailClosedCause::InvalidToolInput),
                "{name}"
            );
            continue;
        }
        check_call(name, tool, input, expect);
    }
}

#[test]
fn bad_configuration() {
    let curl = r#"@tier("soft") @rule_id("curl") forbid (principal, action, resource) when { context.command like "*curl*" };"#;
    let rows: Vec<(&str, Result<Session, Error>, Expect)> = vec![
        ("malformed policy text", with_bundle(PolicyBundle::builder().blueprint_soft("forbid (")), Expect::Load(LoadErrorKind::Parse)),
        ("policy text of 64 KB + 1 byte", with_bundle(PolicyBundle::builder().blueprint_soft(format!("//{}", "x".repeat(65_535)))), Expect::Load(LoadErrorKind::SizeCap)),
        ("rule that would error at run time", with_bundle(PolicyBundle::builder().blueprint_soft(curl)), Expect::Load(LoadErrorKind::Schema)),
        ("unknown severity value", with_bundle(PolicyBundle::builder().blueprint_soft(r#"@tier("soft") @rule_id("s") @severity("urgent") forbid (principal, action, resource);"#)), Expect::Load(LoadErrorKind::Annotation)),
        ("timeout with underscores", with_bundle(PolicyBundle::builder().blueprint_soft(r#"@tier("soft") @rule_id("t") @approval_timeout_s("3_00") forbid (principal, action, resource);"#)), Expect::Load(LoadErrorKind::Annotation)),
        ("rule id with a quote", with_bundle(PolicyBundle::builder().blueprint_soft(r#"@tier("soft") @rule_id("a\"b") forbid (principal, action, resource);"#)), Expect::Load(LoadErrorKind::Annotation)),
        ("template slot", with_bundle(PolicyBundle::builder().blueprint_soft(r#"@tier("soft") @rule_id("t") forbid (principal == ?principal, action, resource);"#)), Expect::Load(LoadErrorKind::Parse)),
        ("disable a hard rule", with_bundle(PolicyBundle::builder().disable(["rm_slash"])), Expect::Load(LoadErrorKind::Disable)),
        ("gate cap above range", with_config(SessionConfig { approval_gate_cap: 501, ..Default::default() }), Expect::Config),
        ("negative gate count", with_config(SessionConfig { initial_approval_gate_count: -1, ..Default::default() }), Expect::Config),
        ("task default out of range", with_config(SessionConfig { task_default_timeout_s: i64::MAX, ..Default::default() }), Expect::Config),
        ("cache capacity of zero", with_config(SessionConfig { cache_max_entries: 0, ..Default::default() }), Expect::Config),
        ("cache capacity above range", with_config(SessionConfig { cache_max_entries: 100_001, ..Default::default() }), Expect::Config),
        ("cache lifetime of zero", with_config(SessionConfig { cache_ttl_s: 0, ..Default::default() }), Expect::Config),
        ("cache lifetime above a day", with_config(SessionConfig { cache_ttl_s: 86_401, ..Default::default() }), Expect::Config),
    ];
    for (name, result, expect) in rows {
        check_build(name, result, expect);
    }
    for scope in [
        "",
        "   ",
        "tool_type",
        "weird:",
        "tool_type :Read",
        "tool_group:network",
        "bash_pattern:*",
        "write_path:**",
        "bash_pattern:a**?b",
        "rule:rm_slash",
        "rule:nope",
        "tool_type_session",
        "tool_group_session",
        &format!("rule:{}", "x".repeat(130)),
    ] {
        check_build(
            &format!("scope {scope:?}"),
            with_config(SessionConfig {
                initial_approvals: vec![scope.into()],
                ..Default::default()
            }),
            Expect::Scope,
        );
    }
    check_build(
        "21 initial approvals",
        with_config(SessionConfig {
            initial_approvals: vec!["tool_type:Read".into(); 21],
            ..Default::default()
        }),
        Expect::Scope,
    );
}
