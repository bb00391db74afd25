//! `cedar-hitl hook`: answer one agent-host hook event read from stdin (docs/hosts.md).
//!
//! Fail closed in the host's terms: every error — unreadable or malformed input, a bad config,
//! unusable state, an unwritable audit log, even a panic — is a block (exit 2 with a message),
//! because on Claude Code any other non-zero exit lets the tool run.

use cedar_hitl_core::{
    AuditRecord, Decision, Outcome, PolicyBundle, Resolution, Severity, ToolCall,
    agent_deny_reason, append_audit_record, scan_secrets, strip_controls,
};
use serde_json::Value;
use std::io::Read;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

pub(crate) mod config;
pub mod hosts;
pub mod init;
pub(crate) mod state;

use config::{AllowOutput, HookConfig};
use hosts::{Answer, Event, Host, PostEvent, PreEvent, Reply};

/// Arguments of `cedar-hitl hook`.
///
/// ```
/// use cedar_hitl_cli::hook::{HookArgs, hosts::Host};
/// let args = HookArgs { host: Some(Host::Codex), config: None };
/// assert_eq!(args.host.unwrap().as_str(), "codex");
/// ```
#[derive(clap::Args, Debug, Clone, Default)]
pub struct HookArgs {
    /// The agent host speaking (default: the config's `host`, else claude).
    #[arg(long, value_enum)]
    pub host: Option<Host>,
    /// The config file (default: the nearest .cedar-hitl.toml from the working directory up).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

/// Largest event read from stdin; a larger one is refused, not cut.
const MAX_EVENT_BYTES: u64 = 8 * 1024 * 1024;

/// Run the hook on the process's stdin and print the reply; returns the exit code (what
/// `cedar-hitl hook` does).
///
/// ```no_run
/// let code = cedar_hitl_cli::hook::main(cedar_hitl_cli::hook::HookArgs::default());
/// ```
pub fn main(args: HookArgs) -> std::process::ExitCode {
    // The block message names the panic; the default hook's backtrace would only be noise in
    // the reason the host shows.
    std::panic::set_hook(Box::new(|_| {}));
    let mut input = Vec::new();
    let read = std::io::stdin().take(MAX_EVENT_BYTES + 1).read_to_end(&mut input);
    let reply = match read {
        Ok(_) => run(&args, &input),
        Err(e) => hosts::fail_closed(
            args.host.unwrap_or(Host::Claude),
            &format!("cedar-hitl: cannot read the hook event from stdin: {e}"),
        ),
    };
    emit(&reply)
}

/// Print a reply; a reply that cannot be printed in full is a block.
fn emit(reply: &Reply) -> std::process::ExitCode {
    use std::io::Write;
    let out = std::io::stdout().lock().write_all(reply.stdout.as_bytes());
    let mut err = std::io::stderr().lock();
    let _ = err.write_all(reply.stderr.as_bytes());
    match out.and_then(|_| std::io::stdout().lock().flush()) {
        Ok(()) => std::process::ExitCode::from(reply.code),
        Err(e) => {
            let _ = writeln!(err, "cedar-hitl: cannot write the answer to stdout: {e}");
            std::process::ExitCode::from(2)
        }
    }
}

/// Decide one event (`input` is the raw stdin). Never panics: a panic inside becomes a block.
///
/// ```
/// use cedar_hitl_cli::hook::{run, HookArgs, hosts::Host};
/// let args = HookArgs { host: Some(Host::Claude), config: Some("/nonexistent.toml".into()) };
/// let reply = run(&args, b"not json");
/// assert_eq!(reply.code, 2); // every failure blocks
/// assert!(reply.stderr.contains("cannot read config /nonexistent.toml"));
/// ```
pub fn run(args: &HookArgs, input: &[u8]) -> Reply {
    let fallback = args.host.unwrap_or(Host::Claude);
    let host = std::cell::Cell::new(fallback);
    let result = catch_unwind(AssertUnwindSafe(|| decide(args, input, &host)));
    match result {
        Ok(Ok(reply)) => reply,
        Ok(Err(msg)) => {
            hosts::fail_closed(host.get(), &agent_deny_reason(Some(&format!("cedar-hitl: {msg}"))))
        }
        Err(panic) => {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            hosts::fail_closed(
                host.get(),
                &agent_deny_reason(Some(&format!(
                    "cedar-hitl: internal error (panic: {what}); the call is blocked"
                ))),
            )
        }
    }
}

fn decide(
    args: &HookArgs,
    input: &[u8],
    host_out: &std::cell::Cell<Host>,
) -> Result<Reply, String> {
    // Debug builds only: lets the tests prove a panic is still a block (exit 2, not 101).
    #[cfg(debug_assertions)]
    if std::env::var_os("CEDAR_HITL_HOOK_TEST_PANIC").is_some() {
        panic!("test panic requested");
    }
    if input.len() as u64 > MAX_EVENT_BYTES {
        return Err(format!("the hook event is larger than {MAX_EVENT_BYTES} bytes"));
    }
    let cwd = std::env::current_dir().map_err(|e| format!("no working directory: {e}"))?;
    let cfg = HookConfig::find(args.config.as_deref(), &cwd)?;
    let host = args.host.or(cfg.host).unwrap_or(Host::Claude);
    host_out.set(host);
    if input.iter().all(u8::is_ascii_whitespace) {
        return Err("empty stdin: expected one hook event as JSON".into());
    }
    let value: Value = serde_json::from_slice(input)
        .map_err(|e| format!("the hook event on stdin is not valid JSON: {e}"))?;
    let event = hosts::parse(host, &value)?;
    let bundle = cfg.bundle()?;
    let key = cfg.hmac_key()?;
    let dir = match &cfg.state_dir {
        Some(d) => d.clone(),
        None => state::default_dir()?,
    };
    let answer = match event {
        Event::Pre(pre) => {
            let session_id = pre.session_id.clone();
            let mut st = state::open(&dir, &session_id, bundle.clone(), &cfg.session, key)?;
            let (answer, audit) = pre_tool(&cfg, &bundle, &mut st, &pre);
            st.save()?;
            if let Some(log) = &cfg.audit_log {
                for record in audit {
                    append_audit_record(log, &record).map_err(|e| {
                        format!("cannot append to audit log {}: {e}", log.display())
                    })?;
                }
            }
            answer
        }
        Event::Post(post) => {
            let mut st = state::open(&dir, &post.session_id, bundle.clone(), &cfg.session, key)?;
            let answer = post_tool(&mut st, &post);
            st.save()?;
            answer
        }
    };
    Ok(hosts::render(host, &answer))
}

/// The most restrictive decision of several (DENY, then REQUIRE_APPROVAL, then ALLOW), first
/// of its kind.
fn strictest(decisions: &[(ToolCall, Decision)]) -> Option<usize> {
    let rank = |o: Outcome| match o {
        Outcome::Deny => 0,
        Outcome::RequireApproval => 1,
        Outcome::Allow => 2,
    };
    (0..decisions.len()).min_by_key(|&i| rank(decisions[i].1.outcome()))
}

fn pre_tool(
    cfg: &HookConfig,
    bundle: &PolicyBundle,
    st: &mut state::Locked,
    pre: &PreEvent,
) -> (Answer, Vec<AuditRecord>) {
    let decisions: Vec<(ToolCall, Decision)> =
        pre.calls.iter().map(|c| (c.clone(), st.session.evaluate(c))).collect();
    let mut audit: Vec<AuditRecord> =
        decisions.iter().map(|(c, d)| AuditRecord::new(&pre.session_id, c, d, bundle)).collect();
    let protected = pre.calls.iter().position(|c| writes_protected_file(cfg, bundle, c));
    let Some(i) = strictest(&decisions) else {
        return (Answer::Deny { reason: "cedar-hitl: the event holds no tool call".into() }, audit);
    };
    let tool = hosts::echo(&pre.host_tool);
    if let Some(p) = protected {
        audit[p].action = Some("deny_protected_file".into());
        let reason = agent_deny_reason(Some(&format!(
            "cedar-hitl denied {tool}: it writes cedar-hitl's own config or state, or the host's hook settings"
        )));
        return (Answer::Deny { reason }, audit);
    }
    let (call, d) = &decisions[i];
    let rules = d.matching_rule_ids().join(", ");
    let answer = match d.outcome() {
        Outcome::Allow => Answer::Allow { explicit: cfg.allow_output == AllowOutput::Allow },
        Outcome::Deny => Answer::Deny {
            reason: agent_deny_reason(Some(&format!("cedar-hitl denied {tool}: {}", d.reason()))),
        },
        Outcome::RequireApproval if !pre.can_ask => {
            audit[i].action = Some("deny_no_ask".into());
            let scopes: Vec<String> =
                d.matching_rule_ids().iter().map(|r| format!("\"rule:{r}\"")).collect();
            let file = cfg
                .path
                .as_deref()
                .map(|p| p.display().to_string())
                .unwrap_or_else(|| config::CONFIG_FILE_NAME.to_owned());
            Answer::Deny {
                reason: agent_deny_reason(Some(&format!(
                    "cedar-hitl: {tool} needs a person's approval (rules: {rules}; severity: {}), and this host cannot ask from a hook, so it is blocked. To grant it, a person adds initial_approvals = [{}] to {file}, or runs it themselves.",
                    severity(d),
                    scopes.join(", "),
                ))),
            }
        }
        Outcome::RequireApproval => {
            let timeout = d.timeout_s().map(i64::from);
            match st.session.begin_gate(timeout, None) {
                cedar_hitl_core::GateAdmission::Admitted { timeout, gate_count, .. } => {
                    audit[i].action = Some("ask".into());
                    if let Some(id) = &pre.tool_use_id {
                        st.add_pending(state::Pending {
                            tool_use_id: id.clone(),
                            tool: call.tool_name().to_owned(),
                            rule_ids: d.matching_rule_ids().to_vec(),
                            opened_at_unix_s: st.session.clock().unix_s(),
                        });
                    }
                    Answer::Ask {
                        reason: agent_deny_reason(Some(&format!(
                            "cedar-hitl: {tool} needs approval (rules: {rules}; severity: {}; timeout: {}s; gate {gate_count}/{})",
                            severity(d),
                            timeout.effective_s,
                            cfg.session.approval_gate_cap,
                        ))),
                    }
                }
                cedar_hitl_core::GateAdmission::Refused { refusal, reason } => {
                    audit[i].action = Some(refusal.as_str().into());
                    Answer::Deny {
                        reason: agent_deny_reason(Some(&format!(
                            "cedar-hitl denied {tool}: it needs approval (rules: {rules}), but {reason}"
                        ))),
                    }
                }
            }
        }
    };
    (answer, audit)
}

fn severity(d: &Decision) -> &'static str {
    d.severity().map(Severity::as_str).unwrap_or("unspecified")
}

