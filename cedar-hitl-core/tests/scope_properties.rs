//! `bash_pattern` scopes never carry a command they do not name: for commands composed from
//! known simple commands (the generator, not the parser, knows which ones run), a pre-approval
//! implies every one of them matches a pattern. See docs/shell.md ("Scopes on the same parse").

use cedar_hitl_core::*;
use proptest::prelude::*;
use serde_json::json;
use std::sync::Arc;

/// Simple commands the generator can place; the first three are covered by the patterns below.
const COMMANDS: [&str; 7] = [
    "git status",
    "git status -sb",
    "npm test",
    "git push --force origin main",
    "rm -rf build",
    "curl x",
    "echo hi",
];
const PATTERNS: [&str; 2] = ["bash_pattern:git status*", "bash_pattern:npm test*"];

fn covered(cmd: &str) -> bool {
    cmd.starts_with("git status") || cmd.starts_with("npm test")
}

/// One way bash can run the inner command `c` as part of a larger line.
fn wrap(c: &str, how: u8) -> String {
    match how % 9 {
        0 => c.to_owned(),
        1 => format!("({c})"),
        2 => format!("{{ {c}; }}"),
        3 => format!("echo \"$({c})\""),
        4 => format!("bash -c '{c}'"),
        5 => format!("sh -c \"{c}\""),
        6 => format!("if true; then {c}; fi"),
        7 => format!("cat <(`echo` {c})"),
        _ => format!("eval '{c}'"),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn a_pre_approved_line_holds_only_commands_the_patterns_name(
        parts in prop::collection::vec((0usize..COMMANDS.len(), any::<u8>()), 1..4),
        seps in prop::collection::vec(prop_oneof![Just(" && "), Just(" || "), Just("; "), Just(" | "), Just("\n"), Just(" & ")], 3),
    ) {
        let session = Session::new(Arc::new(PolicyBundle::builtin()), SessionConfig {
            initial_approvals: PATTERNS.iter().map(|p| p.to_string()).collect(),
            ..Default::default()
        }).unwrap();
        let mut line = String::new();
        let mut all_covered = true;
        for (i, (c, how)) in parts.iter().enumerate() {
            if i > 0 {
                line.push_str(seps[i - 1]);
            }
            let cmd = COMMANDS[*c];
            // Wrappers, substitutions and `if true` add commands of their own (`bash`, `echo`,
            // `cat`, `eval`, `true`), which no pattern names; bare placement, a subshell and a
            // group add none.
            all_covered &= covered(cmd) && how % 9 <= 2;
            line.push_str(&wrap(cmd, *how));
        }
        let call = ToolCall::new("Bash", json!({"command": line}));
        let approved = session.allowlist_matches(&call);
        if !all_covered {
            prop_assert!(!approved, "pre-approved although a command is not covered: {line:?}");
        }
        if approved {
            let d = session.evaluate(&call);
            prop_assert_eq!(d.reason(), "Pre-approved by allowlist");
        }
    }
}

#[test]
fn honest_compounds_are_still_pre_approved() {
    let session = Session::new(
        Arc::new(PolicyBundle::builtin()),
        SessionConfig {
            initial_approvals: PATTERNS.iter().map(|p| p.to_string()).collect(),
            ..Default::default()
        },
    )
    .unwrap();
    for line in [
        "git status && git status -sb",
        "git status; npm test -- --watch=false",
        "npm test | git status",
        "git status\ngit status -s",
    ] {
        assert!(
            session.allowlist_matches(&ToolCall::new("Bash", json!({"command": line}))),
            "{line}"
        );
    }
    // bash runs one command here: `git status <pid>\; git push …` (checked against real bash).
    assert!(session.allowlist_matches(&ToolCall::new(
        "Bash",
        json!({"command": "git status $$'\\''; git push --force origin main; #'"})
    )));
    for line in [
        "git status \\;#'\ngit status '; git push --force origin main; #'",
        "git status <<EOF\n'; git push --force origin main; '\nEOF\ngit push --force origin main",
        "git status ${x:='$(git push --force origin main)'} ${x@P}",
        "git status ${x:='a[$(git push --force origin main)]'} $[x]",
        "git status $(git push --force origin main)",
        "git status > .git/config",
    ] {
        let call = ToolCall::new("Bash", json!({"command": line}));
        assert!(!session.allowlist_matches(&call), "{line}");
        assert_ne!(session.evaluate(&call).outcome(), Outcome::Allow, "{line}");
    }
}
