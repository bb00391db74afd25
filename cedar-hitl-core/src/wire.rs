//! What crosses the language boundary, described once (docs/boundary.md, "Records and enums out"):
//! the string enums every binding sees as plain strings, and the output records each binding
//! derives its own classes and objects from.
//!
//! * `string_enum!` declares every enum that crosses: one spelling per variant (serde, `Display`,
//!   `FromStr`, `as_str` and `VALUES` all come from it), so no binding writes an enum's strings.
//! * [`records!`](crate::records) lists the output records field by field. The core defines its
//!   structs from that list, and each binding passes its own macro to derive its classes and
//!   conversions from the same list — a field added here appears in Python, Node and the CLI's
//!   JSON at once, and a binding that forgets it does not compile.

/// Declare a string enum: `Name as "field" [(fold)] { Variant => "text", … }`. `field` names the
/// setting a parse error blames; the optional `fold` (e.g. `to_ascii_lowercase`) normalises the
/// input before matching.
macro_rules! string_enum {
    ($(#[$m:meta])* $name:ident as $field:literal $(($fold:ident))? {
        $($(#[$vm:meta])* $variant:ident => $text:literal),+ $(,)?
    }) => {
        $(#[$m])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize,
            serde::Deserialize,
        )]
        pub enum $name { $($(#[$vm])* #[serde(rename = $text)] $variant),+ }

        impl $name {
            /// Every variant's string form, in declaration order.
            pub const VALUES: &'static [&'static str] = &[$($text),+];

            /// The stable string form shared by every language.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            /// The error for a value given as `field` that is not a string at all (`got` names
            /// its type), worded as parsing words a string that names no variant, so every
            /// binding refuses both the same way.
            ///
            /// ```
            /// let e = cedar_hitl_core::Outcome::not_a_string("outcome", "int");
            /// assert_eq!(e.message(), "outcome must be one of [allow, deny, require_approval], got int");
            /// ```
            pub fn not_a_string(field: &str, got: &str) -> crate::ConfigError {
                crate::ConfigError::new(
                    field,
                    format!("{field} must be one of [{}], got {got}", Self::VALUES.join(", ")),
                )
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = crate::ConfigError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                $(let s: &str = &s.$fold();)?
                match s {
                    $($text => Ok($name::$variant),)+
                    _ => Err(crate::ConfigError::new(
                        $field,
                        format!("{} must be one of [{}], got '{}'", $field, Self::VALUES.join(", "), s),
                    )),
                }
            }
        }
    };
}

use crate::{
    ApprovalScope, BuiltinProfile, CachedDecision, ClipReason, FailClosedCause, GateAdmission,
    GateRefusal, LintLevel, LoadErrorKind, Outcome, ResolutionKind, RuleEffect, Severity, Tier,
};

/// Every string enum that crosses the language boundary, by its type name, with its values in
/// declaration order. The bindings' tests hold their type files (`index.d.ts` unions, the Python
/// `Literal` aliases) to this list, so a variant added here cannot be missing there.
///
/// ```
/// let enums = cedar_hitl_core::string_enums();
/// let outcome = enums.iter().find(|(name, _)| *name == "Outcome").unwrap();
/// assert_eq!(outcome.1, ["allow", "deny", "require_approval"]);
/// ```
pub fn string_enums() -> &'static [(&'static str, &'static [&'static str])] {
    &[
        ("Outcome", Outcome::VALUES),
        ("Tier", Tier::VALUES),
        ("Severity", Severity::VALUES),
        ("FailClosedCause", FailClosedCause::VALUES),
        ("CachedDecision", CachedDecision::VALUES),
        ("ClipReason", ClipReason::VALUES),
        ("GateRefusal", GateRefusal::VALUES),
        ("ResolutionKind", ResolutionKind::VALUES),
        ("RuleEffect", RuleEffect::VALUES),
        ("BuiltinProfile", BuiltinProfile::VALUES),
        ("LoadErrorKind", LoadErrorKind::VALUES),
        ("LintLevel", LintLevel::VALUES),
    ]
}

/// A field value as it crosses the boundary: string enums and scopes become their stable
/// strings, gate counts signed integers, everything else stays as it is. The bindings' record
/// fields have type `<T as Wire>::Out`, so Python and Node carry the same form of each field.
///
/// ```
/// use cedar_hitl_core::{wire::Wire, Outcome};
/// assert_eq!(Outcome::Deny.wire(), "deny");
/// assert_eq!(Some(vec!["a".to_string()]).wire(), Some(vec!["a".to_string()]));
/// ```
pub trait Wire {
    /// The boundary form.
    type Out;
    /// Convert to the boundary form.
    fn wire(self) -> Self::Out;
}

macro_rules! wire_as_is {
    ($($t:ty),*) => {$(
        impl Wire for $t {
            type Out = $t;
            fn wire(self) -> $t { self }
        }
    )*};
}
wire_as_is!(String, bool, i64, u32, f64, (String, String));

macro_rules! wire_as_str {
    ($($t:ty),*) => {$(
        impl Wire for $t {
            type Out = &'static str;
            fn wire(self) -> &'static str { self.as_str() }
        }
    )*};
}
wire_as_str!(
    Outcome,
    Tier,
    Severity,
    FailClosedCause,
    CachedDecision,
    ClipReason,
    GateRefusal,
    ResolutionKind,
    RuleEffect,
    BuiltinProfile,
    LoadErrorKind,
    LintLevel
);

