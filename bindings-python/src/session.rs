//! `Session`: the state of one task (allowlist, caches, gate counts, queued denials) and the
//! calls that decide, explain and record against it.

use crate::bundle::{PyPolicyBundle, bundle_arg, shadow_arg};
use crate::clock::clock_arg;
use crate::convert::{
    cached_decision_arg, float_arg, opt_int_arg, opt_str_arg, read_options, str_arg, str_list_arg,
    to_json, tool_call, tool_name_arg,
};
use crate::errors::{map_config, map_error, map_scope, run};
use crate::records::{
    AllowlistView, CacheEntry, DenialEntry, GateAdmission, PyDecision, ResolutionEffect,
    SessionConfig, json_out,
};
use crate::repr::{r_bool, r_str};
use cedar_hitl_core as hitl;
use hitl::{CachedDecision, ToolCall};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString, PyTuple};
use std::sync::Arc;

/// The state of one task. Thread-safe: share one session between threads.
#[pyclass(frozen, module = "cedar_hitl", name = "Session")]
pub(crate) struct PySession {
    pub(crate) inner: Arc<hitl::Session>,
    bundle: Py<PyPolicyBundle>,
    shadow: Option<Py<PyPolicyBundle>>,
    /// The enforced bundle's fingerprint, made once and handed to every decision.
    fingerprint: Py<PyString>,
}

impl PySession {
    /// Attach the shadow (if any) and compute the fingerprint, both without the GIL.
    fn build(
        py: Python<'_>,
        make: impl FnOnce() -> Result<hitl::Session, hitl::Error> + Send,
        bundle: Bound<'_, PyPolicyBundle>,
        shadow: Option<Bound<'_, PyPolicyBundle>>,
    ) -> PyResult<Self> {
        let core_shadow = shadow.as_ref().map(|s| s.get().inner.clone());
        let session = run(py, move || {
            make().map(|s| {
                let s = match core_shadow {
                    Some(sh) => s.with_shadow(sh),
                    None => s,
                };
                let _ = s.bundle().fingerprint();
                s
            })
        })?
        .map_err(|e| map_error(py, &e))?;
        let fingerprint = PyString::new(py, session.bundle().fingerprint()).unbind();
        Ok(Self {
            inner: Arc::new(session),
            bundle: bundle.unbind(),
            shadow: shadow.map(Bound::unbind),
            fingerprint,
        })
    }

    fn decision(&self, py: Python<'_>, inner: hitl::Decision) -> PyDecision {
        let fingerprint = (inner.policy_fingerprint() == Some(self.inner.bundle().fingerprint()))
            .then(|| self.fingerprint.clone_ref(py));
        PyDecision { inner, fingerprint }
    }
}

