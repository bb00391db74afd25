//! Runs the shared contract fixtures (`contracts/cedar-parity`, `contracts/decisions`,
//! `contracts/functions`; formats in `contracts/README.md`) against the Rust core. The Python and
//! Node suites run the same files through their bindings.

use cedar_hitl_core::cedar_parity::{self, EntityRef};
use cedar_hitl_core::*;
use serde_json::{Map, Value, json};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The outcome of one fixture file.
#[derive(Debug, Clone)]
pub struct FileReport {
    /// The file.
    pub path: PathBuf,
    /// Expectations checked.
    pub checked: usize,
    /// Failure messages (empty = pass).
    pub failures: Vec<String>,
}

/// Every file of one contract folder, sorted by name. An empty or missing folder is an error:
/// a runner that ran nothing must not pass.
pub fn fixture_files(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(format!("{}: no fixture files", dir.display()));
    }
    Ok(files)
}

/// Run every fixture under `root` (a `contracts/` folder): one report per file.
pub fn run_all(root: &Path) -> Result<Vec<FileReport>, String> {
    let mut reports = Vec::new();
    for (sub, run) in [
        ("cedar-parity", run_parity_file as fn(&Value) -> Checks),
        ("decisions", run_decisions_file),
        ("functions", run_functions_file),
        ("shell", run_shell_file),
    ] {
        for path in fixture_files(&root.join(sub))? {
            let text =
                std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            let report = match serde_json::from_str::<Value>(&text) {
                Ok(v) => {
                    let c = run(&v);
                    FileReport { path, checked: c.checked, failures: c.failures }
                }
                Err(e) => FileReport { path, checked: 0, failures: vec![format!("not JSON: {e}")] },
            };
            reports.push(report);
        }
    }
    Ok(reports)
}

#[derive(Default)]
struct Checks {
    checked: usize,
    failures: Vec<String>,
}

impl Checks {
    fn eq(&mut self, at: &str, what: &str, got: &Value, want: &Value) {
        self.checked += 1;
        if got != want {
            self.failures.push(format!("{at}: {what}: got {got}, want {want}"));
        }
    }
    fn fail(&mut self, at: &str, msg: impl std::fmt::Display) {
        self.checked += 1;
        self.failures.push(format!("{at}: {msg}"));
    }
}

fn s<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

fn strings(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|a| a.iter().filter_map(|x| x.as_str().map(str::to_owned)).collect())
        .unwrap_or_default()
}

fn run_parity_file(f: &Value) -> Checks {
    let mut c = Checks::default();
    let at = s(f, "name").unwrap_or("?").to_owned();
    let input = &f["input"];
    let entity = |k: &str| {
        serde_json::from_value::<EntityRef>(input[k].clone()).map_err(|e| format!("input.{k}: {e}"))
    };
    let run = || -> Result<cedar_parity::ParityResult, String> {
        let ctx = input.get("context").cloned().unwrap_or(json!({}));
        cedar_parity::evaluate(
            s(f, "policies").ok_or("missing policies")?,
            &entity("principal")?,
            &entity("action")?,
            &entity("resource")?,
            &JsonValue::from(ctx),
        )
    };
    match run() {
        Err(e) => c.fail(&at, e),
        Ok(r) => {
            let exp = &f["expected"];
            c.eq(&at, "decision", &json!(r.decision), &exp["decision"]);
            let mut want = strings(exp.get("matching_rule_ids"));
            want.sort();
            c.eq(&at, "matching_rule_ids", &json!(r.matching_rule_ids), &json!(want));
            if let Some(e) = exp.get("errors") {
                c.eq(&at, "errors", &json!(r.errors), e);
            }
        }
    }
    c
}

/// A fresh manual clock at the fixture epoch.
pub const FIXTURE_EPOCH_UNIX_S: f64 = 1_700_000_000.0;

fn build_bundle(b: &Value) -> Result<PolicyBundle, Error> {
    // The core parses the profile name, so an unknown one is the same CONFIG error as elsewhere.
    let profile =
        s(b, "builtins").map(str::parse::<BuiltinProfile>).transpose()?.unwrap_or_default();
    let mut builder = PolicyBundle::builder()
        .builtins(profile)
        .blueprint_hard(s(b, "blueprint_hard").unwrap_or(""))
        .blueprint_soft(s(b, "blueprint_soft").unwrap_or(""))
        .disable(strings(b.get("disable")))
        .extra_policies(strings(b.get("extra_policies")));
    let map = |v: &Value| -> Vec<(String, String)> {
        v.as_object()
            .map(|o| {
                o.iter().map(|(k, v)| (k.clone(), v.as_str().unwrap_or("").to_owned())).collect()
            })
            .unwrap_or_default()
    };
    if let Some(w) = b.get("write_tools") {
        builder = builder.write_tools(map(w));
    }
    if let Some(sh) = b.get("shell_tools") {
        builder = builder.shell_tools(map(sh));
    }
    Ok(builder.build()?)
}

