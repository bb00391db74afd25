//! [`SessionConfig`]: the settings of one task, and their validation against
//! `contracts/constants.json` (docs/behaviour.md#constants).

use crate::constants;
use crate::error::{ConfigError, Error, ScopeError};
use crate::wire::SessionConfig;

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