/// A write to the loaded config, any `.cedar-hitl.toml`, the state folder, or a Claude Code
/// settings file would let the agent switch the gate off; the hook refuses it whatever the
/// rules say. (A shell command can still reach them: the built-in rules and the host's own
/// permissions are the guard there; docs/hosts.md.)
fn writes_protected_file(cfg: &HookConfig, bundle: &PolicyBundle, call: &ToolCall) -> bool {
    let Some(key) =
        bundle.write_tools().iter().find(|(t, _)| t == call.tool_name()).map(|(_, k)| k)
    else {
        return false;
    };
    let Some(path) = call.input().get(key).and_then(|v| v.as_str()) else {
        return false;
    };
    let p = Path::new(path);
    let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let parent = p.parent().and_then(|d| d.file_name()).and_then(|n| n.to_str()).unwrap_or("");
    // Case-insensitive: on a case-insensitive file system `.CEDAR-HITL.TOML` is the same file.
    let (name, parent) = (name.to_ascii_lowercase(), parent.to_ascii_lowercase());
    if name == config::CONFIG_FILE_NAME
        || (parent == ".claude" && name.starts_with("settings") && name.ends_with(".json"))
    {
        return true;
    }
    let same = |a: &Path| p == a || (p.is_absolute() && p.starts_with(a));
    cfg.path.as_deref().is_some_and(same) || cfg.state_dir.as_deref().is_some_and(same)
}

