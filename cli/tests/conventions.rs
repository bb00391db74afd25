//! The command-line conventions of docs/cli.md, run as a user would: located errors listing
//! every problem in the user's words, `--input -` / `@FILE` read as Python reads JSON, `--json`
//! errors as one object, a closed pipe, `rules` timeouts, completions and the man page.
//! Every expected output here was written by hand (hashes: Python's
//! `hashlib.sha256(json.dumps(json.loads(text), sort_keys=True).encode())`).

use serde_json::{Value, json};
use std::io::Write;
use std::process::{Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_cedar-hitl");

fn run(args: &[&str]) -> Output {
    run_with_stdin(args, b"")
}

fn run_with_stdin(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(BIN)
        .args(args)
        .env_remove("NO_COLOR")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("binary runs");
    let _ = child.stdin.take().unwrap().write_all(stdin);
    child.wait_with_output().unwrap()
}

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The one JSON object on stdout.
fn json_out(o: &Output) -> Value {
    let text = out(o);
    assert_eq!(text.trim().lines().count(), 1, "one line of JSON: {text}");
    serde_json::from_str(text.trim()).expect("one JSON object")
}

fn tmp(name: &str, text: &str) -> String {
    let p = std::env::temp_dir().join(format!("cedar-hitl-conv-{}-{name}", std::process::id()));
    std::fs::write(&p, text).unwrap();
    p.display().to_string()
}

/// The stable error shape: every key present, in the documented set.
fn assert_error_shape(v: &Value) -> &Value {
    let e = &v["error"];
    let mut keys: Vec<&str> = e.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "column", "errors", "file", "flag", "help", "kind", "label", "level", "line",
            "message", "rule_id"
        ]
    );
    assert_eq!(v.as_object().unwrap().len(), 1);
    e
}

const PARSE_ERRORS: &str = "forbid (\n@tier(\"soft\") @rule_id(\"a\") forbid (principal, action, resource);\npermit(principal, action, resource) when { 1 + };\n";

