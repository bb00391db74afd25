//! Node binding of cedar-hitl (napi-rs). See `bindings-node/README.md`.
//!
//! This crate converts JavaScript values to and from `cedar_hitl_core` types and maps the core's
//! errors to JavaScript errors. It holds no policy logic: every decision, validation, message and
//! number comes from the core.
//!
//! Every export is `catch_unwind`: a Rust panic becomes a thrown JavaScript error instead of
//! aborting the process (`evaluate*` additionally never throw at all — the core turns internal
//! faults into a fail-closed DENY).

mod args;
mod convert;
mod errors;
mod js;
pub mod upstream;

use args::Surrogates;
use cedar_hitl_core as core;
use core::Clock as _;
use js::{Js, Raw, Val};
use napi::bindgen_prelude::{Env, Object, TypeTag, Unknown};
use napi::{JsValue, Result, sys};
use napi_derive::napi;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;

// ---------------------------------------------------------------------------------------------
// Output objects (plain JS objects; TypeScript interfaces are generated from these structs)
// ---------------------------------------------------------------------------------------------

/// Facts about the recent-decision cache entry that answered a call.
#[napi(object, object_from_js = false, use_nullable = true)]
pub struct CacheHit {
    pub tool_name: String,
    pub tool_input_sha256: String,
    #[napi(ts_type = "'DENIED' | 'TIMED_OUT'")]
    pub cached_decision: String,
    pub cached_reason: Option<String>,
    pub original_decision_ts: String,
    /// Rule-level hits only: the denied rule ids this call matched.
    pub matched_rule_ids: Option<Vec<String>>,
}

/// One decision of the engine.
#[napi(object, object_from_js = false, use_nullable = true)]
pub struct Decision {
    #[napi(ts_type = "Outcome")]
    pub outcome: String,
    /// `true` iff `outcome === 'allow'`.
    pub allowed: bool,
    pub reason: String,
    /// The tier whose rules decided, if a rule decided.
    #[napi(ts_type = "'hard' | 'soft'")]
    pub tier: Option<String>,
    /// Rule ids that decided, in positional (policy text) order.
    pub matching_rule_ids: Vec<String>,
    /// Approval timeout in seconds (REQUIRE_APPROVAL only).
    pub timeout_s: Option<u32>,
    #[napi(ts_type = "'low' | 'medium' | 'high'")]
    pub severity: Option<String>,
    pub duration_ms: f64,
    pub fail_closed: bool,
    #[napi(ts_type = "FailClosedCause")]
    pub fail_closed_cause: Option<String>,
    pub fail_closed_detail: Option<String>,
    pub cache_hit: Option<CacheHit>,
    /// SHA-256 (hex) of the bundle that decided: equals `PolicyBundle.fingerprint` of the
    /// session's bundle, in every language.
    pub policy_fingerprint: Option<String>,
    /// What the session's shadow bundle decided (not enforced); `null` without a shadow.
    #[napi(ts_type = "Outcome")]
    pub shadow_outcome: Option<String>,
    /// The shadow bundle's rule ids, positional order; `null` without a shadow.
    pub shadow_rule_ids: Option<Vec<String>>,
}

/// A rule: one Cedar policy plus its annotations (from `parseRules` or `PolicyBundle.rules()`).
/// The objects are plain, but carry a hidden native link to the core rule, which
/// `matchingRuleIds` and `isValidRuleId` need: pass the objects themselves (copies made with
/// `{...rule}` or `JSON.parse` lose the link).
#[napi(object, object_from_js = false, use_nullable = true)]
pub struct Rule {
    pub policy_id: String,
    pub rule_id: String,
    #[napi(ts_type = "'hard' | 'soft'")]
    pub tier: Option<String>,
    #[napi(ts_type = "'permit' | 'forbid'")]
    pub effect: String,
    #[napi(ts_type = "'low' | 'medium' | 'high'")]
    pub severity: Option<String>,
    pub approval_timeout_s: Option<u32>,
    pub category: Option<String>,
    pub summary: String,
    /// `builtin`, `blueprint_hard`, `blueprint_soft` or `extra_policies[i]`.
    pub source: String,
    pub line: Option<u32>,
}

/// A rule as listed to operators. Optional keys are present only when the rule has them.
#[napi(object, object_from_js = false)]
pub struct RuleSummary {
    pub rule_id: String,
    pub summary: String,
    pub category: Option<String>,
    #[napi(ts_type = "'low' | 'medium' | 'high'")]
    pub severity: Option<String>,
    pub approval_timeout_s: Option<u32>,
    pub source: String,
}

/// Enforced rules of a bundle (listed ⇔ enforced; disabled soft rules are left out).
#[napi(object, object_from_js = false)]
pub struct RuleListing {
    pub hard: Vec<RuleSummary>,
    pub soft: Vec<RuleSummary>,
    /// The built-in profile the bundle starts from.
    #[napi(ts_type = "BuiltinProfile")]
    pub profile: String,
}

/// A load warning (accepted, but worth telling the operator).
#[napi(object, object_from_js = false, use_nullable = true)]
pub struct LoadWarning {
    #[napi(ts_type = "'hard' | 'soft'")]
    pub tier: String,
    pub rule_id: String,
    pub field: String,
    pub source: String,
    pub line: Option<u32>,
    pub message: String,
}

/// One load error as data (from `PolicyBundle.check`); the same fields a thrown `POLICY_LOAD`
/// error carries.
#[napi(object, object_from_js = false, use_nullable = true)]
pub struct LoadErrorInfo {
    #[napi(ts_type = "'POLICY_LOAD'")]
    pub code: String,
    #[napi(ts_type = "LoadErrorKind")]
    pub kind: String,
    #[napi(ts_type = "'hard' | 'soft'")]
    pub tier: Option<String>,
    pub rule_id: Option<String>,
    pub field: Option<String>,
    pub source: Option<String>,
    pub line: Option<u32>,
    pub message: String,
}

/// Every error and warning of a blueprint (load refuses on the first error).
#[napi(object, object_from_js = false)]
pub struct CheckReport {
    pub errors: Vec<LoadErrorInfo>,
    pub warnings: Vec<LoadWarning>,
}

/// A snapshot of a session's allowlist.
#[napi(object, object_from_js = false)]
pub struct AllowlistView {
    pub all_session: bool,
    pub tool_types: Vec<String>,
    pub tool_groups: Vec<String>,
    pub bash_patterns: Vec<String>,
    pub write_paths: Vec<String>,
    pub rule_ids: Vec<String>,
    /// Every scope, normalised, in the order added.
    pub scopes: Vec<String>,
}

/// A live input-hash cache entry.
#[napi(object, object_from_js = false, use_nullable = true)]
pub struct CacheEntry {
    #[napi(ts_type = "'DENIED' | 'TIMED_OUT'")]
    pub decision: String,
    pub reason: Option<String>,
    pub original_decision_ts: String,
}

/// A live rule-level cache entry and the rule ids it was recorded for.
#[napi(object, object_from_js = false, use_nullable = true)]
pub struct RuleCacheEntry {
    pub rule_ids: Vec<String>,
    #[napi(ts_type = "'DENIED'")]
    pub decision: String,
    pub reason: Option<String>,
    pub original_decision_ts: String,
}

/// One queued human denial.
#[napi(object, use_nullable = true)]
pub struct DenialEntry {
    pub request_id: String,
    pub reason: String,
    pub decided_at: Option<String>,
}

/// What `recordOutcome` did and what to tell the agent.
#[napi(object, object_from_js = false, use_nullable = true)]
pub struct ResolutionEffect {
    #[napi(ts_type = "'allow' | 'deny'")]
    pub outcome: String,
    /// The sanitised reason to hand the agent.
    pub agent_reason: String,
    /// The scope added to the allowlist (normalised), if any.
    pub scope_added: Option<String>,
}

/// Whether a REQUIRE_APPROVAL may open a gate (`beginGate`).
#[napi(object, object_from_js = false, use_nullable = true)]
pub struct GateAdmission {
    pub admitted: bool,
    /// Refusal reason text (refused only).
    pub reason: Option<String>,
    #[napi(ts_type = "'cap_exceeded' | 'rate_limit' | 'insufficient_lifetime'")]
    pub refusal: Option<String>,
    pub effective_timeout_s: Option<i64>,
    #[napi(ts_type = "ClipReason")]
    pub clip: Option<String>,
    pub requested_timeout_s: Option<i64>,
    /// Admitted only: the one-shot ceiling-shrinking latch fired on this gate.
    pub ceiling_shrinking: bool,
    /// Admitted only: the gate count after this gate.
    pub gate_count: Option<i64>,
}

/// Result of `effectiveTimeout`.
#[napi(object, object_from_js = false, use_nullable = true)]
pub struct EffectiveTimeout {
    pub effective_s: i64,
    #[napi(ts_type = "ClipReason")]
    pub clip: Option<String>,
    pub requested_s: i64,
}

/// Result of `cedarParityEvaluate`.
#[napi(object, object_from_js = false)]
pub struct ParityResult {
    #[napi(ts_type = "'allow' | 'deny'")]
    pub decision: String,
    /// Sorted.
    pub matching_rule_ids: Vec<String>,
    /// Whether Cedar reported an evaluation error (Cedar skips the erroring policy).
    pub errors: bool,
}

/// Result of `scanSecrets`.
#[napi(object, object_from_js = false)]
pub struct Redaction {
    pub text: String,
    /// Labels of the secret kinds found, once each, in scan order.
    pub findings: Vec<String>,
}

/// The settings a session was built with.
#[napi(object, object_from_js = false)]
pub struct SessionConfig {
    pub principal: String,
    pub repo: String,
    pub read_only: bool,
    pub initial_approvals: Vec<String>,
    pub approval_gate_cap: i64,
    pub initial_approval_gate_count: i64,
    pub task_default_timeout_s: i64,
    pub cache_max_entries: i64,
    pub cache_ttl_s: i64,
}

// ---------------------------------------------------------------------------------------------
// Core → output conversions
// ---------------------------------------------------------------------------------------------