#[pymethods]
impl PySession {
    /// `Session(bundle=None, *, principal, repo, read_only, initial_approvals, approval_gate_cap,
    /// initial_approval_gate_count, task_default_timeout_s, cache_max_entries, cache_ttl_s,
    /// clock=None, shadow=None)`: an omitted
    /// setting takes the core's default; a setting passed as `None` is refused (except
    /// `initial_approvals`). `shadow`: a second `PolicyBundle` every call is also decided
    /// against, without enforcing it (`Decision.shadow_outcome`, `shadow_rule_ids`).
    #[new]
    #[pyo3(signature = (bundle=None, *, clock=None, shadow=None, **settings))]
    fn new(
        py: Python<'_>,
        bundle: Option<&Bound<'_, PyAny>>,
        clock: Option<&Bound<'_, PyAny>>,
        shadow: Option<&Bound<'_, PyAny>>,
        settings: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Self> {
        let bundle = bundle_arg(py, bundle)?;
        // Every setting of the core's `SessionConfig` record, read as its type is read.
        let cfg: hitl::SessionConfig = read_options(py, "Session", settings)?;
        let clock = clock_arg(py, clock)?;
        let shadow = shadow_arg(py, shadow)?;
        let core_bundle = bundle.get().inner.clone();
        Self::build(py, move || hitl::Session::with_clock(core_bundle, cfg, clock), bundle, shadow)
    }

    /// Rebuild a session from `snapshot()` text (scopes are re-validated against `bundle`). A
    /// snapshot does not hold the shadow bundle: pass it again as `shadow=`.
    #[staticmethod]
    #[pyo3(signature = (bundle, snapshot, clock=None, *, shadow=None))]
    fn restore(
        py: Python<'_>,
        bundle: &Bound<'_, PyAny>,
        snapshot: &Bound<'_, PyAny>,
        clock: Option<&Bound<'_, PyAny>>,
        shadow: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let bundle = bundle_arg(py, Some(bundle))?;
        let text = str_arg(py, snapshot, "snapshot")?;
        let clock = clock_arg(py, clock)?;
        let shadow = shadow_arg(py, shadow)?;
        let core_bundle = bundle.get().inner.clone();
        Self::build(
            py,
            move || hitl::Session::restore_with_clock(core_bundle, &text, clock),
            bundle,
            shadow,
        )
    }

    /// The whole mutable state as JSON text.
    fn snapshot(&self, py: Python<'_>) -> PyResult<String> {
        let s = &self.inner;
        run(py, move || s.snapshot())
    }

    /// Decide one tool call. Never raises: bad input is a fail-closed DENY from the core.
    fn evaluate(
        &self,
        py: Python<'_>,
        tool_name: &Bound<'_, PyAny>,
        tool_input: &Bound<'_, PyAny>,
    ) -> PyDecision {
        let call = tool_call(tool_name, tool_input);
        let s = &self.inner;
        // `Session::evaluate` catches panics itself; dropping a large input also happens
        // without the GIL.
        let inner = py.detach(move || {
            let d = s.evaluate(&call);
            drop(call);
            d
        });
        self.decision(py, inner)
    }

    /// `evaluate`, returned as the package's `PolicyDecision` in one step (what
    /// `PolicyEngine.evaluate_tool_use` returns). Never raises for bad input.
    fn _evaluate_facade<'py>(
        &self,
        py: Python<'py>,
        tool_name: &Bound<'py, PyAny>,
        tool_input: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        self.evaluate(py, tool_name, tool_input)._to_facade(py)
    }

    /// `evaluate`, then append the decision to the audit log at `path` as one JSON line (the
    /// core's record, with `session_id`). A decision that cannot be logged is a fail-closed DENY
    /// (`internal_error`) naming the file. Never raises for bad input.
    #[pyo3(signature = (tool_name, tool_input, path, session_id=None))]
    fn evaluate_audited(
        &self,
        py: Python<'_>,
        tool_name: &Bound<'_, PyAny>,
        tool_input: &Bound<'_, PyAny>,
        path: std::path::PathBuf,
        session_id: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyDecision> {
        let session_id = opt_str_arg(py, session_id, "session_id")?.unwrap_or_default();
        let log = hitl::AuditLog { path, session_id };
        let call = tool_call(tool_name, tool_input);
        let s = &self.inner;
        let inner = py.detach(move || s.evaluate_audited(&call, &log));
        Ok(self.decision(py, inner))
    }

    /// The decision for the call with the path that produced it, as a dict: `decision` (the
    /// `to_dict()` keys), `command` (shell tools), `path` (write tools) and `steps`. The same
    /// pipeline as `evaluate` (the same decision), recording as it goes.
    /// Never raises for bad input: that is a fail-closed decision, as in `evaluate`.
    fn explain<'py>(
        &self,
        py: Python<'py>,
        tool_name: &Bound<'py, PyAny>,
        tool_input: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let call = tool_call(tool_name, tool_input);
        let s = &self.inner;
        let text = run(py, move || {
            let text = serde_json::to_string(&s.explain(&call).to_json());
            drop(call);
            text
        })?;
        json_out(py, text)
    }

