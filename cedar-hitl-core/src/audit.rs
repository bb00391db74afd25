//! The audit log: one JSON line per decision, shared by the CLI hook and the bindings so every
//! host writes the same record (docs/hosts.md, "Audit log").
//!
//! A record never holds a raw tool input: only its SHA-256 and the redacted preview
//! ([`PolicyBundle::tool_input_preview`]), and every free text goes through the same
//! sanitiser the agent sees.

use crate::clock::iso8601_utc;
use crate::{
    Clock, Decision, FailClosedCause, Outcome, PolicyBundle, SystemClock, Tier, ToolCall,
    agent_deny_reason, strip_controls, tool_input_sha256, truncate,
};
use serde::Serialize;
use std::io::Write;
use std::path::Path;

/// Longest session id kept in a record, in characters (the id is host input, so it is cut).
const SESSION_MAX_CHARS: usize = 200;

/// One line of the audit log. Build it with [`AuditRecord::new`]; write it with
/// [`append_audit_record`].
///
/// ```
/// use cedar_hitl_core::*; use std::sync::Arc;
/// let bundle = Arc::new(PolicyBundle::builtin());
/// let s = Session::new(bundle.clone(), SessionConfig::default()).unwrap();
/// let call = ToolCall::new("Bash", serde_json::json!({"command": "rm -rf /"}));
/// let r = AuditRecord::new("sess-1", &call, &s.evaluate(&call), &bundle);
/// assert_eq!((r.outcome, r.rule_ids.as_slice()), (Outcome::Deny, ["rm_slash".to_string()].as_slice()));
/// assert_eq!(r.tool_input_sha256.as_deref().map(str::len), Some(64));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditRecord {
    /// When the record was built, ISO-8601 UTC.
    pub time: String,
    /// The host's session id (controls stripped, cut to 200 characters).
    pub session: String,
    /// The tool name the engine decided on.
    pub tool: String,
    /// SHA-256 of the canonical tool input; `None` when the input cannot be hashed.
    pub tool_input_sha256: Option<String>,
    /// The redacted, truncated preview of the tool input.
    pub tool_input_preview: String,
    /// What the engine decided.
    pub outcome: Outcome,
    /// The tier that decided, if a rule did.
    pub tier: Option<Tier>,
    /// The matching rule ids.
    pub rule_ids: Vec<String>,
    /// The sanitised reason (as the agent would see it).
    pub reason: String,
    /// Why the engine failed closed, if it did.
    pub fail_closed_cause: Option<FailClosedCause>,
    /// Whether a recent-decision cache answered.
    pub cache_hit: bool,
    /// The built-in rule profile of the bundle (`hardened` or `upstream`).
    pub builtin_profile: String,
    /// The bundle's policy fingerprint.
    pub policy_fingerprint: String,
    /// The engine's version (`cedar-hitl-core` crate version).
    pub engine_version: String,
    /// What the host was told when it differs from `outcome` (e.g. `ask`, or a gate refusal such
    /// as `rate_limit`); set by the caller.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
}

impl AuditRecord {
    /// The record for `decision` on `call` in `session`, decided by `bundle`, timed now.
    ///
    /// ```
    /// use cedar_hitl_core::*; use std::sync::Arc;
    /// let bundle = Arc::new(PolicyBundle::builtin());
    /// let s = Session::new(bundle.clone(), SessionConfig::default()).unwrap();
    /// let call = ToolCall::new("Bash", serde_json::json!({"command": "echo AKIAABCDEFGHIJKLMNOP"}));
    /// let r = AuditRecord::new("s", &call, &s.evaluate(&call), &bundle);
    /// assert!(!r.tool_input_preview.contains("AKIAABCDEFGHIJKLMNOP"));
    /// assert_eq!(r.engine_version, env!("CARGO_PKG_VERSION"));
    /// ```
    pub fn new(session: &str, call: &ToolCall, decision: &Decision, bundle: &PolicyBundle) -> Self {
        Self::at(SystemClock::new().unix_s(), session, call, decision, bundle)
    }

