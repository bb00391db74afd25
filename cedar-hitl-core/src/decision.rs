//! What `evaluate` returns: one [`Outcome`] and the structured facts behind it.

use crate::wire::CacheHit;
use serde::{Deserialize, Serialize};
use std::time::Duration;

string_enum! {
    /// The three answers the engine gives.
    ///
    /// ```
    /// use cedar_hitl_core::Outcome;
    /// assert_eq!(Outcome::RequireApproval.as_str(), "require_approval");
    /// assert_eq!("deny".parse::<Outcome>().unwrap(), Outcome::Deny);
    /// ```
    Outcome as "outcome" {
        /// Run the tool.
        Allow => "allow",
        /// Refuse the call.
        Deny => "deny",
        /// Pause; a human must approve first.
        RequireApproval => "require_approval",
    }
}

string_enum! {
    /// The two policy tiers.
    ///
    /// ```
    /// assert_eq!(cedar_hitl_core::Tier::Hard.as_str(), "hard");
    /// ```
    Tier as "tier" {
        /// Absolute deny; nothing bypasses it.
        Hard => "hard",
        /// A match requires approval.
        Soft => "soft",
    }
}

string_enum! {
    /// Severity of a soft rule, ordered `Low < Medium < High`.
    ///
    /// ```
    /// use cedar_hitl_core::Severity;
    /// assert!(Severity::Low < Severity::High);
    /// ```
    Severity as "severity" {
        /// Low.
        Low => "low",
        /// Medium (the default).
        Medium => "medium",
        /// High.
        High => "high",
    }
}

string_enum! {
    /// Why a decision failed closed. The reason text is `"fail-closed: <cause>"`.
    ///
    /// ```
    /// assert_eq!(cedar_hitl_core::FailClosedCause::InvalidToolInput.as_str(), "invalid_tool_input");
    /// ```
    FailClosedCause as "fail_closed_cause" {
        /// The input is not JSON (NaN, a non-JSON host value, too deep, too large).
        UnhashableToolInput => "unhashable_tool_input",
        /// The input is JSON but not what the tool needs (not an object, a missing or
        /// non-string `command` / path key).
        InvalidToolInput => "invalid_tool_input",
        /// Cedar reported an error while evaluating a rule.
        CedarEvaluationError => "cedar_evaluation_error",
        /// A fault inside the engine (a caught panic, a poisoned lock).
        InternalError => "internal_error",
    }
}

string_enum! {
    /// What a recent-decision cache entry remembers.
    ///
    /// ```
    /// use cedar_hitl_core::CachedDecision;
    /// assert!("APPROVED".parse::<CachedDecision>().is_err());
    /// ```
    CachedDecision as "decision" {
        /// A human denied the call.
        Denied => "DENIED",
        /// Nobody answered in time.
        TimedOut => "TIMED_OUT",
    }
}

/// The cause and detail of a fail-closed DENY.
///
/// ```
/// use cedar_hitl_core::{FailClosed, FailClosedCause};
/// let f = FailClosed { cause: FailClosedCause::InternalError, detail: "x".into() };
/// assert_eq!(f.cause.as_str(), "internal_error");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FailClosed {
    /// The stable cause.
    pub cause: FailClosedCause,
    /// Human-readable detail (which key, which rule, what Cedar said).
    pub detail: String,
}

/// One decision. Fields are read through accessors so every combination is one the engine made.
///
/// ```
/// use cedar_hitl_core::*;
/// use std::sync::Arc;
/// let session = Session::new(Arc::new(PolicyBundle::builtin()), SessionConfig::default()).unwrap();
/// let d = session.evaluate(&ToolCall::new("Bash", serde_json::json!({"command": "rm -rf /"})));
/// assert_eq!(d.outcome(), Outcome::Deny);
/// assert_eq!(d.tier(), Some(Tier::Hard));
/// assert_eq!(d.matching_rule_ids(), ["rm_slash"]);
/// assert!(!d.is_fail_closed());
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    pub(crate) outcome: Outcome,
    pub(crate) reason: String,
    pub(crate) tier: Option<Tier>,
    pub(crate) matching_rule_ids: Vec<String>,
    pub(crate) timeout_s: Option<u32>,
    pub(crate) severity: Option<Severity>,
    // Boxed: rare, and keeps every decision small.
    pub(crate) fail_closed: Option<Box<FailClosed>>,
    pub(crate) cache_hit: Option<Box<CacheHit>>,
    pub(crate) elapsed: Duration,
    pub(crate) policy_fingerprint: Option<std::sync::Arc<str>>,
    pub(crate) shadow: Option<Box<ShadowDecision>>,
}

