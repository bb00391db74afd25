//! [`SessionConfig`]: the settings of one task, and their validation against
//! `contracts/constants.json` (docs/behaviour.md#constants).

use crate::constants;
use crate::error::{ConfigError, Error, ScopeError};
use serde::{Deserialize, Serialize};

/// Settings of one task. Numbers are validated by [`Session::new`] against
/// `contracts/constants.json`, so every language reports the same field and range.
///
/// ```
/// let cfg = cedar_hitl_core::SessionConfig { principal: "pr_review".into(), read_only: true, ..Default::default() };
/// assert_eq!(cfg.approval_gate_cap, 50);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SessionConfig {
    /// The task type (Cedar principal id), e.g. `new_task`.
    pub principal: String,
    /// `owner/name`.
    pub repo: String,
    /// Read-only workflow: the built-in hard tier forbids writes.
    pub read_only: bool,
    /// Scopes granted at task start (at most 20; `*_session` forms refused).
    pub initial_approvals: Vec<String>,
    /// Gate budget, in [1, 500].
    pub approval_gate_cap: i64,
    /// Gates already used (the host's persisted count), ≥ 0; above the cap is accepted.
    pub initial_approval_gate_count: i64,
    /// Task default approval timeout, in [30, 3600].
    pub task_default_timeout_s: i64,
    /// Capacity of each recent-decision cache, in [1, 100000] (default 50).
    pub cache_max_entries: i64,
    /// Lifetime of a cached human decision in seconds, in [1, 86400] (default 60).
    pub cache_ttl_s: i64,
}

impl Default for SessionConfig {
    fn default() -> Self {
        let c = constants();
        Self {
            principal: "new_task".into(),
            repo: String::new(),
            read_only: false,
            initial_approvals: Vec::new(),
            approval_gate_cap: c.approval_gate_cap.default,
            initial_approval_gate_count: 0,
            task_default_timeout_s: c.approval_timeout_s.default,
            cache_max_entries: c.cache_max_entries as i64,
            cache_ttl_s: c.cache_ttl_s as i64,
        }
    }
}

fn check_range(field: &str, value: i64, b: crate::Bounds) -> Result<(), ConfigError> {
    if b.contains(value) {
        Ok(())
    } else {
        Err(ConfigError::out_of_range(field, value, b.min, b.max))
    }
}

impl SessionConfig {
    /// Check every number against its range and the number of initial scopes (the scopes
    /// themselves are parsed by [`Session::new`](crate::Session::new), which needs the bundle).
    pub(crate) fn check(&self) -> Result<(), Error> {
        let c = constants();
        check_range("approval_gate_cap", self.approval_gate_cap, c.approval_gate_cap)?;
        if self.initial_approval_gate_count < 0 {
            return Err(ConfigError::new(
                "initial_approval_gate_count",
                format!(
                    "initial_approval_gate_count must be >= 0 (an integer), got {}",
                    self.initial_approval_gate_count
                ),
            )
            .into());
        }
        check_range("task_default_timeout_s", self.task_default_timeout_s, c.approval_timeout_s)?;
        check_range("cache_max_entries", self.cache_max_entries, c.cache_max_entries_bounds())?;
        check_range("cache_ttl_s", self.cache_ttl_s, c.cache_ttl_s_bounds())?;
        let max = c.initial_approvals_max_entries;
        if self.initial_approvals.len() > max {
            return Err(ScopeError::new(
                "",
                format!("at most {max} scopes allowed, got {}", self.initial_approvals.len()),
            )
            .in_field("initial_approvals")
            .into());
        }
        Ok(())
    }

    /// The capacity and lifetime of the session's caches (valid once [`check`](Self::check)
    /// passed).
    pub(crate) fn cache_limits(&self) -> crate::cache::Limits {
        crate::cache::Limits::new(self.cache_max_entries, self.cache_ttl_s)
    }
}