    /// [`new`](Self::new) at a given wall-clock time (seconds since the Unix epoch).
    ///
    /// ```
    /// use cedar_hitl_core::*; use std::sync::Arc;
    /// let bundle = Arc::new(PolicyBundle::builtin());
    /// let s = Session::new(bundle.clone(), SessionConfig::default()).unwrap();
    /// let call = ToolCall::new("Read", serde_json::json!({"file_path": "a.txt"}));
    /// let r = AuditRecord::at(0.0, "s", &call, &s.evaluate(&call), &bundle);
    /// assert_eq!(r.time, "1970-01-01T00:00:00Z");
    /// ```
    pub fn at(
        unix_s: f64,
        session: &str,
        call: &ToolCall,
        decision: &Decision,
        bundle: &PolicyBundle,
    ) -> Self {
        Self {
            time: iso8601_utc(unix_s),
            session: truncate(&strip_controls(session), SESSION_MAX_CHARS),
            tool: truncate(&strip_controls(call.tool_name()), SESSION_MAX_CHARS),
            tool_input_sha256: tool_input_sha256(call.input()).ok(),
            // The reviewer's layout: a write tool's path or a shell tool's command first.
            tool_input_preview: bundle.tool_input_preview(call.tool_name(), call.input()),
            outcome: decision.outcome(),
            tier: decision.tier(),
            rule_ids: decision.matching_rule_ids().to_vec(),
            reason: agent_deny_reason(Some(decision.reason())),
            fail_closed_cause: decision.fail_closed().map(|f| f.cause),
            cache_hit: decision.cache_hit().is_some(),
            builtin_profile: bundle.profile().as_str().to_owned(),
            policy_fingerprint: bundle.fingerprint().to_owned(),
            engine_version: env!("CARGO_PKG_VERSION").to_owned(),
            action: None,
        }
    }

    /// The record as one line of JSON, ending in `\n`.
    ///
    /// ```
    /// use cedar_hitl_core::*; use std::sync::Arc;
    /// let bundle = Arc::new(PolicyBundle::builtin());
    /// let s = Session::new(bundle.clone(), SessionConfig::default()).unwrap();
    /// let call = ToolCall::new("Read", serde_json::json!({"file_path": "a\nb"}));
    /// let line = AuditRecord::new("s", &call, &s.evaluate(&call), &bundle).to_json_line();
    /// assert!(line.ends_with('\n') && line.matches('\n').count() == 1);
    /// assert_eq!(serde_json::from_str::<serde_json::Value>(&line).unwrap()["outcome"], "allow");
    /// ```
    pub fn to_json_line(&self) -> String {
        // Serialising plain strings, numbers and enums cannot fail; an empty object keeps the
        // line well-formed if it ever did.
        let mut line = serde_json::to_string(self).unwrap_or_else(|_| "{}".to_owned());
        line.push('\n');
        line
    }
}

/// Where a session's decisions are logged: the file and the host's session id written in each
/// record.
///
/// ```
/// let log = cedar_hitl_core::AuditLog { path: "/tmp/audit.jsonl".into(), session_id: "s1".into() };
/// assert_eq!(log.session_id, "s1");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditLog {
    /// The JSON-lines file appended to.
    pub path: std::path::PathBuf,
    /// The host's session id recorded with every decision.
    pub session_id: String,
}

impl crate::Session {
    /// [`evaluate`](crate::Session::evaluate) and append the decision's [`AuditRecord`] to `log`.
    /// A decision that cannot be logged is not given: it becomes a fail-closed DENY
    /// (`internal_error`) naming the file, so an unwritable log never lets a call through
    /// unrecorded.
    ///
    /// ```
    /// use cedar_hitl_core::*; use std::sync::Arc;
    /// let s = Session::new(Arc::new(PolicyBundle::builtin()), SessionConfig::default()).unwrap();
    /// let call = ToolCall::new("Read", serde_json::json!({"file_path": "a.txt"}));
    /// let bad = AuditLog { path: "/nonexistent-dir/audit.jsonl".into(), session_id: "s".into() };
    /// let d = s.evaluate_audited(&call, &bad);
    /// assert_eq!(d.fail_closed().map(|f| f.cause), Some(FailClosedCause::InternalError));
    /// assert!(d.fail_closed().unwrap().detail.contains("/nonexistent-dir/audit.jsonl"));
    /// ```
    pub fn evaluate_audited(&self, call: &ToolCall, log: &AuditLog) -> Decision {
        let decision = self.evaluate(call);
        let record = AuditRecord::new(&log.session_id, call, &decision, self.bundle());
        match append_audit_record(&log.path, &record) {
            Ok(()) => decision,
            Err(e) => Decision::failing(
                FailClosedCause::InternalError,
                format!("audit log {}: {e}", log.path.display()),
            ),
        }
    }
}