fn decision_out(d: &core::Decision) -> Decision {
    Decision {
        outcome: d.outcome().as_str().to_owned(),
        allowed: d.allowed(),
        reason: d.reason().to_owned(),
        tier: d.tier().map(|t| t.as_str().to_owned()),
        matching_rule_ids: d.matching_rule_ids().to_vec(),
        timeout_s: d.timeout_s(),
        severity: d.severity().map(|s| s.as_str().to_owned()),
        duration_ms: d.elapsed().as_secs_f64() * 1000.0,
        fail_closed: d.is_fail_closed(),
        fail_closed_cause: d.fail_closed().map(|f| f.cause.as_str().to_owned()),
        fail_closed_detail: d.fail_closed().map(|f| f.detail.clone()),
        cache_hit: d.cache_hit().map(cache_hit_out),
        policy_fingerprint: d.policy_fingerprint().map(str::to_owned),
        shadow_outcome: d.shadow().map(|s| s.outcome.as_str().to_owned()),
        shadow_rule_ids: d.shadow().map(|s| s.matching_rule_ids.clone()),
    }
}

fn rule_out(r: &core::Rule) -> Rule {
    Rule {
        policy_id: r.policy_id().to_owned(),
        rule_id: r.rule_id().to_owned(),
        tier: r.tier().map(|t| t.as_str().to_owned()),
        effect: r.effect().as_str().to_owned(),
        severity: r.severity().map(|s| s.as_str().to_owned()),
        approval_timeout_s: r.approval_timeout_s(),
        category: r.category().map(str::to_owned),
        summary: r.summary().to_owned(),
        source: r.source().to_string(),
        line: r.line(),
    }
}

fn summary_out(s: &core::RuleSummary) -> RuleSummary {
    RuleSummary {
        rule_id: s.rule_id.clone(),
        summary: s.summary.clone(),
        category: s.category.clone(),
        severity: s.severity.map(|v| v.as_str().to_owned()),
        approval_timeout_s: s.approval_timeout_s,
        source: s.source.to_string(),
    }
}

fn listing_out(l: &core::RuleListing) -> RuleListing {
    RuleListing {
        hard: l.hard.iter().map(summary_out).collect(),
        soft: l.soft.iter().map(summary_out).collect(),
        profile: l.profile.as_str().to_owned(),
    }
}

fn warning_out(w: &core::LoadWarning) -> LoadWarning {
    LoadWarning {
        tier: w.tier().as_str().to_owned(),
        rule_id: w.rule_id().to_owned(),
        field: w.field().to_owned(),
        source: w.source().to_string(),
        line: w.line(),
        message: w.message().to_owned(),
    }
}

fn load_error_out(e: &core::LoadError) -> LoadErrorInfo {
    LoadErrorInfo {
        code: errors::POLICY_LOAD.to_owned(),
        kind: e.kind().as_str().to_owned(),
        tier: e.tier_of().map(|t| t.as_str().to_owned()),
        rule_id: e.rule_id().map(str::to_owned),
        field: e.field().map(str::to_owned),
        source: e.origin().map(|o| o.to_string()),
        line: e.line(),
        message: e.message().to_owned(),
    }
}

fn cache_entry_out(e: &core::CacheEntry) -> CacheEntry {
    CacheEntry {
        decision: e.decision.as_str().to_owned(),
        reason: e.reason.clone(),
        original_decision_ts: e.original_decision_ts.clone(),
    }
}

fn denial_out(d: core::DenialEntry) -> DenialEntry {
    DenialEntry { request_id: d.request_id, reason: d.reason, decided_at: d.decided_at }
}

fn admission_out(a: core::GateAdmission) -> GateAdmission {
    match a {
        core::GateAdmission::Admitted { timeout, ceiling_shrinking, gate_count } => GateAdmission {
            admitted: true,
            reason: None,
            refusal: None,
            effective_timeout_s: Some(timeout.effective_s),
            clip: timeout.clip.map(|c| c.as_str().to_owned()),
            requested_timeout_s: Some(timeout.requested_s),
            ceiling_shrinking,
            gate_count: Some(i64::try_from(gate_count).unwrap_or(i64::MAX)),
        },
        core::GateAdmission::Refused { refusal, reason } => GateAdmission {
            admitted: false,
            reason: Some(reason),
            refusal: Some(refusal.as_str().to_owned()),
            effective_timeout_s: None,
            clip: None,
            requested_timeout_s: None,
            ceiling_shrinking: false,
            gate_count: None,
        },
    }
}

fn allowlist_out(v: core::AllowlistView) -> AllowlistView {
    AllowlistView {
        all_session: v.all_session,
        tool_types: v.tool_types,
        tool_groups: v.tool_groups,
        bash_patterns: v.bash_patterns,
        write_paths: v.write_paths,
        rule_ids: v.rule_ids,
        scopes: v.scopes,
    }
}

fn config_out(c: &core::SessionConfig) -> SessionConfig {
    SessionConfig {
        principal: c.principal.clone(),
        repo: c.repo.clone(),
        read_only: c.read_only,
        initial_approvals: c.initial_approvals.clone(),
        approval_gate_cap: c.approval_gate_cap,
        initial_approval_gate_count: c.initial_approval_gate_count,
        task_default_timeout_s: c.task_default_timeout_s,
        cache_max_entries: c.cache_max_entries,
        cache_ttl_s: c.cache_ttl_s,
    }
}

fn u64_to_i64(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

// ---------------------------------------------------------------------------------------------
// Rule objects: plain JS objects with a hidden, type-tagged link to the core rule
// ---------------------------------------------------------------------------------------------

const RULE_TAG: sys::napi_type_tag =
    sys::napi_type_tag { lower: 0x6365_6461_722d_6869, upper: 0x746c_2d72_756c_6501 };

unsafe extern "C" fn drop_rule(
    _env: sys::napi_env,
    data: *mut std::ffi::c_void,
    _hint: *mut std::ffi::c_void,
) {
    if !data.is_null() {
        drop(unsafe { Box::from_raw(data.cast::<core::Rule>()) });
    }
}

fn rule_object(js: Js, rule: &core::Rule) -> Result<Val> {
    let obj = unsafe {
        <Rule as napi::bindgen_prelude::ToNapiValue>::to_napi_value(js.0, rule_out(rule))?
    };
    js.check(unsafe { sys::napi_type_tag_object(js.0, obj, &RULE_TAG) }, "type_tag_object")?;
    let raw = Box::into_raw(Box::new(rule.clone()));
    let status = unsafe {
        sys::napi_wrap(
            js.0,
            obj,
            raw.cast(),
            Some(drop_rule),
            std::ptr::null_mut(),
            std::ptr::null_mut(),
        )
    };
    if status != sys::Status::napi_ok {
        drop(unsafe { Box::from_raw(raw) });
        js.check(status, "wrap")?;
    }
    Ok(obj)
}

fn rules_array<'a>(js: Js, rules: impl IntoIterator<Item = &'a core::Rule>) -> Result<Raw> {
    let objs = rules.into_iter().map(|r| rule_object(js, r)).collect::<Result<Vec<_>>>()?;
    Ok(Raw(js.array_of(&objs)?))
}

