//! Session persistence: the whole mutable state as JSON, so a host can survive a restart.
//! Times are stored as ages relative to the snapshot's wall-clock time, so entries keep ageing
//! across the downtime.

use crate::cache::CacheEntry;
use crate::error::{ConfigError, Error};
use crate::wire::DenialEntry;
use crate::{CachedDecision, Clock, PolicyBundle, SystemClock};
use crate::{Session, SessionConfig};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

const FORMAT: u32 = 1;

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct SnapshotV1 {
    format: u32,
    taken_at_unix_s: f64,
    config: SessionConfig,
    scopes: Vec<String>,
    gate_count: u64,
    rate_ages_s: Vec<f64>,
    denials: Vec<DenialEntry>,
    ceiling_latched: bool,
    input_cache: Vec<InputEntry>,
    rule_cache: Vec<RuleEntry>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct InputEntry {
    tool_name: String,
    tool_input_sha256: String,
    decision: CachedDecision,
    reason: Option<String>,
    original_decision_ts: String,
    age_s: f64,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleEntry {
    tool_name: String,
    rule_ids: Vec<String>,
    reason: Option<String>,
    original_decision_ts: String,
    age_s: f64,
}

impl Session {
    /// The session's state as JSON: settings, allowlist scopes, both caches (in LRU order),
    /// gate counter, rate window, denial queue and latch.
    ///
    /// ```
    /// use cedar_hitl_core::*; use std::sync::Arc;
    /// let bundle = Arc::new(PolicyBundle::builtin());
    /// let s = Session::new(bundle.clone(), SessionConfig::default()).unwrap();
    /// s.add_scope("tool_type:Read").unwrap();
    /// s.increment_gate_count();
    /// let restored = Session::restore(bundle, &s.snapshot()).unwrap();
    /// assert_eq!(restored.gate_count(), 1);
    /// assert_eq!(restored.allowlist().tool_types, ["Read"]);
    /// ```
    pub fn snapshot(&self) -> String {
        let now = self.clock().monotonic_s();
        let age = |at: f64| (now - at).max(0.0);
        let st = self.state_for_snapshot();
        let snap = SnapshotV1 {
            format: FORMAT,
            taken_at_unix_s: self.clock().unix_s(),
            config: SessionConfig { initial_approvals: Vec::new(), ..self.config().clone() },
            scopes: st.allowlist.view().scopes.clone(),
            gate_count: st.gates.count,
            rate_ages_s: st.gates.rate.iter().map(|&t| age(t)).collect(),
            denials: st.gates.denials.iter().cloned().collect(),
            ceiling_latched: st.gates.ceiling_latched,
            input_cache: st
                .input_cache
                .entries()
                .into_iter()
                .map(|((tool, hash), e)| InputEntry {
                    tool_name: tool.clone(),
                    tool_input_sha256: hash.clone(),
                    decision: e.decision,
                    reason: e.reason.clone(),
                    original_decision_ts: e.original_decision_ts.clone(),
                    age_s: age(e.inserted_at),
                })
                .collect(),
            rule_cache: st
                .rule_cache
                .entries()
                .into_iter()
                .map(|(tool, ids, e)| RuleEntry {
                    tool_name: tool.to_owned(),
                    rule_ids: ids.to_vec(),
                    reason: e.reason.clone(),
                    original_decision_ts: e.original_decision_ts.clone(),
                    age_s: age(e.inserted_at),
                })
                .collect(),
        };
        serde_json::to_string(&snap).unwrap_or_default()
    }

    /// Rebuild a session from [`snapshot`](Self::snapshot) text, on the system clock. Scopes are
    /// re-validated against `bundle`, so a snapshot cannot smuggle in a scope the bundle refuses.
    ///
    /// ```
    /// use cedar_hitl_core::*; use std::sync::Arc;
    /// assert!(Session::restore(Arc::new(PolicyBundle::builtin()), "{}").is_err());
    /// ```
    pub fn restore(bundle: Arc<PolicyBundle>, snapshot: &str) -> Result<Session, Error> {
        Self::restore_with_clock(bundle, snapshot, Arc::new(SystemClock::new()))
    }

    /// [`restore`](Self::restore) on a given clock.
    ///
    /// ```
    /// use cedar_hitl_core::*; use std::sync::Arc;
    /// let clock = Arc::new(ManualClock::new(1_700_000_000.0));
    /// let b = Arc::new(PolicyBundle::builtin());
    /// let s = Session::with_clock(b.clone(), SessionConfig::default(), clock.clone()).unwrap();
    /// s.record_input_decision("Bash", "h", CachedDecision::Denied, None, None);
    /// let snap = s.snapshot();
    /// clock.advance(61.0); // downtime counts
    /// let r = Session::restore_with_clock(b, &snap, clock).unwrap();
    /// assert!(r.cached_input_decision("Bash", "h").is_none());
    /// ```
    pub fn restore_with_clock(
        bundle: Arc<PolicyBundle>,
        snapshot: &str,
        clock: Arc<dyn Clock>,
    ) -> Result<Session, Error> {
        let snap: SnapshotV1 = serde_json::from_str(snapshot).map_err(|e| {
            ConfigError::new("snapshot", format!("snapshot is not a valid session snapshot: {e}"))
        })?;
        if snap.format != FORMAT {
            return Err(ConfigError::new(
                "snapshot",
                format!("snapshot format {} is not supported; allowed: {FORMAT}", snap.format),
            )
            .into());
        }
        let downtime = (clock.unix_s() - snap.taken_at_unix_s).max(0.0);
        let now = clock.monotonic_s();
        let at = |age: f64| now - (age.max(0.0) + downtime);
        let config = SessionConfig {
            initial_approval_gate_count: i64::try_from(snap.gate_count).unwrap_or(i64::MAX),
            ..snap.config
        };
        let session = Session::with_clock(bundle, config, clock)?;
        for scope in &snap.scopes {
            session.add_scope(scope).map_err(|e| e.in_field("snapshot.scopes"))?;
        }
        {
            let mut st = session.state_for_snapshot();
            for t in snap.rate_ages_s {
                st.gates.rate.push_back(at(t));
            }
            st.gates.denials = snap.denials.into_iter().collect();
            st.gates.ceiling_latched = snap.ceiling_latched;
            for e in snap.input_cache {
                let entry = CacheEntry {
                    decision: e.decision,
                    reason: e.reason,
                    original_decision_ts: e.original_decision_ts,
                    inserted_at: at(e.age_s),
                };
                st.input_cache.record(&e.tool_name, &e.tool_input_sha256, entry);
            }
            for e in snap.rule_cache {
                let entry = CacheEntry {
                    decision: CachedDecision::Denied,
                    reason: e.reason,
                    original_decision_ts: e.original_decision_ts,
                    inserted_at: at(e.age_s),
                };
                st.rule_cache.record(&e.tool_name, &e.rule_ids, entry);
            }
        }
        Ok(session)
    }
}
