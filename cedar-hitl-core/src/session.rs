//! [`Session`]: the state of one task — allowlist, both caches, gate accounting — and the entry
//! points that read and change it. `Send + Sync`: state sits behind one mutex and Cedar runs
//! outside it.

use crate::allowlist::{Allowlist, CallKind};
use crate::cache::{CacheEntry, InputCache, RuleCache};
use crate::clock::iso8601_utc;
use crate::error::{ConfigError, Error, ScopeError};
use crate::gates::{GateAdmission, GateRefusal, GateState, effective_timeout};
use crate::pipeline::SessionView;
use crate::resolution::{DENY_RETRY_INSTRUCTION, Resolution};
use crate::scope::{ApprovalScope, ToolTypes, parse_scope};
use crate::state::{SharedState, State};
use crate::text::{agent_deny_reason, strip_controls};
use crate::wire::SessionConfig;
use crate::wire::{AllowlistView, DenialEntry, ResolutionEffect};
use crate::{
    CachedDecision, Clock, Decision, FailClosedCause, Outcome, PolicyBundle, SystemClock, ToolCall,
    canonical, constants,
};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Arc, MutexGuard};
use std::time::Instant;

/// The state of one task, sharing an immutable [`PolicyBundle`].
///
/// ```
/// use cedar_hitl_core::*;
/// use std::sync::Arc;
/// let session = Session::new(Arc::new(PolicyBundle::builtin()), SessionConfig {
///     repo: "o/r".into(), initial_approvals: vec!["tool_type:Read".into()], ..Default::default() }).unwrap();
/// let call = ToolCall::new("Bash", serde_json::json!({"command": "git push --force origin main"}));
/// let d = session.evaluate(&call);
/// assert_eq!(d.outcome(), Outcome::RequireApproval);
/// assert_eq!((d.timeout_s(), d.severity()), (Some(300), Some(Severity::High)));
/// session.record_outcome(&call, d.matching_rule_ids(), Resolution::Denied {
///     request_id: "r1".into(), reason: Some("not today".into()), decided_at: None }).unwrap();
/// assert_eq!(session.evaluate(&call).reason(), "Recent DENIED within 60s: not today");
/// ```
#[derive(Debug)]
pub struct Session {
    bundle: Arc<PolicyBundle>,
    /// A bundle every decision is also computed against, without being enforced.
    shadow: Option<Arc<PolicyBundle>>,
    config: SessionConfig,
    clock: Arc<dyn Clock>,
    state: SharedState,
}

impl Session {
    /// A session on the system clock.
    ///
    /// ```
    /// use cedar_hitl_core::*; use std::sync::Arc;
    /// let cfg = SessionConfig { task_default_timeout_s: 10, ..Default::default() };
    /// let err = Session::new(Arc::new(PolicyBundle::builtin()), cfg).unwrap_err();
    /// assert!(err.to_string().contains("task_default_timeout_s must be an integer in [30, 3600]"));
    /// ```
    pub fn new(bundle: Arc<PolicyBundle>, config: SessionConfig) -> Result<Self, Error> {
        Self::with_clock(bundle, config, Arc::new(SystemClock::new()))
    }

