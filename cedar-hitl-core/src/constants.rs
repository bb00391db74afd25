//! Typed view of `contracts/constants.json`, the one place every shared number lives.

use serde::{Deserialize, Serialize};
use std::sync::OnceLock;

/// The raw text of `contracts/constants.json`, embedded at compile time.
///
/// ```
/// assert!(cedar_hitl_core::CONSTANTS_JSON.contains("cache_ttl_s"));
/// ```
pub const CONSTANTS_JSON: &str =
    include_str!(concat!(env!("CEDAR_HITL_DATA_DIR"), "/contracts/constants.json"));

/// A `min` / `default` / `max` triple.
///
/// ```
/// let cap = cedar_hitl_core::constants().approval_gate_cap;
/// assert!(cap.min <= cap.default && cap.default <= cap.max);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bounds {
    /// Smallest accepted value (inclusive).
    pub min: i64,
    /// Value used when the caller gives none.
    pub default: i64,
    /// Largest accepted value (inclusive).
    pub max: i64,
}

impl Bounds {
    /// Whether `value` lies in `[min, max]`.
    ///
    /// ```
    /// let t = cedar_hitl_core::constants().approval_timeout_s;
    /// assert!(t.contains(300) && !t.contains(29));
    /// ```
    pub fn contains(&self, value: i64) -> bool {
        (self.min..=self.max).contains(&value)
    }
}

/// Every number the engine uses (docs/behaviour.md#constants). Read it with [`constants()`].
///
/// ```
/// let c = cedar_hitl_core::constants();
/// assert_eq!(c.cache_max_entries, 50);
/// assert_eq!(c.policies_max_bytes, 65_536);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Constants {
    /// Per-task gate budget bounds.
    pub approval_gate_cap: Bounds,
    /// Approval timeout bounds in seconds (floor, task default, upper bound).
    pub approval_timeout_s: Bounds,
    /// Soft-rule timeouts below this (and at least the floor) load with a warning.
    pub warn_timeout_s: i64,
    /// Capacity of each recent-decision cache.
    pub cache_max_entries: usize,
    /// Lifetime of a cache entry, from record time.
    pub cache_ttl_s: u64,
    /// Largest capacity a session may give its caches (`SessionConfig::cache_max_entries`).
    pub cache_max_entries_limit: i64,
    /// Longest lifetime a session may give cache entries (`SessionConfig::cache_ttl_s`).
    pub cache_ttl_s_limit: i64,
    /// Cap on operator-supplied policy bytes (UTF-8).
    pub policies_max_bytes: usize,
    /// A new gate is refused when this many were recorded in the rate window.
    pub approval_rate_limit: usize,
    /// Sliding window for the gate rate limit, in seconds.
    pub approval_rate_window_s: u64,
    /// Seconds reserved from the remaining lifetime for clean-up.
    pub cleanup_margin_s: i64,
    /// Task lifetime used when the host gives none.
    pub default_max_lifetime_s: i64,
    /// Warn once when `remaining - cleanup < factor * task_default`.
    pub ceiling_shrinking_factor: i64,
    /// Poll interval during the first phase, in seconds.
    pub poll_fast_interval_s: u64,
    /// Length of the fast poll phase, in seconds.
    pub poll_fast_phase_s: u64,
    /// Poll interval after the fast phase, in seconds.
    pub poll_slow_interval_s: u64,
    /// Consecutive poll failures that emit one "degraded" event.
    pub poll_degraded_after_failures: u32,
    /// Consecutive poll failures treated as TIMED_OUT.
    pub poll_timeout_after_failures: u32,
    /// Cap on every deny reason returned to the agent, in characters.
    pub permission_reason_max_chars: usize,
    /// Cap on the tool-input preview, in characters.
    pub tool_input_preview_max_chars: usize,
    /// Truncation marker.
    pub ellipsis: String,
    /// What replaces the middle of a text elided to keep its start and end (previews of long
    /// commands); `{n}` is the number of characters removed.
    pub elision_marker: String,
    /// Cap on a stored deny reason after redaction, in characters.
    pub deny_reason_max_chars: usize,
    /// Most scopes accepted in `initial_approvals`.
    pub initial_approvals_max_entries: usize,
    /// Most characters in one scope string, after trimming.
    pub initial_approvals_max_entry_chars: usize,
    /// Patterns with a larger share of wildcards are degenerate (strict `>`).
    pub degenerate_wildcard_ratio: f64,
    /// Trimmed patterns shorter than this are degenerate.
    pub degenerate_min_length: usize,
    /// Cap on derived rule summaries, in characters.
    pub rule_summary_max_chars: usize,
    /// Longest accepted rule id, in characters.
    pub rule_id_max_chars: usize,
    /// Tool output longer than this is cut before secret scanning.
    pub output_scan_max_chars: usize,
    /// Deepest accepted nesting of a tool input (the top-level object is depth 1).
    pub tool_input_max_depth: usize,
    /// Largest accepted tool input, measured as canonical JSON bytes.
    pub tool_input_max_bytes: usize,
    /// Branches a push may not reach without a human (`git push` facts), as globs.
    pub protected_branches: Vec<String>,
}