impl Wire for crate::SecretKind {
    type Out = &'static str;
    fn wire(self) -> &'static str {
        self.label()
    }
}

impl Wire for crate::PolicySource {
    type Out = String;
    fn wire(self) -> String {
        self.to_string()
    }
}

impl Wire for ApprovalScope {
    type Out = String;
    fn wire(self) -> String {
        self.to_string()
    }
}

impl<T: Wire> Wire for Option<T> {
    type Out = Option<T::Out>;
    fn wire(self) -> Self::Out {
        self.map(T::wire)
    }
}

impl<T: Wire> Wire for Vec<T> {
    type Out = Vec<T::Out>;
    fn wire(self) -> Self::Out {
        self.into_iter().map(T::wire).collect()
    }
}

/// The output records, described once. `records!(callback)` expands to `callback! { … }` with
/// every record in this form:
///
/// ```text
/// #[doc = " Shared description (every language's docs)."]
/// #[core(/* attributes only the Rust struct gets: examples, derives, serde options */)]
/// CoreName as BindingName [shows field] [takes options] {
///     #[doc = " Field description."]
///     field: RustType => "TypeScript type",
/// } [and lists {
///     #[doc = " Field description."]
///     field: CoreRecord as BindingRecord => "TypeScript type",
/// }] [and if present {
///     #[doc = " Field description."]
///     field: RustType => "TypeScript type",
/// }]
/// ```
///
/// The core defines `CoreName` from it; a binding defines its class or object `BindingName`
/// with fields of type `<RustType as Wire>::Out` and converts by destructuring `CoreName`
/// completely, so a field added here and not carried by a binding does not compile. The
/// TypeScript type of each field is written here, next to the Rust one. `shows field` names the
/// field a record's text form is (the Rust type implements `Display` with it by hand; Python's
/// `str()` returns it). `takes options` marks a record the bindings also read from an options
/// object (Node) or keyword arguments (Python): each generates its per-field reader from the list.
/// Fields under `and lists` are lists of another record of this list (`Vec<CoreRecord>` in the
/// core, the binding's own `BindingRecord` objects in each binding); they come after the plain
/// fields. Fields under `and if present` are `Option<RustType>` that are left out
/// (not null) when absent: in the core's serde form, in Node's objects (an optional TypeScript
/// key) and in Python's dicts; they come last.
///
/// ```
/// macro_rules! names {
///     ($($(#[doc = $d:literal])* #[core($($c:tt)*)] $name:ident as $b:ident $(shows $s:ident)?
///        $(takes $k:ident)? { $($t:tt)* } $(and lists { $($l:tt)* })?
///        $(and if present { $($o:tt)* })?)*) => {
///         [$(stringify!($b)),*]
///     };
/// }
/// assert!(cedar_hitl_core::records!(names).contains(&"GateAdmission"));
/// ```
#[macro_export]
macro_rules! records {
    ($callback:ident) => {
        $callback! {
            #[doc = " A snapshot of a session's allowlist."]
            #[core(
                ///
                /// ```
                /// use cedar_hitl_core::*; use std::sync::Arc;
                /// let cfg = SessionConfig { initial_approvals: vec!["rule:force_push_any".into(), "tool_type:Read".into()], ..Default::default() };
                /// let s = Session::new(Arc::new(PolicyBundle::builtin()), cfg).unwrap();
                /// let view = s.allowlist();
                /// assert_eq!(view.rule_ids, ["force_push_any"]);
                /// assert_eq!(view.tool_types, ["Read"]);
                /// assert!(!view.all_session);
                /// ```
                #[derive(Default, Eq, serde::Deserialize)]
            )]
            AllowlistView as AllowlistView {
                #[doc = " `all_session` was granted."]
                all_session: bool => "boolean",
                #[doc = " `tool_type:` names, in grant order."]
                tool_types: Vec<String> => "Array<string>",
                #[doc = " `tool_group:` names, in grant order."]
                tool_groups: Vec<String> => "Array<string>",
                #[doc = " `bash_pattern:` globs, in grant order."]
                bash_patterns: Vec<String> => "Array<string>",
                #[doc = " `write_path:` globs, in grant order."]
                write_paths: Vec<String> => "Array<string>",
                #[doc = " `rule:` ids, in grant order."]
                rule_ids: Vec<String> => "Array<string>",
                #[doc = " Every granted scope, normalised, in grant order (what a snapshot stores)."]
                scopes: Vec<String> => "Array<string>",
            }

            #[doc = " The effective approval timeout and why it differs from the task default."]
            #[core(
                ///
                /// ```
                /// let t = cedar_hitl_core::effective_timeout(Some(300), 300, Some(200));
                /// assert_eq!((t.effective_s, t.requested_s), (80, 300));
                /// ```
                #[derive(Copy, Eq, serde::Deserialize)]
            )]
            EffectiveTimeout as EffectiveTimeout {
                #[doc = " The timeout to use, never below the 30 s floor."]
                effective_s: i64 => "number",
                #[doc = " Why it was clipped, if it was."]
                clip: Option<$crate::ClipReason> => "ClipReason | null",
                #[doc = " What was asked for: the task default."]
                requested_s: i64 => "number",
            }

            #[doc = " Facts about the recent-decision cache entry that answered a call (one type for"]
            #[doc = " both caches)."]
            #[core(
                ///
                /// ```
                /// use cedar_hitl_core::{CacheHit, CachedDecision};
                /// let h = CacheHit { tool_name: "Bash".into(), tool_input_sha256: "ab".into(),
                ///     cached_decision: CachedDecision::Denied, cached_reason: None,
                ///     original_decision_ts: "2026-01-01T00:00:00Z".into(), matched_rule_ids: None };
                /// assert!(h.matched_rule_ids.is_none());
                /// ```
                #[derive(Eq, serde::Deserialize)]
            )]
            CacheHit as CacheHit {
                #[doc = " Tool name of the call."]
                tool_name: String => "string",
                #[doc = " SHA-256 (hex) of the call's canonical input."]
                tool_input_sha256: String => "string",
                #[doc = " What the cache remembered."]
                cached_decision: $crate::CachedDecision => "CachedDecision",
                #[doc = " The reason stored with the entry, if any."]
                cached_reason: Option<String> => "string | null",
                #[doc = " When the human (or the timeout) decided, ISO-8601 UTC."]
                original_decision_ts: String => "string",
                #[doc = " Rule-level hits only: the denied rule ids this call matched."]
                matched_rule_ids: Option<Vec<String>> => "Array<string> | null",
            }

            #[doc = " A load error as data: the fields a Python `PolicyLoadError` and a Node `POLICY_LOAD`"]
            #[doc = " error carry, and what Node's `PolicyBundle.check` lists."]
            #[core(
                ///
                /// ```
                /// use cedar_hitl_core::*;
                /// let err = PolicyBundle::builder().blueprint_soft("forbid (principal, action, resource);").build().unwrap_err();
                /// let r = LoadErrorRecord::from(&err);
                /// assert_eq!((r.kind, r.field.as_deref(), r.line), (LoadErrorKind::Annotation, Some("tier"), Some(1)));
                /// assert_eq!(r.source, Some(PolicySource::BlueprintSoft));
                /// ```
                #[derive(Eq)]
            )]
            LoadErrorRecord as LoadErrorInfo {
                #[doc = " What kind of problem."]
                kind: $crate::LoadErrorKind => "LoadErrorKind",
                #[doc = " The tier of the rule at fault, if known."]
                tier: Option<$crate::Tier> => "Tier | null",
                #[doc = " The rule at fault, if known."]
                rule_id: Option<String> => "string | null",
                #[doc = " The annotation or setting at fault, if any."]
                field: Option<String> => "string | null",
                #[doc = " Where the text came from (`builtin`, `blueprint_hard`, `blueprint_soft`,"]
                #[doc = " `extra_policies[i]`), if known."]
                source: Option<$crate::PolicySource> => "string | null",
                #[doc = " 1-based line in that text, if known."]
                line: Option<u32> => "number | null",
                #[doc = " The message (also the error's text)."]
                message: String => "string",
            }

            #[doc = " What Cedar decided for one request of the parity helper (`cedar_parity::evaluate`)."]
            #[core(
                ///
                /// ```
                /// use cedar_hitl_core::cedar_parity::{evaluate, EntityRef};
                /// let e = |t: &str, i: &str| EntityRef { entity_type: t.into(), id: i.into() };
                /// let r = evaluate("@rule_id(\"p\") permit (principal, action, resource);",
                ///     &e("Agent::TaskAgent", "t"), &e("Agent::Action", "invoke_tool"), &e("Agent::Tool", "Read"),
                ///     &cedar_hitl_core::JsonValue::Object(vec![])).unwrap();
                /// assert_eq!((r.decision.as_str(), r.matching_rule_ids.as_slice()), ("allow", ["p".to_string()].as_slice()));
                /// ```
                #[derive(Eq)]
            )]
            ParityResult as ParityResult {
                #[doc = " `allow` or `deny`."]
                decision: String => "'allow' | 'deny'",
                #[doc = " Determining policies' `@rule_id`s, sorted."]
                matching_rule_ids: Vec<String> => "Array<string>",
                #[doc = " Whether Cedar reported evaluation errors (Cedar skips an erroring policy)."]
                errors: bool => "boolean",
            }

            #[doc = " A live entry of a recent-decision cache: a remembered human (or timeout) decision."]
            #[core(
                ///
                /// ```
                /// use cedar_hitl_core::*; use std::sync::Arc;
                /// let s = Session::new(Arc::new(PolicyBundle::builtin()), SessionConfig::default()).unwrap();
                /// let ids = vec!["force_push_any".to_string()];
                /// s.record_rule_decision("Bash", &ids, CachedDecision::Denied, Some("no"), None).unwrap();
                /// let r = CacheEntryRecord::from(s.cached_rule_decision("Bash", &ids).unwrap());
                /// assert_eq!((r.decision, r.reason.as_deref()), (CachedDecision::Denied, Some("no")));
                /// assert_eq!(r.rule_ids, Some(ids));
                /// ```
                #[derive(Eq)]
            )]
            CacheEntryRecord as CacheEntry {
                #[doc = " `DENIED` or `TIMED_OUT` (rule-level entries are always `DENIED`)."]
                decision: $crate::CachedDecision => "CachedDecision",
                #[doc = " The reason given, if any."]
                reason: Option<String> => "string | null",
                #[doc = " When the human (or the timeout) decided, ISO-8601 UTC."]
                original_decision_ts: String => "string",
                #[doc = " Rule-level entries: the rule ids it was recorded for, as given; null for"]
                #[doc = " input-hash entries."]
                rule_ids: Option<Vec<String>> => "Array<string> | null",
            }

            #[doc = " One queued human denial, as drained into the agent's next turn."]
            #[core(
                ///
                /// ```
                /// use cedar_hitl_core::DenialEntry;
                /// let e = DenialEntry { request_id: "r1".into(), reason: "no".into(), decided_at: None };
                /// assert_eq!(e.clone(), e);
                /// ```
                #[derive(Eq, serde::Deserialize)]
            )]
            DenialEntry as DenialEntry {
                #[doc = " The approval request id."]
                request_id: String => "string",
                #[doc = " The human's reason (re-sanitised when the envelope is built)."]
                reason: String => "string",
                #[doc = " When the human decided (ISO-8601), if known."]
                decided_at: Option<String> => "string | null",
            }

            #[doc = " Whether a REQUIRE_APPROVAL may open a gate, flattened for every language:"]
            #[doc = " `admitted` with the timeout fields, or refused with `refusal` and `reason`."]
            #[core(
                ///
                /// ```
                /// use cedar_hitl_core::*; use std::sync::Arc;
                /// let s = Session::new(Arc::new(PolicyBundle::builtin()), SessionConfig::default()).unwrap();
                /// let r = GateAdmissionRecord::from(s.begin_gate(Some(300), None));
                /// assert!(r.admitted);
                /// assert_eq!((r.effective_timeout_s, r.gate_count), (Some(300), Some(1)));
                /// ```
                #[derive(Eq)]
            )]
            GateAdmissionRecord as GateAdmission {
                #[doc = " The gate may open (the counter and rate window were updated)."]
                admitted: bool => "boolean",
                #[doc = " Refused only: the agent-facing deny reason."]
                reason: Option<String> => "string | null",
                #[doc = " Refused only: which check refused."]
                refusal: Option<$crate::GateRefusal> => "GateRefusal | null",
                #[doc = " Admitted only: the effective timeout in seconds."]
                effective_timeout_s: Option<i64> => "number | null",
                #[doc = " Admitted only: why the timeout differs from the task default."]
                clip: Option<$crate::ClipReason> => "ClipReason | null",
                #[doc = " Admitted only: the task default that was asked for."]
                requested_timeout_s: Option<i64> => "number | null",
                #[doc = " Admitted only: the one-shot ceiling-shrinking latch fired on this gate."]
                ceiling_shrinking: bool => "boolean",
                #[doc = " Admitted only: the gate count after this gate."]
                gate_count: Option<i64> => "number | null",
            }

            #[doc = " What recording a gate's outcome did and what to tell the agent."]
            #[core(
                ///
                /// ```
                /// use cedar_hitl_core::*; use std::sync::Arc;
                /// let s = Session::new(Arc::new(PolicyBundle::builtin()), SessionConfig::default()).unwrap();
                /// let call = ToolCall::new("Bash", serde_json::json!({"command": "git push --force origin x"}));
                /// let e = s.record_outcome(&call, &["force_push_any".into()], Resolution::TimedOut { reason: None, decided_at: None }).unwrap();
                /// assert_eq!((e.outcome, e.agent_reason.as_str()), (Outcome::Deny, "User timed_out"));
                /// ```
                #[derive(Eq)]
            )]
            ResolutionEffect as ResolutionEffect {
                #[doc = " ALLOW for an approval, DENY otherwise."]
                outcome: $crate::Outcome => "'allow' | 'deny'",
                #[doc = " The sanitised reason to hand the agent."]
                agent_reason: String => "string",
                #[doc = " The scope added to the allowlist (normalised), if any."]
                scope_added: Option<$crate::ApprovalScope> => "string | null",
            }

            #[doc = " A rule: one Cedar policy and its parsed annotations (from a bundle's rules or"]
            #[doc = " from parsing policy text)."]
            #[core(
                ///
                /// ```
                /// use cedar_hitl_core::{PolicyBundle, RuleRecord};
                /// let bundle = PolicyBundle::builtin();
                /// let rule = bundle.rules().into_iter().find(|r| r.rule_id() == "rm_slash").unwrap();
                /// let r = RuleRecord::from(rule);
                /// assert_eq!((r.tier, r.source.to_string().as_str()), (Some(cedar_hitl_core::Tier::Hard), "builtin"));
                /// ```
                #[derive(Eq)]
            )]
            RuleRecord as Rule {
                #[doc = " Positional id within its tier (`policy0`, `policy1`, … in text order)."]
                policy_id: String => "string",
                #[doc = " `@rule_id`."]
                rule_id: String => "string",
                #[doc = " `@tier`, if annotated."]
                tier: Option<$crate::Tier> => "Tier | null",
                #[doc = " `forbid` (can match) or `permit` (never changes an outcome)."]
                effect: $crate::RuleEffect => "RuleEffect",
                #[doc = " `@severity` (soft rules)."]
                severity: Option<$crate::Severity> => "Severity | null",
                #[doc = " `@approval_timeout_s` (soft rules)."]
                approval_timeout_s: Option<u32> => "number | null",
                #[doc = " `@category`."]
                category: Option<String> => "string | null",
                #[doc = " `@summary`, or the rule text when there is none."]
                summary: String => "string",
                #[doc = " `builtin`, `blueprint_hard`, `blueprint_soft` or `extra_policies[i]`."]
                source: $crate::PolicySource => "string",
                #[doc = " 1-based line of the rule in its source text."]
                line: Option<u32> => "number | null",
            }

            #[doc = " A non-fatal finding at load (e.g. a soft timeout below 120 s, annotations ignored"]
            #[doc = " on a hard rule), returned as data on the bundle. Its text form is its message."]
            #[core(
                ///
                /// ```
                /// use cedar_hitl_core::PolicyBundle;
                /// let b = PolicyBundle::builder().blueprint_soft(r#"@tier("soft") @rule_id("quick") @approval_timeout_s("90")
                ///     forbid (principal, action == Agent::Action::"invoke_tool", resource == Agent::Tool::"WebFetch");"#)
                ///     .build().unwrap();
                /// assert_eq!(b.warnings()[0].rule_id, "quick");
                /// assert_eq!(b.warnings()[0].field, "approval_timeout_s");
                /// assert_eq!(b.warnings()[0].to_string(), b.warnings()[0].message);
                /// ```
                #[derive(Eq)]
            )]
            LoadWarning as LoadWarning shows message {
                #[doc = " The tier of the rule."]
                tier: $crate::Tier => "Tier",
                #[doc = " The rule id."]
                rule_id: String => "string",
                #[doc = " The annotation or setting the finding is about."]
                field: String => "string",
                #[doc = " `builtin`, `blueprint_hard`, `blueprint_soft` or `extra_policies[i]`."]
                source: $crate::PolicySource => "string",
                #[doc = " 1-based line of the rule in its source text."]
                line: Option<u32> => "number | null",
                #[doc = " What was found and what happens instead."]
                message: String => "string",
            }

            #[doc = " A rule as listed to operators: only rules the runtime enforces are listed. A key the"]
            #[doc = " rule has no value for (category, severity, approval timeout) is left out, not null."]
            #[core(
                ///
                /// ```
                /// let listing = cedar_hitl_core::PolicyBundle::builtin().listing();
                /// assert_eq!(listing.hard.len(), 7);
                /// assert_eq!(listing.soft[0].rule_id, "force_push_any");
                /// assert!(listing.hard[0].severity.is_none());
                /// ```
                #[derive(Eq)]
            )]
            RuleSummary as RuleSummary {
                #[doc = " The rule id."]
                rule_id: String => "string",
                #[doc = " `@summary` or the derived rule text."]
                summary: String => "string",
                #[doc = " Where the rule came from: `builtin`, `blueprint_hard`, `blueprint_soft` or"]
                #[doc = " `extra_policies[i]`."]
                source: $crate::PolicySource => "string",
            } and if present {
                #[doc = " `@category`, soft rules only."]
                category: String => "string",
                #[doc = " Effective severity, soft rules only (absent or empty annotations count as"]
                #[doc = " medium)."]
                severity: $crate::Severity => "Severity",
                #[doc = " `@approval_timeout_s`, soft rules only."]
                approval_timeout_s: u32 => "number",
            }

            #[doc = " The result of [`scan_secrets`](crate::scan_secrets): the redacted text and which kinds"]
            #[doc = " were found."]
            #[core(
                ///
                /// ```
                /// use cedar_hitl_core::{scan_secrets, SecretKind};
                /// let r = scan_secrets("key AKIAABCDEFGHIJKLMNOP");
                /// assert_eq!(r.text, "key [REDACTED-AWS_KEY]");
                /// assert_eq!(r.findings, vec![SecretKind::AwsKey]);
                /// ```
                #[derive(Eq)]
            )]
            Redaction as Redaction {
                #[doc = " The text with every secret replaced by `[REDACTED-<LABEL>]`."]
                text: String => "string",
                #[doc = " Each kind found, once, in scan order (by label, e.g. `AWS_KEY`)."]
                findings: Vec<$crate::SecretKind> => "Array<string>",
            }

            #[doc = " Hard and soft rule summaries, computed from the same bundle the runtime enforces"]
            #[doc = " (listed ⇔ enforced)."]
            #[core(
                ///
                /// ```
                /// let l = cedar_hitl_core::PolicyBundle::builtin().listing();
                /// assert!(l.hard.iter().all(|r| r.severity.is_none()));
                /// assert_eq!(l.profile, cedar_hitl_core::BuiltinProfile::Hardened);
                /// ```
                #[derive(Eq)]
            )]
            RuleListing as RuleListing {
                #[doc = " The built-in profile the bundle starts from."]
                profile: $crate::BuiltinProfile => "BuiltinProfile",
            } and lists {
                #[doc = " Enforced hard rules, positional order."]
                hard: RuleSummary as RuleSummary => "Array<RuleSummary>",
                #[doc = " Enforced soft rules (disabled ones left out), positional order."]
                soft: RuleSummary as RuleSummary => "Array<RuleSummary>",
            }

            #[doc = " Every error and warning of a blueprint, as data (load refuses on the first error)."]
            #[core(
                ///
                /// ```
                /// use cedar_hitl_core::{CheckReportRecord, PolicyBundle};
                /// let report = PolicyBundle::builder().disable(["nope"]).check();
                /// let record = CheckReportRecord::from(&report);
                /// assert_eq!(record.errors[0].field.as_deref(), Some("disable"));
                /// ```
            )]
            CheckReportRecord as CheckReport {
            } and lists {
                #[doc = " All errors found."]
                errors: LoadErrorRecord as LoadErrorInfo => "Array<LoadErrorInfo>",
                #[doc = " All warnings."]
                warnings: LoadWarning as LoadWarning => "Array<LoadWarning>",
            }

            #[doc = " The settings of one task. Numbers are validated against"]
            #[doc = " `contracts/constants.json` when a session is built, so every language reports the"]
            #[doc = " same field and range."]
            #[core(
                ///
                /// ```
                /// let cfg = cedar_hitl_core::SessionConfig { principal: "pr_review".into(), read_only: true, ..Default::default() };
                /// assert_eq!(cfg.approval_gate_cap, 50);
                /// ```
                #[derive(Eq, serde::Deserialize)]
                #[serde(default, deny_unknown_fields)]
            )]
            SessionConfig as SessionConfig takes options {
                #[doc = " The task type (Cedar principal id), e.g. `new_task`."]
                principal: String => "string",
                #[doc = " `owner/name`."]
                repo: String => "string",
                #[doc = " Read-only workflow: the built-in hard tier forbids writes."]
                read_only: bool => "boolean",
                #[doc = " Scopes granted at task start (at most 20; `*_session` forms refused)."]
                initial_approvals: Vec<String> => "Array<string>",
                #[doc = " Gate budget, in [1, 500]."]
                approval_gate_cap: i64 => "number",
                #[doc = " Gates already used (the host's persisted count), at least 0; above the cap is"]
                #[doc = " accepted."]
                initial_approval_gate_count: i64 => "number",
                #[doc = " Task default approval timeout in seconds, in [30, 3600]."]
                task_default_timeout_s: i64 => "number",
                #[doc = " Capacity of each recent-decision cache, in [1, 100000] (default 50)."]
                cache_max_entries: i64 => "number",
                #[doc = " Lifetime of a cached human decision in seconds, in [1, 86400] (default 60)."]
                cache_ttl_s: i64 => "number",
            }

            #[doc = " What a policy bundle is built from. Every option is optional: an absent one"]
            #[doc = " takes the core's default (the hardened built-ins, no blueprint text, nothing"]
            #[doc = " disabled, the default tool maps)."]
            #[core(
                ///
                /// ```
                /// use cedar_hitl_core::{BundleOptions, PolicyBundleBuilder};
                /// let opts = BundleOptions { disable: Some(vec!["write_env_files".into()]), ..Default::default() };
                /// let bundle = PolicyBundleBuilder::from(opts).build().unwrap();
                /// assert!(bundle.disabled().contains("write_env_files"));
                /// ```
                #[derive(Default, Eq, serde::Deserialize)]
                #[serde(default, deny_unknown_fields)]
            )]
            BundleOptions as PolicyBundleOptions takes options {
            } and if present {
                #[doc = " Built-in profile; default `hardened`."]
                builtins: $crate::BuiltinProfile => "BuiltinProfile | null",
                #[doc = " Blueprint hard-tier text (rules annotated `@tier(\"hard\")`)."]
                blueprint_hard: String => "string | null",
                #[doc = " Blueprint soft-tier text (rules annotated `@tier(\"soft\")`)."]
                blueprint_soft: String => "string | null",
                #[doc = " Soft rule ids to disable (unknown ids and hard ids are refused)."]
                disable: Vec<String> => "readonly string[] | null",
                #[doc = " Legacy unannotated policies; entry `i` becomes soft rule `legacy_extra_<i>`."]
                extra_policies: Vec<String> => "readonly string[] | null",
                #[doc = " Replace the write-tool map (tool name → path key)."]
                write_tools: Vec<(String, String)> => "Readonly<Record<string, string>> | null",
                #[doc = " Replace the shell-tool map (tool name → command key)."]
                shell_tools: Vec<(String, String)> => "Readonly<Record<string, string>> | null",
            }
        }
    };
}

