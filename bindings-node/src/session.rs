//! `Session`: the state of one task over a shared bundle; its shared methods come from
//! `surface.rs`, and the `*_with` functions here read their arguments (for both classes).

use crate::args::{Renamed, Surrogates, opt_text, option_keys, read_options};
use crate::bundle::{PolicyBundle, bundle_arg, shadow_arg};
use crate::clock::clock_arg;
use crate::convert::{self, json_to_js};
use crate::errors;
use crate::js::{Js, Raw, Val, js_of};
use crate::records::{CacheEntry, GateAdmission, ResolutionEffect, SessionConfig, decision_value};
use cedar_hitl_core as core;
use napi::bindgen_prelude::{Env, Unknown};
use napi::{JsValue, Result, sys};
use napi_derive::napi;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;

/// The state of one task (allowlist, caches, gate accounting) over a shared `PolicyBundle`.
/// Instances belong to the thread (isolate) that created them; see the README's threads note.
#[napi]
pub struct Session {
    pub(crate) inner: Arc<core::Session>,
    pub(crate) bundle: Arc<core::PolicyBundle>,
    pub(crate) shadow: Option<Arc<core::PolicyBundle>>,
}

#[napi]
impl Session {
    /// Throws `SCOPE` (an initial approval refused) or `CONFIG` (a setting out of range or of the
    /// wrong type).
    #[napi(
        constructor,
        catch_unwind,
        ts_args_type = "bundle: PolicyBundle, options?: SessionOptions, clock?: ManualClock"
    )]
    pub fn new(
        env: Env,
        bundle: Unknown<'_>,
        options: Unknown<'_>,
        clock: Unknown<'_>,
    ) -> Result<Self> {
        let js = js_of(&env);
        let bundle = bundle_arg(js, bundle.raw(), "bundle")?;
        let obj = js.options(options.raw(), "Session", &session_options())?;
        let cfg = read_session_config(js, obj, &[], false)?;
        let shadow = shadow_arg(js, js.member(obj, "shadow")?, "shadow")?;
        let clock = clock_arg(js, clock.raw(), "clock")?;
        Ok(Self {
            inner: new_session(js, bundle.clone(), cfg, clock, shadow.clone())?,
            bundle,
            shadow,
        })
    }

    /// Rebuild a session from `snapshot()` text (on `clock`, default: the system clock). The
    /// snapshot does not hold the shadow bundle: pass it again as `shadow`.
    #[napi(
        factory,
        catch_unwind,
        ts_args_type = "bundle: PolicyBundle, snapshot: string, clock?: ManualClock | null, shadow?: PolicyBundle | null"
    )]
    pub fn restore(
        env: Env,
        bundle: Unknown<'_>,
        snapshot: Unknown<'_>,
        clock: Unknown<'_>,
        shadow: Unknown<'_>,
    ) -> Result<Self> {
        let js = js_of(&env);
        let bundle = bundle_arg(js, bundle.raw(), "bundle")?;
        let snapshot = js.str_arg(snapshot.raw(), "snapshot", Surrogates::Refuse)?;
        let shadow = shadow_arg(js, Some(shadow.raw()), "shadow")?;
        let restored = match clock_arg(js, clock.raw(), "clock")? {
            Some(c) => core::Session::restore_with_clock(bundle.clone(), &snapshot, c),
            None => core::Session::restore(bundle.clone(), &snapshot),
        };
        let restored = restored.map_err(|e| errors::any(js, &e))?;
        Ok(Self { inner: Arc::new(with_shadow(restored, shadow.clone())), bundle, shadow })
    }

    /// `evaluate`, then append the decision to the audit log `log.path` as one JSON line (the
    /// core's record: time, `log.sessionId`, tool, input SHA-256 and redacted preview, outcome,
    /// tier, rule ids, fail-closed cause, cache hit, profile, fingerprint, engine version). A
    /// decision that cannot be logged becomes a fail-closed DENY (`internal_error`). Throws only
    /// `CONFIG` for a malformed `log`.
    #[napi(
        catch_unwind,
        ts_args_type = "toolName: string, toolInput: ToolInput, log: { path: string, sessionId?: string }",
        ts_return_type = "Decision"
    )]
    pub fn evaluate_audited(
        &self,
        env: Env,
        tool_name: Unknown<'_>,
        tool_input: Unknown<'_>,
        log: Unknown<'_>,
    ) -> Result<Raw> {
        let js = js_of(&env);
        let obj = js.options(log.raw(), "log", &["path", "sessionId"])?;
        let path = match js.member(obj, "path")? {
            Some(p) => js.str_arg(p, "log.path", Surrogates::Refuse)?,
            None => return Err(errors::config_msg(js, "log.path", "log.path must be a string")),
        };
        let session_id = match js.member(obj, "sessionId")? {
            Some(v) => js.opt_str_arg(v, "log.sessionId", Surrogates::Replace)?.unwrap_or_default(),
            None => String::new(),
        };
        let log = core::AuditLog { path: path.into(), session_id };
        let call = tool_call(js, tool_name.raw(), tool_input.raw());
        decision_value(js, &self.inner.evaluate_audited(&call, &log)).map(Raw)
    }

    /// Queue a human denial for the agent's next turn.
    #[napi(catch_unwind, ts_args_type = "entry: DenialEntry")]
    pub fn queue_denial(&self, env: Env, entry: Unknown<'_>) -> Result<()> {
        let js = js_of(&env);
        let obj = js.options(entry.raw(), "denial", &["requestId", "reason", "decidedAt"])?;
        let get =
            |k: &str| -> Result<Val> { js.member(obj, k)?.map_or_else(|| js.undefined(), Ok) };
        queue_denial_with(js, &self.inner, get("requestId")?, get("reason")?, get("decidedAt")?)
    }

    /// The whole mutable state as JSON text (see `Session.restore`).
    #[napi(catch_unwind)]
    pub fn snapshot(&self) -> String {
        self.inner.snapshot()
    }

    /// The settings the session was built with.
    #[napi(getter, catch_unwind)]
    pub fn config(&self) -> SessionConfig {
        self.inner.config().clone().into()
    }

    /// The bundle this session enforces.
    #[napi(getter, catch_unwind)]
    pub fn bundle(&self) -> PolicyBundle {
        PolicyBundle { inner: self.bundle.clone() }
    }

    /// The shadow bundle (the `shadow` option), or `null`.
    #[napi(getter, catch_unwind)]
    pub fn shadow(&self) -> Option<PolicyBundle> {
        self.shadow.as_ref().map(|b| PolicyBundle { inner: b.clone() })
    }
}

