//! The `cedar-hitl` binary, run as a user would.

use std::process::{Command, Output};

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cedar-hitl")).args(args).output().expect("binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn tmp(name: &str, text: &str) -> String {
    let p = std::env::temp_dir().join(format!("cedar-hitl-cli-{}-{name}", std::process::id()));
    std::fs::write(&p, text).unwrap();
    p.display().to_string()
}

#[test]
fn eval_json_force_push_requires_approval() {
    let o = run(&[
        "eval",
        "--tool",
        "Bash",
        "--input",
        r#"{"command":"git push --force origin main"}"#,
        "--json",
    ]);
    assert_eq!(o.status.code(), Some(0));
    let v: serde_json::Value =
        serde_json::from_str(stdout(&o).trim()).expect("exactly one JSON object");
    assert_eq!(v["outcome"], "require_approval");
    assert_eq!(v["matching_rule_ids"], serde_json::json!(["force_push_any", "force_push_main"]));
    assert_eq!((v["timeout_s"].as_i64(), v["severity"].as_str()), (Some(300), Some("high")));
    assert_eq!(v["fail_closed"], false);
    // Every decision field, and the input's hash (sorted: the map's order depends on features).
    let mut keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "allowed",
            "cache_hit",
            "duration_ms",
            "fail_closed",
            "fail_closed_cause",
            "fail_closed_detail",
            "matching_rule_ids",
            "outcome",
            "policy_fingerprint",
            "reason",
            "severity",
            "shadow_outcome",
            "shadow_rule_ids",
            "tier",
            "timeout_s",
            "tool_input_sha256"
        ]
    );
}