fn session_config(v: &Value) -> Result<SessionConfig, String> {
    let mut m: Map<String, Value> = v.as_object().cloned().unwrap_or_default();
    m.entry("repo").or_insert(json!("o/r"));
    serde_json::from_value(Value::Object(m)).map_err(|e| format!("session: {e}"))
}

fn error_json(e: &Error) -> Value {
    match e {
        Error::Load(l) => {
            json!({"type": "load", "kind": l.kind().as_str(), "rule_id": l.rule_id(), "field": l.field(), "message": l.message()})
        }
        Error::Scope(sc) => json!({"type": "scope", "field": sc.field(), "message": sc.message()}),
        Error::Config(cf) => {
            json!({"type": "config", "field": cf.field(), "message": cf.message()})
        }
        // `Error` is non-exhaustive: a kind added later still reports its message.
        other => json!({"type": "other", "message": other.to_string()}),
    }
}

fn check_error(c: &mut Checks, at: &str, got: &Value, want: &Value) {
    for (k, v) in want.as_object().into_iter().flatten() {
        match k.as_str() {
            "message_contains" => {
                let msg = got["message"].as_str().unwrap_or("");
                for frag in strings(Some(v)) {
                    c.checked += 1;
                    if !msg.contains(&frag) {
                        c.failures.push(format!("{at}: error message {msg:?} lacks {frag:?}"));
                    }
                }
            }
            "type" | "kind" | "rule_id" | "field" => c.eq(at, &format!("error.{k}"), &got[k], v),
            other => c.fail(at, format!("unknown expect_error key {other:?}")),
        }
    }
}

const DECISION_KEYS: [&str; 9] = [
    "outcome",
    "reason",
    "tier",
    "matching_rule_ids",
    "timeout_s",
    "severity",
    "fail_closed",
    "fail_closed_cause",
    "cache_hit",
];

fn check_decision(c: &mut Checks, at: &str, d: &Decision, want: &Value) {
    let got = d.to_json();
    for (k, v) in want.as_object().into_iter().flatten() {
        if !DECISION_KEYS.contains(&k.as_str()) {
            c.fail(at, format!("unknown expect key {k:?}"));
        } else if k == "cache_hit" && v.is_object() {
            let hit = &got["cache_hit"];
            if hit.is_null() {
                c.fail(at, "cache_hit: got null");
                continue;
            }
            for (hk, hv) in v.as_object().into_iter().flatten() {
                c.eq(at, &format!("cache_hit.{hk}"), &hit[hk], hv);
            }
        } else {
            c.eq(at, k, &got[k], v);
        }
    }
}

fn run_decisions_file(f: &Value) -> Checks {
    let mut c = Checks::default();
    let file = s(f, "name").unwrap_or("?").to_owned();
    for (i, sc) in f["scenarios"].as_array().into_iter().flatten().enumerate() {
        let at = format!("{file} / {} ", s(sc, "name").unwrap_or(&i.to_string()));
        run_scenario(&mut c, &at, sc);
    }
    if c.checked == 0 {
        c.fail(&file, "no expectations");
    }
    c
}

fn run_scenario(c: &mut Checks, at: &str, sc: &Value) {
    let clock = Arc::new(ManualClock::new(FIXTURE_EPOCH_UNIX_S));
    let cfg = match session_config(sc.get("session").unwrap_or(&json!({}))) {
        Ok(cfg) => cfg,
        Err(m) => return c.fail(at, m),
    };
    let built = (|| -> Result<(Arc<PolicyBundle>, Session), Error> {
        let bundle = Arc::new(build_bundle(sc.get("bundle").unwrap_or(&json!({})))?);
        let session = Session::with_clock(bundle.clone(), cfg, clock.clone())?;
        Ok((bundle, session))
    })();
    if let Some(want) = sc.get("expect_error") {
        match &built {
            Ok(_) => c.fail(at, "construction succeeded, expected an error"),
            Err(e) => check_error(c, at, &error_json(e), want),
        }
        return;
    }
    let (bundle, mut session) = match built {
        Ok(x) => x,
        Err(e) => return c.fail(at, format!("construction failed: {e}")),
    };
    if let Some(want) = sc.get("expect_warnings") {
        let got: Vec<Value> = bundle
            .warnings()
            .iter()
            .map(|w| json!({"rule_id": w.rule_id(), "field": w.field()}))
            .collect();
        c.eq(at, "warnings", &json!(got), want);
    }
    for (n, step) in sc["steps"].as_array().into_iter().flatten().enumerate() {
        let at = format!("{at}step {n}");
        run_step(c, &at, step, &bundle, &mut session, &clock);
    }
}

