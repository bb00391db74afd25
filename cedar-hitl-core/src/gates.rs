//! Gate accounting (docs/behaviour.md#gates): the counter and cap, the approval-rate window, the denial queue,
//! the ceiling-shrinking latch, and the effective-timeout function.

use crate::constants;
use crate::wire::DenialEntry;
use crate::wire::EffectiveTimeout;
use std::collections::VecDeque;

string_enum! {
    /// Why an effective timeout differs from the task default.
    ///
    /// ```
    /// assert_eq!(cedar_hitl_core::ClipReason::MaxLifetimeCeiling.as_str(), "maxLifetime_ceiling");
    /// ```
    ClipReason as "clip" {
        /// A rule annotation asked for less than the task default.
        RuleAnnotation => "rule_annotation",
        /// The task's remaining lifetime (less the clean-up margin) is shorter.
        MaxLifetimeCeiling => "maxLifetime_ceiling",
    }
}

/// The effective approval timeout (docs/behaviour.md#effective-timeout): the decision's timeout (or the task default),
/// clipped to `remaining − cleanup margin` when the remaining lifetime is known, floored at 30 s.
///
/// ```
/// use cedar_hitl_core::{effective_timeout, ClipReason};
/// let t = effective_timeout(Some(60), 300, None);
/// assert_eq!((t.effective_s, t.clip), (60, Some(ClipReason::RuleAnnotation)));
/// let t = effective_timeout(Some(60), 300, Some(140));
/// assert_eq!((t.effective_s, t.clip), (30, Some(ClipReason::MaxLifetimeCeiling)));
/// ```
pub fn effective_timeout(
    decision_timeout_s: Option<i64>,
    task_default_s: i64,
    remaining_s: Option<i64>,
) -> EffectiveTimeout {
    let value = decision_timeout_s.unwrap_or(task_default_s);
    let mut effective = value;
    let mut clip = (value < task_default_s).then_some(ClipReason::RuleAnnotation);
    if let Some(remaining) = remaining_s {
        let ceiling = remaining.saturating_sub(constants().cleanup_margin_s);
        if ceiling < effective {
            effective = ceiling;
            clip = Some(ClipReason::MaxLifetimeCeiling);
        }
    }
    EffectiveTimeout {
        effective_s: effective.max(constants().approval_timeout_s.min),
        clip,
        requested_s: task_default_s,
    }
}

string_enum! {
    /// Why [`Session::begin_gate`](crate::Session::begin_gate) refused to open a gate.
    ///
    /// ```
    /// assert_eq!(cedar_hitl_core::GateRefusal::RateLimit.as_str(), "rate_limit");
    /// ```
    GateRefusal as "refusal" {
        /// The per-task gate budget is spent.
        CapExceeded => "cap_exceeded",
        /// Too many gates in the rate window.
        RateLimit => "rate_limit",
        /// Not enough task lifetime left for a human to answer.
        InsufficientLifetime => "insufficient_lifetime",
    }
}

/// What [`Session::begin_gate`](crate::Session::begin_gate) decided (docs/behaviour.md#opening-a-gate steps 2–6, 8).
///
/// ```
/// use cedar_hitl_core::*; use std::sync::Arc;
/// let s = Session::new(Arc::new(PolicyBundle::builtin()), SessionConfig::default()).unwrap();
/// match s.begin_gate(Some(300), None) {
///     GateAdmission::Admitted { timeout, .. } => assert_eq!(timeout.effective_s, 300),
///     GateAdmission::Refused { .. } => unreachable!(),
/// }
/// assert_eq!(s.gate_count(), 1);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GateAdmission {
    /// Open the gate: the counter and rate window were updated.
    Admitted {
        /// The effective timeout and clip reason.
        timeout: EffectiveTimeout,
        /// `true` the first time the lifetime ceiling is shrinking (emit the event once).
        ceiling_shrinking: bool,
        /// The gate count after this gate.
        gate_count: u64,
    },
    /// Deny the call instead; nothing was counted.
    Refused {
        /// Which check refused.
        refusal: GateRefusal,
        /// Agent-facing deny reason.
        reason: String,
    },
}

#[derive(Debug, Default)]
pub(crate) struct GateState {
    pub count: u64,
    pub rate: VecDeque<f64>,
    pub denials: VecDeque<DenialEntry>,
    pub ceiling_latched: bool,
}

impl GateState {
    /// Record a gate opened at `at`, pruning by the session clock's `now`: one clock decides what
    /// is in the window, so a caller's far-future `at` cannot clear it (it only counts longer).
    pub fn record_rate(&mut self, at: f64, now: f64) {
        self.rate.push_back(at);
        self.prune(now);
    }

    /// Gates recorded within the window ending at `now` (an entry exactly 60 s old counts).
    pub fn rate_count(&mut self, now: f64) -> usize {
        self.prune(now);
        self.rate.len()
    }

    fn prune(&mut self, now: f64) {
        let window = constants().approval_rate_window_s as f64;
        self.rate.retain(|&t| t >= now - window);
    }

    /// Returns true only the first time.
    pub fn latch_ceiling(&mut self) -> bool {
        !std::mem::replace(&mut self.ceiling_latched, true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spec_9_3_table() {
        let rows = [
            (Some(300), 300, None, 300, None),
            (Some(60), 300, None, 60, Some(ClipReason::RuleAnnotation)),
            (Some(300), 300, Some(200), 80, Some(ClipReason::MaxLifetimeCeiling)),
            (Some(60), 300, Some(140), 30, Some(ClipReason::MaxLifetimeCeiling)),
            (None, 600, Some(10_000), 600, None),
            (Some(30), 10, None, 30, None),
        ];
        for (d, def, rem, eff, clip) in rows {
            let t = effective_timeout(d, def, rem);
            assert_eq!(
                (t.effective_s, t.clip, t.requested_s),
                (eff, clip, def),
                "{d:?} {def} {rem:?}"
            );
        }
    }

    #[test]
    fn rate_window_keeps_entries_exactly_60s_old() {
        let mut g = GateState::default();
        g.record_rate(0.0, 0.0);
        g.record_rate(10.0, 10.0);
        assert_eq!(g.rate_count(60.0), 2);
        assert_eq!(g.rate_count(60.5), 1);
    }

    #[test]
    fn a_far_future_timestamp_does_not_empty_the_window() {
        let mut g = GateState::default();
        for t in 0..19 {
            g.record_rate(f64::from(t), f64::from(t));
        }
        // Pruned by the session clock (20.0), not by the caller's 1e12.
        g.record_rate(1e12, 20.0);
        assert_eq!(g.rate_count(20.0), 20);
        // Past the window, the old entries leave; the future one still counts (fail-safe).
        assert_eq!(g.rate_count(100.0), 1);
    }

    #[test]
    fn latch_fires_once() {
        let mut g = GateState::default();
        assert!(g.latch_ceiling());
        assert!(!g.latch_ceiling());
    }
}
