//! The plain JavaScript objects the binding returns (`#[napi(object)]` records; the TypeScript
//! interfaces are generated from these structs) and their conversions from the core's types,
//! including the fast-path `Decision` object.

use crate::errors;
use crate::js::{Js, Val};
use cedar_hitl_core as core;
use core::wire::Wire;
use napi::Result;
use napi_derive::napi;

// ---------------------------------------------------------------------------------------------
// Output objects (plain JS objects; TypeScript interfaces are generated from these structs)
// ---------------------------------------------------------------------------------------------

/// The core's records (`cedar_hitl_core::records!`) as `#[napi(object)]` structs: fields of the
/// core's boundary type (`Wire::Out`), TypeScript types as the core writes them, and a `From`
/// that destructures the core struct completely (a new core field fails this build).
macro_rules! node_records {
    ($(
        $(#[doc = $doc:literal])*
        #[core($($core:tt)*)]
        $name:ident as $binding:ident $(shows $shown:ident)? {
            $($(#[doc = $fdoc:literal])* $field:ident : $ty:ty => $ts:literal),* $(,)?
        }
    )*) => {$(
        $(#[doc = $doc])*
        #[napi(object, object_from_js = false)]
        pub struct $binding {
            $($(#[doc = $fdoc])* #[napi(ts_type = $ts)] pub $field: <$ty as Wire>::Out,)*
        }

        impl From<core::$name> for $binding {
            fn from(value: core::$name) -> Self {
                let core::$name { $($field),* } = value;
                Self { $($field: $field.wire()),* }
            }
        }
    )*};
}
core::records!(node_records);

/// One decision of the engine.
#[napi(object, object_from_js = false, use_nullable = true)]
pub struct Decision {
    #[napi(ts_type = "Outcome")]
    pub outcome: String,
    /// `true` iff `outcome === 'allow'`.
    pub allowed: bool,
    pub reason: String,
    /// The tier whose rules decided, if a rule decided.
    #[napi(ts_type = "Tier")]
    pub tier: Option<String>,
    /// Rule ids that decided, in positional (policy text) order.
    pub matching_rule_ids: Vec<String>,
    /// Approval timeout in seconds (REQUIRE_APPROVAL only).
    pub timeout_s: Option<u32>,
    #[napi(ts_type = "Severity")]
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

/// A rule as listed to operators. Optional keys are present only when the rule has them.
#[napi(object, object_from_js = false)]
pub struct RuleSummary {
    pub rule_id: String,
    pub summary: String,
    pub category: Option<String>,
    #[napi(ts_type = "Severity")]
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

/// One load error as data (from `PolicyBundle.check`); the same fields a thrown `POLICY_LOAD`
/// error carries.
#[napi(object, object_from_js = false, use_nullable = true)]
pub struct LoadErrorInfo {
    #[napi(ts_type = "'POLICY_LOAD'")]
    pub code: String,
    #[napi(ts_type = "LoadErrorKind")]
    pub kind: String,
    #[napi(ts_type = "Tier")]
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

/// A live input-hash cache entry.
#[napi(object, object_from_js = false, use_nullable = true)]
pub struct CacheEntry {
    #[napi(ts_type = "CachedDecision")]
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
        cache_hit: d.cache_hit().map(|h| CacheHit::from(h.clone())),
        policy_fingerprint: d.policy_fingerprint().map(str::to_owned),
        shadow_outcome: d.shadow().map(|s| s.outcome.as_str().to_owned()),
        shadow_rule_ids: d.shadow().map(|s| s.matching_rule_ids.clone()),
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

pub(crate) fn listing_out(l: &core::RuleListing) -> RuleListing {
    RuleListing {
        hard: l.hard.iter().map(summary_out).collect(),
        soft: l.soft.iter().map(summary_out).collect(),
        profile: l.profile.as_str().to_owned(),
    }
}

pub(crate) fn load_error_out(e: &core::LoadError) -> LoadErrorInfo {
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

pub(crate) fn cache_entry_out(e: &core::CacheEntry) -> CacheEntry {
    CacheEntry {
        decision: e.decision.as_str().to_owned(),
        reason: e.reason.clone(),
        original_decision_ts: e.original_decision_ts.clone(),
    }
}

pub(crate) fn u64_to_i64(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// A decision as a JS object: built by the env's cached object-literal factory with cached
/// constant strings (fast path), or by the generated `Decision` conversion if that fails.
pub(crate) fn decision_value(js: Js, d: &core::Decision) -> Result<Val> {
    let fast = || -> Result<Option<Val>> {
        let Some(factory) = js.decision_factory()? else {
            return Ok(None);
        };
        let cache_hit = match d.cache_hit() {
            Some(h) => unsafe {
                napi::bindgen_prelude::ToNapiValue::to_napi_value(js.0, CacheHit::from(h.clone()))?
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