fn post_tool(st: &mut state::Locked, post: &PostEvent) -> Answer {
    // A PostToolUse for a call the hook asked about means a person approved it and it ran.
    if let Some(id) = &post.tool_use_id
        && let Some(p) = st.take_pending(id)
    {
        let call = ToolCall::new(p.tool, serde_json::json!({}));
        // `this_call` always parses; nothing else can fail here.
        let _ = st.session.record_outcome(&call, &p.rule_ids, Resolution::Approved { scope: None });
    }
    let mut kinds: Vec<&'static str> = Vec::new();
    let redacted = redact(&post.output, &mut kinds);
    if kinds.is_empty() {
        return Answer::PostClean;
    }
    let warning = agent_deny_reason(Some(&format!(
        "cedar-hitl: the output of {} contained secrets ({}); they were redacted. Do not repeat, store or use them.",
        hosts::echo(&post.host_tool),
        kinds.join(", ")
    )));
    Answer::PostRedacted { redacted, warning, mcp: post.host_tool.starts_with("mcp__") }
}

/// Every string in `v` through the secret scanner, keeping the shape.
fn redact(v: &Value, kinds: &mut Vec<&'static str>) -> Value {
    match v {
        Value::String(s) => {
            // The scanner strips controls itself; stripping here too keeps that true whatever
            // version of the scanner is linked (an escape cannot split a secret).
            let r = scan_secrets(&strip_controls(s));
            for k in r.findings {
                if !kinds.contains(&k.label()) {
                    kinds.push(k.label());
                }
            }
            Value::String(r.text)
        }
        Value::Array(a) => Value::Array(a.iter().map(|x| redact(x, kinds)).collect()),
        Value::Object(m) => {
            Value::Object(m.iter().map(|(k, x)| (k.clone(), redact(x, kinds))).collect())
        }
        other => other.clone(),
    }
}