fn call_of(v: &Value) -> ToolCall {
    ToolCall::new(
        s(v, "tool_name").unwrap_or(""),
        JsonValue::from(v.get("tool_input").cloned().unwrap_or(Value::Null)),
    )
}

fn opt(v: &Value, key: &str) -> Option<String> {
    s(v, key).map(str::to_owned)
}

fn run_step(
    c: &mut Checks,
    at: &str,
    step: &Value,
    bundle: &Arc<PolicyBundle>,
    session: &mut Session,
    clock: &Arc<ManualClock>,
) {
    let obj = step.as_object().cloned().unwrap_or_default();
    let action = obj
        .keys()
        .find(|k| !matches!(k.as_str(), "expect" | "expect_error"))
        .cloned()
        .unwrap_or_default();
    let arg = &step[&action];
    let expect = step.get("expect");
    let expect_error = step.get("expect_error");
    let result_err = |c: &mut Checks, r: Result<(), Value>| match (r, expect_error) {
        (Ok(()), Some(_)) => c.fail(at, "succeeded, expected an error"),
        (Err(e), Some(want)) => check_error(c, at, &e, want),
        (Err(e), None) => c.fail(at, format!("unexpected error {e}")),
        (Ok(()), None) => {}
    };
    match action.as_str() {
        "evaluate" => match expect {
            Some(want) => check_decision(c, at, &session.evaluate(&call_of(arg)), want),
            None => c.fail(at, "evaluate step without expect"),
        },
        "explain" => match expect {
            Some(want) => check_explanation(c, at, &session.explain(&call_of(arg)).to_json(), want),
            None => c.fail(at, "explain step without expect"),
        },
        "record_outcome" => {
            let call = call_of(arg);
            let r = s(arg, "resolution")
                .unwrap_or("")
                .parse::<ResolutionKind>()
                .and_then(|kind| {
                    Resolution::from_parts(
                        kind,
                        opt(arg, "scope"),
                        opt(arg, "request_id"),
                        opt(arg, "reason"),
                        opt(arg, "decided_at"),
                    )
                })
                .map_err(|e| error_json(&e.into()))
                .and_then(|res| {
                    session
                        .record_outcome(&call, &strings(arg.get("matching_rule_ids")), res)
                        .map_err(|e| error_json(&e.into()))
                });
            match r {
                Ok(effect) => {
                    result_err(c, Ok(()));
                    for (k, v) in expect.and_then(Value::as_object).into_iter().flatten() {
                        match k.as_str() {
                            "agent_reason" => c.eq(at, k, &json!(effect.agent_reason), v),
                            "agent_reason_starts_with" => {
                                c.checked += 1;
                                if !effect.agent_reason.starts_with(v.as_str().unwrap_or("")) {
                                    c.failures.push(format!(
                                        "{at}: agent_reason {:?} does not start with {v}",
                                        effect.agent_reason
                                    ));
                                }
                            }
                            other => c.fail(at, format!("unknown expect key {other:?}")),
                        }
                    }
                }
                Err(e) => result_err(c, Err(e)),
            }
        }
        "add_scope" => {
            let r = session
                .add_scope(arg.as_str().unwrap_or(""))
                .map(|_| ())
                .map_err(|e| error_json(&e.into()));
            result_err(c, r);
        }
        "record_input_decision" => {
            let r = s(arg, "decision")
                .unwrap_or("")
                .parse::<CachedDecision>()
                .map_err(|e| error_json(&e.into()))
                .and_then(|d| {
                    let hash = tool_input_sha256(call_of(arg).input())
                        .map_err(|u| json!({"type": "config", "message": u.0}))?;
                    session.record_input_decision(
                        s(arg, "tool_name").unwrap_or(""),
                        &hash,
                        d,
                        s(arg, "reason"),
                        s(arg, "decided_at"),
                    );
                    Ok(())
                });
            result_err(c, r);
        }
        "record_rule_decision" => {
            let r = session
                .record_rule_decision(
                    s(arg, "tool_name").unwrap_or(""),
                    &strings(arg.get("rule_ids")),
                    CachedDecision::Denied,
                    s(arg, "reason"),
                    s(arg, "decided_at"),
                )
                .map_err(|e| error_json(&e.into()));
            result_err(c, r);
        }
        "advance_clock" => clock.advance(arg.as_f64().unwrap_or(0.0)),
        "snapshot_restore" => {
            match Session::restore_with_clock(bundle.clone(), &session.snapshot(), clock.clone()) {
                Ok(s) => *session = s,
                Err(e) => c.fail(at, format!("restore failed: {e}")),
            }
        }
        "increment_gate_count" => {
            session.increment_gate_count();
        }
        "record_gate_timestamp" => session.record_gate_timestamp(None),
        "mark_ceiling_shrinking" => {
            let got = session.mark_ceiling_shrinking();
            if let Some(want) = expect {
                c.eq(at, "mark_ceiling_shrinking", &json!(got), want);
            }
        }
        "drain_denials" => {
            let got = json!(session.drain_denials());
            if let Some(want) = expect {
                c.eq(at, "drain_denials", &got, want);
            }
        }
        "begin_gate" => {
            let admission =
                session.begin_gate(arg["timeout_s"].as_i64(), arg["remaining_lifetime_s"].as_i64());
            let got = json!(GateAdmissionRecord::from(admission));
            for (k, v) in expect.and_then(Value::as_object).into_iter().flatten() {
                if ["admitted", "reason", "effective_timeout_s", "clip", "ceiling_shrinking"]
                    .contains(&k.as_str())
                {
                    c.eq(at, k, &got[k], v);
                } else {
                    c.fail(at, format!("unknown expect key {k:?}"));
                }
            }
        }
        "expect_state" => {
            let view = session.allowlist();
            let got = json!({
                "gate_count": session.gate_count(),
                "approvals_in_window": session.approvals_in_window(),
                "input_cache_len": session.input_cache_len(),
                "rule_cache_len": session.rule_cache_len(),
                "rule_scope_ids": view.rule_ids,
            });
            for (k, v) in arg.as_object().into_iter().flatten() {
                if k == "rule_scope_ids" {
                    // Compared as a set (contracts/README.md).
                    let (mut g, mut w) = (strings(got.get(k)), strings(Some(v)));
                    g.sort();
                    w.sort();
                    c.eq(at, k, &json!(g), &json!(w));
                } else if got.get(k).is_some() {
                    c.eq(at, k, &got[k], v);
                } else {
                    c.fail(at, format!("unknown state key {k:?}"));
                }
            }
        }
        other => c.fail(at, format!("unknown step {other:?}")),
    }
}