/// The core rules behind an array of rule objects from `parseRules` / `PolicyBundle.rules()`.
fn rules_arg(js: Js, v: Val, field: &str) -> Result<Vec<core::Rule>> {
    if !(js.type_of(v)? == sys::ValueType::napi_object && js.is_array(v)?) {
        return Err(errors::config_msg(
            js,
            field,
            &format!(
                "{field} must be an array of rules from parseRules() or PolicyBundle.rules(), got {}",
                js.type_name(v)
            ),
        ));
    }
    let n = js.array_len(v)?;
    let mut out = Vec::with_capacity(n as usize);
    for i in 0..n {
        let item = js.element(v, i)?;
        let mut tagged = false;
        if js.type_of(item)? == sys::ValueType::napi_object {
            js.check(
                unsafe { sys::napi_check_object_type_tag(js.0, item, &RULE_TAG, &mut tagged) },
                "check_object_type_tag",
            )?;
        }
        let mut data = std::ptr::null_mut();
        if !tagged
            || unsafe { sys::napi_unwrap(js.0, item, &mut data) } != sys::Status::napi_ok
            || data.is_null()
        {
            return Err(errors::config_msg(
                js,
                &format!("{field}[{i}]"),
                &format!(
                    "{field}[{i}] is not a rule object from parseRules() or PolicyBundle.rules() (copies such as {{...rule}} or JSON.parse output lose the link to the parsed rule)"
                ),
            ));
        }
        out.push(unsafe { &*data.cast::<core::Rule>() }.clone());
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Shared argument readers
// ---------------------------------------------------------------------------------------------

fn js_of(env: &Env) -> Js {
    Js(env.raw())
}

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

fn evaluate_with(js: Js, session: &core::Session, name: Val, input: Val) -> Result<Raw> {
    let call = tool_call(js, name, input);
    decision_value(js, &session.evaluate(&call)).map(Raw)
}

/// An explanation as a plain JS object: `decision` is the same object `evaluate` returns
/// (camelCase keys); `command`, `path` and `steps` are the core's JSON (snake_case keys, like
/// `parseCommand`).
fn explain_with(js: Js, session: &core::Session, name: Val, input: Val) -> Result<Raw> {
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

fn explain_text_with(js: Js, session: &core::Session, name: Val, input: Val) -> String {
    session.explain(&tool_call(js, name, input)).render()
}

fn cache_hit_out(h: &core::CacheHit) -> CacheHit {
    CacheHit {
        tool_name: h.tool_name.clone(),
        tool_input_sha256: h.tool_input_sha256.clone(),
        cached_decision: h.cached_decision.as_str().to_owned(),
        cached_reason: h.cached_reason.clone(),
        original_decision_ts: h.original_decision_ts.clone(),
        matched_rule_ids: h.matched_rule_ids.clone(),
    }
}

/// A decision as a JS object: built by the env's cached object-literal factory with cached
/// constant strings (fast path), or by the generated `Decision` conversion if that fails.
fn decision_value(js: Js, d: &core::Decision) -> Result<Val> {
    let fast = || -> Result<Option<Val>> {
        let Some(factory) = js.decision_factory()? else {
            return Ok(None);
        };
        let cache_hit = match d.cache_hit() {
            Some(h) => unsafe {
                napi::bindgen_prelude::ToNapiValue::to_napi_value(js.0, cache_hit_out(h))?
            },
            None => js.null()?,
        };
        let args = [
            js.const_index(Some(d.outcome().as_str()))?,
            js.boolean(d.allowed())?,
            js.string(d.reason())?,
            js.const_index(d.tier().map(|t| t.as_str()))?,
            js.string_array(d.matching_rule_ids())?,
            match d.timeout_s() {
                Some(n) => js.uint32(n)?,
                None => js.null()?,
            },
            js.const_index(d.severity().map(|s| s.as_str()))?,
            js.number(d.elapsed().as_secs_f64() * 1000.0)?,
            js.boolean(d.is_fail_closed())?,
            js.const_index(d.fail_closed().map(|f| f.cause.as_str()))?,
            js.opt_string(d.fail_closed().map(|f| f.detail.as_str()))?,
            cache_hit,
            js.dynamic_index(d.policy_fingerprint())?,
            js.const_index(d.shadow().map(|s| s.outcome.as_str()))?,
            match d.shadow() {
                Some(s) => js.string_array(&s.matching_rule_ids)?,
                None => js.null()?,
            },
        ];
        js.call(factory, &args).map(Some)
    };
    match fast() {
        Ok(Some(v)) => return Ok(v),
        Ok(None) => {}
        Err(_) => {
            if js.exception_pending() {
                js.clear_exception();
            }
        }
    }
    unsafe { napi::bindgen_prelude::ToNapiValue::to_napi_value(js.0, decision_out(d)) }
}

/// The native object behind an instance of one of this binding's classes, checked by the class's
/// type tag (so a different class or a plain object is refused, never cast). The reference is
/// only used to clone an `Arc` out before returning to JavaScript.
fn class_ref<'a, T: TypeTag + 'a>(js: Js, v: Val) -> Result<Option<&'a T>> {
    if js.type_of(v)? != sys::ValueType::napi_object {
        return Ok(None);
    }
    let mut tagged = false;
    js.check(
        unsafe { sys::napi_check_object_type_tag(js.0, v, &T::type_tag(), &mut tagged) },
        "check_object_type_tag",
    )?;
    if !tagged {
        return Ok(None);
    }
    let mut data = std::ptr::null_mut();
    if unsafe { sys::napi_unwrap(js.0, v, &mut data) } != sys::Status::napi_ok || data.is_null() {
        return Ok(None);
    }
    Ok(Some(unsafe { &*data.cast::<T>() }))
}

fn bundle_arg(js: Js, v: Val, field: &str) -> Result<Arc<core::PolicyBundle>> {
    if let Some(b) = class_ref::<PolicyBundle>(js, v)? {
        return Ok(b.inner.clone());
    }
    Err(errors::config_msg(
        js,
        field,
        &format!("{field} must be a PolicyBundle, got {}", js.type_name(v)),
    ))
}

fn clock_arg(js: Js, v: Val, field: &str) -> Result<Option<Arc<core::ManualClock>>> {
    if js.is_nullish(v)? {
        return Ok(None);
    }
    if let Some(c) = class_ref::<ManualClock>(js, v)? {
        return Ok(Some(c.inner.clone()));
    }
    Err(errors::config_msg(
        js,
        field,
        &format!("{field} must be a ManualClock, got {}", js.type_name(v)),
    ))
}

/// Session settings from an options object. `principal_key` is `taskType` for the
/// `PolicyEngine` façade and `principal` for `Session`; defaults come from the core.
fn read_session_config(
    js: Js,
    obj: Option<Val>,
    principal_key: &str,
    principal_field: &str,
    require_names: bool,
) -> Result<core::SessionConfig> {
    let mut cfg = core::SessionConfig::default();
    match js.member(obj, principal_key)? {
        Some(v) => cfg.principal = js.str_arg(v, principal_field, Surrogates::Refuse)?,
        None if require_names => {
            return Err(errors::config_msg(
                js,
                principal_field,
                &format!("{principal_field} ({principal_key}) is required"),
            ));
        }
        None => {}
    }
    match js.member(obj, "repo")? {
        Some(v) => cfg.repo = js.str_arg(v, "repo", Surrogates::Refuse)?,
        None if require_names => return Err(errors::config_msg(js, "repo", "repo is required")),
        None => {}
    }
    if let Some(v) = js.member(obj, "readOnly")? {
        cfg.read_only = js.bool_arg(v, "read_only")?;
    }
    if let Some(v) = js.member_set(obj, "initialApprovals")? {
        cfg.initial_approvals = js.str_list_arg(v, "initial_approvals")?;
    }
    if let Some(v) = js.member(obj, "approvalGateCap")? {
        cfg.approval_gate_cap = js.int_arg(v, "approval_gate_cap")?;
    }
    if let Some(v) = js.member(obj, "initialApprovalGateCount")? {
        cfg.initial_approval_gate_count = js.int_arg(v, "initial_approval_gate_count")?;
    }
    if let Some(v) = js.member(obj, "taskDefaultTimeoutS")? {
        cfg.task_default_timeout_s = js.int_arg(v, "task_default_timeout_s")?;
    }
    if let Some(v) = js.member(obj, "cacheMaxEntries")? {
        cfg.cache_max_entries = js.int_arg(v, "cache_max_entries")?;
    }
    if let Some(v) = js.member(obj, "cacheTtlS")? {
        cfg.cache_ttl_s = js.int_arg(v, "cache_ttl_s")?;
    }
    Ok(cfg)
}

/// Optional text / list members of an options object (`null` = absent).
fn opt_text(js: Js, obj: Option<Val>, key: &str, field: &str) -> Result<Option<String>> {
    match js.member(obj, key)? {
        Some(v) => js.opt_str_arg(v, field, Surrogates::Refuse),
        None => Ok(None),
    }
}

fn opt_list(js: Js, obj: Option<Val>, key: &str, field: &str) -> Result<Option<Vec<String>>> {
    js.member_set(obj, key)?.map(|v| js.str_list_arg(v, field)).transpose()
}

const BUNDLE_OPTIONS: &[&str] = &[
    "builtins",
    "blueprintHard",
    "blueprintSoft",
    "disable",
    "extraPolicies",
    "writeTools",
    "shellTools",
];

/// The `builtins` option: `'hardened'` or `'upstream'` (the core parses the name); `undefined` /
/// `null` → `None` (the core's default, hardened).
fn opt_profile(js: Js, obj: Option<Val>) -> Result<Option<core::BuiltinProfile>> {
    let Some(v) = js.member_set(obj, "builtins")? else { return Ok(None) };
    match js.string_of(v)? {
        Ok(s) => s
            .parse::<core::BuiltinProfile>()
            .map(Some)
            .map_err(|m| errors::config_msg(js, "builtins", &format!("builtins: {m}"))),
        Err(_) => Err(errors::config_msg(
            js,
            "builtins",
            &format!("builtins must be 'hardened' or 'upstream', got {}", js.type_name(v)),
        )),
    }
}

fn bundle_builder(js: Js, options: Val) -> Result<core::PolicyBundleBuilder> {
    let obj = js.options(options, "PolicyBundle", BUNDLE_OPTIONS)?;
    let mut b = core::PolicyBundle::builder();
    if let Some(p) = opt_profile(js, obj)? {
        b = b.builtins(p);
    }
    if let Some(t) = opt_text(js, obj, "blueprintHard", "blueprint_hard")? {
        b = b.blueprint_hard(t);
    }
    if let Some(t) = opt_text(js, obj, "blueprintSoft", "blueprint_soft")? {
        b = b.blueprint_soft(t);
    }
    if let Some(l) = opt_list(js, obj, "disable", "disable")? {
        b = b.disable(l);
    }
    if let Some(l) = opt_list(js, obj, "extraPolicies", "extra_policies")? {
        b = b.extra_policies(l);
    }
    if let Some(v) = js.member_set(obj, "writeTools")? {
        b = b.write_tools(js.str_map_arg(v, "write_tools")?);
    }
    if let Some(v) = js.member_set(obj, "shellTools")? {
        b = b.shell_tools(js.str_map_arg(v, "shell_tools")?);
    }
    Ok(b)
}

fn new_session(
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

/// A shadow bundle option: a `PolicyBundle`, or `undefined` / `null` (no shadow).
fn shadow_arg(js: Js, v: Option<Val>, field: &str) -> Result<Option<Arc<core::PolicyBundle>>> {
    match v {
        Some(v) if !js.is_nullish(v)? => {
            if let Some(b) = class_ref::<PolicyBundle>(js, v)? {
                return Ok(Some(b.inner.clone()));
            }
            Err(errors::config_msg(
                js,
                field,
                &format!("{field} must be a PolicyBundle or null, got {}", js.type_name(v)),
            ))
        }
        _ => Ok(None),
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
    core::Resolution::from_parts(&kind, scope, request_id, reason, decided_at)
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

fn record_outcome_with(
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
    Ok(ResolutionEffect {
        outcome: effect.outcome.as_str().to_owned(),
        agent_reason: effect.agent_reason,
        scope_added: effect.scope_added.map(|s| s.to_string()),
    })
}

fn add_scope_with(js: Js, session: &core::Session, scope: Val) -> Result<String> {
    let scope = js.str_arg(scope, "scope", Surrogates::Refuse)?;
    session.add_scope(&scope).map(|s| s.to_string()).map_err(|e| errors::scope(js, &e))
}

fn allowlist_matches_with(js: Js, session: &core::Session, name: Val, input: Val) -> Result<bool> {
    let name = js.str_arg(name, "tool_name", Surrogates::Refuse)?;
    Ok(session.allowlist_matches(&core::ToolCall::new(name, convert::to_json_value(js, input))))
}

fn record_input_decision_with(
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

fn record_rule_decision_with(
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

fn get_decision_with(
    js: Js,
    session: &core::Session,
    name: Val,
    sha: Val,
) -> Result<Option<CacheEntry>> {
    let name = js.str_arg(name, "tool_name", Surrogates::Refuse)?;
    let sha = js.str_arg(sha, "tool_input_sha256", Surrogates::Refuse)?;
    Ok(session.cached_input_decision(&name, &sha).as_ref().map(cache_entry_out))
}

fn get_rule_decision_with(
    js: Js,
    session: &core::Session,
    name: Val,
    ids: Val,
) -> Result<Option<RuleCacheEntry>> {
    let name = js.str_arg(name, "tool_name", Surrogates::Refuse)?;
    let ids = rule_ids_arg(js, ids, "rule_ids")?;
    Ok(session.cached_rule_decision(&name, &ids).map(|(rule_ids, e)| RuleCacheEntry {
        rule_ids,
        decision: e.decision.as_str().to_owned(),
        reason: e.reason,
        original_decision_ts: e.original_decision_ts,
    }))
}

fn record_gate_timestamp_with(js: Js, session: &core::Session, now: Val) -> Result<()> {
    let now = if js.is_nullish(now)? { None } else { Some(js.f64_arg(now, "now")?) };
    session.record_gate_timestamp(now);
    Ok(())
}

fn queue_denial_with(
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

fn begin_gate_with(
    js: Js,
    session: &core::Session,
    timeout: Val,
    remaining: Val,
) -> Result<GateAdmission> {
    let timeout = js.opt_int_arg(timeout, "timeout_s")?;
    let remaining = js.opt_int_arg(remaining, "remaining_lifetime_s")?;
    Ok(admission_out(session.begin_gate(timeout, remaining)))
}

// ---------------------------------------------------------------------------------------------
// ManualClock
// ---------------------------------------------------------------------------------------------

/// A clock that moves only when told to (tests, fixtures, replay). Pass it to `Session` /
/// `PolicyEngine` to control cache TTLs and the approval-rate window exactly.
#[napi]
pub struct ManualClock {
    inner: Arc<core::ManualClock>,
}

#[napi]
impl ManualClock {
    /// `unixS`: the wall-clock time to start at, in seconds since the epoch (default: 0, as in
    /// Python, so a test that never passes a start is reproducible). Monotonic time starts at 0.
    #[napi(constructor, catch_unwind, ts_args_type = "unixS?: number")]
    pub fn new(env: Env, unix_s: Unknown<'_>) -> Result<Self> {
        let js = js_of(&env);
        let start =
            if js.is_nullish(unix_s.raw())? { 0.0 } else { js.f64_arg(unix_s.raw(), "unix_s")? };
        Ok(Self { inner: Arc::new(core::ManualClock::new(start)) })
    }

    /// Move both the monotonic and the wall clock forward (non-positive or non-finite: no-op).
    #[napi(catch_unwind, ts_args_type = "seconds: number")]
    pub fn advance(&self, env: Env, seconds: Unknown<'_>) -> Result<()> {
        let s = js_of(&env).f64_arg(seconds.raw(), "seconds")?;
        self.inner.advance(s);
        Ok(())
    }

    /// Monotonic seconds since the clock was created.
    #[napi(getter, catch_unwind)]
    pub fn monotonic_s(&self) -> f64 {
        self.inner.monotonic_s()
    }

    /// Wall-clock seconds since the Unix epoch.
    #[napi(getter, catch_unwind)]
    pub fn unix_s(&self) -> f64 {
        self.inner.unix_s()
    }
}

// ---------------------------------------------------------------------------------------------
// PolicyBundle
// ---------------------------------------------------------------------------------------------

/// Built-in and blueprint policies, parsed and validated once; immutable. Build one per cold
/// start (or per worker thread) and share it between sessions.
#[napi]
pub struct PolicyBundle {
    inner: Arc<core::PolicyBundle>,
}

#[napi]
impl PolicyBundle {
    /// Validate and build. Throws a `POLICY_LOAD` error (or `CONFIG` for a wrong option type).
    #[napi(constructor, catch_unwind, ts_args_type = "options?: PolicyBundleOptions")]
    pub fn new(env: Env, options: Unknown<'_>) -> Result<Self> {
        let js = js_of(&env);
        let built = bundle_builder(js, options.raw())?.build().map_err(|e| errors::load(js, &e))?;
        Ok(Self { inner: Arc::new(built) })
    }

    /// The built-in policies alone.
    #[napi(factory, catch_unwind)]
    pub fn builtin() -> Self {
        Self { inner: Arc::new(core::PolicyBundle::builtin()) }
    }

    /// Validate without building: every error and warning (for blueprint checks in CI or an
    /// admin endpoint). Never throws for policy problems.
    #[napi(catch_unwind, ts_args_type = "options?: PolicyBundleOptions")]
    pub fn check(env: Env, options: Unknown<'_>) -> Result<CheckReport> {
        let report = bundle_builder(js_of(&env), options.raw())?.check();
        Ok(CheckReport {
            errors: report.errors.iter().map(load_error_out).collect(),
            warnings: report.warnings.iter().map(warning_out).collect(),
        })
    }

    /// Enforced rules as listed to operators: `{ hard, soft, profile }`.
    #[napi(catch_unwind)]
    pub fn list_policies(&self) -> RuleListing {
        listing_out(&self.inner.listing())
    }

    /// Every rule: hard tier then soft tier, positional order (permits included).
    #[napi(catch_unwind, ts_return_type = "Rule[]")]
    pub fn rules(&self, env: Env) -> Result<Raw> {
        rules_array(js_of(&env), self.inner.rules())
    }

    /// Load warnings.
    #[napi(getter, catch_unwind)]
    pub fn warnings(&self) -> Vec<LoadWarning> {
        self.inner.warnings().iter().map(warning_out).collect()
    }

    /// The built-in profile the bundle starts from: `'hardened'` (default) or `'upstream'`.
    #[napi(getter, catch_unwind, ts_return_type = "BuiltinProfile")]
    pub fn profile(&self) -> String {
        self.inner.profile().as_str().to_owned()
    }

    /// Disabled soft rule ids (sorted).
    #[napi(getter, catch_unwind)]
    pub fn disabled(&self) -> Vec<String> {
        self.inner.disabled().iter().cloned().collect()
    }

    /// Write tools and their path keys.
    #[napi(getter, catch_unwind, ts_return_type = "Record<string, string>")]
    pub fn write_tools(&self, env: Env) -> Result<Raw> {
        tool_map(js_of(&env), self.inner.write_tools())
    }

    /// Shell tools and their command keys.
    #[napi(getter, catch_unwind, ts_return_type = "Record<string, string>")]
    pub fn shell_tools(&self, env: Env) -> Result<Raw> {
        tool_map(js_of(&env), self.inner.shell_tools())
    }

    /// SHA-256 (hex, 64 characters) over what decides: every policy of both tiers in normalised
    /// form (whitespace and comments do not matter), the disable list, the tool maps, the
    /// built-in profile and the schema. Equal bundles have equal fingerprints in every language;
    /// every decision carries it as `policyFingerprint`.
    #[napi(getter, catch_unwind)]
    pub fn fingerprint(&self) -> String {
        self.inner.fingerprint().to_owned()
    }
}

fn tool_map(js: Js, map: &[(String, String)]) -> Result<Raw> {
    let obj = js.object()?;
    for (k, v) in map {
        js.set(obj, k, js.string(v)?)?;
    }
    Ok(Raw(obj))
}

// ---------------------------------------------------------------------------------------------
// Session
// ---------------------------------------------------------------------------------------------

/// The state of one task (allowlist, caches, gate accounting) over a shared `PolicyBundle`.
/// Instances belong to the thread (isolate) that created them; see the README's threads note.
#[napi]
pub struct Session {
    inner: Arc<core::Session>,
    bundle: Arc<core::PolicyBundle>,
    shadow: Option<Arc<core::PolicyBundle>>,
}

const SESSION_OPTIONS: &[&str] = &[
    "principal",
    "repo",
    "readOnly",
    "initialApprovals",
    "approvalGateCap",
    "initialApprovalGateCount",
    "taskDefaultTimeoutS",
    "cacheMaxEntries",
    "cacheTtlS",
    "shadow",
];

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
        let obj = js.options(options.raw(), "Session", SESSION_OPTIONS)?;
        let cfg = read_session_config(js, obj, "principal", "principal", false)?;
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

    /// Decide one tool call. Never throws: bad input is a DENY with `failClosed: true`.
    #[napi(
        catch_unwind,
        ts_args_type = "toolName: string, toolInput: ToolInput",
        ts_return_type = "Decision"
    )]
    pub fn evaluate(
        &self,
        env: Env,
        tool_name: Unknown<'_>,
        tool_input: Unknown<'_>,
    ) -> Result<Raw> {
        evaluate_with(js_of(&env), &self.inner, tool_name.raw(), tool_input.raw())
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

    /// Decide one tool call and say how: the same pipeline as `evaluate` (the same decision),
    /// recording every step. Never throws.
    #[napi(
        catch_unwind,
        ts_args_type = "toolName: string, toolInput: ToolInput",
        ts_return_type = "Explanation"
    )]
    pub fn explain(
        &self,
        env: Env,
        tool_name: Unknown<'_>,
        tool_input: Unknown<'_>,
    ) -> Result<Raw> {
        explain_with(js_of(&env), &self.inner, tool_name.raw(), tool_input.raw())
    }

    /// `explain` rendered for people: the outcome and reason, then one line a step. Never throws.
    #[napi(catch_unwind, ts_args_type = "toolName: string, toolInput: ToolInput")]
    pub fn explain_text(
        &self,
        env: Env,
        tool_name: Unknown<'_>,
        tool_input: Unknown<'_>,
    ) -> String {
        explain_text_with(js_of(&env), &self.inner, tool_name.raw(), tool_input.raw())
    }

    /// Apply how a gate ended (widen the allowlist, fill the caches, queue the denial) and get
    /// the agent-facing reason. Throws `SCOPE` for a refused approval scope, `CONFIG` for a bad
    /// resolution.
    #[napi(
        catch_unwind,
        ts_args_type = "toolName: string, toolInput: ToolInput, matchingRuleIds: readonly string[], resolution: Resolution"
    )]
    pub fn record_outcome(
        &self,
        env: Env,
        tool_name: Unknown<'_>,
        tool_input: Unknown<'_>,
        matching_rule_ids: Unknown<'_>,
        resolution: Unknown<'_>,
    ) -> Result<ResolutionEffect> {
        record_outcome_with(
            js_of(&env),
            &self.inner,
            tool_name.raw(),
            tool_input.raw(),
            matching_rule_ids.raw(),
            resolution.raw(),
        )
    }

    /// Validate and add a scope; returns it normalised. Throws `SCOPE`.
    #[napi(catch_unwind, ts_args_type = "scope: string")]
    pub fn add_scope(&self, env: Env, scope: Unknown<'_>) -> Result<String> {
        add_scope_with(js_of(&env), &self.inner, scope.raw())
    }

    /// A snapshot of the allowlist.
    #[napi(getter, catch_unwind)]
    pub fn allowlist(&self) -> AllowlistView {
        allowlist_out(self.inner.allowlist())
    }

    /// Whether the tool scopes of the allowlist pre-approve this call (pipeline step 2 alone).
    #[napi(catch_unwind, ts_args_type = "toolName: string, toolInput: ToolInput")]
    pub fn allowlist_matches(
        &self,
        env: Env,
        tool_name: Unknown<'_>,
        tool_input: Unknown<'_>,
    ) -> Result<bool> {
        allowlist_matches_with(js_of(&env), &self.inner, tool_name.raw(), tool_input.raw())
    }

    /// Remember a decision for `(toolName, input hash)`; `decision` is `DENIED` or `TIMED_OUT`.
    #[napi(
        catch_unwind,
        ts_args_type = "toolName: string, toolInputSha256: string, decision: 'DENIED' | 'TIMED_OUT', reason?: string | null, originalDecisionTs?: string | null"
    )]
    pub fn record_input_decision(
        &self,
        env: Env,
        tool_name: Unknown<'_>,
        sha: Unknown<'_>,
        decision: Unknown<'_>,
        reason: Unknown<'_>,
        ts: Unknown<'_>,
    ) -> Result<()> {
        record_input_decision_with(
            js_of(&env),
            &self.inner,
            tool_name.raw(),
            sha.raw(),
            decision.raw(),
            reason.raw(),
            ts.raw(),
        )
    }

    /// Remember that a human denied this set of rule ids for `toolName` (`DENIED` only).
    #[napi(
        catch_unwind,
        ts_args_type = "toolName: string, ruleIds: string | readonly string[], decision: 'DENIED', reason?: string | null, originalDecisionTs?: string | null"
    )]
    pub fn record_rule_decision(
        &self,
        env: Env,
        tool_name: Unknown<'_>,
        rule_ids: Unknown<'_>,
        decision: Unknown<'_>,
        reason: Unknown<'_>,
        ts: Unknown<'_>,
    ) -> Result<()> {
        record_rule_decision_with(
            js_of(&env),
            &self.inner,
            tool_name.raw(),
            rule_ids.raw(),
            decision.raw(),
            reason.raw(),
            ts.raw(),
        )
    }

    /// The live input-hash entry, or `null`.
    #[napi(catch_unwind, ts_args_type = "toolName: string, toolInputSha256: string")]
    pub fn cached_input_decision(
        &self,
        env: Env,
        tool_name: Unknown<'_>,
        sha: Unknown<'_>,
    ) -> Result<Option<CacheEntry>> {
        get_decision_with(js_of(&env), &self.inner, tool_name.raw(), sha.raw())
    }

    /// The most recent live rule entry whose ids all appear in `ruleIds`, or `null`.
    #[napi(catch_unwind, ts_args_type = "toolName: string, ruleIds: string | readonly string[]")]
    pub fn cached_rule_decision(
        &self,
        env: Env,
        tool_name: Unknown<'_>,
        rule_ids: Unknown<'_>,
    ) -> Result<Option<RuleCacheEntry>> {
        get_rule_decision_with(js_of(&env), &self.inner, tool_name.raw(), rule_ids.raw())
    }

    #[napi(getter, catch_unwind)]
    pub fn input_cache_len(&self) -> u32 {
        self.inner.input_cache_len() as u32
    }

    #[napi(getter, catch_unwind)]
    pub fn rule_cache_len(&self) -> u32 {
        self.inner.rule_cache_len() as u32
    }

    #[napi(getter, catch_unwind)]
    pub fn gate_count(&self) -> i64 {
        u64_to_i64(self.inner.gate_count())
    }

    /// Add one to the gate counter; returns the new count.
    #[napi(catch_unwind)]
    pub fn increment_gate_count(&self) -> i64 {
        u64_to_i64(self.inner.increment_gate_count())
    }

    /// Record a gate in the rate window at `now` (session monotonic seconds; default now).
    #[napi(catch_unwind, ts_args_type = "now?: number | null")]
    pub fn record_gate_timestamp(&self, env: Env, now: Unknown<'_>) -> Result<()> {
        record_gate_timestamp_with(js_of(&env), &self.inner, now.raw())
    }

    /// Gates recorded within the last rate window.
    #[napi(getter, catch_unwind)]
    pub fn approvals_in_window(&self) -> u32 {
        self.inner.approvals_in_window() as u32
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

    /// Take every queued denial, oldest first.
    #[napi(catch_unwind)]
    pub fn drain_denials(&self) -> Vec<DenialEntry> {
        self.inner.drain_denials().into_iter().map(denial_out).collect()
    }

    /// The one-shot ceiling-shrinking latch: `true` on the first call only.
    #[napi(catch_unwind)]
    pub fn mark_ceiling_shrinking(&self) -> bool {
        self.inner.mark_ceiling_shrinking()
    }

    /// Decide whether a REQUIRE_APPROVAL may open a gate (cap, rate limit, remaining lifetime),
    /// and if so count it. `timeoutS` is the decision's `timeoutS` (null: task default).
    #[napi(
        catch_unwind,
        ts_args_type = "timeoutS?: number | null, remainingLifetimeS?: number | null"
    )]
    pub fn begin_gate(
        &self,
        env: Env,
        timeout_s: Unknown<'_>,
        remaining_lifetime_s: Unknown<'_>,
    ) -> Result<GateAdmission> {
        begin_gate_with(js_of(&env), &self.inner, timeout_s.raw(), remaining_lifetime_s.raw())
    }

    /// The whole mutable state as JSON text (see `Session.restore`).
    #[napi(catch_unwind)]
    pub fn snapshot(&self) -> String {
        self.inner.snapshot()
    }

    /// The settings the session was built with.
    #[napi(getter, catch_unwind)]
    pub fn config(&self) -> SessionConfig {
        config_out(self.inner.config())
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

// ---------------------------------------------------------------------------------------------
// PolicyEngine — the upstream-compatible façade
// ---------------------------------------------------------------------------------------------

/// The upstream-compatible engine: builds a bundle and a session from the familiar options.
/// `new PolicyEngine({ taskType, repo, ... })` or `new PolicyEngine(taskType, repo, options?)`.
#[napi]
pub struct PolicyEngine {
    bundle: Arc<core::PolicyBundle>,
    session: Arc<core::Session>,
    shadow: Option<Arc<core::PolicyBundle>>,
}

const ENGINE_OPTIONS: &[&str] = &[
    "taskType",
    "repo",
    "readOnly",
    "builtins",
    "extraPolicies",
    "blueprintHardPolicies",
    "blueprintSoftPolicies",
    "blueprintDisable",
    "initialApprovals",
    "approvalGateCap",
    "initialApprovalGateCount",
    "taskDefaultTimeoutS",
    "cacheMaxEntries",
    "cacheTtlS",
    "bundle",
    "clock",
    "shadowBundle",
];
const ENGINE_POSITIONAL_OPTIONS: &[&str] = &[
    "readOnly",
    "builtins",
    "extraPolicies",
    "blueprintHardPolicies",
    "blueprintSoftPolicies",
    "blueprintDisable",
    "initialApprovals",
    "approvalGateCap",
    "initialApprovalGateCount",
    "taskDefaultTimeoutS",
    "cacheMaxEntries",
    "cacheTtlS",
    "bundle",
    "clock",
    "shadowBundle",
];

#[napi]
impl PolicyEngine {
    /// Throws `POLICY_LOAD`, `SCOPE` or `CONFIG` (see the README's error table).
    #[napi(
        constructor,
        catch_unwind,
        ts_args_type = "optionsOrTaskType: PolicyEngineOptions | string, repo?: string, options?: Omit<PolicyEngineOptions, 'taskType' | 'repo'>"
    )]
    pub fn new(env: Env, first: Unknown<'_>, repo: Unknown<'_>, rest: Unknown<'_>) -> Result<Self> {
        let js = js_of(&env);
        let positional = js.type_of(first.raw())? == sys::ValueType::napi_string;
        let (obj, cfg) = if positional {
            let obj = js.options(rest.raw(), "PolicyEngine", ENGINE_POSITIONAL_OPTIONS)?;
            let mut cfg = read_session_config(js, obj, "taskType", "task_type", false)?;
            cfg.principal = js.str_arg(first.raw(), "task_type", Surrogates::Refuse)?;
            cfg.repo = js.str_arg(repo.raw(), "repo", Surrogates::Refuse)?;
            (obj, cfg)
        } else {
            if !js.is_nullish(repo.raw())? || !js.is_nullish(rest.raw())? {
                return Err(errors::config_msg(
                    js,
                    "options",
                    "pass either (options) or (taskType, repo, options?)",
                ));
            }
            let obj = js.options(first.raw(), "PolicyEngine", ENGINE_OPTIONS)?;
            if obj.is_none() {
                return Err(errors::config_msg(
                    js,
                    "task_type",
                    "PolicyEngine needs options with taskType and repo",
                ));
            }
            let cfg = read_session_config(js, obj, "taskType", "task_type", true)?;
            (obj, cfg)
        };
        let hard = opt_text(js, obj, "blueprintHardPolicies", "blueprint_hard_policies")?;
        let soft = opt_text(js, obj, "blueprintSoftPolicies", "blueprint_soft_policies")?;
        let disable = opt_list(js, obj, "blueprintDisable", "blueprint_disable")?;
        let extra = opt_list(js, obj, "extraPolicies", "extra_policies")?;
        let profile = opt_profile(js, obj)?;
        let clock = match js.member(obj, "clock")? {
            Some(v) => clock_arg(js, v, "clock")?,
            None => None,
        };
        let bundle = match js.member(obj, "bundle")? {
            Some(v) if !js.is_nullish(v)? => {
                if hard.is_some()
                    || soft.is_some()
                    || disable.is_some()
                    || extra.is_some()
                    || profile.is_some()
                {
                    return Err(errors::config_msg(
                        js,
                        "bundle",
                        "pass either bundle or policy options (builtins/blueprint*/extraPolicies), not both",
                    ));
                }
                bundle_arg(js, v, "bundle")?
            }
            _ => {
                let mut b = core::PolicyBundle::builder();
                if let Some(p) = profile {
                    b = b.builtins(p);
                }
                if let Some(t) = hard {
                    b = b.blueprint_hard(t);
                }
                if let Some(t) = soft {
                    b = b.blueprint_soft(t);
                }
                if let Some(l) = disable {
                    b = b.disable(l);
                }
                if let Some(l) = extra {
                    b = b.extra_policies(l);
                }
                Arc::new(b.build().map_err(|e| errors::load(js, &e))?)
            }
        };
        let shadow = shadow_arg(js, js.member(obj, "shadowBundle")?, "shadow_bundle")?;
        let session = new_session(js, bundle.clone(), cfg, clock, shadow.clone())?;
        Ok(Self { bundle, session, shadow })
    }

    /// Decide one tool call. Never throws: bad input is a DENY with `failClosed: true`.
    #[napi(
        catch_unwind,
        ts_args_type = "toolName: string, toolInput: ToolInput",
        ts_return_type = "Decision"
    )]
    pub fn evaluate_tool_use(
        &self,
        env: Env,
        tool_name: Unknown<'_>,
        tool_input: Unknown<'_>,
    ) -> Result<Raw> {
        evaluate_with(js_of(&env), &self.session, tool_name.raw(), tool_input.raw())
    }

    /// See `Session.explain`: the decision `evaluateToolUse` would return, with the steps that
    /// produced it. Never throws.
    #[napi(
        catch_unwind,
        ts_args_type = "toolName: string, toolInput: ToolInput",
        ts_return_type = "Explanation"
    )]
    pub fn explain_tool_use(
        &self,
        env: Env,
        tool_name: Unknown<'_>,
        tool_input: Unknown<'_>,
    ) -> Result<Raw> {
        explain_with(js_of(&env), &self.session, tool_name.raw(), tool_input.raw())
    }

    /// See `Session.explainText`.
    #[napi(catch_unwind, ts_args_type = "toolName: string, toolInput: ToolInput")]
    pub fn explain_tool_use_text(
        &self,
        env: Env,
        tool_name: Unknown<'_>,
        tool_input: Unknown<'_>,
    ) -> String {
        explain_text_with(js_of(&env), &self.session, tool_name.raw(), tool_input.raw())
    }

    #[napi(getter, catch_unwind)]
    pub fn task_type(&self) -> String {
        self.session.config().principal.clone()
    }

    #[napi(getter, catch_unwind)]
    pub fn repo(&self) -> String {
        self.session.config().repo.clone()
    }

    #[napi(getter, catch_unwind)]
    pub fn read_only(&self) -> bool {
        self.session.config().read_only
    }

    #[napi(getter, catch_unwind)]
    pub fn approval_gate_cap(&self) -> i64 {
        self.session.config().approval_gate_cap
    }

    #[napi(getter, catch_unwind)]
    pub fn task_default_timeout_s(&self) -> i64 {
        self.session.config().task_default_timeout_s
    }

    /// The engine's bundle.
    #[napi(getter, catch_unwind)]
    pub fn bundle(&self) -> PolicyBundle {
        PolicyBundle { inner: self.bundle.clone() }
    }

    /// The engine's session (same state, full `Session` surface: snapshot, beginGate, …).
    #[napi(getter, catch_unwind)]
    pub fn session(&self) -> Session {
        Session {
            inner: self.session.clone(),
            bundle: self.bundle.clone(),
            shadow: self.shadow.clone(),
        }
    }

    /// Load warnings of the engine's bundle.
    #[napi(getter, catch_unwind)]
    pub fn warnings(&self) -> Vec<LoadWarning> {
        self.bundle.warnings().iter().map(warning_out).collect()
    }

    /// Enforced rules of the engine's bundle: `{ hard, soft, profile }`.
    #[napi(catch_unwind)]
    pub fn list_policies(&self) -> RuleListing {
        listing_out(&self.bundle.listing())
    }

    /// Validate and add an approval scope; returns it normalised. Throws `SCOPE`.
    #[napi(catch_unwind, ts_args_type = "scope: string")]
    pub fn allowlist_add(&self, env: Env, scope: Unknown<'_>) -> Result<String> {
        add_scope_with(js_of(&env), &self.session, scope.raw())
    }

    /// Whether the allowlist's tool scopes pre-approve this call (throws `CONFIG` for a tool name
    /// that is not a string).
    #[napi(catch_unwind, ts_args_type = "toolName: string, toolInput: ToolInput")]
    pub fn allowlist_matches(
        &self,
        env: Env,
        tool_name: Unknown<'_>,
        tool_input: Unknown<'_>,
    ) -> Result<bool> {
        allowlist_matches_with(js_of(&env), &self.session, tool_name.raw(), tool_input.raw())
    }

    /// Rule ids pre-approved by `rule:` scopes.
    #[napi(getter, catch_unwind)]
    pub fn allowlist_rule_ids(&self) -> Vec<String> {
        self.session.allowlist().rule_ids
    }

    /// The whole allowlist.
    #[napi(getter, catch_unwind)]
    pub fn allowlist(&self) -> AllowlistView {
        allowlist_out(self.session.allowlist())
    }

    /// Input-hash cache record (upstream `RecentDecisionCache.record`).
    #[napi(
        catch_unwind,
        ts_args_type = "toolName: string, toolInputSha256: string, decision: 'DENIED' | 'TIMED_OUT', reason?: string | null, originalDecisionTs?: string | null"
    )]
    pub fn record_decision(
        &self,
        env: Env,
        tool_name: Unknown<'_>,
        sha: Unknown<'_>,
        decision: Unknown<'_>,
        reason: Unknown<'_>,
        ts: Unknown<'_>,
    ) -> Result<()> {
        record_input_decision_with(
            js_of(&env),
            &self.session,
            tool_name.raw(),
            sha.raw(),
            decision.raw(),
            reason.raw(),
            ts.raw(),
        )
    }

    /// Rule-level cache record (`DENIED` only; one id or a set).
    #[napi(
        catch_unwind,
        ts_args_type = "toolName: string, ruleId: string | readonly string[], decision: 'DENIED', reason?: string | null, originalDecisionTs?: string | null"
    )]
    pub fn record_rule_decision(
        &self,
        env: Env,
        tool_name: Unknown<'_>,
        rule_id: Unknown<'_>,
        decision: Unknown<'_>,
        reason: Unknown<'_>,
        ts: Unknown<'_>,
    ) -> Result<()> {
        record_rule_decision_with(
            js_of(&env),
            &self.session,
            tool_name.raw(),
            rule_id.raw(),
            decision.raw(),
            reason.raw(),
            ts.raw(),
        )
    }

    /// The live input-hash entry, or `null`.
    #[napi(catch_unwind, ts_args_type = "toolName: string, toolInputSha256: string")]
    pub fn get_decision(
        &self,
        env: Env,
        tool_name: Unknown<'_>,
        sha: Unknown<'_>,
    ) -> Result<Option<CacheEntry>> {
        get_decision_with(js_of(&env), &self.session, tool_name.raw(), sha.raw())
    }

    /// The first live rule entry covered by `ruleIds`, or `null`.
    #[napi(catch_unwind, ts_args_type = "toolName: string, ruleIds: string | readonly string[]")]
    pub fn get_rule_decision(
        &self,
        env: Env,
        tool_name: Unknown<'_>,
        rule_ids: Unknown<'_>,
    ) -> Result<Option<RuleCacheEntry>> {
        get_rule_decision_with(js_of(&env), &self.session, tool_name.raw(), rule_ids.raw())
    }

    /// Entries in the input-hash cache.
    #[napi(getter, catch_unwind)]
    pub fn recent_decisions_len(&self) -> u32 {
        self.session.input_cache_len() as u32
    }

    /// Entries in the rule-level cache.
    #[napi(getter, catch_unwind)]
    pub fn recent_rule_decisions_len(&self) -> u32 {
        self.session.rule_cache_len() as u32
    }

    #[napi(getter, catch_unwind)]
    pub fn approval_gate_count(&self) -> i64 {
        u64_to_i64(self.session.gate_count())
    }

    /// Returns the new count.
    #[napi(catch_unwind)]
    pub fn increment_approval_gate_count(&self) -> i64 {
        u64_to_i64(self.session.increment_gate_count())
    }

    #[napi(catch_unwind, ts_args_type = "now?: number | null")]
    pub fn record_approval_gate_timestamp(&self, env: Env, now: Unknown<'_>) -> Result<()> {
        record_gate_timestamp_with(js_of(&env), &self.session, now.raw())
    }

    #[napi(getter, catch_unwind)]
    pub fn approvals_in_last_minute(&self) -> u32 {
        self.session.approvals_in_window() as u32
    }

    #[napi(
        catch_unwind,
        ts_args_type = "requestId: string, reason: string, decidedAt: string | null"
    )]
    pub fn queue_denial_injection(
        &self,
        env: Env,
        request_id: Unknown<'_>,
        reason: Unknown<'_>,
        decided_at: Unknown<'_>,
    ) -> Result<()> {
        queue_denial_with(
            js_of(&env),
            &self.session,
            request_id.raw(),
            reason.raw(),
            decided_at.raw(),
        )
    }

    #[napi(catch_unwind)]
    pub fn drain_denial_injections(&self) -> Vec<DenialEntry> {
        self.session.drain_denials().into_iter().map(denial_out).collect()
    }

    /// `true` on the first call of the session only.
    #[napi(catch_unwind)]
    pub fn mark_ceiling_shrinking_emitted(&self) -> bool {
        self.session.mark_ceiling_shrinking()
    }

    /// See `Session.recordOutcome`.
    #[napi(
        catch_unwind,
        ts_args_type = "toolName: string, toolInput: ToolInput, matchingRuleIds: readonly string[], resolution: Resolution"
    )]
    pub fn record_outcome(
        &self,
        env: Env,
        tool_name: Unknown<'_>,
        tool_input: Unknown<'_>,
        matching_rule_ids: Unknown<'_>,
        resolution: Unknown<'_>,
    ) -> Result<ResolutionEffect> {
        record_outcome_with(
            js_of(&env),
            &self.session,
            tool_name.raw(),
            tool_input.raw(),
            matching_rule_ids.raw(),
            resolution.raw(),
        )
    }

    /// See `Session.beginGate`.
    #[napi(
        catch_unwind,
        ts_args_type = "timeoutS?: number | null, remainingLifetimeS?: number | null"
    )]
    pub fn begin_gate(
        &self,
        env: Env,
        timeout_s: Unknown<'_>,
        remaining_lifetime_s: Unknown<'_>,
    ) -> Result<GateAdmission> {
        begin_gate_with(js_of(&env), &self.session, timeout_s.raw(), remaining_lifetime_s.raw())
    }
}