#[test]
fn check_lists_every_parse_error_at_its_line_and_column() {
    let f = tmp("parse.cedar", PARSE_ERRORS);
    let o = run(&["check", "--blueprint-soft", &f]);
    assert_eq!(o.status.code(), Some(1));
    let text = out(&o);
    // Cedar's spans: the `@` that cannot follow `forbid (`, and the `}` after `1 +`.
    assert!(text.contains(&format!("[{f}:2:1]")), "{text}");
    assert!(text.contains("Cedar policy parse failed: unexpected token `@`"), "{text}");
    assert!(text.contains(&format!("[{f}:3:48]")), "{text}");
    assert!(text.contains("Cedar policy parse failed: unexpected token `}`"), "{text}");
    // The snippet shows the offending line.
    assert!(text.contains(" 3 │ permit(principal, action, resource) when { 1 + };"), "{text}");
    assert!(text.ends_with("2 error(s), 0 warning(s)\n"), "{text}");
    assert!(!text.contains("blueprint_soft"), "internal input name leaked: {text}");

    let o = run(&["check", "--blueprint-soft", &f, "--json"]);
    assert_eq!(o.status.code(), Some(1));
    let v = json_out(&o);
    assert_eq!(v["ok"], false);
    let at: Vec<(Value, Value, Value, Value)> = v["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["kind"].clone(), e["file"].clone(), e["line"].clone(), e["column"].clone()))
        .collect();
    assert_eq!(
        at,
        [
            (json!("parse"), json!(f), json!(2), json!(1)),
            (json!("parse"), json!(f), json!(3), json!(48)),
        ]
    );
}

#[test]
fn a_load_error_in_another_command_is_located_too() {
    let f = tmp("eval-parse.cedar", PARSE_ERRORS);
    let o = run(&["eval", "--tool", "Bash", "--input", "{}", "--blueprint-soft", &f]);
    assert_eq!((o.status.code(), out(&o).as_str()), (Some(2), ""));
    assert!(err(&o).contains(&format!("[{f}:2:1]")) && err(&o).contains(&format!("[{f}:3:48]")));
    let o = run(&["rules", "--blueprint-soft", &f, "--json"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(err(&o), "", "with --json nothing goes to stderr");
    let v = json_out(&o);
    let e = assert_error_shape(&v);
    assert_eq!(
        (e["kind"].as_str(), e["line"].as_u64(), e["column"].as_u64()),
        (Some("parse"), Some(2), Some(1))
    );
    assert_eq!(e["errors"].as_array().unwrap().len(), 2);
    assert_eq!(e["errors"][1]["line"], 3);
}

#[test]
fn rule_errors_name_the_file_and_rule_and_a_built_in_clash() {
    let f = tmp(
        "ids.cedar",
        "@tier(\"soft\") @rule_id(\"force_push_any\") forbid (principal, action, resource);\n\n  @tier(\"soft\") forbid (principal, action, resource);\n@tier(\"soft\") @rule_id(\"d\") forbid (principal, action, resource);\n@tier(\"soft\") @rule_id(\"d\") forbid (principal, action, resource);\n",
    );
    let o = run(&["check", "--blueprint-soft", &f, "--json"]);
    let v = json_out(&o);
    let errors = v["errors"].as_array().unwrap();
    let got: Vec<(&str, &str, u64, u64, Value)> = errors
        .iter()
        .map(|e| {
            (
                e["kind"].as_str().unwrap(),
                e["message"].as_str().unwrap(),
                e["line"].as_u64().unwrap(),
                e["column"].as_u64().unwrap(),
                e["rule_id"].clone(),
            )
        })
        .collect();
    let clash = "@rule_id 'force_push_any' clashes with the built-in soft rule of the same id; choose another id";
    let missing = format!("policy at {f}:3 missing @rule_id annotation");
    let dup = format!("duplicate @rule_id 'd' (first at {f}:4, again at {f}:5)");
    assert_eq!(
        got,
        [
            ("duplicate_rule_id", clash, 1, 1, json!("force_push_any")),
            ("annotation", missing.as_str(), 3, 3, Value::Null),
            ("duplicate_rule_id", dup.as_str(), 5, 1, json!("d")),
        ]
    );
    // Internal positional ids (policy9, ...) never reach the user.
    let text = out(&run(&["check", "--blueprint-soft", &f]));
    assert!(!text.contains("'policy") && !text.contains("policy1"), "{text}");
    assert!(text.contains("╰── this rule") && text.contains("╰── rule 'd'"), "{text}");

    // A blueprint hard rule named like a built-in soft rule: a cross-tier clash, said so.
    let h = tmp(
        "hard-ids.cedar",
        "@tier(\"hard\") @rule_id(\"force_push_any\")\nforbid (principal, action, resource);\n",
    );
    let v = json_out(&run(&["check", "--blueprint-hard", &h, "--json"]));
    let e = &v["errors"][0];
    assert_eq!(
        (e["kind"].as_str(), e["message"].as_str(), e["file"].as_str(), e["line"].as_u64()),
        (
            Some("cross_tier_duplicate"),
            Some("duplicate @rule_id across tiers: [force_push_any]; it is a built-in soft rule"),
            Some(h.as_str()),
            Some(1)
        )
    );
    // A rule the user calls `policy3` is theirs, not a positional id.
    let named = tmp(
        "named.cedar",
        "@tier(\"soft\") @rule_id(\"policy3\") @severity(\"urgent\") forbid (principal, action, resource);\n",
    );
    let v = json_out(&run(&["check", "--blueprint-soft", &named, "--json"]));
    assert_eq!(v["errors"][0]["rule_id"], "policy3");
}

#[test]
fn disable_errors_name_the_flag() {
    let o = run(&["rules", "--disable", "nope", "--json"]);
    assert_eq!(o.status.code(), Some(2));
    let v = json_out(&o);
    let e = assert_error_shape(&v);
    assert_eq!((e["kind"].as_str(), e["flag"].as_str()), (Some("disable"), Some("--disable")));
    assert!(
        e["message"].as_str().unwrap().starts_with("--disable nope: unknown soft rule id"),
        "{e}"
    );
}

/// `{"command": "echo hi", "n": 123456789012345678901234567890}` in Python:
/// `json.dumps(json.loads(t), sort_keys=True)` hashed with SHA-256.
const BIG_HASH: &str = "ed5da39e8d40308ace2a4b0d3201b4e0704e3f5812aaa5538ed6838e263e341e";

#[test]
fn input_keeps_big_integers_so_the_hash_is_pythons() {
    let text = r#"{"command": "echo hi", "n": 123456789012345678901234567890}"#;
    let v = json_out(&run(&["eval", "--tool", "Bash", "--input", text, "--json"]));
    assert_eq!(v["tool_input_sha256"], BIG_HASH);
    assert_eq!(v["outcome"], "allow");
    // Reordered keys: the same input, the same hash (read from a file and from stdin).
    let reordered = "{\n  \"n\": 123456789012345678901234567890,\n  \"command\": \"echo hi\"\n}\n";
    let f = tmp("input.json", reordered);
    let v = json_out(&run(&["eval", "--tool", "Bash", "--input", &format!("@{f}"), "--json"]));
    assert_eq!(v["tool_input_sha256"], BIG_HASH);
    let v = json_out(&run_with_stdin(
        &["eval", "--tool", "Bash", "--input", "-", "--json"],
        reordered.as_bytes(),
    ));
    assert_eq!(v["tool_input_sha256"], BIG_HASH);
    // The float the old parser made of it hashes differently (Python: n=1.2345678901234568e+29).
    assert_ne!(BIG_HASH, "d91858d255892a62406b999800e2c782689708d217d5cf9f989a6ab2a089d21d");
}

#[test]
fn a_repeated_key_is_read_as_python_reads_it() {
    // Python keeps the last value: a decoy first `command` must not hide the real one.
    let v = json_out(&run(&[
        "eval",
        "--tool",
        "Bash",
        "--input",
        r#"{"command": "ls", "command": "rm -rf /"}"#,
        "--json",
    ]));
    assert_eq!(
        (v["outcome"].as_str(), v["matching_rule_ids"].clone()),
        (Some("deny"), json!(["rm_slash"]))
    );
    assert_eq!(
        v["tool_input_sha256"],
        "fe344b7018d3de052905ad6b3edd7235eba9773c7e4753fc6cee1a6224765d91"
    );
    // The harmless order is not caught.
    let v = json_out(&run(&[
        "eval",
        "--tool",
        "Bash",
        "--input",
        r#"{"command": "rm -rf /", "command": "ls"}"#,
        "--json",
    ]));
    assert_eq!(v["outcome"], "allow");
}

#[test]
fn eval_json_carries_the_fail_closed_detail() {
    let v = json_out(&run(&[
        "eval",
        "--tool",
        "Bash",
        "--input",
        r#"{"command": "ls \ud800"}"#,
        "--json",
    ]));
    assert_eq!(
        (v["outcome"].as_str(), v["fail_closed"].as_bool(), v["fail_closed_cause"].as_str()),
        (Some("deny"), Some(true), Some("unhashable_tool_input"))
    );
    assert_eq!(
        v["fail_closed_detail"],
        "tool input holds a value that is not JSON: a string with a lone surrogate"
    );
    assert_eq!(v["tool_input_sha256"], Value::Null);
}

#[test]
fn bad_input_is_located_and_names_the_flag() {
    let o = run(&["eval", "--tool", "Bash", "--input", "{\"a\": 1,\n \"b\": }"]);
    assert_eq!((o.status.code(), out(&o).as_str()), (Some(2), ""));
    let e = err(&o);
    assert!(e.contains("--input is not valid JSON: expected a value"), "{e}");
    assert!(e.contains("[--input:2:7]"), "{e}");

    let f = tmp("bad-input.json", "{\"command\": \"ls\",}");
    let o = run(&["eval", "--tool", "Bash", "--input", &format!("@{f}"), "--json"]);
    assert_eq!((o.status.code(), err(&o).as_str()), (Some(2), ""));
    let v = json_out(&o);
    let e = assert_error_shape(&v);
    assert_eq!(
        (
            e["kind"].as_str(),
            e["flag"].as_str(),
            e["file"].as_str(),
            e["line"].as_u64(),
            e["column"].as_u64()
        ),
        (Some("input"), Some("--input"), Some(f.as_str()), Some(1), Some(18))
    );
    assert_eq!(e["message"], "--input is not valid JSON: expected a string key");

    let o = run(&["eval", "--tool", "Bash", "--input", "[1]", "--json"]);
    assert_eq!(json_out(&o)["error"]["message"], "--input must be a JSON object, got array");
    let o = run(&["eval", "--tool", "Bash", "--input", "@/no/such/input.json", "--json"]);
    let v = json_out(&o);
    assert!(
        v["error"]["message"].as_str().unwrap().starts_with("cannot read /no/such/input.json: ")
    );
    let o = run_with_stdin(&["eval", "--tool", "Bash", "--input", "-"], b"");
    assert!(err(&o).contains("--input is not valid JSON: expected a value"), "{}", err(&o));
    // Nesting beyond the engine's limit is refused, not a stack overflow.
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let o = run_with_stdin(&["eval", "--tool", "Bash", "--input", "-", "--json"], deep.as_bytes());
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        json_out(&o)["error"]["message"],
        "--input is not valid JSON: nested deeper than 64 levels"
    );
}

#[test]
fn approve_errors_name_the_flag_not_the_field() {
    let o = run(&["eval", "--tool", "Bash", "--input", "{}", "--approve", "bash_pattern:*"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        err(&o),
        "error: --approve bash_pattern:*: pattern is too broad: '*' (needs at least 3 characters and at most half wildcards)\n"
    );
    let o = run(&[
        "eval",
        "--tool",
        "Bash",
        "--input",
        "{}",
        "--approve",
        "tool_type:Read",
        "--approve",
        "nope",
        "--json",
    ]);
    let v = json_out(&o);
    let e = assert_error_shape(&v);
    assert_eq!((e["kind"].as_str(), e["flag"].as_str()), (Some("scope"), Some("--approve")));
    assert!(!e["message"].as_str().unwrap().contains("initial_approvals"), "{e}");
}

#[test]
fn every_command_answers_json_errors_as_one_object() {
    let missing = "/no/such/blueprint.cedar";
    for args in [
        vec!["eval", "--tool", "Bash", "--input", "{}", "--blueprint-soft", missing, "--json"],
        vec!["explain", "--tool", "Bash", "--input", "{}", "--blueprint-soft", missing, "--json"],
        vec!["check", "--blueprint-soft", missing, "--json"],
        vec!["lint", "--blueprint-soft", missing, "--json"],
        vec!["rules", "--blueprint-soft", missing, "--json"],
        vec!["replay", "-", "--blueprint-soft", missing, "--json"],
    ] {
        let o = run(&args);
        assert_eq!((o.status.code(), err(&o).as_str()), (Some(2), ""), "{args:?}");
        let v = json_out(&o);
        let e = assert_error_shape(&v);
        assert_eq!(
            (e["kind"].as_str(), e["flag"].as_str(), e["file"].as_str()),
            (Some("io"), Some("--blueprint-soft"), Some(missing)),
            "{args:?}"
        );
    }
    let o = run(&["replay", "/no/such/log.jsonl", "--json"]);
    assert_eq!(assert_error_shape(&json_out(&o))["kind"], "io");
    let o = run(&["parity", "/no/such/contracts", "--json"]);
    assert_eq!(
        (o.status.code(), assert_error_shape(&json_out(&o))["kind"].as_str()),
        (Some(2), Some("io"))
    );
    // clap's own refusals too, naming the flag.
    let o = run(&["rules", "--bogus", "--json"]);
    assert_eq!((o.status.code(), err(&o).as_str()), (Some(2), ""));
    let v = json_out(&o);
    let e = assert_error_shape(&v);
    assert_eq!((e["kind"].as_str(), e["flag"].as_str()), (Some("usage"), Some("--bogus")));
    let o = run(&["rules", "--builtins", "strict", "--json"]);
    let v = json_out(&o);
    assert_eq!(assert_error_shape(&v)["flag"], "--builtins");
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("builtins must be one of [hardened, upstream], got 'strict'")
    );
    let o = run(&["lint", "--task-default-timeout-s", "5", "--json"]);
    assert_eq!(
        json_out(&o)["error"]["message"],
        "--task-default-timeout-s must be an integer in [30, 3600], got 5"
    );
}

#[test]
fn check_parity_and_facts_answer_json() {
    let ok = tmp("ok.cedar", "");
    let o = run(&["check", "--blueprint-soft", &ok, "--json"]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(json_out(&o), json!({"ok": true, "errors": [], "warnings": []}));
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../contracts");
    let o = run(&["parity", dir, "--json"]);
    assert_eq!(o.status.code(), Some(0));
    let v = json_out(&o);
    assert_eq!(v["failed"], 0);
    assert!(v["passed"].as_u64().unwrap() > 0);
    assert_eq!(v["files"].as_array().unwrap().len() as u64, v["passed"].as_u64().unwrap());
    let o = run(&["facts", "sudo rm -fr /", "--json"]);
    assert_eq!(json_out(&o)["commands"][0]["program"], "rm");
}

/// The hook answers its host by its own protocol: clap's plain message and exit 2, even with
/// `--json` on the line (docs/hosts.md).
#[test]
fn hook_keeps_its_exit_code_and_plain_errors() {
    for args in [["hook", "--bogus", "--json"], ["--json", "hook", "--bogus"]] {
        let o = run(&args);
        assert_eq!((o.status.code(), out(&o).as_str()), (Some(2), ""), "{args:?}");
        assert!(err(&o).starts_with("error: unexpected argument '"), "{}", err(&o));
    }
}

/// Run with stdout a pipe whose read end is already closed: every write fails with EPIPE.
fn run_into_closed_pipe(args: &[&str]) -> Output {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    Command::new(BIN)
        .args(args)
        .stdin(Stdio::null())
        .stdout(writer)
        .stderr(Stdio::piped())
        .output()
        .unwrap()
}

#[test]
fn a_closed_pipe_ends_the_command_quietly() {
    for args in [
        vec!["rules", "--json"],
        vec!["rules"],
        vec!["facts", "ls"],
        vec!["completions", "bash"],
        vec!["man"],
        vec!["eval", "--tool", "Bash", "--input", "{}", "--json"],
        // An error meant for stdout (--json) has nowhere to go either.
        vec!["rules", "--disable", "nope", "--json"],
    ] {
        let o = run_into_closed_pipe(&args);
        let code = o.status.code();
        assert!(code == Some(0) || code == Some(2), "{args:?}: {:?}", o.status);
        assert_eq!(err(&o), "", "{args:?}: no panic message");
    }
    assert_eq!(run_into_closed_pipe(&["rules", "--json"]).status.code(), Some(0));
}

#[test]
fn rules_show_the_annotation_and_the_effective_timeout() {
    let f = tmp(
        "timeouts.cedar",
        "@tier(\"soft\") @rule_id(\"slow\") @approval_timeout_s(\"600\")\nforbid (principal, action == Agent::Action::\"execute_bash\", resource) when { context.program == \"terraform\" };\n@tier(\"soft\") @rule_id(\"quick\") @approval_timeout_s(\"60\")\nforbid (principal, action == Agent::Action::\"execute_bash\", resource) when { context.program == \"kubectl\" };\n",
    );
    let text = out(&run(&["rules", "--blueprint-soft", &f]));
    assert!(text.contains("task default timeout: 300s\n"), "{text}");
    let row =
        |id: &str| text.lines().find(|l| l.starts_with(&format!("{id} "))).unwrap().to_owned();
    let cols = |id: &str| row(id).split_whitespace().map(str::to_owned).collect::<Vec<_>>();
    assert_eq!(cols("slow"), ["slow", "soft", "medium", "600s", "300s", "-", &f]);
    assert_eq!(cols("quick"), ["quick", "soft", "medium", "60s", "60s", "-", &f]);
    assert_eq!(cols("rm_slash"), ["rm_slash", "hard", "-", "-", "-", "-", "builtin"]);
    assert!(
        text.contains("  slow: @approval_timeout_s(\"600\") is longer than the task default (300 s): a rule can only shorten it\n"),
        "{text}"
    );
    assert!(!text.contains("  quick:"), "{text}");

    let v: Value = serde_json::from_str(&out(&run(&[
        "rules",
        "--blueprint-soft",
        &f,
        "--task-default-timeout",
        "900",
        "--json",
    ])))
    .unwrap();
    assert_eq!(v["task_default_timeout_s"], 900);
    let soft = v["soft"].as_array().unwrap();
    let slow = soft.iter().find(|r| r["rule_id"] == "slow").unwrap();
    assert_eq!(
        (
            slow["approval_timeout_s"].clone(),
            slow["effective_timeout_s"].clone(),
            slow["timeout_note"].clone(),
            slow["source"].clone()
        ),
        (json!(600), json!(600), Value::Null, json!(f))
    );
    let v: Value =
        serde_json::from_str(&out(&run(&["rules", "--blueprint-soft", &f, "--json"]))).unwrap();
    let slow =
        v["soft"].as_array().unwrap().iter().find(|r| r["rule_id"] == "slow").unwrap().clone();
    assert_eq!(slow["effective_timeout_s"], 300);
    assert_eq!(
        slow["timeout_note"],
        "@approval_timeout_s(\"600\") is longer than the task default (300 s): a rule can only shorten it"
    );
    let o = run(&["rules", "--task-default-timeout", "10"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        err(&o),
        "error: --task-default-timeout-s must be an integer in [30, 3600], got 10\n"
    );
}

#[test]
fn completions_and_man_page_come_from_the_command_definition() {
    let bash = out(&run(&["completions", "bash"]));
    assert!(
        bash.contains("complete -F _cedar__hitl -o nosort -o bashdefault -o default cedar-hitl"),
        "{bash}"
    );
    assert!(bash.contains("--blueprint-soft") && bash.contains("completions"));
    let zsh = out(&run(&["completions", "zsh"]));
    assert!(zsh.starts_with("#compdef cedar-hitl\n"));
    assert!(zsh.contains("--task-default-timeout-s"));
    let fish = out(&run(&["completions", "fish"]));
    assert!(fish.contains("complete -c cedar-hitl") && fish.contains("-l blueprint-hard"));
    let o = run(&["completions", "tcsh"]);
    assert_eq!(o.status.code(), Some(2));
    let man = out(&run(&["man"]));
    assert!(man.contains(".TH cedar-hitl 1"), "{man}");
    assert!(man.contains("cedar\\-hitl\\-completions"), "{man}");
    assert!(man.contains(".SH SUBCOMMANDS"), "{man}");
    // Every page the main one refers to is written with --out-dir.
    let dir = std::env::temp_dir().join(format!("cedar-hitl-conv-{}-man", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let o = run(&["man", "--out-dir", dir.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let mut pages: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    pages.sort();
    assert_eq!(
        pages,
        [
            "cedar-hitl-check.1",
            "cedar-hitl-completions.1",
            "cedar-hitl-eval.1",
            "cedar-hitl-explain.1",
            "cedar-hitl-facts.1",
            "cedar-hitl-hook.1",
            "cedar-hitl-init.1",
            "cedar-hitl-lint.1",
            "cedar-hitl-man.1",
            "cedar-hitl-parity.1",
            "cedar-hitl-replay.1",
            "cedar-hitl-rules.1",
            "cedar-hitl.1",
        ]
    );
    let rules = std::fs::read_to_string(dir.join("cedar-hitl-rules.1")).unwrap();
    assert!(rules.contains("task\\-default\\-timeout\\-s"), "{rules}");
}

#[test]
fn a_parse_error_at_the_end_of_the_file_says_what_was_expected() {
    let f = tmp("eof.cedar", "forbid (\n");
    let o = run(&["check", "--blueprint-soft", &f]);
    assert_eq!(o.status.code(), Some(1));
    let text = out(&o);
    assert!(text.contains(&format!("[{f}:1:9]")), "{text}");
    assert!(text.contains("help: expected `)` or identifier"), "{text}");
    let v = json_out(&run(&["check", "--blueprint-soft", &f, "--json"]));
    let e = &v["errors"][0];
    assert_eq!(
        (e["message"].as_str(), e["label"].clone(), e["help"].as_str()),
        (
            Some("Cedar policy parse failed: unexpected end of input"),
            Value::Null,
            Some("expected `)` or identifier")
        )
    );
}

#[test]
fn the_size_cap_names_the_files_flags() {
    let big = tmp("big.cedar", &format!("// {}\n", "x".repeat(70_000)));
    let v = json_out(&run(&["rules", "--blueprint-soft", &big, "--json"]));
    let e = &v["error"];
    assert_eq!(e["kind"], "size_cap");
    assert!(
        e["message"].as_str().unwrap().starts_with(
            "--blueprint-hard and --blueprint-soft together exceed 64 KB cap (70004 bytes)"
        ),
        "{e}"
    );
}

#[test]
fn schema_errors_and_lint_findings_name_the_rule_and_file() {
    let f = tmp(
        "schema.cedar",
        "@tier(\"soft\") @rule_id(\"bad_attr\")\nforbid (principal, action == Agent::Action::\"execute_bash\", resource) when { context.nope == \"x\" };\n",
    );
    let v = json_out(&run(&["check", "--blueprint-soft", &f, "--json"]));
    let e = &v["errors"][0];
    assert_eq!(
        (e["kind"].as_str(), e["rule_id"].as_str(), e["line"].as_u64()),
        (Some("schema"), Some("bad_attr"), Some(1))
    );
    assert!(
        e["message"].as_str().unwrap().starts_with(
            "rule 'bad_attr' could error at run time: attribute `nope` in context for Agent::Action::\"execute_bash\" not found;"
        ),
        "{e}"
    );
    let slow = tmp(
        "lint-source.cedar",
        "@tier(\"soft\") @rule_id(\"slow\") @approval_timeout_s(\"600\")\nforbid (principal, action == Agent::Action::\"execute_bash\", resource) when { context.program == \"terraform\" };\n",
    );
    let v = json_out(&run(&["lint", "--blueprint-soft", &slow, "--json"]));
    let finding = &v["findings"][0];
    assert_eq!(
        (finding["source"].as_str(), finding["location"].clone()),
        (Some(slow.as_str()), json!(format!("{slow}:1")))
    );
}

#[test]
fn a_problem_without_a_line_still_names_the_file_once() {
    let f = tmp(
        "template.cedar",
        "@tier(\"soft\") @rule_id(\"t\") forbid (principal == ?principal, action, resource);\n",
    );
    let o = run(&["check", "--blueprint-soft", &f]);
    assert_eq!(
        out(&o),
        format!(
            "error: {f}: Cedar policy parse failed: templates (?principal / ?resource slots) are not supported\n1 error(s), 0 warning(s)\n"
        )
    );
}
