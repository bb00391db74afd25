//! `PolicyEngine`: the upstream-compatible façade that builds a bundle and a session from the
//! familiar options; its methods are the shared session surface under upstream names.

use crate::args::{Surrogates, opt_list, opt_text};
use crate::bundle::{PolicyBundle, bundle_arg, opt_profile, policy_builder, shadow_arg};
use crate::clock::clock_arg;
use crate::errors;
use crate::js::{Raw, js_of};
use crate::records::{
    AllowlistView, CacheEntry, DenialEntry, GateAdmission, LoadWarning, ResolutionEffect,
    RuleCacheEntry, RuleListing, listing_out, u64_to_i64, warning_out,
};
use crate::session::{
    Session, add_scope_with, allowlist_matches_with, begin_gate_with, evaluate_with,
    explain_text_with, explain_with, get_decision_with, get_rule_decision_with, new_session,
    queue_denial_with, read_session_config, record_gate_timestamp_with, record_input_decision_with,
    record_outcome_with, record_rule_decision_with,
};
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
/// The options after `(taskType, repo, …)`: every option but the first two.
const ENGINE_POSITIONAL_OPTIONS: &[&str] = ENGINE_OPTIONS.split_at(2).1;

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
                let b = policy_builder(profile, hard, soft, disable, extra);
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
        self.session.allowlist().into()
    }

    /// Input-hash cache record (upstream `RecentDecisionCache.record`).
    #[napi(
        catch_unwind,
        ts_args_type = "toolName: string, toolInputSha256: string, decision: CachedDecision, reason?: string | null, originalDecisionTs?: string | null"
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
        self.session.drain_denials().into_iter().map(DenialEntry::from).collect()
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