crate::surface::session_surface!(Session {
    evaluate: "evaluate",
    explain: "explain",
    explain_text: "explainText",
    record_outcome: "recordOutcome",
    add_scope: "addScope",
    allowlist: "allowlist",
    allowlist_matches: "allowlistMatches",
    record_input_decision: "recordInputDecision",
    record_rule_decision: "recordRuleDecision",
    cached_input_decision: "cachedInputDecision",
    cached_rule_decision: "cachedRuleDecision",
    input_cache_len: "inputCacheLen",
    rule_cache_len: "ruleCacheLen",
    gate_count: "gateCount",
    increment_gate_count: "incrementGateCount",
    record_gate_timestamp: "recordGateTimestamp",
    approvals_in_window: "approvalsInWindow",
    drain_denials: "drainDenials",
    mark_ceiling_shrinking: "markCeilingShrinking",
    begin_gate: "beginGate",
});

// ---------------------------------------------------------------------------------------------
// Session settings and arguments
// ---------------------------------------------------------------------------------------------

/// Session settings from an options object, read field by field from the core's
/// `SessionConfig` record (`args::read_options`); `renamed` gives fields read under another key
/// (`principal` is `taskType` on the `PolicyEngine` façade). Defaults come from the core;
/// `require_names`: the principal and `repo` must be given.
pub(crate) fn read_session_config(
    js: Js,
    obj: Option<Val>,
    renamed: Renamed<'_>,
    require_names: bool,
) -> Result<core::SessionConfig> {
    let mut cfg = core::SessionConfig::default();
    let found = read_options(js, obj, &mut cfg, renamed)?;
    if require_names {
        if !found.contains(&"principal") {
            let (key, label) = renamed
                .iter()
                .find(|(f, _, _)| *f == "principal")
                .map_or(("principal", "principal"), |(_, k, l)| (*k, *l));
            return Err(errors::config_msg(js, label, &format!("{label} ({key}) is required")));
        }
        if !found.contains(&"repo") {
            return Err(errors::config_msg(js, "repo", "repo is required"));
        }
    }
    Ok(cfg)
}

/// The keys a `Session` options object may hold: the settings, then `shadow`.
fn session_options() -> Vec<String> {
    option_keys::<core::SessionConfig>(&[], &["shadow"])
}

pub(crate) fn new_session(
    js: Js,
    bundle: Arc<core::PolicyBundle>,
    cfg: core::SessionConfig,
    clock: Option<Arc<core::ManualClock>>,
    shadow: Option<Arc<core::PolicyBundle>>,
) -> Result<Arc<core::Session>> {
    let made = match clock {
        Some(c) => core::Session::with_clock(bundle, cfg, c),
        None => core::Session::new(bundle, cfg),
    };
    made.map(|s| Arc::new(with_shadow(s, shadow))).map_err(|e| errors::any(js, &e))
}