fn run_functions_file(f: &Value) -> Checks {
    let mut c = Checks::default();
    let name = s(f, "function").unwrap_or("?").to_owned();
    for (i, case) in f["cases"].as_array().into_iter().flatten().enumerate() {
        let at = format!("{name} case {i}");
        let args = case["args"].as_array().cloned().unwrap_or_default();
        let a = |n: usize| args.get(n).cloned().unwrap_or(Value::Null);
        let text = |n: usize| a(n).as_str().unwrap_or("").to_owned();
        let got: Result<Value, String> = match name.as_str() {
            "tool_input_sha256" => {
                tool_input_sha256(&JsonValue::from(a(0))).map(|h| json!(h)).map_err(|u| u.0)
            }
            "canonical_json" => {
                canonical_json(&JsonValue::from(a(0))).map(|h| json!(h)).map_err(|u| u.0)
            }
            "truncate" => Ok(json!(truncate(&text(0), a(1).as_u64().unwrap_or(0) as usize))),
            "is_degenerate_pattern" => Ok(json!(is_degenerate_pattern(&text(0)))),
            "parse_approval_scope" => parse_approval_scope(&text(0))
                .map(|s| json!(s.to_string()))
                .map_err(|e| e.to_string()),
            "effective_timeout" => {
                let t = effective_timeout(a(0).as_i64(), a(1).as_i64().unwrap_or(0), a(2).as_i64());
                Ok(json!(t))
            }
            "strip_controls" => Ok(json!(strip_controls(&text(0)))),
            "redact_secrets" => Ok(json!(redact_secrets(&text(0)))),
            "scan_secrets" => {
                let r = scan_secrets(&text(0));
                let labels: Vec<&str> = r.findings.iter().map(|k| k.label()).collect();
                Ok(json!({"text": r.text, "findings": labels}))
            }
            "tool_input_preview" => {
                let input = JsonValue::from(a(1));
                Ok(json!(match a(0).as_str() {
                    Some(tool) => tool_input_preview_for(tool, &input),
                    None => tool_input_preview(&input),
                }))
            }
            "scan_deny_reason" => Ok(json!(scan_deny_reason(&text(0)))),
            "denial_envelope" => serde_json::from_value::<Vec<DenialEntry>>(a(0))
                .map(|e| json!(denial_envelope(&e)))
                .map_err(|e| e.to_string()),
            "fingerprints_equal" => match (build_bundle(&a(0)), build_bundle(&a(1))) {
                (Ok(x), Ok(y)) => Ok(json!(x.fingerprint() == y.fingerprint())),
                (Err(e), _) | (_, Err(e)) => Err(e.to_string()),
            },
            other => Err(format!("unknown function {other:?}")),
        };
        match (got, case.get("expect"), case.get("expect_error")) {
            (Ok(g), Some(want), _) => c.eq(&at, "result", &g, want),
            (Err(e), _, Some(want)) => check_error(&mut c, &at, &json!({"message": e}), want),
            (Ok(g), None, _) => c.fail(&at, format!("expected an error, got {g}")),
            (Err(e), _, None) => c.fail(&at, format!("unexpected error: {e}")),
        }
    }
    if c.checked == 0 {
        c.fail(&name, "no cases");
    }
    c
}

