//! The two recent-decision caches (docs/behaviour.md#caches): input-hash level and rule level,
//! each an LRU of at most `cache_max_entries`, entries living `cache_ttl_s` from record time.

use crate::{CachedDecision, constants};
use lru::LruCache;
use serde::{Deserialize, Serialize};
use std::num::NonZeroUsize;

/// One remembered human (or timeout) decision.
///
/// ```
/// use cedar_hitl_core::*; use std::sync::Arc;
/// let s = Session::new(Arc::new(PolicyBundle::builtin()), SessionConfig::default()).unwrap();
/// s.record_input_decision("Bash", "abc", CachedDecision::Denied, Some("no"), None);
/// let e = s.cached_input_decision("Bash", "abc").unwrap();
/// assert_eq!((e.decision, e.reason.as_deref()), (CachedDecision::Denied, Some("no")));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CacheEntry {
    /// DENIED or TIMED_OUT.
    pub decision: CachedDecision,
    /// The reason given, if any.
    pub reason: Option<String>,
    /// When it was decided (ISO-8601 UTC).
    pub original_decision_ts: String,
    /// Monotonic record time (session clock), for the TTL.
    #[serde(skip)]
    pub(crate) inserted_at: f64,
}

/// Capacity and entry lifetime of one cache (the session's `cache_max_entries` and
/// `cache_ttl_s`, validated by `Session::with_clock`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits {
    capacity: NonZeroUsize,
    ttl_s: f64,
}

impl Limits {
    /// Out-of-range values are clamped to the smallest valid one; the session refuses them first.
    pub fn new(max_entries: i64, ttl_s: i64) -> Self {
        let capacity = usize::try_from(max_entries).ok().and_then(NonZeroUsize::new);
        Self { capacity: capacity.unwrap_or(NonZeroUsize::MIN), ttl_s: ttl_s.max(1) as f64 }
    }

    /// An entry recorded at `inserted_at` is dead when strictly more than the TTL has passed.
    fn expired(&self, entry: &CacheEntry, now: f64) -> bool {
        now - entry.inserted_at > self.ttl_s
    }
}

impl Default for Limits {
    fn default() -> Self {
        let c = constants();
        Self::new(c.cache_max_entries as i64, c.cache_ttl_s as i64)
    }
}

/// `(tool_name, input sha256)` → entry.
#[derive(Debug)]
pub(crate) struct InputCache {
    map: LruCache<(String, String), CacheEntry>,
    limits: Limits,
}

impl InputCache {
    pub fn new(limits: Limits) -> Self {
        Self { map: LruCache::new(limits.capacity), limits }
    }

    pub fn record(&mut self, tool: &str, hash: &str, entry: CacheEntry) {
        // `put` refreshes recency and evicts the least recently used entry past capacity.
        self.map.put((tool.to_owned(), hash.to_owned()), entry);
    }

    pub fn get(&mut self, tool: &str, hash: &str, now: f64) -> Option<CacheEntry> {
        let key = (tool.to_owned(), hash.to_owned());
        if self.limits.expired(self.map.peek(&key)?, now) {
            self.map.pop(&key);
            return None;
        }
        self.map.get(&key).cloned()
    }

    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// Whether any entry (live or not yet swept) is keyed by `tool`: only then is the input hash
    /// worth computing.
    pub fn has_tool(&self, tool: &str) -> bool {
        self.map.iter().any(|((t, _), _)| t == tool)
    }

    /// Entries from least to most recently used.
    pub fn entries(&self) -> Vec<(&(String, String), &CacheEntry)> {
        self.map.iter().rev().collect()
    }
}

/// `(tool_name, set of denied rule ids)` → entry. A call is fast-denied when its outstanding
/// matched ids include every id of a live entry.
#[derive(Debug)]
pub(crate) struct RuleCache {
    // Key ids are sorted (a set); the entry keeps them in the order they were given.
    map: LruCache<(String, Vec<String>), (Vec<String>, CacheEntry)>,
    limits: Limits,
}

impl RuleCache {
    pub fn new(limits: Limits) -> Self {
        Self { map: LruCache::new(limits.capacity), limits }
    }