    /// A session on the given clock (tests and fixtures use a [`ManualClock`](crate::ManualClock)).
    ///
    /// ```
    /// use cedar_hitl_core::*; use std::sync::Arc;
    /// let clock = Arc::new(ManualClock::new(1_700_000_000.0));
    /// let s = Session::with_clock(Arc::new(PolicyBundle::builtin()), SessionConfig::default(), clock.clone()).unwrap();
    /// s.record_input_decision("Bash", "h", CachedDecision::Denied, None, None);
    /// clock.advance(61.0);
    /// assert!(s.cached_input_decision("Bash", "h").is_none());
    /// ```
    pub fn with_clock(
        bundle: Arc<PolicyBundle>,
        config: SessionConfig,
        clock: Arc<dyn Clock>,
    ) -> Result<Self, Error> {
        config.check()?;
        let mut allowlist = Allowlist::default();
        for (i, text) in config.initial_approvals.iter().enumerate() {
            let scope = parse_scope(text, ToolTypes::Any)
                .map_err(|e| e.in_field(format!("initial_approvals[{i}]")))?;
            if matches!(scope, ApprovalScope::ToolTypeSession | ApprovalScope::ToolGroupSession) {
                return Err(ScopeError::new(text.as_str(), format!("{scope} needs a gated call to resolve against; not accepted in initial_approvals"))
                    .in_field(format!("initial_approvals[{i}]"))
                    .into());
            }
            check_rule_scope(&bundle, &scope, text)
                .map_err(|e| e.in_field(format!("initial_approvals[{i}]")))?;
            allowlist.add(&scope);
        }
        let gates =
            GateState { count: config.initial_approval_gate_count as u64, ..Default::default() };
        let state = State {
            allowlist,
            input_cache: InputCache::new(config.cache_limits()),
            rule_cache: RuleCache::new(config.cache_limits()),
            gates,
        };
        Ok(Self { bundle, shadow: None, config, clock, state: SharedState::new(state) })
    }

    /// Decide one tool call. Never panics and never returns ALLOW because something went wrong:
    /// any internal fault is DENY with a fail-closed cause.
    ///
    /// ```
    /// use cedar_hitl_core::*; use std::sync::Arc;
    /// let s = Session::new(Arc::new(PolicyBundle::builtin()), SessionConfig::default()).unwrap();
    /// let d = s.evaluate(&ToolCall::new("Write", serde_json::json!({"file_path": 7})));
    /// assert_eq!(d.reason(), "fail-closed: invalid_tool_input");
    /// ```
    pub fn evaluate(&self, call: &ToolCall) -> Decision {
        self.guarded(call, &mut crate::pipeline::Tracer::default())
    }

