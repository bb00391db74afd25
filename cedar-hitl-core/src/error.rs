//! Typed errors. Each names what is wrong, where (tier, rule, field, line) and what is allowed.

use crate::Tier;
use thiserror::Error;

string_enum! {
    /// What kind of load problem a [`LoadError`] reports.
    ///
    /// ```
    /// assert_eq!(cedar_hitl_core::LoadErrorKind::SizeCap.as_str(), "size_cap");
    /// ```
    #[non_exhaustive]
    LoadErrorKind as "kind" {
        /// Policy text does not parse, or is a template.
        Parse => "parse",
        /// An annotation is missing, malformed or out of range.
        Annotation => "annotation",
        /// A rule id is repeated within a tier.
        DuplicateRuleId => "duplicate_rule_id",
        /// A rule id appears in both tiers.
        CrossTierDuplicate => "cross_tier_duplicate",
        /// Operator-supplied policy text exceeds the byte cap.
        SizeCap => "size_cap",
        /// A legacy `extra_policies` entry is malformed.
        Legacy => "legacy",
        /// A disable-list entry is refused.
        Disable => "disable",
        /// A rule fails Cedar schema validation (it could error at run time).
        Schema => "schema",
        /// The write-tool or shell-tool map is malformed.
        ToolMap => "tool_map",
        /// A rule's own `@match` / `@not_match` example fails or is malformed.
        Example => "example",
    }
}

/// Where a piece of policy text came from.
///
/// ```
/// assert_eq!(cedar_hitl_core::PolicySource::Legacy(2).to_string(), "extra_policies[2]");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PolicySource {
    /// `policies/hard_deny.cedar` or `policies/soft_deny.cedar`.
    BuiltIn,
    /// The blueprint's hard policy text.
    BlueprintHard,
    /// The blueprint's soft policy text.
    BlueprintSoft,
    /// Entry `i` of the legacy `extra_policies` list.
    Legacy(usize),
    /// Free-standing text given to [`parse_rules`](crate::parse_rules).
    Text,
}

/// Serialised as its text (`extra_policies[2]`), the form every language shows.
impl serde::Serialize for PolicySource {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl std::fmt::Display for PolicySource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PolicySource::BuiltIn => f.write_str("builtin"),
            PolicySource::BlueprintHard => f.write_str("blueprint_hard"),
            PolicySource::BlueprintSoft => f.write_str("blueprint_soft"),
            PolicySource::Legacy(i) => write!(f, "extra_policies[{i}]"),
            PolicySource::Text => f.write_str("text"),
        }
    }
}

/// A bundle refused at load. The message names the tier, rule, field and allowed range.
///
/// ```
/// use cedar_hitl_core::{LoadErrorKind, PolicyBundle};
/// let err = PolicyBundle::builder()
///     .blueprint_soft("@tier(\"soft\") @rule_id(\"slow\") @approval_timeout_s(\"10\") forbid (principal, action, resource);")
///     .build().unwrap_err();
/// assert_eq!(err.kind(), LoadErrorKind::Annotation);
/// assert_eq!(err.rule_id(), Some("slow"));
/// assert_eq!(err.field(), Some("approval_timeout_s"));
/// assert!(err.to_string().contains("[30, 3600]"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{message}")]
pub struct LoadError {
    pub(crate) kind: LoadErrorKind,
    pub(crate) tier: Option<Tier>,
    pub(crate) rule_id: Option<String>,
    pub(crate) field: Option<String>,
    pub(crate) origin: Option<PolicySource>,
    pub(crate) line: Option<u32>,
    pub(crate) message: String,
}

impl LoadError {
    pub(crate) fn new(kind: LoadErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            tier: None,
            rule_id: None,
            field: None,
            origin: None,
            line: None,
            message: message.into(),
        }
    }
    pub(crate) fn tier(mut self, tier: Tier) -> Self {
        self.tier = Some(tier);
        self
    }
    pub(crate) fn rule(mut self, rule_id: impl Into<String>) -> Self {
        self.rule_id = Some(rule_id.into());
        self
    }
    pub(crate) fn with_field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }
    pub(crate) fn at(mut self, source: PolicySource, line: Option<u32>) -> Self {
        self.origin = Some(source);
        self.line = line;
        self
    }

    /// The kind of problem.
    ///
    /// ```
    /// # use cedar_hitl_core::*;
    /// let e = PolicyBundle::builder().blueprint_soft("forbid (").build().unwrap_err();
    /// assert_eq!(e.kind(), LoadErrorKind::Parse);
    /// ```
    pub fn kind(&self) -> LoadErrorKind {
        self.kind
    }

    /// The tier the problem is in, if any.
    ///
    /// ```
    /// # use cedar_hitl_core::*;
    /// let e = PolicyBundle::builder().blueprint_soft("forbid (").build().unwrap_err();
    /// assert_eq!(e.tier_of(), Some(Tier::Soft));
    /// ```
    pub fn tier_of(&self) -> Option<Tier> {
        self.tier
    }

    /// The rule id (or positional id such as `policy7` when the rule has none).
    ///
    /// ```
    /// # use cedar_hitl_core::*;
    /// let e = PolicyBundle::builder().blueprint_soft("forbid (principal, action, resource);").build().unwrap_err();
    /// assert_eq!(e.rule_id(), Some("policy9"));
    /// ```
    pub fn rule_id(&self) -> Option<&str> {
        self.rule_id.as_deref()
    }

    /// The field (annotation or input name) at fault.
    ///
    /// ```
    /// # use cedar_hitl_core::*;
    /// let e = PolicyBundle::builder().blueprint_soft("forbid (principal, action, resource);").build().unwrap_err();
    /// assert_eq!(e.field(), Some("tier"));
    /// ```
    pub fn field(&self) -> Option<&str> {
        self.field.as_deref()
    }

    /// Which input the text came from.
    ///
    /// ```
    /// # use cedar_hitl_core::*;
    /// let e = PolicyBundle::builder().blueprint_soft("forbid (").build().unwrap_err();
    /// assert_eq!(e.origin(), Some(PolicySource::BlueprintSoft));
    /// ```
    pub fn origin(&self) -> Option<PolicySource> {
        self.origin
    }

    /// 1-based line within that input, when known.
    ///
    /// ```
    /// # use cedar_hitl_core::*;
    /// let e = PolicyBundle::builder().blueprint_soft("\n\nforbid (principal, action, resource);").build().unwrap_err();
    /// assert_eq!(e.line(), Some(3));
    /// ```
    pub fn line(&self) -> Option<u32> {
        self.line
    }

    /// The message (same as `Display`).
    ///
    /// ```
    /// # use cedar_hitl_core::*;
    /// let e = PolicyBundle::builder().blueprint_soft("forbid (").build().unwrap_err();
    /// assert!(e.message().starts_with("soft-deny policy validation failed"));
    /// ```
    pub fn message(&self) -> &str {
        &self.message
    }
}