// ---------------------------------------------------------------------------------------------
// Lambda-side helpers (docs/behaviour.md#scopes, docs/text.md, docs/behaviour.md#rule-listing) — each one call into the core
// ---------------------------------------------------------------------------------------------

/// Parse policy text into rule metadata (blank text → `[]`). Throws `POLICY_LOAD`.
#[napi(catch_unwind, ts_args_type = "text: string", ts_return_type = "Rule[]")]
pub fn parse_rules(env: Env, text: Unknown<'_>) -> Result<Raw> {
    let js = js_of(&env);
    let text = js.str_arg(text.raw(), "text", Surrogates::Refuse)?;
    let rules = core::parse_rules(&text).map_err(|e| errors::load(js, &e))?;
    rules_array(js, &rules)
}

/// Map positional policy ids (`policy3`) to rule ids, keeping input order, dropping unknown ids.
#[napi(catch_unwind, ts_args_type = "rules: readonly Rule[], policyIds: readonly string[]")]
pub fn matching_rule_ids(
    env: Env,
    rules: Unknown<'_>,
    policy_ids: Unknown<'_>,
) -> Result<Vec<String>> {
    let js = js_of(&env);
    let rules = rules_arg(js, rules.raw(), "rules")?;
    let ids = js.str_list_arg(policy_ids.raw(), "policy_ids")?;
    Ok(core::matching_rule_ids(&rules, &ids))
}