/// What a session's shadow bundle decided for the same call (not enforced).
///
/// ```
/// use cedar_hitl_core::*; use std::sync::Arc;
/// let s = Session::new(Arc::new(PolicyBundle::builtin()), SessionConfig::default()).unwrap()
///     .with_shadow(Arc::new(PolicyBundle::builder().disable(["force_push_main"]).build().unwrap()));
/// let d = s.evaluate(&ToolCall::new("Bash", serde_json::json!({"command": "git push -f origin main"})));
/// assert_eq!(d.matching_rule_ids(), ["force_push_any", "force_push_main"]);
/// assert_eq!(d.shadow().unwrap().matching_rule_ids, ["force_push_any"]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShadowDecision {
    /// The shadow outcome.
    pub outcome: Outcome,
    /// The shadow rule ids, positional order.
    pub matching_rule_ids: Vec<String>,
    /// The shadow bundle's fingerprint.
    pub policy_fingerprint: String,
}

/// Every reason and detail a decision carries goes through the text pipeline (docs/text.md), so no
/// caller has to remember to sanitise a cached reviewer's words or an error's text.
fn cleaned(text: String) -> String {
    match crate::text::clean_reason(&text) {
        std::borrow::Cow::Borrowed(_) => text,
        std::borrow::Cow::Owned(clean) => clean,
    }
}

impl Decision {
    pub(crate) fn new(outcome: Outcome, reason: impl Into<String>) -> Self {
        Self {
            outcome,
            reason: cleaned(reason.into()),
            tier: None,
            matching_rule_ids: Vec::new(),
            timeout_s: None,
            severity: None,
            fail_closed: None,
            cache_hit: None,
            elapsed: Duration::ZERO,
            policy_fingerprint: None,
            shadow: None,
        }
    }

    pub(crate) fn with_rules(mut self, tier: Tier, ids: Vec<String>) -> Self {
        self.tier = Some(tier);
        self.matching_rule_ids = ids;
        self
    }

    pub(crate) fn failing(cause: FailClosedCause, detail: impl Into<String>) -> Self {
        let mut d = Self::new(Outcome::Deny, format!("fail-closed: {}", cause.as_str()));
        d.fail_closed = Some(Box::new(FailClosed { cause, detail: cleaned(detail.into()) }));
        d
    }

    /// ALLOW, DENY or REQUIRE_APPROVAL.
    ///
    /// ```
    /// # use cedar_hitl_core::*; use std::sync::Arc;
    /// # let s = Session::new(Arc::new(PolicyBundle::builtin()), SessionConfig::default()).unwrap();
    /// assert_eq!(s.evaluate(&ToolCall::new("Read", serde_json::json!({}))).outcome(), Outcome::Allow);
    /// ```
    pub fn outcome(&self) -> Outcome {
        self.outcome
    }

    /// `true` iff the outcome is ALLOW (REQUIRE_APPROVAL is not allowed).
    ///
    /// ```
    /// # use cedar_hitl_core::*; use std::sync::Arc;
    /// # let s = Session::new(Arc::new(PolicyBundle::builtin()), SessionConfig::default()).unwrap();
    /// assert!(s.evaluate(&ToolCall::new("Read", serde_json::json!({}))).allowed());
    /// ```
    pub fn allowed(&self) -> bool {
        self.outcome == Outcome::Allow
    }