fn with_shadow(s: core::Session, shadow: Option<Arc<core::PolicyBundle>>) -> core::Session {
    match shadow {
        Some(sh) => s.with_shadow(sh),
        None => s,
    }
}

fn resolution_arg(js: Js, v: Val) -> Result<core::Resolution> {
    let obj =
        js.options(v, "resolution", &["kind", "scope", "requestId", "reason", "decidedAt"])?;
    let Some(kind) = js.member(obj, "kind")? else {
        return Err(errors::config_msg(
            js,
            "resolution",
            "resolution.kind is required ('approved', 'denied' or 'timed_out')",
        ));
    };
    let kind = js.str_arg(kind, "resolution", Surrogates::Refuse)?;
    let scope = opt_text(js, obj, "scope", "scope")?;
    let request_id = opt_text(js, obj, "requestId", "request_id")?;
    let reason = opt_text(js, obj, "reason", "reason")?;
    let decided_at = opt_text(js, obj, "decidedAt", "decided_at")?;
    kind.parse::<core::ResolutionKind>()
        .and_then(|k| core::Resolution::from_parts(k, scope, request_id, reason, decided_at))
        .map_err(|e| errors::config(js, &e))
}

fn cached_decision_arg(js: Js, v: Val) -> Result<core::CachedDecision> {
    let text = js.str_arg(v, "decision", Surrogates::Refuse)?;
    text.parse::<core::CachedDecision>().map_err(|e| errors::config(js, &e))
}

/// One rule id or an array of them.
fn rule_ids_arg(js: Js, v: Val, field: &str) -> Result<Vec<String>> {
    if js.type_of(v)? == sys::ValueType::napi_string {
        return Ok(vec![js.str_arg(v, field, Surrogates::Refuse)?]);
    }
    js.str_list_arg(v, field)
}

// ---------------------------------------------------------------------------------------------
// Shared session surface (used by both `Session` and the `PolicyEngine` façade)
// ---------------------------------------------------------------------------------------------

/// The tool call for `(toolName, toolInput)`. Never fails: a tool name that is not valid text
/// becomes `ToolCall::with_invalid_name`, which the core answers with a fail-closed DENY.
fn tool_call(js: Js, name: Val, input: Val) -> core::ToolCall {
    let converted = catch_unwind(AssertUnwindSafe(|| {
        let name = match js.string_of(name) {
            Ok(Ok(n)) => Ok(n),
            Ok(Err(None)) => Err(format!("tool name must be a string, got {}", js.type_name(name))),
            Ok(Err(Some(_))) => Err("tool name with a lone surrogate".to_owned()),
            Err(_) => Err("tool name could not be read".to_owned()),
        };
        match name {
            Ok(n) => core::ToolCall::new(n, convert::to_json_value(js, input)),
            Err(what) => core::ToolCall::with_invalid_name(what),
        }
    }));
    if js.exception_pending() {
        js.clear_exception();
    }
    converted.unwrap_or_else(|_| {
        core::ToolCall::new(
            "",
            core::JsonValue::Unsupported(
                "the Node binding failed to convert this tool call".to_owned(),
            ),
        )
    })
}

pub(crate) fn evaluate_with(js: Js, session: &core::Session, name: Val, input: Val) -> Result<Raw> {
    let call = tool_call(js, name, input);
    decision_value(js, &session.evaluate(&call)).map(Raw)
}

/// An explanation as a plain JS object: `decision` is the same object `evaluate` returns
/// (camelCase keys); `command`, `path` and `steps` are the core's JSON (snake_case keys, like
/// `parseCommand`).
pub(crate) fn explain_with(js: Js, session: &core::Session, name: Val, input: Val) -> Result<Raw> {
    let call = tool_call(js, name, input);
    let e = session.explain(&call);
    let json = e.to_json();
    let obj = js.object()?;
    js.set(obj, "decision", decision_value(js, &e.decision)?)?;
    for key in ["command", "path", "steps"] {
        js.set(obj, key, json_to_js(js, &json[key], false)?)?;
    }
    Ok(Raw(obj))
}

pub(crate) fn explain_text_with(js: Js, session: &core::Session, name: Val, input: Val) -> String {
    session.explain(&tool_call(js, name, input)).render()
}

pub(crate) fn record_outcome_with(
    js: Js,
    session: &core::Session,
    name: Val,
    input: Val,
    rule_ids: Val,
    resolution: Val,
) -> Result<ResolutionEffect> {
    let name = js.str_arg(name, "tool_name", Surrogates::Refuse)?;
    let call = core::ToolCall::new(name, convert::to_json_value(js, input));
    let ids = if js.is_nullish(rule_ids)? {
        Vec::new()
    } else {
        js.str_list_arg(rule_ids, "matching_rule_ids")?
    };
    let resolution = resolution_arg(js, resolution)?;
    let effect =
        session.record_outcome(&call, &ids, resolution).map_err(|e| errors::scope(js, &e))?;
    Ok(effect.into())
}