/// Whether `text` holds a hard rule with this id (`false` when the text does not parse).
#[napi(catch_unwind, ts_args_type = "text: string, ruleId: string")]
pub fn is_hard_deny_rule(env: Env, text: Unknown<'_>, rule_id: Unknown<'_>) -> Result<bool> {
    let js = js_of(&env);
    let text = js.str_arg(text.raw(), "text", Surrogates::Refuse)?;
    let id = js.str_arg(rule_id.raw(), "rule_id", Surrogates::Refuse)?;
    Ok(core::is_hard_deny_rule(&text, &id))
}

/// Whether any rule (either tier) has this id.
#[napi(catch_unwind, ts_args_type = "rules: readonly Rule[], ruleId: string")]
pub fn is_valid_rule_id(env: Env, rules: Unknown<'_>, rule_id: Unknown<'_>) -> Result<bool> {
    let js = js_of(&env);
    let rules = rules_arg(js, rules.raw(), "rules")?;
    let id = js.str_arg(rule_id.raw(), "rule_id", Surrogates::Refuse)?;
    Ok(core::is_valid_rule_id(&rules, &id))
}

/// Whether a rule id is well formed (`^[A-Za-z0-9_.-]{1,128}$`).
#[napi(catch_unwind, ts_args_type = "ruleId: string")]
pub fn is_well_formed_rule_id(env: Env, rule_id: Unknown<'_>) -> Result<bool> {
    let js = js_of(&env);
    Ok(core::is_well_formed_rule_id(&js.str_arg(rule_id.raw(), "rule_id", Surrogates::Refuse)?))
}