/// Append `record` to the log at `path` as one line, with a single `write` on a file opened
/// with `O_APPEND` (created with mode 0600 on Unix): concurrent processes appending to the same
/// file never interleave inside a line. A short write is an error.
///
/// ```
/// use cedar_hitl_core::*; use std::sync::Arc;
/// let bundle = Arc::new(PolicyBundle::builtin());
/// let s = Session::new(bundle.clone(), SessionConfig::default()).unwrap();
/// let call = ToolCall::new("Read", serde_json::json!({"file_path": "a.txt"}));
/// let path = std::env::temp_dir().join(format!("cedar-hitl-audit-doc-{}.jsonl", std::process::id()));
/// let _ = std::fs::remove_file(&path);
/// let r = AuditRecord::new("s", &call, &s.evaluate(&call), &bundle);
/// append_audit_record(&path, &r).unwrap();
/// append_audit_record(&path, &r).unwrap();
/// assert_eq!(std::fs::read_to_string(&path).unwrap().lines().count(), 2);
/// # std::fs::remove_file(&path).unwrap();
/// ```
pub fn append_audit_record(path: &Path, record: &AuditRecord) -> std::io::Result<()> {
    let line = record.to_json_line();
    let mut options = std::fs::OpenOptions::new();
    options.append(true).create(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    let written = file.write(line.as_bytes())?;
    if written != line.len() {
        return Err(std::io::Error::other(format!(
            "short write to audit log {}: {written} of {} bytes",
            path.display(),
            line.len()
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Session, SessionConfig};
    use std::sync::Arc;

    #[test]
    fn record_fields_for_a_gate_and_no_raw_secret() {
        let bundle = Arc::new(PolicyBundle::builtin());
        let s = Session::new(bundle.clone(), SessionConfig::default()).unwrap();
        let secret = "ghp_abcdefghijklmnopqrstuvwxyz0123456789";
        let call = ToolCall::new(
            "Bash",
            serde_json::json!({"command": format!("git push --force origin main # {secret}")}),
        );
        let d = s.evaluate(&call);
        let r = AuditRecord::at(1_700_000_000.0, "sess\x1b[31m", &call, &d, &bundle);
        assert_eq!(r.outcome, Outcome::RequireApproval);
        assert_eq!(r.tier, Some(Tier::Soft));
        assert_eq!(r.rule_ids, ["force_push_any", "force_push_main"]);
        assert_eq!(r.session, "sess");
        assert_eq!(r.builtin_profile, "hardened");
        assert_eq!(r.policy_fingerprint, bundle.fingerprint());
        assert!(!r.cache_hit);
        assert_eq!(r.fail_closed_cause, None);
        let line = r.to_json_line();
        assert!(!line.contains(secret), "{line}");
        let v: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!(v["time"], "2023-11-14T22:13:20Z");
        assert_eq!(v["outcome"], "require_approval");
        assert!(v.get("action").is_none());
    }

    #[test]
    fn fail_closed_cause_is_recorded() {
        let bundle = Arc::new(PolicyBundle::builtin());
        let s = Session::new(bundle.clone(), SessionConfig::default()).unwrap();
        let call = ToolCall::new("Write", serde_json::json!({"file_path": 7}));
        let r = AuditRecord::new("s", &call, &s.evaluate(&call), &bundle);
        assert_eq!(r.fail_closed_cause, Some(FailClosedCause::InvalidToolInput));
        assert_eq!(r.outcome, Outcome::Deny);
    }

    #[test]
    fn concurrent_appends_keep_whole_lines() {
        let bundle = Arc::new(PolicyBundle::builtin());
        let s = Arc::new(Session::new(bundle.clone(), SessionConfig::default()).unwrap());
        let path = std::env::temp_dir()
            .join(format!("cedar-hitl-audit-test-{}.jsonl", std::process::id()));
        let _ = std::fs::remove_file(&path);
        let threads: Vec<_> = (0..8)
            .map(|i| {
                let (s, bundle, path) = (s.clone(), bundle.clone(), path.clone());
                std::thread::spawn(move || {
                    let long = "x".repeat(3000);
                    for j in 0..50 {
                        let call = ToolCall::new(
                            "Bash",
                            serde_json::json!({"command": format!("echo {i} {j} {long}")}),
                        );
                        let r =
                            AuditRecord::new(&format!("t{i}"), &call, &s.evaluate(&call), &bundle);
                        append_audit_record(&path, &r).unwrap();
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 400);
        for l in lines {
            serde_json::from_str::<serde_json::Value>(l).expect("every line is whole JSON");
        }
        std::fs::remove_file(&path).unwrap();
    }
}
