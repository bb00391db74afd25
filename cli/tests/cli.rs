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
    let o = run(&["eval", "--tool", "Bash", "--input", r#"{"command":"git push --force origin main"}"#, "--json"]);
    assert_eq!(o.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_str(stdout(&o).trim()).expect("exactly one JSON object");
    assert_eq!(v["outcome"], "require_approval");
    assert_eq!(v["matching_rule_ids"], serde_json::json!(["force_push_any", "force_push_main"]));
    assert_eq!((v["timeout_s"].as_i64(), v["severity"].as_str()), (Some(300), Some("high")));
    assert_eq!(v["fail_closed"], false);
    let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
    assert_eq!(keys.len(), 8, "{keys:?}");
}

#[test]
fn eval_respects_approvals_and_read_only() {
    let o = run(&["eval", "--tool", "Bash", "--input", r#"{"command":"git push --force origin x"}"#, "--approve", "rule:force_push_any", "--json"]);
    assert!(stdout(&o).contains(r#""outcome":"allow""#));
    let o = run(&["eval", "--tool", "Write", "--input", r#"{"file_path":"a.py"}"#, "--read-only"]);
    assert!(stdout(&o).starts_with("DENY: Hard-deny: read_only_forbid_write"), "{}", stdout(&o));
}

#[test]
fn eval_bad_arguments_exit_2() {
    assert_eq!(run(&["eval", "--tool", "Bash", "--input", "not json"]).status.code(), Some(2));
    assert_eq!(run(&["eval", "--tool", "Bash", "--input", "[1]"]).status.code(), Some(2));
    assert_eq!(run(&["eval", "--tool", "Bash", "--input", "{}", "--approve", "bash_pattern:*"]).status.code(), Some(2));
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
    assert!(out.contains(&format!("{f}:4")) && out.contains("rule 'bad'") && out.contains("low, medium, high"), "{out}");
    assert!(out.contains(&format!("{f}:6")) && out.contains("rule 't'"), "{out}");
    assert!(out.contains("warning:") && out.contains(&format!("{f}:1")) && out.contains("quick"), "{out}");
    let ok = tmp("ok.cedar", "");
    assert_eq!(run(&["check", "--blueprint-soft", &ok]).status.code(), Some(0));
}

#[test]
fn rules_lists_enforced_rules() {
    let o = run(&["rules", "--json", "--disable", "write_credentials"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let soft: Vec<&str> = v["soft"].as_array().unwrap().iter().map(|r| r["rule_id"].as_str().unwrap()).collect();
    assert_eq!(soft, ["force_push_any", "force_push_main", "push_to_protected_branch", "write_env_files"]);
    assert_eq!(v["hard"].as_array().unwrap().len(), 6);
    let table = stdout(&run(&["rules"]));
    assert!(table.contains("rm_slash") && table.contains("force_push_main"));
}

#[test]
fn parity_runs_the_contract_folder() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../contracts");
    let o = run(&["parity", dir]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(stdout(&o).contains(" passed, 0 failed"));
}
