//! # cedar-hitl-core
//!
//! One policy engine that decides, for every tool call an AI coding agent wants to make, one of
//! three outcomes: **ALLOW**, **DENY**, or **REQUIRE_APPROVAL** (pause and ask a human).
//!
//! Two Cedar policy tiers decide: the **hard** tier denies absolutely (no approval scope, cache
//! or disable entry can change that), and a match in the **soft** tier requires approval. Around
//! them sit the session state a human-in-the-loop gate needs: an approval allowlist, two
//! recent-decision caches, gate accounting, and one sanitiser for every text shown to an agent
//! or a human. The Python and Node bindings wrap this crate and add no logic of their own.
//!
//! * [`PolicyBundle`] — parsed and validated once (built-ins + blueprint); immutable, shared.
//! * [`Session`] — one task's state; [`Session::evaluate`] takes `&self` and never panics.
//!
//! ## Quick start
//!
//! ```
//! use cedar_hitl_core::{Outcome, PolicyBundle, Resolution, Session, SessionConfig, ToolCall};
//! use serde_json::json;
//! use std::sync::Arc;
//!
//! let bundle = Arc::new(
//!     PolicyBundle::builder()
//!         .blueprint_soft(r#"
//!             @tier("soft") @rule_id("no_curl") @severity("low") @approval_timeout_s("120")
//!             forbid (principal, action == Agent::Action::"execute_bash", resource)
//!             when { context.command like "*curl *" };"#)
//!         .disable(["write_credentials"])
//!         .build()?,
//! );
//! let session = Session::new(bundle, SessionConfig {
//!     repo: "octo/app".into(),
//!     initial_approvals: vec!["tool_type:Read".into()],
//!     ..Default::default()
//! })?;
//!
//! // A force push to main needs a human.
//! let push = ToolCall::new("Bash", json!({"command": "git push --force origin main"}));
//! let d = session.evaluate(&push);
//! assert_eq!(d.outcome(), Outcome::RequireApproval);
//! assert_eq!(d.matching_rule_ids(), ["force_push_any", "force_push_main"]);
//!
//! // The hard tier is absolute.
//! let rm = ToolCall::new("Bash", json!({"command": "rm -rf /"}));
//! assert_eq!(session.evaluate(&rm).reason(), "Hard-deny: rm_slash");
//!
//! // A human denies the push: the same call is fast-denied for 60 s.
//! session.record_outcome(&push, d.matching_rule_ids(), Resolution::Denied {
//!     request_id: "req-1".into(), reason: Some("not on a Friday".into()), decided_at: None,
//! })?;
//! assert_eq!(session.evaluate(&push).reason(), "Recent DENIED within 60s: not on a Friday");
//! # Ok::<(), cedar_hitl_core::Error>(())
//! ```
#![deny(missing_docs)]

#[macro_use]
pub mod wire;

/// The repository README, compiled with the doctests so its Rust example stays true.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;

mod allowlist;
mod audit;
mod bundle;
mod cache;
mod canonical;
mod clock;
mod config;
mod constants;
mod decision;
mod error;
mod examples;
mod explain;
mod gates;
mod glob;
mod input_guard;
mod like;
mod lint;
mod pipeline;
mod prefilter;
mod request;
mod resolution;
mod rules;
mod scope;
mod session;
pub mod shell;
mod snapshot;
mod state;
mod text;
mod value;

pub mod cedar_parity;

pub use audit::{AuditLog, AuditRecord, append_audit_record};
pub use bundle::{
    BUILTIN_HARD_DENY_POLICIES, BUILTIN_SOFT_DENY_POLICIES, BuiltinProfile, CheckReport,
    PolicyBundle, PolicyBundleBuilder, UPSTREAM_HARD_DENY_POLICIES, UPSTREAM_SOFT_DENY_POLICIES,
};
pub use cache::CacheEntry;
pub use canonical::{Unhashable, canonical_json, tool_input_sha256};
pub use clock::{Clock, ManualClock, SystemClock};
pub use constants::{Bounds, CONSTANTS_JSON, Constants, constants};
pub use decision::{
    CachedDecision, Decision, FailClosed, FailClosedCause, Outcome, Severity, ShadowDecision, Tier,
};
pub use error::{ConfigError, Error, LoadError, LoadErrorKind, PolicySource, ScopeError};
pub use explain::{Explanation, Step};
pub use gates::{ClipReason, GateAdmission, GateRefusal, effective_timeout};
pub use glob::Glob;
pub use input_guard::InputGuard;
pub use lint::{LintFinding, LintLevel};
pub use resolution::{DENY_RETRY_INSTRUCTION, Resolution, ResolutionKind};
pub use rules::{
    Rule, RuleEffect, RuleIds, concat_policies, is_hard_deny_rule, is_valid_rule_id,
    is_well_formed_rule_id, matching_rule_ids, parse_rules,
};
pub use scope::{
    ApprovalScope, FILE_WRITE_GROUP, SCOPE_PREFIXES, VALID_TOOL_TYPES, is_degenerate_pattern,
    parse_approval_scope,
};
pub use session::Session;
pub use text::{
    SecretKind, agent_deny_reason, blocker_reason, denial_envelope, is_invisible, redact_secrets,
    scan_deny_reason, scan_secrets, strip_controls, tool_input_preview, tool_input_preview_for,
    truncate,
};
pub use value::{BigInteger, JsonValue, ToolCall};
pub use wire::{
    AllowlistView, BundleOptions, CacheEntryRecord, CacheHit, CheckReportRecord, DecisionRecord,
    DenialEntry, EffectiveTimeout, GateAdmissionRecord, LoadErrorRecord, LoadWarning, ParityResult,
    Redaction, ResolutionEffect, RuleListing, RuleRecord, RuleSummary, SessionConfig,
    record_fields, string_enums,
};

/// Test-only panic triggers (feature `test-hooks`): proof that a panic inside the engine never
/// crosses an FFI boundary.
#[cfg(feature = "test-hooks")]
pub mod test_hooks {
    /// Evaluating a call with this tool name panics inside the pipeline (caught by `evaluate`).
    pub const PANIC_TOOL: &str = "__cedar_hitl_test_panic__";
    /// Building a bundle whose blueprint soft text is exactly this panics (not caught by the core).
    pub const PANIC_BLUEPRINT: &str = "// __cedar_hitl_test_panic__";
}
