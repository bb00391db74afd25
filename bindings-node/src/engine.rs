//! `PolicyEngine`: the upstream-compatible façade that builds a bundle and a session from the
//! familiar options; its methods are the shared session surface under upstream names.

use crate::args::{Renamed, Surrogates, option_keys, read_options};
use crate::bundle::{PolicyBundle, bundle_arg, shadow_arg};
use crate::clock::clock_arg;
use crate::errors;
use crate::js::js_of;
use crate::records::{LoadWarning, RuleListing};
use crate::session::{Session, new_session, queue_denial_with, read_session_config};
use cedar_hitl_core as core;
use napi::bindgen_prelude::{Env, Unknown};
use napi::{JsValue, Result, sys};
use napi_derive::napi;
use std::sync::Arc;

/// The upstream-compatible engine: builds a bundle and a session from the familiar options.
/// `new PolicyEngine({ taskType, repo, ... })` or `new PolicyEngine(taskType, repo, options?)`.
#[napi]
pub struct PolicyEngine {
    bundle: Arc<core::PolicyBundle>,
    inner: Arc<core::Session>,
    shadow: Option<Arc<core::PolicyBundle>>,
}

/// The task type is the session's `principal`, under the upstream option name.
const ENGINE_RENAMED: Renamed<'static> = &[("principal", "taskType", "task_type")];

/// The bundle options under the upstream names where upstream has them.
const ENGINE_BUNDLE_RENAMED: Renamed<'static> = &[
    ("blueprint_hard", "blueprintHardPolicies", "blueprint_hard_policies"),
    ("blueprint_soft", "blueprintSoftPolicies", "blueprint_soft_policies"),
    ("disable", "blueprintDisable", "blueprint_disable"),
];

/// The engine's own options beside the session settings and the bundle options.
const ENGINE_EXTRA_OPTIONS: &[&str] = &["bundle", "clock", "shadowBundle"];

/// The keys `new PolicyEngine(options)` accepts: the session settings (`principal` spelt
/// `taskType`), the bundle options, then the engine's own. `positional`: the options after
/// `(taskType, repo, …)`, every key but those two.
fn engine_options(positional: bool) -> Vec<String> {
    let mut keys = option_keys::<core::SessionConfig>(ENGINE_RENAMED, &[]);
    keys.extend(option_keys::<core::BundleOptions>(ENGINE_BUNDLE_RENAMED, ENGINE_EXTRA_OPTIONS));
    if positional {
        keys.retain(|k| k != "taskType" && k != "repo");
    }
    keys
}

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
            let obj = js.options(rest.raw(), "PolicyEngine", &engine_options(true))?;
            let mut cfg = read_session_config(js, obj, ENGINE_RENAMED, false)?;
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
            let obj = js.options(first.raw(), "PolicyEngine", &engine_options(false))?;
            if obj.is_none() {
                return Err(errors::config_msg(
                    js,
                    "task_type",
                    "PolicyEngine needs options with taskType and repo",
                ));
            }
            let cfg = read_session_config(js, obj, ENGINE_RENAMED, true)?;
            (obj, cfg)
        };
        let mut policy = core::BundleOptions::default();
        read_options(js, obj, &mut policy, ENGINE_BUNDLE_RENAMED)?;
        let clock = match js.member(obj, "clock")? {
            Some(v) => clock_arg(js, v, "clock")?,
            None => None,
        };
        let prebuilt = match js.member(obj, "bundle")? {
            Some(v) if !js.is_nullish(v)? => Some(bundle_arg(js, v, "bundle")?),
            _ => None,
        };
        let bundle = policy.into_bundle(prebuilt).map_err(|e| errors::any(js, &e))?;
        let shadow = shadow_arg(js, js.member(obj, "shadowBundle")?, "shadow_bundle")?;
        let session = new_session(js, bundle.clone(), cfg, clock, shadow.clone())?;
        Ok(Self { bundle, inner: session, shadow })
    }

    #[napi(getter, catch_unwind)]
    pub fn task_type(&self) -> String {
        self.inner.config().principal.clone()
    }

    #[napi(getter, catch_unwind)]
    pub fn repo(&self) -> String {
        self.inner.config().repo.clone()
    }

    #[napi(getter, catch_unwind)]
    pub fn read_only(&self) -> bool {
        self.inner.config().read_only
    }

    #[napi(getter, catch_unwind)]
    pub fn approval_gate_cap(&self) -> i64 {
        self.inner.config().approval_gate_cap
    }

    #[napi(getter, catch_unwind)]
    pub fn task_default_timeout_s(&self) -> i64 {
        self.inner.config().task_default_timeout_s
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
            inner: self.inner.clone(),
            bundle: self.bundle.clone(),
            shadow: self.shadow.clone(),
        }
    }

    /// Load warnings of the engine's bundle.
    #[napi(getter, catch_unwind)]
    pub fn warnings(&self) -> Vec<LoadWarning> {
        self.bundle.warnings().iter().cloned().map(LoadWarning::from).collect()
    }

    /// Enforced rules of the engine's bundle: `{ hard, soft, profile }`.
    #[napi(catch_unwind)]
    pub fn list_policies(&self) -> RuleListing {
        self.bundle.listing().into()
    }

    /// Rule ids pre-approved by `rule:` scopes.
    #[napi(getter, catch_unwind)]
    pub fn allowlist_rule_ids(&self) -> Vec<String> {
        self.inner.allowlist().rule_ids
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
            &self.inner,
            request_id.raw(),
            reason.raw(),
            decided_at.raw(),
        )
    }
}

// The session surface under the upstream helper's names.
crate::surface::session_surface!(PolicyEngine {
    evaluate: "evaluateToolUse",
    explain: "explainToolUse",
    explain_text: "explainToolUseText",
    record_outcome: "recordOutcome",
    add_scope: "allowlistAdd",
    allowlist: "allowlist",
    allowlist_matches: "allowlistMatches",
    record_input_decision: "recordDecision",
    record_rule_decision: "recordRuleDecision",
    cached_input_decision: "getDecision",
    cached_rule_decision: "getRuleDecision",
    input_cache_len: "recentDecisionsLen",
    rule_cache_len: "recentRuleDecisionsLen",
    gate_count: "approvalGateCount",
    increment_gate_count: "incrementApprovalGateCount",
    record_gate_timestamp: "recordApprovalGateTimestamp",
    approvals_in_window: "approvalsInLastMinute",
    drain_denials: "drainDenialInjections",
    mark_ceiling_shrinking: "markCeilingShrinkingEmitted",
    begin_gate: "beginGate",
});