    /// The reason, in the upstream catalogue's wording (docs/behaviour.md#pipeline).
    ///
    /// ```
    /// # use cedar_hitl_core::*; use std::sync::Arc;
    /// # let s = Session::new(Arc::new(PolicyBundle::builtin()), SessionConfig::default()).unwrap();
    /// assert_eq!(s.evaluate(&ToolCall::new("Read", serde_json::json!({}))).reason(), "permitted");
    /// ```
    pub fn reason(&self) -> &str {
        &self.reason
    }

    /// The tier whose rules decided, if a rule decided.
    ///
    /// ```
    /// # use cedar_hitl_core::*; use std::sync::Arc;
    /// # let s = Session::new(Arc::new(PolicyBundle::builtin()), SessionConfig::default()).unwrap();
    /// assert_eq!(s.evaluate(&ToolCall::new("Read", serde_json::json!({}))).tier(), None);
    /// ```
    pub fn tier(&self) -> Option<Tier> {
        self.tier
    }

    /// Rule ids that decided (hard deny, soft gate, rule-scope allow, rule-cache deny), in
    /// positional order.
    ///
    /// ```
    /// # use cedar_hitl_core::*; use std::sync::Arc;
    /// # let s = Session::new(Arc::new(PolicyBundle::builtin()), SessionConfig::default()).unwrap();
    /// let d = s.evaluate(&ToolCall::new("Bash", serde_json::json!({"command": "git push --force origin main"})));
    /// assert_eq!(d.matching_rule_ids(), ["force_push_any", "force_push_main"]);
    /// ```
    pub fn matching_rule_ids(&self) -> &[String] {
        &self.matching_rule_ids
    }

    /// Approval timeout in seconds (REQUIRE_APPROVAL only).
    ///
    /// ```
    /// # use cedar_hitl_core::*; use std::sync::Arc;
    /// # let s = Session::new(Arc::new(PolicyBundle::builtin()), SessionConfig::default()).unwrap();
    /// let d = s.evaluate(&ToolCall::new("Write", serde_json::json!({"file_path": ".env"})));
    /// assert_eq!(d.timeout_s(), Some(300));
    /// ```
    pub fn timeout_s(&self) -> Option<u32> {
        self.timeout_s
    }

    /// Merged severity (REQUIRE_APPROVAL only).
    ///
    /// ```
    /// # use cedar_hitl_core::*; use std::sync::Arc;
    /// # let s = Session::new(Arc::new(PolicyBundle::builtin()), SessionConfig::default()).unwrap();
    /// let d = s.evaluate(&ToolCall::new("Write", serde_json::json!({"file_path": ".env"})));
    /// assert_eq!(d.severity(), Some(Severity::High));
    /// ```
    pub fn severity(&self) -> Option<Severity> {
        self.severity
    }

    /// The fail-closed cause and detail, when the engine denied because something went wrong.
    ///
    /// ```
    /// # use cedar_hitl_core::*; use std::sync::Arc;
    /// # let s = Session::new(Arc::new(PolicyBundle::builtin()), SessionConfig::default()).unwrap();
    /// let d = s.evaluate(&ToolCall::new("Bash", serde_json::json!({})));
    /// assert_eq!(d.fail_closed().unwrap().cause, FailClosedCause::InvalidToolInput);
    /// ```
    pub fn fail_closed(&self) -> Option<&FailClosed> {
        self.fail_closed.as_deref()
    }

    /// Whether this DENY is fail-closed.
    ///
    /// ```
    /// # use cedar_hitl_core::*; use std::sync::Arc;
    /// # let s = Session::new(Arc::new(PolicyBundle::builtin()), SessionConfig::default()).unwrap();
    /// assert!(!s.evaluate(&ToolCall::new("Read", serde_json::json!({}))).is_fail_closed());
    /// ```
    pub fn is_fail_closed(&self) -> bool {
        self.fail_closed.is_some()
    }

    /// The cache entry that answered, for cache-hit denies.
    ///
    /// ```
    /// # use cedar_hitl_core::*; use std::sync::Arc;
    /// # let s = Session::new(Arc::new(PolicyBundle::builtin()), SessionConfig::default()).unwrap();
    /// assert!(s.evaluate(&ToolCall::new("Read", serde_json::json!({}))).cache_hit().is_none());
    /// ```
    pub fn cache_hit(&self) -> Option<&CacheHit> {
        self.cache_hit.as_deref()
    }