impl Constants {
    /// Accepted capacities of one recent-decision cache: 1 up to `cache_max_entries_limit`,
    /// default `cache_max_entries`.
    ///
    /// ```
    /// let b = cedar_hitl_core::constants().cache_max_entries_bounds();
    /// assert_eq!((b.min, b.default, b.max), (1, 50, 100_000));
    /// ```
    pub fn cache_max_entries_bounds(&self) -> Bounds {
        Bounds { min: 1, default: self.cache_max_entries as i64, max: self.cache_max_entries_limit }
    }

    /// Accepted cache lifetimes in seconds: 1 up to `cache_ttl_s_limit`, default `cache_ttl_s`.
    ///
    /// ```
    /// let b = cedar_hitl_core::constants().cache_ttl_s_bounds();
    /// assert_eq!((b.min, b.default, b.max), (1, 60, 86_400));
    /// ```
    pub fn cache_ttl_s_bounds(&self) -> Bounds {
        Bounds { min: 1, default: self.cache_ttl_s as i64, max: self.cache_ttl_s_limit }
    }
}

fn load() -> Constants {
    let c: Constants = serde_json::from_str(CONSTANTS_JSON)
        .expect("contracts/constants.json is embedded at compile time and checked by tests");
    for (name, b) in [
        ("approval_gate_cap", c.approval_gate_cap),
        ("approval_timeout_s", c.approval_timeout_s),
        ("cache_max_entries", c.cache_max_entries_bounds()),
        ("cache_ttl_s", c.cache_ttl_s_bounds()),
    ] {
        assert!(
            b.min > 0 && b.default >= b.min && b.max >= b.default,
            "constants.json: {name} must satisfy 0 < min <= default <= max"
        );
    }
    c
}

/// The validated constants, parsed once on first use.
///
/// ```
/// assert_eq!(cedar_hitl_core::constants().approval_timeout_s.min, 30);
/// ```
pub fn constants() -> &'static Constants {
    static C: OnceLock<Constants> = OnceLock::new();
    C.get_or_init(load)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_constants_parse_and_match_spec_section_2() {
        let c = constants();
        assert_eq!(
            (c.approval_gate_cap.min, c.approval_gate_cap.default, c.approval_gate_cap.max),
            (1, 50, 500)
        );
        assert_eq!(
            (c.approval_timeout_s.min, c.approval_timeout_s.default, c.approval_timeout_s.max),
            (30, 300, 3600)
        );
        assert_eq!(c.warn_timeout_s, 120);
        assert_eq!((c.cache_max_entries, c.cache_ttl_s), (50, 60));
        assert_eq!((c.approval_rate_limit, c.approval_rate_window_s), (20, 60));
        assert_eq!(c.deny_reason_max_chars, 2000);
        assert_eq!(c.permission_reason_max_chars, 500);
        assert_eq!(c.ellipsis, "...");
    }

    #[test]
    fn unknown_keys_are_refused() {
        let mut v: serde_json::Value = serde_json::from_str(CONSTANTS_JSON).unwrap();
        v["surprise"] = 1.into();
        assert!(serde_json::from_value::<Constants>(v).is_err());
    }
}