    /// The pipeline behind a panic guard: a panic becomes a fail-closed DENY, never an unwind
    /// across an FFI boundary.
    fn guarded(&self, call: &ToolCall, tracer: &mut crate::pipeline::Tracer) -> Decision {
        let start = Instant::now();
        let run = |bundle: &PolicyBundle, tracer: &mut crate::pipeline::Tracer| {
            catch_unwind(AssertUnwindSafe(|| {
                crate::pipeline::decide_traced(&self.view(), bundle, call, tracer)
            }))
            .unwrap_or_else(|panic| {
                let what = panic
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| panic.downcast_ref::<String>().cloned())
                    .unwrap_or_default();
                Decision::failing(
                    FailClosedCause::InternalError,
                    format!("engine panicked: {what}"),
                )
            })
        };
        let mut d = run(&self.bundle, tracer);
        if let Some(shadow) = &self.shadow {
            let s = run(shadow, &mut crate::pipeline::Tracer::default());
            d.shadow = Some(Box::new(crate::ShadowDecision {
                outcome: s.outcome,
                matching_rule_ids: s.matching_rule_ids,
                policy_fingerprint: shadow.fingerprint().to_owned(),
            }));
        }
        d.elapsed = start.elapsed();
        d.policy_fingerprint = Some(self.bundle.fingerprint_shared());
        d
    }

    /// Also decide every call against `shadow`, without enforcing it: each decision carries
    /// the shadow outcome and rule ids ([`Decision::shadow`]), so a policy change can be tried
    /// on live traffic. The enforced decision is unchanged.
    ///
    /// ```
    /// use cedar_hitl_core::*; use std::sync::Arc;
    /// let upstream = Arc::new(PolicyBundle::builder().builtins(BuiltinProfile::Upstream).build().unwrap());
    /// let s = Session::new(upstream, SessionConfig::default()).unwrap().with_shadow(Arc::new(PolicyBundle::builtin()));
    /// let d = s.evaluate(&ToolCall::new("Bash", serde_json::json!({"command": "rm -fr /"})));
    /// assert_eq!(d.outcome(), Outcome::Allow); // the upstream rule misses this spelling
    /// assert_eq!(d.shadow().unwrap().outcome, Outcome::Deny);
    /// assert_eq!(d.shadow().unwrap().matching_rule_ids, ["rm_slash"]);
    /// ```
    pub fn with_shadow(mut self, shadow: Arc<PolicyBundle>) -> Self {
        self.shadow = Some(shadow);
        self
    }

    /// The decision for `call` with the path that produced it: the parse, every Cedar
    /// evaluation, scopes, caches, the disable filter, rule-scope coverage and the merge. The
    /// same pipeline as [`evaluate`](Self::evaluate), recording as it goes (docs/explain.md).
    ///
    /// ```
    /// use cedar_hitl_core::*; use std::sync::Arc;
    /// let s = Session::new(Arc::new(PolicyBundle::builtin()), SessionConfig::default()).unwrap();
    /// let call = ToolCall::new("Write", serde_json::json!({"file_path": "app/.env.local"}));
    /// let e = s.explain(&call);
    /// assert_eq!(e.decision.outcome(), s.evaluate(&call).outcome());
    /// assert!(e.path.unwrap().classes.contains("dotenv"));
    /// ```
    pub fn explain(&self, call: &ToolCall) -> crate::Explanation {
        let mut tracer = crate::pipeline::Tracer { enabled: true, ..Default::default() };
        let d = self.guarded(call, &mut tracer);
        crate::Explanation {
            decision: d,
            command: tracer.command,
            path: tracer.path,
            steps: tracer.steps,
        }
    }

    /// What the pipeline reads of the session.
    fn view(&self) -> SessionView<'_> {
        SessionView { config: &self.config, state: &self.state, clock: &*self.clock }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.for_bookkeeping()
    }

    pub(crate) fn state_for_snapshot(&self) -> MutexGuard<'_, State> {
        self.state()
    }

    /// The bundle this session enforces.
    ///
    /// ```
    /// # use cedar_hitl_core::*; use std::sync::Arc;
    /// # let s = Session::new(Arc::new(PolicyBundle::builtin()), SessionConfig::default()).unwrap();
    /// assert!(!s.bundle().rules().is_empty());
    /// ```
    pub fn bundle(&self) -> &PolicyBundle {
        &self.bundle
    }

    /// The settings the session was built with.
    ///
    /// ```
    /// # use cedar_hitl_core::*; use std::sync::Arc;
    /// # let s = Session::new(Arc::new(PolicyBundle::builtin()), SessionConfig::default()).unwrap();
    /// assert_eq!(s.config().principal, "new_task");
    /// ```
    pub fn config(&self) -> &SessionConfig {
        &self.config
    }

    /// The session's clock.
    ///
    /// ```
    /// # use cedar_hitl_core::*; use std::sync::Arc;
    /// # let s = Session::new(Arc::new(PolicyBundle::builtin()), SessionConfig::default()).unwrap();
    /// assert!(s.clock().unix_s() > 0.0);
    /// ```
    pub fn clock(&self) -> &dyn Clock {
        &*self.clock
    }

    /// Validate and add a scope (the approval-time validator: any tool name, degenerate patterns
    /// and unknown or hard `rule:` ids refused). `*_session` forms need a call: use
    /// [`record_outcome`](Self::record_outcome).
    ///
    /// ```
    /// # use cedar_hitl_core::*; use std::sync::Arc;
    /// # let s = Session::new(Arc::new(PolicyBundle::builtin()), SessionConfig::default()).unwrap();
    /// s.add_scope("bash_pattern:git status*").unwrap();
    /// assert!(s.add_scope("rule:rm_slash").is_err());
    /// let d = s.evaluate(&ToolCall::new("Bash", serde_json::json!({"command": "git status && git status -s"})));
    /// assert_eq!(d.reason(), "Pre-approved by allowlist");
    /// ```
    pub fn add_scope(&self, scope: &str) -> Result<ApprovalScope, ScopeError> {
        let parsed = parse_scope(scope, ToolTypes::Any)?;
        if matches!(parsed, ApprovalScope::ToolTypeSession | ApprovalScope::ToolGroupSession) {
            return Err(ScopeError::new(
                scope,
                format!("{parsed} needs a gated call to resolve against; use record_outcome"),
            ));
        }
        check_rule_scope(&self.bundle, &parsed, scope)?;
        self.state().allowlist.add(&parsed);
        Ok(parsed)
    }

    /// A snapshot of the allowlist.
    ///
    /// ```
    /// # use cedar_hitl_core::*; use std::sync::Arc;
    /// # let s = Session::new(Arc::new(PolicyBundle::builtin()), SessionConfig::default()).unwrap();
    /// assert!(s.allowlist().scopes.is_empty());
    /// ```
    pub fn allowlist(&self) -> AllowlistView {
        self.state().allowlist.view().clone()
    }

    /// Whether the tool-scope part of the allowlist pre-approves `call` (pipeline step 2 alone).
    ///
    /// ```
    /// # use cedar_hitl_core::*; use std::sync::Arc;
    /// # let s = Session::new(Arc::new(PolicyBundle::builtin()), SessionConfig::default()).unwrap();
    /// s.add_scope("write_path:docs/**").unwrap();
    /// assert!(s.allowlist_matches(&ToolCall::new("Edit", serde_json::json!({"file_path": "docs/a/b.md"}))));
    /// assert!(!s.allowlist_matches(&ToolCall::new("Edit", serde_json::json!({"file_path": "docs/../.env"}))));
    /// // What evaluate refuses is never pre-approved, even by a tool scope.
    /// s.add_scope("tool_type:Edit").unwrap();
    /// assert!(!s.allowlist_matches(&ToolCall::new("Edit", serde_json::json!({"path": "docs/a.md"}))));
    /// ```
    pub fn allowlist_matches(&self, call: &ToolCall) -> bool {
        // The same input checks, classification and parse as `evaluate`: a call evaluate would
        // refuse (e.g. a write tool without a string path) is never pre-approved.
        let Ok(classified) = crate::pipeline::admit(&self.bundle, call) else {
            return false;
        };
        let read = crate::pipeline::CallFacts::read(&classified);
        let kind = read.call_kind(&classified);
        let is_write = matches!(kind, CallKind::Write { .. });
        self.state().allowlist.matches_tool(call.tool_name(), &kind, is_write)
    }

    /// Apply how a gate ended: widen the allowlist, fill the caches, queue the denial, and
    /// return the agent-facing reason (docs/behaviour.md#resolutions, docs/behaviour.md#caches, docs/behaviour.md#differences-from-upstream).
    ///
    /// `gate_rule_ids` are the gate decision's `matching_rule_ids`. An approval whose scope is
    /// refused returns the [`ScopeError`] and changes nothing; the approval itself still stands
    /// for this call.
    ///
    /// ```
    /// use cedar_hitl_core::*; use std::sync::Arc;
    /// let s = Session::new(Arc::new(PolicyBundle::builtin()), SessionConfig::default()).unwrap();
    /// let call = ToolCall::new("Write", serde_json::json!({"file_path": "app/.env"}));
    /// let e = s.record_outcome(&call, &[], Resolution::Approved { scope: Some("tool_group_session".into()) }).unwrap();
    /// assert_eq!(e.scope_added, Some(ApprovalScope::ToolGroup("file_write".into())));
    /// assert_eq!(e.agent_reason, "User approved (tool_group_session)");
    /// ```
    pub fn record_outcome(
        &self,
        call: &ToolCall,
        gate_rule_ids: &[String],
        resolution: Resolution,
    ) -> Result<ResolutionEffect, ScopeError> {
        match resolution {
            Resolution::Approved { scope } => {
                let given = scope
                    .as_deref()
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .unwrap_or("this_call")
                    .to_owned();
                let parsed = parse_scope(&given, ToolTypes::Any)?;
                let resolved = match parsed {
                    ApprovalScope::ToolTypeSession => {
                        ApprovalScope::ToolType(call.tool_name().to_owned())
                    }
                    ApprovalScope::ToolGroupSession => {
                        if self.bundle.write_tools.iter().any(|(t, _)| t == call.tool_name()) {
                            ApprovalScope::ToolGroup(crate::scope::FILE_WRITE_GROUP.to_owned())
                        } else {
                            return Err(ScopeError::new(
                                given,
                                format!(
                                    "tool_group_session: tool '{}' belongs to no tool group",
                                    call.tool_name()
                                ),
                            ));
                        }
                    }
                    other => other,
                };
                check_rule_scope(&self.bundle, &resolved, &given)?;
                // A resolved scope must be one the validator accepts unchanged, or the allowlist
                // would hold a scope that a snapshot cannot restore (an empty, over-long or
                // space-padded tool name would be refused or silently widened on restore).
                let text = resolved.to_string();
                if parse_scope(&text, ToolTypes::Any).ok().as_ref() != Some(&resolved) {
                    return Err(ScopeError::new(
                        given.clone(),
                        format!(
                            "{given} resolves to '{text}', which is not a valid scope (the tool name '{}' cannot be pre-approved)",
                            call.tool_name()
                        ),
                    ));
                }
                let added = (resolved != ApprovalScope::ThisCall).then(|| {
                    self.state().allowlist.add(&resolved);
                    resolved
                });
                Ok(ResolutionEffect {
                    outcome: Outcome::Allow,
                    agent_reason: strip_controls(&format!("User approved ({given})")),
                    scope_added: added,
                })
            }
            Resolution::Denied { request_id, reason, decided_at } => {
                let raw = reason.filter(|r| !r.is_empty()).unwrap_or_else(|| "denied".to_owned());
                let ts = self.timestamp(decided_at.as_deref());
                let entry = self.entry(CachedDecision::Denied, Some(raw.clone()), ts);
                let hash = canonical::tool_input_sha256(call.input()).ok();
                {
                    let mut st = self.state();
                    if let Some(h) = &hash {
                        st.input_cache.record(call.tool_name(), h, entry.clone());
                    }
                    st.rule_cache.record(call.tool_name(), gate_rule_ids, entry);
                    st.gates.denials.push_back(DenialEntry {
                        request_id,
                        reason: raw.clone(),
                        decided_at,
                    });
                }
                let rules = match gate_rule_ids {
                    [] => String::new(),
                    [one] => format!(" (matching rule: {one})"),
                    many => format!(" (matching rules: {})", many.join(", ")),
                };
                let text = format!(
                    "AUTHORITATIVE DENY from human reviewer: {raw}{rules}. {DENY_RETRY_INSTRUCTION}"
                );
                Ok(ResolutionEffect {
                    outcome: Outcome::Deny,
                    agent_reason: agent_deny_reason(Some(&text)),
                    scope_added: None,
                })
            }
            Resolution::TimedOut { reason, decided_at } => {
                let ts = self.timestamp(decided_at.as_deref());
                if let Ok(h) = canonical::tool_input_sha256(call.input()) {
                    let entry = self.entry(CachedDecision::TimedOut, reason.clone(), ts);
                    self.state().input_cache.record(call.tool_name(), &h, entry);
                }
                let text =
                    reason.filter(|r| !r.is_empty()).unwrap_or_else(|| "User timed_out".to_owned());
                Ok(ResolutionEffect {
                    outcome: Outcome::Deny,
                    agent_reason: agent_deny_reason(Some(&text)),
                    scope_added: None,
                })
            }
        }
    }

    fn timestamp(&self, given: Option<&str>) -> String {
        match given {
            Some(ts) if !ts.is_empty() => ts.to_owned(),
            _ => iso8601_utc(self.clock.unix_s()),
        }
    }

    fn entry(&self, decision: CachedDecision, reason: Option<String>, ts: String) -> CacheEntry {
        CacheEntry {
            decision,
            reason,
            original_decision_ts: ts,
            inserted_at: self.clock.monotonic_s(),
        }
    }

    /// Remember a decision for `(tool, input hash)` (upstream `RecentDecisionCache.record`).
    /// `original_decision_ts` `None` or empty means now.
    ///
    /// ```
    /// # use cedar_hitl_core::*; use std::sync::Arc;
    /// # let s = Session::new(Arc::new(PolicyBundle::builtin()), SessionConfig::default()).unwrap();
    /// s.record_input_decision("Read", "h", CachedDecision::TimedOut, None, Some("2026-01-01T00:00:00Z"));
    /// assert_eq!(s.input_cache_len(), 1);
    /// ```
    pub fn record_input_decision(
        &self,
        tool_name: &str,
        tool_input_sha256: &str,
        decision: CachedDecision,
        reason: Option<&str>,
        original_decision_ts: Option<&str>,
    ) {
        let entry =
            self.entry(decision, reason.map(str::to_owned), self.timestamp(original_decision_ts));
        self.state().input_cache.record(tool_name, tool_input_sha256, entry);
    }

    /// Remember that a human denied the set `rule_ids` for `tool_name` (one entry per set).
    /// Only `DENIED` is accepted: a timeout says nothing about the rules.
    ///
    /// ```
    /// # use cedar_hitl_core::*; use std::sync::Arc;
    /// # let s = Session::new(Arc::new(PolicyBundle::builtin()), SessionConfig::default()).unwrap();
    /// s.record_rule_decision("Bash", &["force_push_any".into()], CachedDecision::Denied, Some("no"), None).unwrap();
    /// let d = s.evaluate(&ToolCall::new("Bash", serde_json::json!({"command": "git push --force origin x"})));
    /// assert_eq!(d.reason(), "Recent DENIED on rule 'force_push_any' within 60s: no");
    /// assert!(s.record_rule_decision("Bash", &["x".into()], CachedDecision::TimedOut, None, None).is_err());
    /// ```
    pub fn record_rule_decision(
        &self,
        tool_name: &str,
        rule_ids: &[String],
        decision: CachedDecision,
        reason: Option<&str>,
        original_decision_ts: Option<&str>,
    ) -> Result<(), ConfigError> {
        if decision != CachedDecision::Denied {
            return Err(ConfigError::new(
                "decision",
                format!("rule-level entries record DENIED only, got '{decision}'"),
            ));
        }
        if rule_ids.is_empty() {
            return Err(ConfigError::new(
                "rule_ids",
                "rule-level entries need at least one rule id",
            ));
        }
        let entry = self.entry(
            CachedDecision::Denied,
            reason.map(str::to_owned),
            self.timestamp(original_decision_ts),
        );
        self.state().rule_cache.record(tool_name, rule_ids, entry);
        Ok(())
    }

    /// The live input-hash entry, if any (reading does not refresh its lifetime).
    ///
    /// ```
    /// # use cedar_hitl_core::*; use std::sync::Arc;
    /// # let s = Session::new(Arc::new(PolicyBundle::builtin()), SessionConfig::default()).unwrap();
    /// assert!(s.cached_input_decision("Bash", "nope").is_none());
    /// ```
    pub fn cached_input_decision(
        &self,
        tool_name: &str,
        tool_input_sha256: &str,
    ) -> Option<CacheEntry> {
        let now = self.clock.monotonic_s();
        self.state().input_cache.get(tool_name, tool_input_sha256, now)
    }

    /// The most recent live rule entry whose ids all appear in `rule_ids`, with its ids.
    ///
    /// ```
    /// # use cedar_hitl_core::*; use std::sync::Arc;
    /// # let s = Session::new(Arc::new(PolicyBundle::builtin()), SessionConfig::default()).unwrap();
    /// s.record_rule_decision("Bash", &["a".into()], CachedDecision::Denied, None, None).unwrap();
    /// assert_eq!(s.cached_rule_decision("Bash", &["b".into(), "a".into()]).unwrap().0, ["a"]);
    /// ```
    pub fn cached_rule_decision(
        &self,
        tool_name: &str,
        rule_ids: &[String],
    ) -> Option<(Vec<String>, CacheEntry)> {
        let now = self.clock.monotonic_s();
        self.state().rule_cache.find(tool_name, rule_ids, now)
    }

    /// Entries in the input-hash cache (at most 50).
    ///
    /// ```
    /// # use cedar_hitl_core::*; use std::sync::Arc;
    /// # let s = Session::new(Arc::new(PolicyBundle::builtin()), SessionConfig::default()).unwrap();
    /// assert_eq!(s.input_cache_len(), 0);
    /// ```
    pub fn input_cache_len(&self) -> usize {
        self.state().input_cache.len()
    }

    /// Entries in the rule cache (at most 50).
    ///
    /// ```
    /// # use cedar_hitl_core::*; use std::sync::Arc;
    /// # let s = Session::new(Arc::new(PolicyBundle::builtin()), SessionConfig::default()).unwrap();
    /// assert_eq!(s.rule_cache_len(), 0);
    /// ```
    pub fn rule_cache_len(&self) -> usize {
        self.state().rule_cache.len()
    }

    /// Gates opened so far (seeded from `initial_approval_gate_count`).
    ///
    /// ```
    /// # use cedar_hitl_core::*; use std::sync::Arc;
    /// # let s = Session::new(Arc::new(PolicyBundle::builtin()), SessionConfig::default()).unwrap();
    /// assert_eq!(s.gate_count(), 0);
    /// ```
    pub fn gate_count(&self) -> u64 {
        self.state().gates.count
    }

    /// Add one to the gate counter (no upper bound) and return the new count.
    ///
    /// ```
    /// # use cedar_hitl_core::*; use std::sync::Arc;
    /// # let s = Session::new(Arc::new(PolicyBundle::builtin()), SessionConfig::default()).unwrap();
    /// assert_eq!(s.increment_gate_count(), 1);
    /// ```
    pub fn increment_gate_count(&self) -> u64 {
        let mut st = self.state();
        st.gates.count += 1;
        st.gates.count
    }

    /// Record a gate in the rate window at `now` (session monotonic seconds; `None` = now). What
    /// stays in the window is always decided by the session clock, so a caller's timestamp in the
    /// far future cannot empty the window (docs/behaviour.md#session-counters).
    ///
    /// ```
    /// # use cedar_hitl_core::*; use std::sync::Arc;
    /// # let s = Session::new(Arc::new(PolicyBundle::builtin()), SessionConfig::default()).unwrap();
    /// s.record_gate_timestamp(None);
    /// s.record_gate_timestamp(Some(1e12));
    /// assert_eq!(s.approvals_in_window(), 2);
    /// ```
    pub fn record_gate_timestamp(&self, now: Option<f64>) {
        let clock_now = self.clock.monotonic_s();
        let t = now.filter(|t| t.is_finite()).unwrap_or(clock_now);
        self.state().gates.record_rate(t, clock_now);
    }

    /// Gates recorded within the last rate window (an entry exactly 60 s old counts).
    ///
    /// ```
    /// # use cedar_hitl_core::*; use std::sync::Arc;
    /// # let s = Session::new(Arc::new(PolicyBundle::builtin()), SessionConfig::default()).unwrap();
    /// assert_eq!(s.approvals_in_window(), 0);
    /// ```
    pub fn approvals_in_window(&self) -> usize {
        let now = self.clock.monotonic_s();
        self.state().gates.rate_count(now)
    }

    /// Queue a human denial for injection into the agent's next turn.
    ///
    /// ```
    /// # use cedar_hitl_core::*; use std::sync::Arc;
    /// # let s = Session::new(Arc::new(PolicyBundle::builtin()), SessionConfig::default()).unwrap();
    /// s.queue_denial(DenialEntry { request_id: "r".into(), reason: "no".into(), decided_at: None });
    /// assert_eq!(s.drain_denials().len(), 1);
    /// ```
    pub fn queue_denial(&self, entry: DenialEntry) {
        self.state().gates.denials.push_back(entry);
    }

    /// Take every queued denial, oldest first.
    ///
    /// ```
    /// # use cedar_hitl_core::*; use std::sync::Arc;
    /// # let s = Session::new(Arc::new(PolicyBundle::builtin()), SessionConfig::default()).unwrap();
    /// assert!(s.drain_denials().is_empty());
    /// ```
    pub fn drain_denials(&self) -> Vec<DenialEntry> {
        self.state().gates.denials.drain(..).collect()
    }

    /// The one-shot ceiling-shrinking latch: `true` on the first call of the session only.
    ///
    /// ```
    /// # use cedar_hitl_core::*; use std::sync::Arc;
    /// # let s = Session::new(Arc::new(PolicyBundle::builtin()), SessionConfig::default()).unwrap();
    /// assert!(s.mark_ceiling_shrinking());
    /// assert!(!s.mark_ceiling_shrinking());
    /// ```
    pub fn mark_ceiling_shrinking(&self) -> bool {
        self.state().gates.latch_ceiling()
    }

    /// Decide whether a REQUIRE_APPROVAL may open a gate (docs/behaviour.md#opening-a-gate steps 2–6 and 8): refuse on
    /// the cap, the rate limit or too little remaining lifetime; otherwise compute the effective
    /// timeout, fire the ceiling latch when due, count the gate and record its rate timestamp.
    ///
    /// ```
    /// use cedar_hitl_core::*; use std::sync::Arc;
    /// let s = Session::new(Arc::new(PolicyBundle::builtin()), SessionConfig { approval_gate_cap: 1, ..Default::default() }).unwrap();
    /// assert!(matches!(s.begin_gate(None, None), GateAdmission::Admitted { .. }));
    /// let GateAdmission::Refused { reason, .. } = s.begin_gate(None, None) else { panic!() };
    /// assert_eq!(reason, "approval-gate cap exceeded (1/task)");
    /// ```
    pub fn begin_gate(
        &self,
        decision_timeout_s: Option<i64>,
        remaining_lifetime_s: Option<i64>,
    ) -> GateAdmission {
        let c = constants();
        let now = self.clock.monotonic_s();
        let default = self.config.task_default_timeout_s;
        let mut st = self.state();
        let cap = self.config.approval_gate_cap as u64;
        if st.gates.count >= cap {
            return GateAdmission::Refused {
                refusal: GateRefusal::CapExceeded,
                reason: format!("approval-gate cap exceeded ({cap}/task)"),
            };
        }
        if st.gates.rate_count(now) >= c.approval_rate_limit {
            return GateAdmission::Refused {
                refusal: GateRefusal::RateLimit,
                reason: format!(
                    "approval-gate rate limit exceeded ({}/min)",
                    c.approval_rate_limit
                ),
            };
        }
        let timeout = effective_timeout(decision_timeout_s, default, remaining_lifetime_s);
        let mut ceiling_shrinking = false;
        if let Some(remaining) = remaining_lifetime_s {
            let ceiling = remaining.saturating_sub(c.cleanup_margin_s);
            if ceiling < c.ceiling_shrinking_factor.saturating_mul(default) {
                ceiling_shrinking = st.gates.latch_ceiling();
            }
            if ceiling < c.approval_timeout_s.min {
                return GateAdmission::Refused {
                    refusal: GateRefusal::InsufficientLifetime,
                    reason: format!(
                        "insufficient maxLifetime remaining ({remaining}s) for approval"
                    ),
                };
            }
        }
        st.gates.count += 1;
        st.gates.record_rate(now, now);
        GateAdmission::Admitted { timeout, ceiling_shrinking, gate_count: st.gates.count }
    }
}

fn check_rule_scope(
    bundle: &PolicyBundle,
    scope: &ApprovalScope,
    text: &str,
) -> Result<(), ScopeError> {
    if let ApprovalScope::Rule(id) = scope {
        if bundle.is_hard_rule(id) {
            return Err(ScopeError::new(
                text,
                format!(
                    "rule scope 'rule:{id}' names a hard rule; hard rules cannot be pre-approved"
                ),
            ));
        }
        if bundle.soft_rule(id).is_none() {
            return Err(ScopeError::new(
                text,
                format!("rule scope 'rule:{id}' names no soft rule of this bundle"),
            ));
        }
    }
    Ok(())
}

// A session is shared between threads (Python threads with the GIL released, host worker pools).
const _: () = {
    const fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Session>();
    assert_send_sync::<PolicyBundle>();
};