#[test]
fn eval_respects_approvals_and_read_only() {
    let o = run(&[
        "eval",
        "--tool",
        "Bash",
        "--input",
        r#"{"command":"git push --force origin x"}"#,
        "--approve",
        "rule:force_push_any",
        "--json",
    ]);
    assert!(stdout(&o).contains(r#""outcome":"allow""#));
    let o = run(&["eval", "--tool", "Write", "--input", r#"{"file_path":"a.py"}"#, "--read-only"]);
    assert!(stdout(&o).starts_with("DENY: Hard-deny: read_only_forbid_write"), "{}", stdout(&o));
}

#[test]
fn eval_bad_arguments_exit_2() {
    assert_eq!(run(&["eval", "--tool", "Bash", "--input", "not json"]).status.code(), Some(2));
    assert_eq!(run(&["eval", "--tool", "Bash", "--input", "[1]"]).status.code(), Some(2));
    assert_eq!(
        run(&["eval", "--tool", "Bash", "--input", "{}", "--approve", "bash_pattern:*"])
            .status
            .code(),
        Some(2)
    );
    let bad = tmp("bad.cedar", "forbid (");
    let o = run(&["eval", "--tool", "Bash", "--input", "{}", "--blueprint-soft", &bad]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("Cedar policy parse failed"));
}

#[test]
fn check_reports_every_problem_with_file_and_line() {
    let f = tmp(
        "soft.cedar",
        "@tier(\"soft\") @rule_id(\"quick\") @approval_timeout_s(\"60\")\nforbid (principal, action == Agent::Action::\"execute_bash\", resource) when { context.command like \"*x*\" };\n\n@tier(\"soft\") @rule_id(\"bad\") @severity(\"urgent\")\nforbid (principal, action, resource);\n@tier(\"soft\") @rule_id(\"t\") @approval_timeout_s(\"3_00\")\nforbid (principal, action, resource);\n",
    );
    let o = run(&["check", "--blueprint-soft", &f]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(
        out.contains(&format!("[{f}:4:1]"))
            && out.contains("rule 'bad' has @severity('urgent'); allowed: low, medium, high"),
        "{out}"
    );
    assert!(out.contains(&format!("[{f}:6:1]")) && out.contains("rule 't': "), "{out}");
    assert!(
        out.contains("⚠ rule 'quick' has @approval_timeout_s(60), below 120s")
            && out.contains(&format!("[{f}:1:1]")),
        "{out}"
    );
    assert!(out.ends_with("2 error(s), 1 warning(s)\n"), "{out}");
    let ok = tmp("ok.cedar", "");
    assert_eq!(run(&["check", "--blueprint-soft", &ok]).status.code(), Some(0));
}

#[test]
fn rules_lists_enforced_rules() {
    let o = run(&["rules", "--json", "--disable", "write_credentials"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let soft: Vec<&str> =
        v["soft"].as_array().unwrap().iter().map(|r| r["rule_id"].as_str().unwrap()).collect();
    assert_eq!(
        soft,
        [
            "force_push_any",
            "force_push_main",
            "push_to_protected_branch",
            "write_env_files",
            "pipe_to_shell",
            "rm_dynamic_target",
            "opaque_shell_command"
        ]
    );
    assert_eq!(v["hard"].as_array().unwrap().len(), 7);
    assert_eq!(v["profile"], "hardened");
    let table = stdout(&run(&["rules"]));
    assert!(table.starts_with("built-in profile: hardened\n"), "{table}");
    assert!(table.contains("rm_slash") && table.contains("force_push_main"));
    let o = run(&["rules", "--json", "--builtins", "upstream"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!((v["hard"].as_array().unwrap().len(), v["profile"].as_str()), (6, Some("upstream")));
    let o = run(&["rules", "--builtins", "strict"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&o.stderr)
            .contains("builtins must be one of [hardened, upstream], got 'strict'")
    );
}

#[test]
fn facts_prints_the_parse() {
    let o = run(&["facts", "sudo r''m -fr /"]);
    assert_eq!(o.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["commands"][0]["program"], "rm");
    assert_eq!(v["commands"][0]["wrappers"], serde_json::json!(["sudo"]));
    assert_eq!(v["commands"][0]["path_classes"], serde_json::json!(["root"]));
}

/// A generated log with a known number of calls each profile decides differently.
#[test]
fn replay_reports_the_differences_between_profiles() {
    let mut log = String::new();
    // Per block of 4: one call both profiles deny, one only upstream denies, one only the
    // hardened profile gates, one both allow.
    for i in 0..250 {
        log.push_str(&format!("{{\"session_id\": \"s{}\", \"tool_name\": \"Bash\", \"tool_input\": {{\"command\": \"rm -rf /\"}}}}\n", i % 7));
        log.push_str(&format!("{{\"tool_name\": \"Bash\", \"tool_input\": {{\"command\": \"rm -rf /tmp/build-{i}\"}}}}\n"));
        log.push_str(
            "{\"tool_name\": \"Bash\", \"tool_input\": {\"command\": \"git push origin +main\"}}\n",
        );
        log.push_str(&format!("{{\"id\": {i}, \"kind\": \"read\", \"tool_name\": \"Read\", \"tool_input\": {{\"file_path\": \"a\"}}}}\n"));
    }
    log.push_str("garbage\n");
    let path = tmp("replay.jsonl", &log);
    let o = run(&["replay", &path, "--builtins", "upstream", "--against", "hardened", "--json"]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_str(stdout(&o).trim()).unwrap();
    assert_eq!(
        (v["calls"].as_u64(), v["skipped"].as_u64(), v["differences"].as_u64()),
        (Some(1000), Some(1), Some(500))
    );
    assert_eq!(v["base"]["deny"], 500);
    assert_eq!(v["against"]["deny"], 250);
    assert_eq!(v["against"]["require_approval"], 250);
    assert_eq!(v["groups"]["deny [rm_slash] -> allow []"]["count"], 250);
    assert_eq!(
        v["groups"]["allow [] -> require_approval [force_push_any, force_push_main]"]["count"],
        250
    );
    assert_eq!(v["groups"]["deny [rm_slash] -> allow []"]["examples"].as_array().unwrap().len(), 5);
    let o = run(&[
        "replay",
        &path,
        "--builtins",
        "upstream",
        "--against",
        "hardened",
        "--fail-on-diff",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("500 call(s) decided differently"), "{}", stdout(&o));
    let o = run(&["replay", &path]);
    assert_eq!(o.status.code(), Some(0));
    assert!(!stdout(&o).contains("decided differently"));
}

/// Replay streams: a log many times larger than the process's resident set.
#[test]
fn replay_streams_in_bounded_memory() {
    let line = format!(
        "{{\"tool_name\": \"Write\", \"tool_input\": {{\"file_path\": \"src/a.rs\", \"content\": \"{}\"}}}}\n",
        "x".repeat(4000)
    );
    let path =
        std::env::temp_dir().join(format!("cedar-hitl-cli-{}-big.jsonl", std::process::id()));
    {
        use std::io::Write;
        let mut f = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
        for _ in 0..25_000 {
            f.write_all(line.as_bytes()).unwrap();
        }
    }
    let size_kib = std::fs::metadata(&path).unwrap().len() / 1024;
    let mut child = Command::new(env!("CARGO_BIN_EXE_cedar-hitl"))
        .args(["replay", path.to_str().unwrap(), "--against", "upstream", "--json"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Sample the child's peak resident set while it runs.
    let mut peak_kib = 0u64;
    while child.try_wait().unwrap().is_none() {
        if let Ok(status) = std::fs::read_to_string(format!("/proc/{}/status", child.id()))
            && let Some(v) = status
                .lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        {
            peak_kib = peak_kib.max(v);
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap();
    let _ = std::fs::remove_file(&path);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["calls"], 25_000);
    assert!(size_kib > 95_000, "log is {size_kib} KiB");
    assert!(
        peak_kib > 0 && peak_kib < 64 * 1024,
        "peak RSS {peak_kib} KiB for a {size_kib} KiB log"
    );
}

#[test]
fn parity_runs_the_contract_folder() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../contracts");
    let o = run(&["parity", dir]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(stdout(&o).contains(" passed, 0 failed"));
}

#[test]
fn lint_reports_every_kind_with_file_and_line() {
    let soft = tmp(
        "lint-soft.cedar",
        r#"@tier("soft") @rule_id("never") forbid (principal, action == Agent::Action::"execute_bash", resource == Agent::BashCommand::"rm -rf /");

@tier("soft") @rule_id("qmark")
forbid (principal, action == Agent::Action::"execute_bash", resource)
when { context.command like "rm -rf ?*" };

@tier("soft") @rule_id("slow") @approval_timeout_s("900")
forbid (principal, action == Agent::Action::"execute_bash", resource)
when { context.program == "terraform" };

@tier("soft") @rule_id("impossible")
forbid (principal, action == Agent::Action::"execute_bash", resource)
when { false };

@tier("soft") @rule_id("dup_of_hard")
forbid (principal, action == Agent::Action::"execute_bash", resource)
when { context.program == "shutdown" };
"#,
    );
    let hard = tmp(
        "lint-hard.cedar",
        r#"@tier("hard") @rule_id("no_shutdown") @severity("high")
forbid (principal, action == Agent::Action::"execute_bash", resource)
when { context.program == "shutdown" };
"#,
    );
    let o = run(&["lint", "--blueprint-soft", &soft, "--blueprint-hard", &hard, "--json"]);
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_str(stdout(&o).trim()).unwrap();
    let found: Vec<(String, String, String)> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["kind"].as_str().unwrap().to_owned(),
                f["rule_id"].as_str().unwrap().to_owned(),
                f["location"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    for (kind, rule, line) in [
        ("never_matches", "never", 1),
        ("literal_question_mark", "qmark", 3),
        ("raw_command_like", "qmark", 3),
        ("timeout_above_task_default", "slow", 7),
        ("impossible_condition", "impossible", 11),
        ("shadowed_by_hard_rule", "dup_of_hard", 15),
    ] {
        assert!(
            found.contains(&(kind.to_owned(), rule.to_owned(), format!("{soft}:{line}"))),
            "{kind} {rule}: {found:?}"
        );
    }
    assert!(
        found.contains(&(
            "annotation_on_hard_rule".to_owned(),
            "no_shutdown".to_owned(),
            format!("{hard}:1")
        )),
        "{found:?}"
    );
    assert_eq!(v["errors"], 2);
    // A longer task default makes the timeout meaningful.
    let o = run(&["lint", "--blueprint-soft", &soft, "--task-default-timeout-s", "1200", "--json"]);
    assert!(!stdout(&o).contains("timeout_above_task_default"));
    // Warnings and hints alone exit 0; the built-in profiles lint clean.
    let only_hint = tmp(
        "lint-hint.cedar",
        "@tier(\"soft\") @rule_id(\"h\") forbid (principal, action == Agent::Action::\"execute_bash\", resource) when { context.command like \"*npm publish*\" };",
    );
    let o = run(&["lint", "--blueprint-soft", &only_hint]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("hint:") && stdout(&o).contains("context.program"));
    for profile in ["hardened", "upstream"] {
        let o = run(&["lint", "--builtins", profile]);
        assert_eq!(
            (o.status.code(), stdout(&o).trim()),
            (Some(0), "0 finding(s), 0 error(s)"),
            "{profile}"
        );
    }
}

#[test]
fn explain_prints_the_path() {
    let o = run(&[
        "explain",
        "--tool",
        "Bash",
        "--input",
        r#"{"command":"git push -f origin HEAD:main"}"#,
        "--approve",
        "rule:force_push_any",
    ]);
    assert_eq!(o.status.code(), Some(0));
    let text = stdout(&o);
    assert!(text.starts_with("REQUIRE_APPROVAL: Soft-deny: force_push_main\n"), "{text}");
    assert!(
        text.contains(
            "soft execute_bash `git push -f origin HEAD:main` → force_push_any, force_push_main"
        ),
        "{text}"
    );
    assert!(
        text.contains("rule scopes cover [force_push_any]; outstanding [force_push_main]"),
        "{text}"
    );
    let o =
        run(&["explain", "--tool", "Write", "--input", r#"{"file_path":".GIT/config"}"#, "--json"]);
    let v: serde_json::Value = serde_json::from_str(stdout(&o).trim()).unwrap();
    assert_eq!(v["decision"]["matching_rule_ids"], serde_json::json!(["write_git_internals"]));
    assert_eq!(v["path"]["classes"], serde_json::json!(["git_internal"]));
    let rules: serde_json::Value =
        serde_json::from_str(&stdout(&run(&["rules", "--json"]))).unwrap();
    assert_eq!(v["decision"]["policy_fingerprint"], rules["policy_fingerprint"]);
}