    /// `explain` rendered for people: the outcome and reason, then one line a step.
    fn explain_text(
        &self,
        py: Python<'_>,
        tool_name: &Bound<'_, PyAny>,
        tool_input: &Bound<'_, PyAny>,
    ) -> PyResult<String> {
        let call = tool_call(tool_name, tool_input);
        let s = &self.inner;
        run(py, move || {
            let text = s.explain(&call).render();
            drop(call);
            text
        })
    }

    /// Validate and add a scope; returns its normalised text.
    fn add_scope(&self, py: Python<'_>, scope: &Bound<'_, PyAny>) -> PyResult<String> {
        let text = str_arg(py, scope, "scope")?;
        let s = &self.inner;
        run(py, move || s.add_scope(&text).map(|sc| sc.to_string()))?.map_err(|e| map_scope(py, &e))
    }

    fn allowlist(&self, py: Python<'_>) -> PyResult<AllowlistView> {
        let s = &self.inner;
        Ok(run(py, move || s.allowlist())?.into())
    }

    /// Whether a tool scope pre-approves the call (pipeline step 2 alone).
    fn allowlist_matches(
        &self,
        py: Python<'_>,
        tool_name: &Bound<'_, PyAny>,
        tool_input: &Bound<'_, PyAny>,
    ) -> PyResult<bool> {
        let call = ToolCall::new(tool_name_arg(py, tool_name)?, to_json(tool_input));
        let s = &self.inner;
        run(py, move || s.allowlist_matches(&call))
    }