/// `contracts/shell/*.json`: command → expected simple commands, facts and writes
/// (contracts/README.md §4).
fn run_shell_file(f: &Value) -> Checks {
    let mut c = Checks::default();
    let name = f["name"].as_str().unwrap_or("?");
    let cases = f["cases"].as_array().cloned().unwrap_or_default();
    if cases.is_empty() {
        c.fail(name, "no cases");
    }
    for (i, case) in cases.iter().enumerate() {
        let at = format!("{name} case {i}");
        let Some(command) = case["command"].as_str() else {
            c.fail(&at, "missing command");
            continue;
        };
        let got =
            serde_json::to_value(cedar_hitl_core::shell::parse(command)).unwrap_or(Value::Null);
        let opaque = !got["opaque"].is_null()
            || got["commands"].as_array().into_iter().flatten().any(|c| c["opaque"] == json!(true));
        compare_shell(&mut c, &at, &got, opaque, &case["expect"]);
    }
    c
}

/// Compare a parse (as JSON) with a shell fixture's `expect`: only the keys present; lists of
/// commands and writes must have the same length and order.
fn compare_shell(c: &mut Checks, at: &str, got: &Value, opaque: bool, want: &Value) {
    for (k, v) in want.as_object().into_iter().flatten() {
        match k.as_str() {
            "opaque" => c.eq(at, "opaque", &json!(opaque), v),
            "commands" | "writes" => {
                let got_list = got[k].as_array().cloned().unwrap_or_default();
                let want_list = v.as_array().cloned().unwrap_or_default();
                c.eq(at, &format!("{k}.length"), &json!(got_list.len()), &json!(want_list.len()));
                for (j, (g, w)) in got_list.iter().zip(&want_list).enumerate() {
                    for (field, wv) in w.as_object().into_iter().flatten() {
                        let gv = if k == "writes" && field == "classes" {
                            &g["facts"]["classes"]
                        } else {
                            &g[field]
                        };
                        c.eq(at, &format!("{k}[{j}].{field}"), gv, wv);
                    }
                }
            }
            other => c.fail(at, format!("unknown expect key {other:?}")),
        }
    }
}

/// Compare an explanation (as JSON) with an `explain` step's `expect` (contracts/README.md §2.7):
/// `outcome`, `steps` (the step kinds in order) and `evaluations` (each Cedar evaluation as
/// `[tier, action, subject, [matched ids]]`), each only when present.
fn check_explanation(c: &mut Checks, at: &str, got: &Value, want: &Value) {
    let steps = got["steps"].as_array().cloned().unwrap_or_default();
    for (k, v) in want.as_object().into_iter().flatten() {
        match k.as_str() {
            "outcome" => c.eq(at, "explain.outcome", &got["decision"]["outcome"], v),
            "steps" => c.eq(
                at,
                "explain.steps",
                &json!(steps.iter().map(|s| s["step"].clone()).collect::<Vec<_>>()),
                v,
            ),
            "evaluations" => {
                let evals: Vec<Value> = steps
                    .iter()
                    .filter(|s| s["step"] == "cedar_evaluation")
                    .map(|s| json!([s["tier"], s["action"], s["subject"], s["matched"]]))
                    .collect();
                c.eq(at, "explain.evaluations", &json!(evals), v);
            }
            other => c.fail(at, format!("unknown explain expect key {other:?}")),
        }
    }
}