    /// The fingerprint of the bundle that decided ([`PolicyBundle::fingerprint`](crate::PolicyBundle::fingerprint)).
    ///
    /// ```
    /// # use cedar_hitl_core::*; use std::sync::Arc;
    /// let b = Arc::new(PolicyBundle::builtin());
    /// let s = Session::new(b.clone(), SessionConfig::default()).unwrap();
    /// let d = s.evaluate(&ToolCall::new("Read", serde_json::json!({})));
    /// assert_eq!(d.policy_fingerprint(), Some(b.fingerprint()));
    /// ```
    pub fn policy_fingerprint(&self) -> Option<&str> {
        self.policy_fingerprint.as_deref()
    }

    /// The same fingerprint as the bundle's shared string: a binding can tell, without comparing
    /// text, that two decisions came from the same bundle (Node keeps one JS string per bundle).
    ///
    /// ```
    /// # use cedar_hitl_core::*; use std::sync::Arc;
    /// # let s = Session::new(Arc::new(PolicyBundle::builtin()), SessionConfig::default()).unwrap();
    /// let d = s.evaluate(&ToolCall::new("Read", serde_json::json!({})));
    /// assert_eq!(d.policy_fingerprint_shared().map(|f| &**f), d.policy_fingerprint());
    /// ```
    pub fn policy_fingerprint_shared(&self) -> Option<&std::sync::Arc<str>> {
        self.policy_fingerprint.as_ref()
    }

    /// What the session's shadow bundle decided, when it has one ([`Session::with_shadow`](crate::Session::with_shadow)).
    ///
    /// ```
    /// # use cedar_hitl_core::*; use std::sync::Arc;
    /// # let s = Session::new(Arc::new(PolicyBundle::builtin()), SessionConfig::default()).unwrap();
    /// assert!(s.evaluate(&ToolCall::new("Read", serde_json::json!({}))).shadow().is_none());
    /// ```
    pub fn shadow(&self) -> Option<&ShadowDecision> {
        self.shadow.as_deref()
    }

    /// Time spent in `evaluate`.
    ///
    /// ```
    /// # use cedar_hitl_core::*; use std::sync::Arc;
    /// # let s = Session::new(Arc::new(PolicyBundle::builtin()), SessionConfig::default()).unwrap();
    /// let d = s.evaluate(&ToolCall::new("Read", serde_json::json!({})));
    /// assert!(d.elapsed().as_secs() < 5);
    /// ```
    pub fn elapsed(&self) -> std::time::Duration {
        self.elapsed
    }

    /// Time spent in `evaluate`, in milliseconds (what every language reports as `duration_ms`).
    ///
    /// ```
    /// # use cedar_hitl_core::*; use std::sync::Arc;
    /// # let s = Session::new(Arc::new(PolicyBundle::builtin()), SessionConfig::default()).unwrap();
    /// let d = s.evaluate(&ToolCall::new("Read", serde_json::json!({})));
    /// assert_eq!(d.duration_ms(), d.elapsed().as_secs_f64() * 1000.0);
    /// ```
    pub fn duration_ms(&self) -> f64 {
        self.elapsed.as_secs_f64() * 1000.0
    }

    /// The decision as a JSON object with the keys every language uses: the fields of
    /// [`DecisionRecord`](crate::DecisionRecord), listed once in
    /// [`decision_fields!`](crate::decision_fields).
    ///
    /// ```
    /// # use cedar_hitl_core::*; use std::sync::Arc;
    /// # let s = Session::new(Arc::new(PolicyBundle::builtin()), SessionConfig::default()).unwrap();
    /// let j = s.evaluate(&ToolCall::new("Read", serde_json::json!({}))).to_json();
    /// assert_eq!((j["outcome"].as_str(), j["allowed"].as_bool()), (Some("allow"), Some(true)));
    /// ```
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(crate::DecisionRecord::from(self)).unwrap_or(serde_json::Value::Null)
    }
}