    pub fn record(&mut self, tool: &str, ids: &[String], entry: CacheEntry) {
        if ids.is_empty() {
            return;
        }
        let mut key_ids = ids.to_vec();
        key_ids.sort();
        key_ids.dedup();
        self.map.put((tool.to_owned(), key_ids), (ids.to_vec(), entry));
    }

    /// The most recently used live entry for `tool` whose ids all appear in `active`.
    pub fn find(
        &mut self,
        tool: &str,
        active: &[String],
        now: f64,
    ) -> Option<(Vec<String>, CacheEntry)> {
        let mut dead = Vec::new();
        let mut hit = None;
        for (key, (_, entry)) in self.map.iter() {
            if key.0 != tool {
                continue;
            }
            if self.limits.expired(entry, now) {
                dead.push(key.clone());
            } else if hit.is_none() && key.1.iter().all(|id| active.contains(id)) {
                hit = Some(key.clone());
            }
        }
        for k in dead {
            self.map.pop(&k);
        }
        let key = hit?;
        self.map.get(&key).cloned()
    }

    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// Entries (tool, ids, entry) from least to most recently used.
    pub fn entries(&self) -> Vec<(&str, &[String], &CacheEntry)> {
        self.map.iter().rev().map(|(k, (ids, e))| (k.0.as_str(), ids.as_slice(), e)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(at: f64) -> CacheEntry {
        CacheEntry {
            decision: CachedDecision::Denied,
            reason: None,
            original_decision_ts: String::new(),
            inserted_at: at,
        }
    }

    #[test]
    fn ttl_is_fixed_from_record_time_and_inclusive_at_60() {
        let mut c = InputCache::new(Limits::default());
        c.record("Bash", "h", entry(0.0));
        assert!(c.get("Bash", "h", 30.0).is_some());
        assert!(
            c.get("Bash", "h", 60.0).is_some(),
            "a read does not refresh, and exactly 60 s is live"
        );
        assert!(c.get("Bash", "h", 60.5).is_none());
        assert_eq!(c.len(), 0, "expired entries are deleted on read");
    }

    #[test]
    fn has_tool_is_per_tool() {
        let mut c = InputCache::new(Limits::default());
        assert!(!c.has_tool("Bash"));
        c.record("Bash", "h", entry(0.0));
        assert!(c.has_tool("Bash"));
        assert!(!c.has_tool("Edit"));
        assert!(!c.has_tool("Bas"));
    }

    #[test]
    fn lru_evicts_least_recently_used() {
        let mut c = InputCache::new(Limits::default());
        for i in 0..50 {
            c.record("T", &i.to_string(), entry(0.0));
        }
        assert!(c.get("T", "0", 1.0).is_some()); // 0 becomes most recent
        c.record("T", "new", entry(1.0));
        assert_eq!(c.len(), 50);
        assert!(c.get("T", "0", 1.0).is_some());
        assert!(c.get("T", "1", 1.0).is_none());
    }

    #[test]
    fn limits_set_capacity_and_lifetime() {
        let mut c = InputCache::new(Limits::new(2, 5));
        for k in ["a", "b", "c"] {
            c.record("T", k, entry(0.0));
        }
        assert_eq!(c.len(), 2);
        assert!(c.get("T", "a", 1.0).is_none(), "evicted past capacity 2");
        assert!(c.get("T", "c", 5.0).is_some(), "exactly the TTL is live");
        assert!(c.get("T", "c", 5.5).is_none());
        let mut r = RuleCache::new(Limits::new(1, 1));
        let ids = vec!["x".to_string()];
        r.record("T", &ids, entry(0.0));
        assert!(r.find("T", &ids, 1.0).is_some());
        assert!(r.find("T", &ids, 1.5).is_none());
    }

    #[test]
    fn rule_entries_are_sets_matched_by_inclusion() {
        let mut c = RuleCache::new(Limits::default());
        let ids = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        c.record("Bash", &ids(&["force_push_any", "force_push_main"]), entry(0.0));
        assert!(c.find("Bash", &ids(&["force_push_any"]), 1.0).is_none());
        assert!(c.find("Bash", &ids(&["force_push_any", "force_push_main"]), 1.0).is_some());
        assert!(c.find("Edit", &ids(&["force_push_any", "force_push_main"]), 1.0).is_none());
    }
}
