//! `cedar-hitl hook` and `cedar-hitl init`, run as a host runs them: the built binary, one event
//! on stdin, the answer read from stdout, stderr and the exit code.
//!
//! Fixtures under `fixtures/hooks/<host>/` hold real event shapes from each host's documentation
//! with the expected answer written by hand (docs/hosts.md).

use serde_json::{Value, json};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_cedar-hitl");

/// A fresh folder for one test: config, state and audit log live here.
fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("cedar-hitl-hook-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Write `.cedar-hitl.toml` in `dir` with a local state folder and `extra` lines.
fn config(dir: &Path, extra: &str) -> PathBuf {
    let p = dir.join(".cedar-hitl.toml");
    std::fs::write(&p, format!("state_dir = \"state\"\naudit_log = \"audit.jsonl\"\n{extra}"))
        .unwrap();
    p
}

fn hook_env(dir: &Path, args: &[&str], stdin: &[u8], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(BIN);
    cmd.arg("hook")
        .args(args)
        .current_dir(dir)
        .env_remove("CEDAR_HITL_HMAC_KEY_FILE")
        .env_remove("CEDAR_HITL_HOOK_TEST_PANIC")
        .env("XDG_STATE_HOME", dir.join("xdg"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("binary runs");
    // A hook may answer before reading all of stdin; a closed pipe is not a test failure.
    let _ = child.stdin.take().unwrap().write_all(stdin);
    child.wait_with_output().unwrap()
}

fn hook(dir: &Path, cfg: &Path, host: &str, event: &Value) -> Output {
    hook_env(
        dir,
        &["--host", host, "--config", cfg.to_str().unwrap()],
        event.to_string().as_bytes(),
        &[],
    )
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn claude_pre(session: &str, tool_use_id: &str, command: &str) -> Value {
    json!({
        "session_id": session, "transcript_path": "/t.jsonl", "cwd": "/home/dev/app",
        "permission_mode": "default", "hook_event_name": "PreToolUse", "tool_name": "Bash",
        "tool_input": {"command": command}, "tool_use_id": tool_use_id,
    })
}

/// The state file of `session` under `dir/state`, parsed down to the session snapshot.
fn state_of(dir: &Path, session: &str) -> (Value, Value) {
    let files: Vec<PathBuf> = std::fs::read_dir(dir.join("state"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    let want = format!("{}.json", sha256_hex(session));
    let file = files.iter().find(|p| p.file_name().unwrap().to_str() == Some(&want)).unwrap();
    let env: Value = serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
    let body: Value = serde_json::from_str(env["body"].as_str().unwrap()).unwrap();
    let snap: Value = serde_json::from_str(body["snapshot"].as_str().unwrap()).unwrap();
    (body, snap)
}

fn sha256_hex(s: &str) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(s.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn host_fixtures() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hooks");
    let mut count = 0;
    let mut failures = Vec::new();
    for host in ["claude", "codex", "gemini", "cursor"] {
        let mut files: Vec<PathBuf> = std::fs::read_dir(root.join(host))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        files.sort();
        assert!(files.len() >= 5, "{host}: too few fixtures");
        for f in files {
            count += 1;
            let fx: Value = serde_json::from_str(&std::fs::read_to_string(&f).unwrap()).unwrap();
            let name = format!("{host}/{}", f.file_name().unwrap().to_string_lossy());
            let dir = scratch(&name.replace('/', "-"));
            let cfg = config(&dir, fx["config"].as_str().unwrap_or(""));
            let stdin = match &fx["stdin"] {
                Value::String(s) => s.clone(),
                _ => fx["event"].to_string(),
            };
            let o = hook_env(
                &dir,
                &["--host", host, "--config", cfg.to_str().unwrap()],
                stdin.as_bytes(),
                &[],
            );
            let (out, err) = (text(&o.stdout), text(&o.stderr));
            let want = &fx["expect"];
            let mut problems = Vec::new();
            if o.status.code() != want["code"].as_i64().map(|c| c as i32) {
                problems.push(format!("exit {:?}, want {}", o.status.code(), want["code"]));
            }
            match &want["stdout"] {
                Value::String(s) => {
                    if out != *s {
                        problems.push(format!("stdout {out:?}, want {s:?}"));
                    }
                }
                // Only some fields fixed (the rest hold a scratch path): `stdout_fields`.
                Value::Null => match serde_json::from_str::<Value>(out.trim()) {
                    Ok(got) => {
                        for (k, v) in want["stdout_fields"].as_object().expect("stdout_fields") {
                            if got.get(k) != Some(v) {
                                problems.push(format!("stdout {out:?}: `{k}` is not {v}"));
                            }
                        }
                    }
                    Err(_) => problems.push(format!("stdout {out:?} is not one JSON object")),
                },
                v => match serde_json::from_str::<Value>(out.trim()) {
                    Ok(got) if got == *v && out.trim().lines().count() == 1 => {}
                    _ => problems.push(format!("stdout {out:?}, want {v}")),
                },
            }
            for s in want["stderr_contains"].as_array().into_iter().flatten() {
                if !err.contains(s.as_str().unwrap()) {
                    problems.push(format!("stderr {err:?} lacks {s}"));
                }
            }
            for s in want["stderr_excludes"].as_array().into_iter().flatten() {
                if err.contains(s.as_str().unwrap()) || out.contains(s.as_str().unwrap()) {
                    problems.push(format!("output holds {s}"));
                }
            }
            if !problems.is_empty() {
                failures.push(format!("{name}: {}", problems.join("; ")));
            }
            let _ = std::fs::remove_dir_all(&dir);
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {count} fixtures failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(count >= 40, "{count}");
}

#[test]
fn a_panic_is_a_block_not_exit_101() {
    let dir = scratch("panic");
    let cfg = config(&dir, "");
    for host in ["claude", "codex", "gemini", "cursor"] {
        let o = hook_env(
            &dir,
            &["--host", host, "--config", cfg.to_str().unwrap()],
            b"{}",
            &[("CEDAR_HITL_HOOK_TEST_PANIC", "1")],
        );
        assert_eq!(o.status.code(), Some(2), "{host}");
        let err = text(&o.stderr);
        assert!(err.contains("internal error (panic: test panic requested)"), "{err}");
        assert!(!err.contains("stack backtrace"), "{err}");
    }
}

#[test]
fn bad_config_blocks_naming_file_key_value_and_range() {
    let dir = scratch("badcfg");
    let ev = claude_pre("s", "t", "ls");
    let cases = [
        (
            "approval_gate_cap = 501\n",
            "key `approval_gate_cap` = 501 is not allowed; allowed: an integer in [1, 500]",
        ),
        (
            "task_default_timeout_s = 10\n",
            "key `task_default_timeout_s` = 10 is not allowed; allowed: an integer in [30, 3600]",
        ),
        ("colour = \"red\"\n", "unknown key `colour`; allowed keys:"),
        (
            "builtins = \"strict\"\n",
            "key `builtins` = \"strict\" is not allowed; allowed: one of \"hardened\", \"upstream\"",
        ),
        (
            "allow_output = true\n",
            "key `allow_output` = true is not allowed; allowed: one of \"none\", \"allow\"",
        ),
        (
            "disable = \"force_push_any\"\n",
            "key `disable` = \"force_push_any\" is not allowed; allowed: an array of strings",
        ),
        ("initial_approvals = [\"tool_type_session\"]\n", "initial_approvals[0]"),
        ("blueprint_soft = \"missing.cedar\"\n", "cannot read blueprint"),
        ("approval_gate_cap = [\n", "not valid TOML"),
    ];
    for (extra, want) in cases {
        let cfg = config(&dir, extra);
        let o = hook(&dir, &cfg, "claude", &ev);
        let err = text(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{extra}: {err}");
        assert!(err.contains(want), "{extra}: {err}");
        if !want.contains("blueprint") {
            assert!(err.contains(&cfg.display().to_string()), "{extra}: names the file: {err}");
        }
        assert_eq!(text(&o.stdout), "");
    }
    // A --config that does not exist blocks too.
    let o = hook_env(&dir, &["--config", "/nonexistent/c.toml"], ev.to_string().as_bytes(), &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("cannot read config /nonexistent/c.toml"));
}

#[test]
fn config_is_found_from_the_working_directory_upward() {
    let dir = scratch("find");
    std::fs::write(dir.join(".cedar-hitl.toml"), "state_dir = \"st\"\nhost = \"gemini\"\n")
        .unwrap();
    let sub = dir.join("a/b");
    std::fs::create_dir_all(&sub).unwrap();
    let ev = json!({"session_id": "g", "hook_event_name": "BeforeTool", "tool_name": "run_shell_command",
        "tool_input": {"command": "rm -rf /"}, "cwd": "/", "transcript_path": "/t", "timestamp": "x"});
    let o = hook_env(&sub, &[], ev.to_string().as_bytes(), &[]);
    assert_eq!(o.status.code(), Some(2));
    // The config's host (gemini) was used: the Gemini deny JSON is on stdout.
    let v: Value = serde_json::from_str(text(&o.stdout).trim()).unwrap();
    assert_eq!(v["decision"], "deny");
    assert!(dir.join("st").is_dir());
}

#[test]
fn corrupt_unreadable_and_unwritable_state_block_naming_the_file() {
    let dir = scratch("state");
    let cfg = config(&dir, "");
    let ev = claude_pre("sess-corrupt", "t1", "ls");
    assert_eq!(hook(&dir, &cfg, "claude", &ev).status.code(), Some(0));
    let file = dir.join("state").join(format!("{}.json", sha256_hex("sess-corrupt")));
    assert!(file.is_file());

    // Corrupt: garbage in the file.
    std::fs::write(&file, "{not json").unwrap();
    let o = hook(&dir, &cfg, "claude", &ev);
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains(&file.display().to_string()) && err.contains("unusable"), "{err}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "{not json", "never reset");

    // Valid JSON but not a state file (edited to drop fields).
    std::fs::write(&file, r#"{"format":1,"body":"{}"}"#).unwrap();
    let o = hook(&dir, &cfg, "claude", &ev);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("bad body"), "{}", text(&o.stderr));

    // Unreadable: the state path is a folder.
    std::fs::remove_file(&file).unwrap();
    std::fs::create_dir(&file).unwrap();
    let o = hook(&dir, &cfg, "claude", &ev);
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        err.contains("cannot read session state") && err.contains(&file.display().to_string()),
        "{err}"
    );

    // Unwritable state folder: it would have to be created under a regular file.
    let blocker = dir.join("plain-file");
    std::fs::write(&blocker, "x").unwrap();
    let cfg2 = dir.join("c2.toml");
    std::fs::write(&cfg2, "state_dir = \"plain-file/state\"\n").unwrap();
    let o = hook(&dir, &cfg2, "claude", &ev);
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        err.contains("cannot create state folder") && err.contains("plain-file/state"),
        "{err}"
    );

    // The same failure on Cursor is its deny JSON plus exit 2.
    let cursor_ev = json!({"hook_event_name": "beforeShellExecution", "conversation_id": "c",
        "command": "ls", "cwd": "/", "generation_id": "g", "workspace_roots": []});
    let o = hook(&dir, &cfg2, "cursor", &cursor_ev);
    assert_eq!(o.status.code(), Some(2));
    let v: Value = serde_json::from_str(text(&o.stdout).trim()).unwrap();
    assert_eq!(v["permission"], "deny");
}

#[test]
fn hmac_state_detects_tampering_and_missing_keys() {
    let dir = scratch("hmac");
    let key = dir.join("key");
    std::fs::write(&key, "a long random key\n").unwrap();
    let cfg = config(&dir, &format!("hmac_key_file = \"{}\"\n", key.display()));
    let ev = claude_pre("sess-h", "t1", "git push --force origin main");
    let o = hook(&dir, &cfg, "claude", &ev);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let file = dir.join("state").join(format!("{}.json", sha256_hex("sess-h")));
    let signed = std::fs::read_to_string(&file).unwrap();
    assert!(signed.contains("hmac_sha256"));

    // Reset the gate count in the body: the HMAC no longer matches.
    let tampered = signed.replace(r#"\\\"gate_count\\\":1"#, r#"\\\"gate_count\\\":0"#);
    assert_ne!(tampered, signed);
    std::fs::write(&file, &tampered).unwrap();
    let o = hook(&dir, &cfg, "claude", &ev);
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        err.contains("HMAC does not match") && err.contains(&file.display().to_string()),
        "{err}"
    );

    // Adding all_session without a key and dropping the HMAC: refused while a key is set.
    let (body, _) = (signed.clone(), ());
    let mut env: Value = serde_json::from_str(&body).unwrap();
    env.as_object_mut().unwrap().remove("hmac_sha256");
    std::fs::write(&file, env.to_string()).unwrap();
    let o = hook(&dir, &cfg, "claude", &ev);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("carries no HMAC"));

    // The key named by the environment variable works the same way.
    std::fs::write(&file, &signed).unwrap();
    let cfg_env = dir.join("c-env.toml");
    std::fs::write(&cfg_env, "state_dir = \"state\"\n").unwrap();
    let o = hook_env(
        &dir,
        &["--config", cfg_env.to_str().unwrap()],
        ev.to_string().as_bytes(),
        &[("CEDAR_HITL_HMAC_KEY_FILE", key.to_str().unwrap())],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    // ... and without any key, a signed file is refused rather than trusted.
    let o = hook(&dir, &cfg_env, "claude", &ev);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("no HMAC key is configured"));

    // An empty key file is refused.
    std::fs::write(&key, "\n").unwrap();
    let o = hook(&dir, &cfg, "claude", &ev);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("is empty"));
}

#[test]
fn twenty_concurrent_hooks_count_exactly_then_the_21st_is_rate_limited() {
    let dir = scratch("concurrent");
    let cfg = config(&dir, "");
    let children: Vec<_> = (0..20)
        .map(|i| {
            let ev = claude_pre("sess-c", &format!("toolu_{i:02}"), "git push --force origin main");
            let mut c = Command::new(BIN)
                .args(["hook", "--host", "claude", "--config", cfg.to_str().unwrap()])
                .current_dir(&dir)
                .env_remove("CEDAR_HITL_HMAC_KEY_FILE")
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap();
            c.stdin.take().unwrap().write_all(ev.to_string().as_bytes()).unwrap();
            c
        })
        .collect();
    let mut gates: Vec<String> = Vec::new();
    for c in children {
        let o = c.wait_with_output().unwrap();
        assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
        let v: Value = serde_json::from_str(text(&o.stdout).trim()).unwrap();
        assert_eq!(v["hookSpecificOutput"]["permissionDecision"], "ask");
        let r = v["hookSpecificOutput"]["permissionDecisionReason"].as_str().unwrap().to_owned();
        gates.push(r.split("gate ").nth(1).unwrap().to_owned());
    }
    // Every process saw a different count: no update was lost.
    gates.sort_by_key(|g| g.split('/').next().unwrap().parse::<u32>().unwrap());
    let want: Vec<String> = (1..=20).map(|i| format!("{i}/50)")).collect();
    assert_eq!(gates, want);
    let (body, snap) = state_of(&dir, "sess-c");
    assert_eq!(snap["gate_count"], 20);
    assert_eq!(snap["rate_ages_s"].as_array().unwrap().len(), 20);
    assert_eq!(body["pending"].as_array().unwrap().len(), 20);
    // One audit line per decision, each whole.
    let audit = std::fs::read_to_string(dir.join("audit.jsonl")).unwrap();
    assert_eq!(audit.lines().count(), 20);
    for l in audit.lines() {
        let v: Value = serde_json::from_str(l).unwrap();
        assert_eq!(
            (v["outcome"].as_str(), v["action"].as_str()),
            (Some("require_approval"), Some("ask"))
        );
    }

    // The 21st approval request within the window is refused with the rate-limit reason.
    let o = hook(
        &dir,
        &cfg,
        "claude",
        &claude_pre("sess-c", "toolu_21", "git push --force origin main"),
    );
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("approval-gate rate limit exceeded (20/min)"), "{err}");
    assert_eq!(state_of(&dir, "sess-c").1["gate_count"], 20, "a refused gate is not counted");
    let last: Value = serde_json::from_str(
        std::fs::read_to_string(dir.join("audit.jsonl")).unwrap().lines().last().unwrap(),
    )
    .unwrap();
    assert_eq!(last["action"], "rate_limit");

    // Another session is not limited by this one.
    let o =
        hook(&dir, &cfg, "claude", &claude_pre("sess-other", "t", "git push --force origin main"));
    assert_eq!(o.status.code(), Some(0));
}

#[test]
fn gate_cap_refuses_once_spent() {
    let dir = scratch("cap");
    let cfg = config(&dir, "approval_gate_cap = 2\n");
    for (i, code) in [(1, 0), (2, 0), (3, 2)] {
        let o = hook(
            &dir,
            &cfg,
            "claude",
            &claude_pre("s", &format!("t{i}"), "git push -f origin main"),
        );
        assert_eq!(o.status.code(), Some(code), "{i}: {}", text(&o.stderr));
    }
    let o = hook(&dir, &cfg, "claude", &claude_pre("s", "t4", "git push -f origin main"));
    assert!(text(&o.stderr).contains("approval-gate cap exceeded (2/task)"), "{}", text(&o.stderr));
}

#[test]
fn post_tool_use_records_the_approval_of_an_asked_call() {
    let dir = scratch("approve");
    let cfg = config(&dir, "");
    let o = hook(&dir, &cfg, "claude", &claude_pre("s", "toolu_A", "git push --force origin main"));
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(state_of(&dir, "s").0["pending"][0]["tool_use_id"], "toolu_A");
    // Another call's PostToolUse changes nothing.
    let mut post = claude_pre("s", "toolu_B", "ls");
    post["hook_event_name"] = "PostToolUse".into();
    post["tool_response"] = json!({"stdout": "", "stderr": ""});
    assert_eq!(hook(&dir, &cfg, "claude", &post).status.code(), Some(0));
    assert_eq!(state_of(&dir, "s").0["pending"].as_array().unwrap().len(), 1);
    // The PostToolUse of the asked call: the person approved it and it ran.
    post["tool_use_id"] = "toolu_A".into();
    assert_eq!(hook(&dir, &cfg, "claude", &post).status.code(), Some(0));
    let (body, snap) = state_of(&dir, "s");
    assert_eq!(body["pending"], json!([]));
    assert_eq!(snap["gate_count"], 1);
}

#[test]
fn initial_approvals_from_the_config_let_a_gated_call_through() {
    let dir = scratch("approvals");
    let cfg =
        config(&dir, "initial_approvals = [\"rule:force_push_any\", \"rule:force_push_main\"]\n");
    let o = hook(
        &dir,
        &cfg,
        "codex",
        &json!({"session_id": "x", "hook_event_name": "PreToolUse",
        "tool_name": "Bash", "tool_input": {"command": "git push --force origin main"}, "cwd": "/"}),
    );
    assert_eq!((o.status.code(), text(&o.stdout)), (Some(0), String::new()), "{}", text(&o.stderr));
}

#[test]
fn audit_log_holds_no_raw_secret_and_names_the_bundle() {
    let dir = scratch("audit");
    let cfg = config(&dir, "");
    let token = "ghp_abcdefghijklmnopqrstuvwxyz0123456789";
    let o = hook(&dir, &cfg, "claude", &claude_pre("s-audit", "t", &format!("echo {token}")));
    assert_eq!(o.status.code(), Some(0));
    let line = std::fs::read_to_string(dir.join("audit.jsonl")).unwrap();
    assert!(!line.contains(token), "{line}");
    let v: Value = serde_json::from_str(line.trim()).unwrap();
    for k in [
        "time",
        "session",
        "tool",
        "tool_input_sha256",
        "tool_input_preview",
        "outcome",
        "tier",
        "rule_ids",
        "fail_closed_cause",
        "cache_hit",
        "builtin_profile",
        "policy_fingerprint",
        "engine_version",
    ] {
        assert!(v.get(k).is_some(), "missing {k}: {v}");
    }
    assert_eq!((v["session"].as_str(), v["outcome"].as_str()), (Some("s-audit"), Some("allow")));
    assert_eq!(v["tool_input_sha256"].as_str().unwrap().len(), 64);
    assert!(v["tool_input_preview"].as_str().unwrap().contains("[REDACTED-GITHUB_TOKEN]"));
    // An audit log that cannot be written blocks.
    let cfg2 = dir.join("c2.toml");
    std::fs::write(&cfg2, "state_dir = \"state\"\naudit_log = \"no/such/dir/a.jsonl\"\n").unwrap();
    let o = hook(&dir, &cfg2, "claude", &claude_pre("s-audit", "t2", "ls"));
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("cannot append to audit log"), "{}", text(&o.stderr));
}

fn init(dir: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .arg("init")
        .args(args)
        .args(["--dir", dir.to_str().unwrap()])
        .output()
        .unwrap()
}

#[test]
fn init_merges_claude_settings_with_a_backup_and_is_idempotent() {
    let dir = scratch("init");
    std::fs::create_dir_all(dir.join(".claude")).unwrap();
    let before = json!({
        "permissions": {"allow": ["Bash(npm test)"]},
        "hooks": {"PreToolUse": [{"matcher": "Write", "hooks": [{"type": "command", "command": "fmt.sh"}]}]}
    });
    let settings = dir.join(".claude/settings.json");
    std::fs::write(&settings, before.to_string()).unwrap();
    let o = init(&dir, &["--host", "claude"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let after: Value = serde_json::from_str(&std::fs::read_to_string(&settings).unwrap()).unwrap();
    assert_eq!(after["permissions"], before["permissions"]);
    let pre = after["hooks"]["PreToolUse"].as_array().unwrap();
    assert_eq!(pre.len(), 2);
    assert_eq!(pre[0], before["hooks"]["PreToolUse"][0]);
    assert_eq!(pre[1]["matcher"], "*");
    assert_eq!(
        pre[1]["hooks"][0]["command"],
        "cedar-hitl hook --host claude --config \"$CLAUDE_PROJECT_DIR\"/.cedar-hitl.toml"
    );
    assert_eq!(
        after["hooks"]["PostToolUse"][0]["hooks"][0]["command"],
        pre[1]["hooks"][0]["command"]
    );
    let backup: Value = serde_json::from_str(
        &std::fs::read_to_string(dir.join(".claude/settings.json.bak")).unwrap(),
    )
    .unwrap();
    assert_eq!(backup, before);
    // The starter config it wrote is one the hook accepts.
    let cfg = dir.join(".cedar-hitl.toml");
    assert!(std::fs::read_to_string(&cfg).unwrap().contains("host = \"claude\""));
    let o = hook_env(
        &dir,
        &["--config", cfg.to_str().unwrap()],
        claude_pre("i", "t", "ls").to_string().as_bytes(),
        &[],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));

    // Twice: nothing added.
    let o = init(&dir, &["--host", "claude"]);
    assert!(text(&o.stdout).contains("already registered"));
    let again: Value = serde_json::from_str(&std::fs::read_to_string(&settings).unwrap()).unwrap();
    assert_eq!(again, after);

    // A settings file that is not JSON is left alone.
    std::fs::write(&settings, "{oops").unwrap();
    let o = init(&dir, &["--host", "claude"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(std::fs::read_to_string(&settings).unwrap(), "{oops");
}

#[test]
fn init_print_writes_nothing() {
    let dir = scratch("init-print");
    let o = init(&dir, &["--host", "claude", "--print"]);
    assert_eq!(o.status.code(), Some(0));
    let out = text(&o.stdout);
    assert!(
        out.contains("\"PreToolUse\"") && out.contains("cedar-hitl hook --host claude"),
        "{out}"
    );
    assert!(out.contains("approval_gate_cap = 50"));
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0);
    for (host, needle) in
        [("codex", "PreToolUse"), ("gemini", "BeforeTool"), ("cursor", "beforeShellExecution")]
    {
        let o = init(&dir, &["--host", host, "--print"]);
        assert!(text(&o.stdout).contains(needle), "{host}");
    }
}

#[test]
fn a_path_shaped_session_id_stays_inside_the_state_folder() {
    let dir = scratch("traversal");
    let cfg = config(&dir, "");
    let id = "../../escape";
    let o = hook(&dir, &cfg, "claude", &claude_pre(id, "t", "ls"));
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let mut names: Vec<String> = std::fs::read_dir(dir.join("state"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let stem = sha256_hex(id);
    assert_eq!(names, [format!("{stem}.json"), format!("{stem}.lock")]);
    assert!(!dir.join("escape").exists() && !dir.parent().unwrap().join("escape.json").exists());
}

#[test]
fn an_oversized_event_is_refused_not_cut() {
    let dir = scratch("huge");
    let cfg = config(&dir, "");
    // A valid event padded past 8 MiB: cutting it would decide a different call.
    let ev = claude_pre("s", "t", &format!("ls {}", "a".repeat(9 * 1024 * 1024)));
    let o = hook(&dir, &cfg, "claude", &ev);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("larger than 8388608 bytes"), "{}", text(&o.stderr));
}