/// The built-in text, a newline and the blueprint text; or whichever of the two is non-blank.
#[napi(catch_unwind, ts_args_type = "builtin: string, blueprint: string")]
pub fn concat_policies(env: Env, builtin: Unknown<'_>, blueprint: Unknown<'_>) -> Result<String> {
    let js = js_of(&env);
    let a = js.opt_str_arg(builtin.raw(), "builtin", Surrogates::Refuse)?.unwrap_or_default();
    let b = js.opt_str_arg(blueprint.raw(), "blueprint", Surrogates::Refuse)?.unwrap_or_default();
    Ok(core::concat_policies(&a, &b))
}

/// Validate and normalise an approval scope (`"  rule: x "` → `"rule:x"`). Throws a `SCOPE`
/// error naming the problem, as Python's `parse_approval_scope` raises `ScopeError`; the
/// upstream `{ ok, scope | message }` shape is `parseApprovalScope` in `cedar-hitl/upstream`.
#[napi(catch_unwind, ts_args_type = "scope: string")]
pub fn parse_approval_scope(env: Env, scope: Unknown<'_>) -> Result<String> {
    let js = js_of(&env);
    let text = js.str_arg(scope.raw(), "scope", Surrogates::Refuse)?;
    core::parse_approval_scope(&text).map(|p| p.to_string()).map_err(|e| errors::scope(js, &e))
}