/// A scope string refused by the validator.
///
/// ```
/// let e = cedar_hitl_core::parse_approval_scope("tool_type:Nope").unwrap_err();
/// assert_eq!(e.scope(), "tool_type:Nope");
/// assert!(e.to_string().contains("unknown tool_type"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{message}")]
pub struct ScopeError {
    pub(crate) scope: String,
    pub(crate) field: Option<String>,
    pub(crate) message: String,
}

impl ScopeError {
    pub(crate) fn new(scope: impl Into<String>, message: impl Into<String>) -> Self {
        Self { scope: scope.into(), field: None, message: message.into() }
    }
    pub(crate) fn in_field(mut self, field: impl Into<String>) -> Self {
        let field = field.into();
        self.message = format!("{field}: {}", self.message);
        self.field = Some(field);
        self
    }

    /// The scope text as given.
    ///
    /// ```
    /// assert_eq!(cedar_hitl_core::parse_approval_scope("").unwrap_err().scope(), "");
    /// ```
    pub fn scope(&self) -> &str {
        &self.scope
    }

    /// The input it came from (e.g. `initial_approvals[3]`), when known.
    ///
    /// ```
    /// assert_eq!(cedar_hitl_core::parse_approval_scope("x").unwrap_err().field(), None);
    /// ```
    pub fn field(&self) -> Option<&str> {
        self.field.as_deref()
    }

    /// The message (same as `Display`).
    ///
    /// ```
    /// assert!(cedar_hitl_core::parse_approval_scope("x").unwrap_err().message().contains("missing prefix"));
    /// ```
    pub fn message(&self) -> &str {
        &self.message
    }
}

/// A session setting refused: names the field and the allowed range.
///
/// ```
/// use cedar_hitl_core::*; use std::sync::Arc;
/// let cfg = SessionConfig { approval_gate_cap: 0, ..Default::default() };
/// let Err(Error::Config(e)) = Session::new(Arc::new(PolicyBundle::builtin()), cfg) else { panic!() };
/// assert_eq!(e.field(), "approval_gate_cap");
/// assert!(e.to_string().contains("[1, 500]"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{message}")]
pub struct ConfigError {
    pub(crate) field: String,
    pub(crate) message: String,
}

impl ConfigError {
    pub(crate) fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self { field: field.into(), message: message.into() }
    }

    pub(crate) fn out_of_range(
        field: &str,
        value: impl std::fmt::Display,
        min: i64,
        max: i64,
    ) -> Self {
        Self::new(field, format!("{field} must be an integer in [{min}, {max}], got {value}"))
    }

    /// The setting at fault.
    ///
    /// ```
    /// assert_eq!("x".parse::<cedar_hitl_core::Outcome>().unwrap_err().field(), "outcome");
    /// ```
    pub fn field(&self) -> &str {
        &self.field
    }

    /// The message (same as `Display`).
    ///
    /// ```
    /// assert!("x".parse::<cedar_hitl_core::Outcome>().unwrap_err().message().contains("allow"));
    /// ```
    pub fn message(&self) -> &str {
        &self.message
    }
}

/// Any error a constructor can return.
///
/// ```
/// use cedar_hitl_core::*; use std::sync::Arc;
/// let cfg = SessionConfig { initial_approvals: vec!["bogus".into()], ..Default::default() };
/// assert!(matches!(Session::new(Arc::new(PolicyBundle::builtin()), cfg), Err(Error::Scope(_))));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum Error {
    /// Policy text or bundle settings refused.
    #[error(transparent)]
    Load(#[from] LoadError),
    /// A scope refused.
    #[error(transparent)]
    Scope(#[from] ScopeError),
    /// A setting refused.
    #[error(transparent)]
    Config(#[from] ConfigError),
}