    /// Apply how a gate ended (`resolution`: approved, denied or timed_out).
    #[pyo3(signature = (tool_name, tool_input, matching_rule_ids, resolution, *, scope=None, request_id=None, reason=None, decided_at=None))]
    #[allow(clippy::too_many_arguments)]
    fn record_outcome(
        &self,
        py: Python<'_>,
        tool_name: &Bound<'_, PyAny>,
        tool_input: &Bound<'_, PyAny>,
        matching_rule_ids: &Bound<'_, PyAny>,
        resolution: &Bound<'_, PyAny>,
        scope: Option<&Bound<'_, PyAny>>,
        request_id: Option<&Bound<'_, PyAny>>,
        reason: Option<&Bound<'_, PyAny>>,
        decided_at: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<ResolutionEffect> {
        let call = ToolCall::new(tool_name_arg(py, tool_name)?, to_json(tool_input));
        let ids = str_list_arg(py, Some(matching_rule_ids), "matching_rule_ids")?;
        let kind = str_arg(py, resolution, "resolution")?;
        let scope = opt_str_arg(py, scope, "scope")?;
        let request_id = opt_str_arg(py, request_id, "request_id")?;
        let reason = opt_str_arg(py, reason, "reason")?;
        let decided_at = opt_str_arg(py, decided_at, "decided_at")?;
        let res = kind
            .parse::<hitl::ResolutionKind>()
            .and_then(|k| hitl::Resolution::from_parts(k, scope, request_id, reason, decided_at))
            .map_err(|e| map_config(py, &e))?;
        let s = &self.inner;
        let effect =
            run(py, move || s.record_outcome(&call, &ids, res))?.map_err(|e| map_scope(py, &e))?;
        Ok(effect.into())
    }

    /// Remember a decision for `(tool_name, tool_input_sha256)`; `decision`: DENIED or TIMED_OUT.
    #[pyo3(signature = (tool_name, tool_input_sha256, decision, reason=None, original_decision_ts=None))]
    fn record_input_decision(
        &self,
        py: Python<'_>,
        tool_name: &Bound<'_, PyAny>,
        tool_input_sha256: &Bound<'_, PyAny>,
        decision: &Bound<'_, PyAny>,
        reason: Option<&Bound<'_, PyAny>>,
        original_decision_ts: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<()> {
        let tool = tool_name_arg(py, tool_name)?;
        let hash = str_arg(py, tool_input_sha256, "tool_input_sha256")?;
        let decision = cached_decision_arg(py, decision)?;
        let reason = opt_str_arg(py, reason, "reason")?;
        let ts = opt_str_arg(py, original_decision_ts, "original_decision_ts")?;
        let s = &self.inner;
        run(py, move || {
            s.record_input_decision(&tool, &hash, decision, reason.as_deref(), ts.as_deref())
        })
    }

    /// Remember that a human denied the set `rule_ids` for `tool_name` (DENIED only).
    #[pyo3(signature = (tool_name, rule_ids, decision=None, reason=None, original_decision_ts=None))]
    fn record_rule_decision(
        &self,
        py: Python<'_>,
        tool_name: &Bound<'_, PyAny>,
        rule_ids: &Bound<'_, PyAny>,
        decision: Option<&Bound<'_, PyAny>>,
        reason: Option<&Bound<'_, PyAny>>,
        original_decision_ts: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<()> {
        let tool = tool_name_arg(py, tool_name)?;
        let ids = str_list_arg(py, Some(rule_ids), "rule_ids")?;
        let decision = decision
            .map(|d| cached_decision_arg(py, d))
            .transpose()?
            .unwrap_or(CachedDecision::Denied);
        let reason = opt_str_arg(py, reason, "reason")?;
        let ts = opt_str_arg(py, original_decision_ts, "original_decision_ts")?;
        let s = &self.inner;
        run(py, move || {
            s.record_rule_decision(&tool, &ids, decision, reason.as_deref(), ts.as_deref())
        })?
        .map_err(|e| map_config(py, &e))
    }

    /// The live input-hash entry, if any.
    fn cached_input_decision(
        &self,
        py: Python<'_>,
        tool_name: &Bound<'_, PyAny>,
        tool_input_sha256: &Bound<'_, PyAny>,
    ) -> PyResult<Option<CacheEntry>> {
        let tool = tool_name_arg(py, tool_name)?;
        let hash = str_arg(py, tool_input_sha256, "tool_input_sha256")?;
        let s = &self.inner;
        Ok(run(py, move || s.cached_input_decision(&tool, &hash))?
            .map(|entry| hitl::CacheEntryRecord::from(entry).into()))
    }

    /// The most recent live rule entry whose ids all appear in `rule_ids`: `(ids, entry)`.
    fn cached_rule_decision<'py>(
        &self,
        py: Python<'py>,
        tool_name: &Bound<'py, PyAny>,
        rule_ids: &Bound<'py, PyAny>,
    ) -> PyResult<Option<(Bound<'py, PyTuple>, CacheEntry)>> {
        let tool = tool_name_arg(py, tool_name)?;
        let ids = str_list_arg(py, Some(rule_ids), "rule_ids")?;
        let s = &self.inner;
        match run(py, move || s.cached_rule_decision(&tool, &ids))? {
            None => Ok(None),
            Some((hit, entry)) => {
                let ids = PyTuple::new(py, &hit)?;
                Ok(Some((ids, hitl::CacheEntryRecord::from((hit, entry)).into())))
            }
        }
    }

    fn input_cache_len(&self, py: Python<'_>) -> PyResult<usize> {
        let s = &self.inner;
        run(py, move || s.input_cache_len())
    }

    fn rule_cache_len(&self, py: Python<'_>) -> PyResult<usize> {
        let s = &self.inner;
        run(py, move || s.rule_cache_len())
    }

    fn gate_count(&self, py: Python<'_>) -> PyResult<u64> {
        let s = &self.inner;
        run(py, move || s.gate_count())
    }

    fn increment_gate_count(&self, py: Python<'_>) -> PyResult<u64> {
        let s = &self.inner;
        run(py, move || s.increment_gate_count())
    }

    /// Record a gate in the rate window at `now` (session monotonic seconds; None = now).
    #[pyo3(signature = (now=None))]
    fn record_gate_timestamp(
        &self,
        py: Python<'_>,
        now: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<()> {
        let now = now.map(|n| float_arg(py, n, "now")).transpose()?;
        let s = &self.inner;
        run(py, move || s.record_gate_timestamp(now))
    }

    fn approvals_in_window(&self, py: Python<'_>) -> PyResult<usize> {
        let s = &self.inner;
        run(py, move || s.approvals_in_window())
    }

    #[pyo3(signature = (request_id, reason, decided_at=None))]
    fn queue_denial(
        &self,
        py: Python<'_>,
        request_id: &Bound<'_, PyAny>,
        reason: &Bound<'_, PyAny>,
        decided_at: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<()> {
        let entry = hitl::DenialEntry {
            request_id: str_arg(py, request_id, "request_id")?,
            reason: str_arg(py, reason, "reason")?,
            decided_at: opt_str_arg(py, decided_at, "decided_at")?,
        };
        let s = &self.inner;
        run(py, move || s.queue_denial(entry))
    }

    /// Take every queued denial, oldest first, as dicts (request_id, reason, decided_at).
    fn drain_denials<'py>(&self, py: Python<'py>) -> PyResult<Vec<Bound<'py, PyDict>>> {
        let s = &self.inner;
        run(py, move || s.drain_denials())?
            .into_iter()
            .map(|e| DenialEntry::from(e).into_dict(py))
            .collect()
    }

    fn mark_ceiling_shrinking(&self, py: Python<'_>) -> PyResult<bool> {
        let s = &self.inner;
        run(py, move || s.mark_ceiling_shrinking())
    }

    /// Decide whether a REQUIRE_APPROVAL may open a gate (cap, rate limit, lifetime).
    #[pyo3(signature = (timeout_s=None, remaining_lifetime_s=None))]
    fn begin_gate(
        &self,
        py: Python<'_>,
        timeout_s: Option<&Bound<'_, PyAny>>,
        remaining_lifetime_s: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<GateAdmission> {
        let timeout = opt_int_arg(py, timeout_s, "timeout_s")?;
        let remaining = opt_int_arg(py, remaining_lifetime_s, "remaining_lifetime_s")?;
        let s = &self.inner;
        Ok(hitl::GateAdmissionRecord::from(run(py, move || s.begin_gate(timeout, remaining))?)
            .into())
    }

    #[getter]
    fn bundle(&self, py: Python<'_>) -> Py<PyPolicyBundle> {
        self.bundle.clone_ref(py)
    }
    /// The shadow bundle (`shadow=`), or `None`.
    #[getter]
    fn shadow(&self, py: Python<'_>) -> Option<Py<PyPolicyBundle>> {
        self.shadow.as_ref().map(|s| s.clone_ref(py))
    }
    /// The settings the session was built with (the same record as Node's `session.config`).
    #[getter]
    fn config(&self) -> SessionConfig {
        self.inner.config().clone().into()
    }
    #[getter]
    fn principal(&self) -> &str {
        &self.inner.config().principal
    }
    #[getter]
    fn repo(&self) -> &str {
        &self.inner.config().repo
    }
    #[getter]
    fn read_only(&self) -> bool {
        self.inner.config().read_only
    }
    #[getter]
    fn initial_approvals<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        PyTuple::new(py, &self.inner.config().initial_approvals)
    }
    #[getter]
    fn approval_gate_cap(&self) -> i64 {
        self.inner.config().approval_gate_cap
    }
    #[getter]
    fn initial_approval_gate_count(&self) -> i64 {
        self.inner.config().initial_approval_gate_count
    }
    #[getter]
    fn task_default_timeout_s(&self) -> i64 {
        self.inner.config().task_default_timeout_s
    }
    /// Capacity of each recent-decision cache.
    #[getter]
    fn cache_max_entries(&self) -> i64 {
        self.inner.config().cache_max_entries
    }
    /// Lifetime of a cached human decision, in seconds.
    #[getter]
    fn cache_ttl_s(&self) -> i64 {
        self.inner.config().cache_ttl_s
    }

    fn __repr__(&self) -> String {
        let c = self.inner.config();
        format!(
            "Session(principal={}, repo={}, read_only={}, gate_count={})",
            r_str(&c.principal),
            r_str(&c.repo),
            r_bool(c.read_only),
            self.inner.gate_count()
        )
    }
}