/// Whether a `bash_pattern` / `write_path` glob is too broad to pre-approve.
#[napi(catch_unwind, ts_args_type = "pattern: string")]
pub fn is_degenerate_pattern(env: Env, pattern: Unknown<'_>) -> Result<bool> {
    let js = js_of(&env);
    Ok(core::is_degenerate_pattern(&js.str_arg(pattern.raw(), "pattern", Surrogates::Refuse)?))
}

/// REST deny reason: controls stripped, secrets redacted, cut to the deny-reason cap.
/// `null`/`undefined` → `""`.
#[napi(catch_unwind, ts_args_type = "text: string | null | undefined")]
pub fn scan_deny_reason(env: Env, text: Unknown<'_>) -> Result<String> {
    let js = js_of(&env);
    Ok(core::scan_deny_reason(
        &js.opt_str_arg(text.raw(), "text", Surrogates::Replace)?.unwrap_or_default(),
    ))
}

/// The deny reason handed to the agent (`"denied"` when absent).
#[napi(catch_unwind, ts_args_type = "reason?: string | null")]
pub fn agent_deny_reason(env: Env, reason: Unknown<'_>) -> Result<String> {
    let js = js_of(&env);
    Ok(core::agent_deny_reason(
        js.opt_str_arg(reason.raw(), "reason", Surrogates::Replace)?.as_deref(),
    ))
}

/// Every secret replaced by `[REDACTED-<LABEL>]`.
#[napi(catch_unwind, ts_args_type = "text: string")]
pub fn redact_secrets(env: Env, text: Unknown<'_>) -> Result<String> {
    let js = js_of(&env);
    Ok(core::redact_secrets(&js.str_arg(text.raw(), "text", Surrogates::Replace)?))
}

/// Redacted text plus the labels of the kinds found.
#[napi(catch_unwind, ts_args_type = "text: string")]
pub fn scan_secrets(env: Env, text: Unknown<'_>) -> Result<Redaction> {
    let js = js_of(&env);
    let r = core::scan_secrets(&js.str_arg(text.raw(), "text", Surrogates::Replace)?);
    Ok(Redaction {
        text: r.text,
        findings: r.findings.iter().map(|k| k.label().to_owned()).collect(),
    })
}

/// Remove terminal escapes and control characters (tab and newline kept).
#[napi(catch_unwind, ts_args_type = "text: string")]
pub fn strip_controls(env: Env, text: Unknown<'_>) -> Result<String> {
    let js = js_of(&env);
    Ok(core::strip_controls(&js.str_arg(text.raw(), "text", Surrogates::Replace)?))
}

/// Cut to `maxChars` characters (Unicode scalar values), ending in `...` when cut.
/// `null`/`undefined` text → `""`.
#[napi(catch_unwind, ts_args_type = "text: string | null | undefined, maxChars: number")]
pub fn truncate(env: Env, text: Unknown<'_>, max_chars: Unknown<'_>) -> Result<String> {
    let js = js_of(&env);
    let text = js.opt_str_arg(text.raw(), "text", Surrogates::Replace)?.unwrap_or_default();
    let max = js.int_arg(max_chars.raw(), "max_chars")?;
    let max = usize::try_from(max).map_err(|_| {
        errors::config_msg(
            js,
            "max_chars",
            &format!("max_chars must be an integer >= 0, got {max}"),
        )
    })?;
    Ok(core::truncate(&text, max))
}

/// The XML envelope of queued denials (`""` for none).
#[napi(catch_unwind, ts_args_type = "entries: readonly DenialEntry[]")]
pub fn denial_envelope(env: Env, entries: Unknown<'_>) -> Result<String> {
    let js = js_of(&env);
    let v = entries.raw();
    if !(js.type_of(v)? == sys::ValueType::napi_object && js.is_array(v)?) {
        return Err(errors::config_msg(
            js,
            "entries",
            &format!(
                "entries must be an array of {{ requestId, reason, decidedAt }}, got {}",
                js.type_name(v)
            ),
        ));
    }
    let mut out = Vec::new();
    for i in 0..js.array_len(v)? {
        let field = format!("entries[{i}]");
        let obj = js.options(js.element(v, i)?, &field, &["requestId", "reason", "decidedAt"])?;
        let get =
            |k: &str| -> Result<Val> { js.member(obj, k)?.map_or_else(|| js.undefined(), Ok) };
        out.push(core::DenialEntry {
            request_id: js.str_arg(
                get("requestId")?,
                &format!("{field}.request_id"),
                Surrogates::Replace,
            )?,
            reason: js.str_arg(get("reason")?, &format!("{field}.reason"), Surrogates::Replace)?,
            decided_at: js.opt_str_arg(
                get("decidedAt")?,
                &format!("{field}.decided_at"),
                Surrogates::Replace,
            )?,
        });
    }
    Ok(core::denial_envelope(&out))
}

