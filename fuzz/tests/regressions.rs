//! Minimal reproducers of core bugs the fuzz targets found. Each test states the expected
//! behaviour and FAILS until the core is fixed (the fuzz crate does not patch the core).
//! Run: `cargo test --manifest-path fuzz/Cargo.toml --release --test regressions`.

use cedar_hitl_core::*;
use std::sync::Arc;

fn session() -> (Arc<PolicyBundle>, Session) {
    let bundle = Arc::new(PolicyBundle::builtin());
    let s = Session::new(bundle.clone(), SessionConfig::default()).unwrap();
    (bundle, s)
}

/// Found by `session_evaluate` (`approve "" {} tool_type_session` then `snapshot`).
/// `record_outcome` resolves `tool_type_session` to `tool_type:<tool name>` without validating
/// the name, so a name the scope validator refuses ("" , >128 chars) or normalises differently
/// (surrounding whitespace) enters the allowlist. Expected: the resolved scope is one
/// `add_scope` accepts unchanged (or the approval is refused), so snapshot → restore round-trips.
#[test]
fn tool_type_session_with_empty_tool_name_breaks_restore() {
    let (bundle, s) = session();
    let call = ToolCall::new("", JsonValue::Object(vec![]));
    let r = s.record_outcome(
        &call,
        &[],
        Resolution::Approved { scope: Some("tool_type_session".into()) },
    );
    if r.is_ok() {
        let restored = Session::restore(bundle, &s.snapshot());
        assert!(restored.is_ok(), "restore failed: {:?}", restored.err());
    }
}

/// Same root cause: a tool named " Bash" (leading space) approved with `tool_type_session`
/// stores `tool_type: Bash`; restore re-parses (trims) it to `tool_type:Bash`, so the restored
/// session pre-approves a different tool, `Bash`, than the one the human approved.
#[test]
fn tool_type_session_with_padded_tool_name_widens_after_restore() {
    let (bundle, s) = session();
    let call = ToolCall::new(" Bash", JsonValue::Object(vec![]));
    let r = s.record_outcome(
        &call,
        &[],
        Resolution::Approved { scope: Some("tool_type_session".into()) },
    );
    if r.is_ok() {
        let restored = Session::restore(bundle, &s.snapshot()).expect("restore");
        assert_eq!(restored.allowlist(), s.allowlist(), "restore changed the allowlist");
        let bash =
            ToolCall::new("Bash", serde_json::json!({"command": "git push --force origin main"}));
        assert_eq!(
            s.allowlist_matches(&bash),
            restored.allowlist_matches(&bash),
            "restore widened the allowlist to Bash"
        );
    }
}

/// Same root cause, 129-character tool name: the scope exceeds the 128-char cap on restore.
#[test]
fn tool_type_session_with_long_tool_name_breaks_restore() {
    let (bundle, s) = session();
    let call = ToolCall::new("m".repeat(129), JsonValue::Object(vec![]));
    let r = s.record_outcome(
        &call,
        &[],
        Resolution::Approved { scope: Some("tool_type_session".into()) },
    );
    if r.is_ok() {
        let restored = Session::restore(bundle, &s.snapshot());
        assert!(restored.is_ok(), "restore failed: {:?}", restored.err());
    }
}

/// Found by review of what the `scope` model skips (quoted commands), confirmed with bash:
/// `bash -c "echo \$'\\''; echo SECOND"` prints `'` then `SECOND`. Inside ANSI-C quoting
/// `$'…'` a backslash escapes the quote, but `shell_segments` (cedar-hitl-core/src/scope.rs)
/// treats `$'` as an ordinary single quote where backslash is literal, so it believes the `;` is
/// still quoted and sees ONE segment. Expected: the command splits into `echo $'\''` and
/// `git push --force origin main`, and `bash_pattern:echo *` does not pre-approve it (the force
/// push must reach the soft tier and REQUIRE_APPROVAL). Actual: ALLOW "Pre-approved by allowlist".
#[test]
fn ansi_c_quoting_hides_a_second_command_from_bash_patterns() {
    let (_, s) = session();
    s.add_scope("bash_pattern:echo *").unwrap();
    let call = ToolCall::new(
        "Bash",
        serde_json::json!({"command": "echo $'\\''; git push --force origin main"}),
    );
    let d = s.evaluate(&call);
    assert_ne!(
        d.outcome(),
        Outcome::Allow,
        "force push pre-approved by `bash_pattern:echo *`: {d:?}"
    );
    assert_eq!(d.outcome(), Outcome::RequireApproval, "{d:?}");
}

/// Same class as above, second shape: a quote inside a shell comment. Bash ignores everything
/// from an unquoted `#` (at a word start) to the end of the line, so
/// `bash -c $'echo hi #\'\necho SECOND\n#\''` prints `hi` then `SECOND`. `shell_segments`
/// (cedar-hitl-core/src/scope.rs) does not know comments: it opens a single quote at the `'`
/// after `#`, keeps the newline "quoted", and sees ONE segment, so `bash_pattern:echo *`
/// pre-approves the hidden second line. Expected: the force push is a segment of its own and the
/// call is not pre-approved (REQUIRE_APPROVAL). Actual: ALLOW "Pre-approved by allowlist".
#[test]
fn quote_inside_a_comment_hides_the_next_line_from_bash_patterns() {
    let (_, s) = session();
    s.add_scope("bash_pattern:echo *").unwrap();
    let call = ToolCall::new(
        "Bash",
        serde_json::json!({"command": "echo hi #'\ngit push --force origin main\n#'"}),
    );
    let d = s.evaluate(&call);
    assert_ne!(
        d.outcome(),
        Outcome::Allow,
        "force push pre-approved by `bash_pattern:echo *`: {d:?}"
    );
}

/// Found by `bundle_load` (build() and check() on the same text disagreed). The schema error of
/// a rule quotes whichever Cedar validation error `validate_schema`
/// (cedar-hitl-core/src/bundle.rs) meets first, and Cedar's error order varies between calls
/// (hash-map order): the same blueprint reports "...in context for Agent::Action::\"write_file\"
/// not found" on one call and "...\"invoke_tool\" not found" on the next. Expected: one stable
/// message per input (e.g. pick the smallest message, or list all sorted), so `build()` equals
/// `check().errors[0]` and `cedar-hitl check` output is reproducible.
#[test]
fn schema_error_message_is_not_deterministic() {
    let text = "@tier(\"soft\") @rule_id(\"curl\")\nforbid (principal, action, resource) when { context.command like \"*curl*\" };\n";
    let first = PolicyBundle::builder().blueprint_soft(text).build().unwrap_err();
    for _ in 0..64 {
        let again = PolicyBundle::builder().blueprint_soft(text).build().unwrap_err();
        assert_eq!(again.message(), first.message(), "same input, different schema error message");
        let checked = PolicyBundle::builder().blueprint_soft(text).check();
        assert_eq!(checked.errors.first(), Some(&first), "check() and build() disagree");
    }
}