pub(crate) fn add_scope_with(js: Js, session: &core::Session, scope: Val) -> Result<String> {
    let scope = js.str_arg(scope, "scope", Surrogates::Refuse)?;
    session.add_scope(&scope).map(|s| s.to_string()).map_err(|e| errors::scope(js, &e))
}

pub(crate) fn allowlist_matches_with(
    js: Js,
    session: &core::Session,
    name: Val,
    input: Val,
) -> Result<bool> {
    let name = js.str_arg(name, "tool_name", Surrogates::Refuse)?;
    Ok(session.allowlist_matches(&core::ToolCall::new(name, convert::to_json_value(js, input))))
}

pub(crate) fn record_input_decision_with(
    js: Js,
    session: &core::Session,
    name: Val,
    sha: Val,
    decision: Val,
    reason: Val,
    ts: Val,
) -> Result<()> {
    let name = js.str_arg(name, "tool_name", Surrogates::Refuse)?;
    let sha = js.str_arg(sha, "tool_input_sha256", Surrogates::Refuse)?;
    let decision = cached_decision_arg(js, decision)?;
    let reason = js.opt_str_arg(reason, "reason", Surrogates::Refuse)?;
    let ts = js.opt_str_arg(ts, "original_decision_ts", Surrogates::Refuse)?;
    session.record_input_decision(&name, &sha, decision, reason.as_deref(), ts.as_deref());
    Ok(())
}

pub(crate) fn record_rule_decision_with(
    js: Js,
    session: &core::Session,
    name: Val,
    ids: Val,
    decision: Val,
    reason: Val,
    ts: Val,
) -> Result<()> {
    let name = js.str_arg(name, "tool_name", Surrogates::Refuse)?;
    let ids = rule_ids_arg(js, ids, "rule_ids")?;
    let decision = cached_decision_arg(js, decision)?;
    let reason = js.opt_str_arg(reason, "reason", Surrogates::Refuse)?;
    let ts = js.opt_str_arg(ts, "original_decision_ts", Surrogates::Refuse)?;
    session
        .record_rule_decision(&name, &ids, decision, reason.as_deref(), ts.as_deref())
        .map_err(|e| errors::config(js, &e))
}

pub(crate) fn get_decision_with(
    js: Js,
    session: &core::Session,
    name: Val,
    sha: Val,
) -> Result<Option<CacheEntry>> {
    let name = js.str_arg(name, "tool_name", Surrogates::Refuse)?;
    let sha = js.str_arg(sha, "tool_input_sha256", Surrogates::Refuse)?;
    Ok(session.cached_input_decision(&name, &sha).map(|e| core::CacheEntryRecord::from(e).into()))
}

pub(crate) fn get_rule_decision_with(
    js: Js,
    session: &core::Session,
    name: Val,
    ids: Val,
) -> Result<Option<CacheEntry>> {
    let name = js.str_arg(name, "tool_name", Surrogates::Refuse)?;
    let ids = rule_ids_arg(js, ids, "rule_ids")?;
    Ok(session
        .cached_rule_decision(&name, &ids)
        .map(|hit| core::CacheEntryRecord::from(hit).into()))
}

pub(crate) fn record_gate_timestamp_with(js: Js, session: &core::Session, now: Val) -> Result<()> {
    let now = if js.is_nullish(now)? { None } else { Some(js.f64_arg(now, "now")?) };
    session.record_gate_timestamp(now);
    Ok(())
}

pub(crate) fn queue_denial_with(
    js: Js,
    session: &core::Session,
    request_id: Val,
    reason: Val,
    decided_at: Val,
) -> Result<()> {
    let request_id = js.str_arg(request_id, "request_id", Surrogates::Refuse)?;
    let reason = js.str_arg(reason, "reason", Surrogates::Refuse)?;
    let decided_at = js.opt_str_arg(decided_at, "decided_at", Surrogates::Refuse)?;
    session.queue_denial(core::DenialEntry { request_id, reason, decided_at });
    Ok(())
}

pub(crate) fn begin_gate_with(
    js: Js,
    session: &core::Session,
    timeout: Val,
    remaining: Val,
) -> Result<GateAdmission> {
    let timeout = js.opt_int_arg(timeout, "timeout_s")?;
    let remaining = js.opt_int_arg(remaining, "remaining_lifetime_s")?;
    Ok(core::GateAdmissionRecord::from(session.begin_gate(timeout, remaining)).into())
}