/// The preview for the person approving a call; with `toolName`, a write tool's path or a shell
/// tool's command leads (default tool maps).
#[napi(catch_unwind, ts_args_type = "toolInput: ToolInput | string, toolName?: string | null")]
pub fn tool_input_preview(
    env: Env,
    tool_input: Unknown<'_>,
    tool_name: Option<Unknown<'_>>,
) -> Result<String> {
    let js = js_of(&env);
    let v = convert::to_json_value(js, tool_input.raw());
    let tool = match tool_name {
        Some(t) => js.opt_str_arg(t.raw(), "toolName", Surrogates::Replace)?,
        None => None,
    };
    Ok(match tool {
        Some(t) => core::tool_input_preview_for(&t, &v),
        None => core::tool_input_preview(&v),
    })
}

/// `BLOCKED[<kind>]: <detail>` (+ ` (resource: <r>)`).
#[napi(catch_unwind, ts_args_type = "kind: string, detail: string, resource?: string | null")]
pub fn blocker_reason(
    env: Env,
    kind: Unknown<'_>,
    detail: Unknown<'_>,
    resource: Unknown<'_>,
) -> Result<String> {
    let js = js_of(&env);
    let kind = js.str_arg(kind.raw(), "kind", Surrogates::Replace)?;
    let detail = js.str_arg(detail.raw(), "detail", Surrogates::Replace)?;
    let resource = js.opt_str_arg(resource.raw(), "resource", Surrogates::Replace)?;
    Ok(core::blocker_reason(&kind, &detail, resource.as_deref()))
}

/// Effective approval timeout (docs/behaviour.md#effective-timeout). Numbers convert saturating; `null` = unknown.
#[napi(
    catch_unwind,
    ts_args_type = "decisionTimeoutS: number | null | undefined, taskDefaultS: number, remainingS?: number | null"
)]
pub fn effective_timeout(
    env: Env,
    decision_timeout_s: Unknown<'_>,
    task_default_s: Unknown<'_>,
    remaining_s: Unknown<'_>,
) -> Result<EffectiveTimeout> {
    let js = js_of(&env);
    let decision = js.opt_int_arg(decision_timeout_s.raw(), "decision_timeout_s")?;
    let default = js.int_arg(task_default_s.raw(), "task_default_s")?;
    let remaining = js.opt_int_arg(remaining_s.raw(), "remaining_s")?;
    let t = core::effective_timeout(decision, default, remaining);
    Ok(EffectiveTimeout {
        effective_s: t.effective_s,
        clip: t.clip.map(|c| c.as_str().to_owned()),
        requested_s: t.requested_s,
    })
}

/// SHA-256 (hex) of the canonical JSON of a tool input — the cache key and the approval row's
/// `tool_input_sha256`. Throws `CONFIG` (field `tool_input`) for an input with no canonical form.
#[napi(catch_unwind, ts_args_type = "toolInput: ToolInput")]
pub fn tool_input_sha256(env: Env, tool_input: Unknown<'_>) -> Result<String> {
    let js = js_of(&env);
    core::tool_input_sha256(&convert::to_json_value(js, tool_input.raw()))
        .map_err(|u| errors::config_msg(js, "tool_input", &u.to_string()))
}

/// Canonical JSON text of a tool input (byte-compatible with Python
/// `json.dumps(x, sort_keys=True)`). Throws like `toolInputSha256`.
#[napi(catch_unwind, ts_args_type = "toolInput: ToolInput")]
pub fn canonical_json(env: Env, tool_input: Unknown<'_>) -> Result<String> {
    let js = js_of(&env);
    core::canonical_json(&convert::to_json_value(js, tool_input.raw()))
        .map_err(|u| errors::config_msg(js, "tool_input", &u.to_string()))
}

fn entity_arg(js: Js, v: Val, field: &str) -> Result<core::cedar_parity::EntityRef> {
    let obj = js.options(v, field, &["type", "id"])?;
    let get = |k: &str| -> Result<Val> { js.member(obj, k)?.map_or_else(|| js.undefined(), Ok) };
    Ok(core::cedar_parity::EntityRef {
        entity_type: js.str_arg(get("type")?, &format!("{field}.type"), Surrogates::Refuse)?,
        id: js.str_arg(get("id")?, &format!("{field}.id"), Surrogates::Refuse)?,
    })
}

/// Raw Cedar evaluation of one request against one policy text (the cross-language parity
/// fixtures). Throws `CONFIG` (field `cedar_parity`) when the text or request is invalid.
#[napi(
    catch_unwind,
    ts_args_type = "policies: string, principal: EntityRef, action: EntityRef, resource: EntityRef, context?: Record<string, unknown> | null"
)]
pub fn cedar_parity_evaluate(
    env: Env,
    policies: Unknown<'_>,
    principal: Unknown<'_>,
    action: Unknown<'_>,
    resource: Unknown<'_>,
    context: Unknown<'_>,
) -> Result<ParityResult> {
    let js = js_of(&env);
    let policies = js.str_arg(policies.raw(), "policies", Surrogates::Refuse)?;
    let p = entity_arg(js, principal.raw(), "principal")?;
    let a = entity_arg(js, action.raw(), "action")?;
    let r = entity_arg(js, resource.raw(), "resource")?;
    let ctx = if js.type_of(context.raw())? == sys::ValueType::napi_undefined {
        core::JsonValue::Null
    } else {
        convert::to_json_value(js, context.raw())
    };
    let out = core::cedar_parity::evaluate(&policies, &p, &a, &r, &ctx)
        .map_err(|m| errors::config_msg(js, "cedar_parity", &m))?;
    Ok(ParityResult {
        decision: out.decision,
        matching_rule_ids: out.matching_rule_ids,
        errors: out.errors,
    })
}

/// How the engine reads a shell command: the core's `shell::parse` (simple commands with their
/// facts, the files the line writes, and why it is opaque, if it is), as a plain JS object with
/// the core's snake_case keys. Throws `CONFIG` (field `command`) for a non-string.
#[napi(catch_unwind, ts_args_type = "command: string", ts_return_type = "CommandLine")]
pub fn parse_command(env: Env, command: Unknown<'_>) -> Result<Raw> {
    let js = js_of(&env);
    let command = js.str_arg(command.raw(), "command", Surrogates::Refuse)?;
    let line = serde_json::to_value(core::shell::parse(&command))
        .map_err(|e| napi::Error::from_reason(format!("parseCommand: {e}")))?;
    json_to_js(js, &line, false).map(Raw)
}

// ---------------------------------------------------------------------------------------------
// Constants and policy texts
// ---------------------------------------------------------------------------------------------

/// The hardened built-in hard tier (`policies/hard_deny.cedar`, the default profile).
#[napi]
pub const BUILTIN_HARD_DENY_POLICIES: &str = core::BUILTIN_HARD_DENY_POLICIES;

/// The hardened built-in soft tier (`policies/soft_deny.cedar`, the default profile).
#[napi]
pub const BUILTIN_SOFT_DENY_POLICIES: &str = core::BUILTIN_SOFT_DENY_POLICIES;

/// The upstream built-in hard tier (`policies/upstream/hard_deny.cedar`, profile `'upstream'`).
#[napi]
pub const UPSTREAM_HARD_DENY_POLICIES: &str = core::UPSTREAM_HARD_DENY_POLICIES;

/// The upstream built-in soft tier (`policies/upstream/soft_deny.cedar`, profile `'upstream'`).
#[napi]
pub const UPSTREAM_SOFT_DENY_POLICIES: &str = core::UPSTREAM_SOFT_DENY_POLICIES;

/// `contracts/constants.json`, verbatim (also parsed as the frozen `constants` export).
#[napi]
pub const CONSTANTS_JSON: &str = core::CONSTANTS_JSON;

/// The only tool group.
#[napi]
pub const FILE_WRITE_GROUP: &str = core::FILE_WRITE_GROUP;

/// The instruction appended to a human's deny before the agent sees it.
#[napi]
pub const DENY_RETRY_INSTRUCTION: &str = core::DENY_RETRY_INSTRUCTION;

/// A JSON value as a JS value; `freeze` deep-freezes every array and object.
fn json_to_js(js: Js, v: &serde_json::Value, freeze: bool) -> Result<Val> {
    let out = match v {
        serde_json::Value::Null => js.null()?,
        serde_json::Value::Bool(b) => js.boolean(*b)?,
        serde_json::Value::Number(n) => js.number(n.as_f64().unwrap_or(f64::NAN))?,
        serde_json::Value::String(s) => js.string(s)?,
        serde_json::Value::Array(a) => {
            let items = a.iter().map(|x| json_to_js(js, x, freeze)).collect::<Result<Vec<_>>>()?;
            js.array_of(&items)?
        }
        serde_json::Value::Object(o) => {
            let obj = js.object()?;
            for (k, x) in o {
                js.set(obj, k, json_to_js(js, x, freeze)?)?;
            }
            obj
        }
    };
    if freeze && matches!(v, serde_json::Value::Array(_) | serde_json::Value::Object(_)) {
        js.freeze(out)?;
    }
    Ok(out)
}

/// Module init: the parsed, deep-frozen `constants` object (no number is restated here).
#[napi(module_exports)]
pub fn module_init(exports: Object<'_>, env: Env) -> Result<()> {
    let js = js_of(&env);
    let parsed: serde_json::Value = serde_json::from_str(core::CONSTANTS_JSON)
        .map_err(|e| napi::Error::from_reason(format!("constants.json: {e}")))?;
    js.set(exports.raw(), "constants", json_to_js(js, &parsed, true)?)?;
    js.set(exports.raw(), "VALID_TOOL_TYPES", {
        let arr = js.string_array(&core::VALID_TOOL_TYPES)?;
        js.freeze(arr)?;
        arr
    })?;
    Ok(())
}

/// Test hook: panics inside an exported function, so the suite can verify a Rust panic becomes
/// a JavaScript error and never aborts the process.
#[napi(catch_unwind, js_name = "__panicForTesting", skip_typescript)]
pub fn panic_for_testing() -> Result<()> {
    panic!("deliberate panic (cedar-hitl binding self-test)")
}