#[doc = " The core's side of [`records!`](crate::records): the Rust structs."]
macro_rules! core_records {
    ($(
        $(#[doc = $doc:literal])*
        #[core($($core:tt)*)]
        $name:ident as $binding:ident $(shows $shown:ident)? $(takes $takes:ident)? {
            $($(#[doc = $fdoc:literal])* $field:ident : $ty:ty => $ts:literal),* $(,)?
        } $(and lists {
            $($(#[doc = $ldoc:literal])* $lfield:ident : $lrec:ident as $lbind:ident => $lts:literal),* $(,)?
        })? $(and if present {
            $($(#[doc = $odoc:literal])* $ofield:ident : $oty:ty => $ots:literal),* $(,)?
        })?
    )*) => {
    $(
        $(#[doc = $doc])*
        $($core)*
        #[derive(Debug, Clone, PartialEq, serde::Serialize)]
        pub struct $name {
            $($(#[doc = $fdoc])* pub $field: $ty,)*
            $($($(#[doc = $ldoc])* pub $lfield: Vec<$lrec>,)*)?
            $($(
                $(#[doc = $odoc])*
                #[serde(skip_serializing_if = "Option::is_none")]
                pub $ofield: Option<$oty>,
            )*)?
        }
    )*

        /// Every output record by the name the bindings give it, with its field names in order
        /// (snake_case; Node spells them in camelCase). The bindings' tests hold their type
        /// files (`index.d.ts` interfaces, the Python stub and `TypedDict`s) to this list.
        ///
        /// ```
        /// let records = cedar_hitl_core::record_fields();
        /// let view = records.iter().find(|(name, _)| *name == "AllowlistView").unwrap();
        /// assert_eq!(view.1[0], "all_session");
        /// ```
        pub fn record_fields() -> &'static [(&'static str, &'static [&'static str])] {
            &[("Decision", DecisionRecord::FIELDS), $((stringify!($binding), &[$(stringify!($field),)* $($(stringify!($lfield),)*)? $($(stringify!($ofield),)*)?])),*]
        }
    };
}
records!(core_records);

impl From<&crate::LoadError> for LoadErrorRecord {
    fn from(e: &crate::LoadError) -> Self {
        Self {
            kind: e.kind(),
            tier: e.tier_of(),
            rule_id: e.rule_id().map(str::to_owned),
            field: e.field().map(str::to_owned),
            source: e.origin(),
            line: e.line(),
            message: e.message().to_owned(),
        }
    }
}

impl From<&crate::CheckReport> for CheckReportRecord {
    fn from(report: &crate::CheckReport) -> Self {
        Self {
            errors: report.errors.iter().map(LoadErrorRecord::from).collect(),
            warnings: report.warnings.clone(),
        }
    }
}

impl From<crate::CacheEntry> for CacheEntryRecord {
    /// An input-hash entry (no rule ids).
    fn from(entry: crate::CacheEntry) -> Self {
        let crate::CacheEntry { decision, reason, original_decision_ts, inserted_at: _ } = entry;
        Self { decision, reason, original_decision_ts, rule_ids: None }
    }
}

impl From<(Vec<String>, crate::CacheEntry)> for CacheEntryRecord {
    /// A rule-level entry and the ids it was recorded for (what `Session::cached_rule_decision`
    /// returns).
    fn from((rule_ids, entry): (Vec<String>, crate::CacheEntry)) -> Self {
        Self { rule_ids: Some(rule_ids), ..Self::from(entry) }
    }
}

impl From<GateAdmission> for GateAdmissionRecord {
    fn from(admission: GateAdmission) -> Self {
        match admission {
            GateAdmission::Admitted { timeout, ceiling_shrinking, gate_count } => Self {
                admitted: true,
                reason: None,
                refusal: None,
                effective_timeout_s: Some(timeout.effective_s),
                clip: timeout.clip,
                requested_timeout_s: Some(timeout.requested_s),
                ceiling_shrinking,
                gate_count: Some(i64::try_from(gate_count).unwrap_or(i64::MAX)),
            },
            GateAdmission::Refused { refusal, reason } => Self {
                admitted: false,
                reason: Some(reason),
                refusal: Some(refusal),
                effective_timeout_s: None,
                clip: None,
                requested_timeout_s: None,
                ceiling_shrinking: false,
                gate_count: None,
            },
        }
    }
}

impl From<&crate::Rule> for RuleRecord {
    fn from(r: &crate::Rule) -> Self {
        Self {
            policy_id: r.policy_id().to_owned(),
            rule_id: r.rule_id().to_owned(),
            tier: r.tier(),
            effect: r.effect(),
            severity: r.severity(),
            approval_timeout_s: r.approval_timeout_s(),
            category: r.category().map(str::to_owned),
            summary: r.summary().to_owned(),
            source: r.source(),
            line: r.line(),
        }
    }
}

/// A decision's fields as every language hands them out, described once (docs/boundary.md,
/// "Records and enums out"). `decision_fields!(callback)` expands to `callback! { … }` with every
/// field in this form:
///
/// ```text
/// #[doc = " Description."]
/// field: OwnedRustType => "TypeScript type" = |d| accessor(d),
/// ```
///
/// `accessor` reads the field from a `&Decision` without copying (public API only, so it runs in
/// a binding as well as here). The core derives [`DecisionRecord`] and `Decision::to_json` from
/// the list; Node derives its `Decision` interface and object factory, Python its `Decision`
/// properties, `to_dict()` and the façade's field tuple — a field added here reaches all of them.
///
/// ```
/// macro_rules! names {
///     ($($(#[doc = $d:literal])* $f:ident : $t:ty => $ts:literal = |$v:ident| $get:expr),* $(,)?) => {
///         [$(stringify!($f)),*]
///     };
/// }
/// assert_eq!(cedar_hitl_core::decision_fields!(names)[..3], ["outcome", "allowed", "reason"]);
/// ```
#[macro_export]
macro_rules! decision_fields {
    ($callback:ident) => {
        $callback! {
            #[doc = " ALLOW, DENY or REQUIRE_APPROVAL."]
            outcome: $crate::Outcome => "Outcome" = |d| d.outcome(),
            #[doc = " `true` iff the outcome is ALLOW (REQUIRE_APPROVAL is not allowed)."]
            allowed: bool => "boolean" = |d| d.allowed(),
            #[doc = " Why, sanitised (docs/text.md)."]
            reason: String => "string" = |d| d.reason(),
            #[doc = " The tier whose rules decided, if a rule decided."]
            tier: Option<$crate::Tier> => "Tier | null" = |d| d.tier(),
            #[doc = " Rule ids that decided, in positional (policy text) order."]
            matching_rule_ids: Vec<String> => "Array<string>" = |d| d.matching_rule_ids(),
            #[doc = " Approval timeout in seconds (REQUIRE_APPROVAL only)."]
            timeout_s: Option<u32> => "number | null" = |d| d.timeout_s(),
            #[doc = " `low`, `medium` or `high` (REQUIRE_APPROVAL only)."]
            severity: Option<$crate::Severity> => "Severity | null" = |d| d.severity(),
            #[doc = " Time spent deciding, in milliseconds."]
            duration_ms: f64 => "number" = |d| d.duration_ms(),
            #[doc = " The engine denied because something went wrong (docs/behaviour.md, \"Pipeline\")."]
            fail_closed: bool => "boolean" = |d| d.is_fail_closed(),
            #[doc = " Fail-closed only: the cause."]
            fail_closed_cause: Option<$crate::FailClosedCause> => "FailClosedCause | null" =
                |d| d.fail_closed().map(|f| f.cause),
            #[doc = " Fail-closed only: what went wrong, sanitised."]
            fail_closed_detail: Option<String> => "string | null" =
                |d| d.fail_closed().map(|f| f.detail.as_str()),
            #[doc = " Cache-hit denies only: the entry that answered."]
            cache_hit: Option<$crate::CacheHit> => "CacheHit | null" = |d| d.cache_hit(),
            #[doc = " SHA-256 (hex) of the bundle that decided: equals the bundle's fingerprint in"]
            #[doc = " every language."]
            policy_fingerprint: Option<String> => "string | null" = |d| d.policy_fingerprint_shared(),
            #[doc = " What the session's shadow bundle decided (not enforced); null without a shadow."]
            shadow_outcome: Option<$crate::Outcome> => "Outcome | null" = |d| d.shadow().map(|s| s.outcome),
            #[doc = " The shadow bundle's rule ids, positional order; null without a shadow."]
            shadow_rule_ids: Option<Vec<String>> => "Array<string> | null" =
                |d| d.shadow().map(|s| s.matching_rule_ids.as_slice()),
        }
    };
}

/// A field read from a decision without copying, and its owned form in [`DecisionRecord`].
pub trait IntoOwned {
    /// The owned form.
    type Owned;
    /// Copy into the owned form.
    fn into_owned(self) -> Self::Owned;
}

macro_rules! owned_as_is {
    ($($t:ty),*) => {$(
        impl IntoOwned for $t {
            type Owned = $t;
            fn into_owned(self) -> $t { self }
        }
    )*};
}
owned_as_is!(bool, u32, f64, Outcome, Tier, Severity, FailClosedCause);

impl IntoOwned for &str {
    type Owned = String;
    fn into_owned(self) -> String {
        self.to_owned()
    }
}

impl IntoOwned for &std::sync::Arc<str> {
    type Owned = String;
    fn into_owned(self) -> String {
        self.to_string()
    }
}

impl IntoOwned for &[String] {
    type Owned = Vec<String>;
    fn into_owned(self) -> Vec<String> {
        self.to_vec()
    }
}

impl IntoOwned for &CacheHit {
    type Owned = CacheHit;
    fn into_owned(self) -> CacheHit {
        self.clone()
    }
}

impl<T: IntoOwned> IntoOwned for Option<T> {
    type Owned = Option<T::Owned>;
    fn into_owned(self) -> Self::Owned {
        self.map(T::into_owned)
    }
}

#[doc = " The core's side of [`decision_fields!`](crate::decision_fields): [`DecisionRecord`]."]
macro_rules! core_decision {
    ($($(#[doc = $doc:literal])* $field:ident : $ty:ty => $ts:literal = |$d:ident| $get:expr),* $(,)?) => {
        /// A [`Decision`](crate::Decision) as data: every field the bindings hand out, owned
        /// (what `Decision::to_json` serialises).
        ///
        /// ```
        /// use cedar_hitl_core::*; use std::sync::Arc;
        /// let s = Session::new(Arc::new(PolicyBundle::builtin()), SessionConfig::default()).unwrap();
        /// let d = s.evaluate(&ToolCall::new("Bash", serde_json::json!({"command": "rm -rf /"})));
        /// let r = DecisionRecord::from(&d);
        /// assert_eq!((r.outcome, r.allowed), (Outcome::Deny, false));
        /// assert_eq!(DecisionRecord::FIELDS[0], "outcome");
        /// ```
        #[derive(Debug, Clone, PartialEq, serde::Serialize)]
        pub struct DecisionRecord {
            $($(#[doc = $doc])* pub $field: $ty,)*
        }

        impl DecisionRecord {
            /// The field names, in order.
            pub const FIELDS: &'static [&'static str] = &[$(stringify!($field)),*];
        }

        impl From<&crate::Decision> for DecisionRecord {
            fn from(decision: &crate::Decision) -> Self {
                Self { $($field: { let $d = decision; $get }.into_owned(),)* }
            }
        }
    };
}
decision_fields!(core_decision);
