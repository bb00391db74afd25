//! [`PolicyBundle`]: everything decided at load time — the two tiers, parsed and validated once,
//! the disable list, the write/shell tool maps, rule metadata and load warnings.

use crate::error::{ConfigError, LoadError, LoadErrorKind, PolicySource};
use crate::request::{AGENT_SCHEMA, TierSlices};
use crate::rules::{Annotations, Findings, RawPolicy, Rule, RuleEffect, read_rule, split_policies};
use crate::wire::{BundleOptions, LoadWarning, RuleListing, RuleSummary};
use crate::{Severity, Tier, constants};
use cedar_policy::{Policy, PolicyId, PolicySet, Schema, ValidationMode, Validator};
use std::collections::{BTreeSet, HashMap};
use std::str::FromStr;
use std::sync::{Arc, OnceLock};

/// The hardened built-in hard tier (`policies/hard_deny.cedar`, the default profile), embedded at
/// compile time.
///
/// ```
/// assert!(cedar_hitl_core::BUILTIN_HARD_DENY_POLICIES.contains("rm_slash"));
/// ```
pub const BUILTIN_HARD_DENY_POLICIES: &str =
    include_str!(concat!(env!("CEDAR_HITL_DATA_DIR"), "/policies/hard_deny.cedar"));

/// The hardened built-in soft tier (`policies/soft_deny.cedar`, the default profile).
///
/// ```
/// assert!(cedar_hitl_core::BUILTIN_SOFT_DENY_POLICIES.contains("force_push_main"));
/// ```
pub const BUILTIN_SOFT_DENY_POLICIES: &str =
    include_str!(concat!(env!("CEDAR_HITL_DATA_DIR"), "/policies/soft_deny.cedar"));

/// The upstream built-in hard tier (`policies/upstream/hard_deny.cedar`), byte-identical to the
/// rules of the system this engine replaces.
///
/// ```
/// assert!(cedar_hitl_core::UPSTREAM_HARD_DENY_POLICIES.contains("*rm -rf /*"));
/// ```
pub const UPSTREAM_HARD_DENY_POLICIES: &str =
    include_str!(concat!(env!("CEDAR_HITL_DATA_DIR"), "/policies/upstream/hard_deny.cedar"));

/// The upstream built-in soft tier (`policies/upstream/soft_deny.cedar`).
///
/// ```
/// assert!(cedar_hitl_core::UPSTREAM_SOFT_DENY_POLICIES.contains("*git push -f *"));
/// ```
pub const UPSTREAM_SOFT_DENY_POLICIES: &str =
    include_str!(concat!(env!("CEDAR_HITL_DATA_DIR"), "/policies/upstream/soft_deny.cedar"));

string_enum! {
    /// Which built-in rules a bundle starts from.
    ///
    /// ```
    /// use cedar_hitl_core::{BuiltinProfile, PolicyBundle};
    /// assert_eq!(PolicyBundle::builtin().profile(), BuiltinProfile::Hardened);
    /// assert_eq!("upstream".parse::<BuiltinProfile>().unwrap(), BuiltinProfile::Upstream);
    /// assert_eq!(BuiltinProfile::Upstream.as_str(), "upstream");
    /// ```
    #[derive(Default)]
    BuiltinProfile as "builtins" {
        /// Rules on command and path facts (`policies/*.cedar`): the default.
        #[default]
        Hardened => "hardened",
        /// The upstream `like` rules (`policies/upstream/*.cedar`), for deployments that need
        /// today's exact decisions.
        Upstream => "upstream",
    }
}

impl BuiltinProfile {
    /// The profile's hard and soft rule texts.
    ///
    /// ```
    /// let (hard, _) = cedar_hitl_core::BuiltinProfile::Upstream.texts();
    /// assert_eq!(hard, cedar_hitl_core::UPSTREAM_HARD_DENY_POLICIES);
    /// ```
    pub fn texts(self) -> (&'static str, &'static str) {
        match self {
            BuiltinProfile::Hardened => (BUILTIN_HARD_DENY_POLICIES, BUILTIN_SOFT_DENY_POLICIES),
            BuiltinProfile::Upstream => (UPSTREAM_HARD_DENY_POLICIES, UPSTREAM_SOFT_DENY_POLICIES),
        }
    }
}

/// Every problem found by [`PolicyBundleBuilder::check`].
///
/// ```
/// let r = cedar_hitl_core::PolicyBundle::builder().blueprint_soft("forbid (principal, action, resource);\nforbid (principal, action, resource);").check();
/// assert_eq!(r.errors.len(), 2);
/// ```
#[derive(Debug, Clone, Default)]
pub struct CheckReport {
    /// All errors found (load refuses on the first).
    pub errors: Vec<LoadError>,
    /// All warnings.
    pub warnings: Vec<LoadWarning>,
}

/// One validated tier.
#[derive(Debug, Clone)]
pub(crate) struct TierRules {
    pub rules: Vec<Rule>,
    pub slices: TierSlices,
}

/// Policies of both tiers, parsed once, validated, immutable. `Send + Sync`; share it behind an
/// `Arc` between sessions and threads.
///
/// ```
/// use cedar_hitl_core::PolicyBundle;
/// let bundle = PolicyBundle::builder()
///     .blueprint_soft(r#"@tier("soft") @rule_id("no_curl") @severity("low")
///         forbid (principal, action == Agent::Action::"execute_bash", resource)
///         when { context.command like "*curl *" };"#)
///     .disable(["write_env_files"])
///     .build()
///     .unwrap();
/// assert!(bundle.rules().iter().any(|r| r.rule_id() == "no_curl"));
/// ```
#[derive(Debug, Clone)]
pub struct PolicyBundle {
    pub(crate) hard: TierRules,
    pub(crate) soft: TierRules,
    pub(crate) disabled: BTreeSet<String>,
    pub(crate) write_tools: Vec<(String, String)>,
    pub(crate) shell_tools: Vec<(String, String)>,
    pub(crate) warnings: Vec<LoadWarning>,
    pub(crate) profile: BuiltinProfile,
    /// Computed on first use (it serialises every policy).
    pub(crate) fingerprint: OnceLock<std::sync::Arc<str>>,
}

/// Builder for [`PolicyBundle`]; nothing is checked until [`build`](Self::build).
///
/// ```
/// let b = cedar_hitl_core::PolicyBundle::builder().extra_policies(["forbid (principal, action == Agent::Action::\"invoke_tool\", resource == Agent::Tool::\"WebFetch\");"]).build().unwrap();
/// assert!(b.rules().iter().any(|r| r.rule_id() == "legacy_extra_0"));
/// ```
#[derive(Debug, Clone, Default)]
pub struct PolicyBundleBuilder {
    options: BundleOptions,
}

/// A builder holding `options` (the form the bindings read from an options object).
///
/// ```
/// use cedar_hitl_core::{BuiltinProfile, BundleOptions, PolicyBundleBuilder};
/// let opts = BundleOptions { builtins: Some(BuiltinProfile::Upstream), ..Default::default() };
/// assert_eq!(PolicyBundleBuilder::from(opts).build().unwrap().profile(), BuiltinProfile::Upstream);
/// ```
impl From<BundleOptions> for PolicyBundleBuilder {
    fn from(options: BundleOptions) -> Self {
        Self { options }
    }
}

impl BundleOptions {
    /// The bundle a caller asked for: `prebuilt` when given, else one built from these options.
    ///
    /// Beside a prebuilt bundle the options would be ignored, so any policy option is refused
    /// (field `bundle`), and `builtins` may only name the bundle's own profile (field
    /// `builtins`). Both bindings' engine constructors take their bundle this way
    /// (docs/boundary.md, "Bundle options in").
    ///
    /// ```
    /// use cedar_hitl_core::{BuiltinProfile, BundleOptions, Error, PolicyBundle};
    /// use std::sync::Arc;
    /// let hardened = Arc::new(PolicyBundle::builtin());
    /// let same = BundleOptions { builtins: Some(BuiltinProfile::Hardened), ..Default::default() };
    /// assert!(Arc::ptr_eq(&same.into_bundle(Some(hardened.clone())).unwrap(), &hardened));
    /// let other = BundleOptions { builtins: Some(BuiltinProfile::Upstream), ..Default::default() };
    /// let Err(Error::Config(e)) = other.into_bundle(Some(hardened)) else { panic!() };
    /// assert_eq!(e.field(), "builtins");
    /// ```
    pub fn into_bundle(
        mut self,
        prebuilt: Option<Arc<PolicyBundle>>,
    ) -> Result<Arc<PolicyBundle>, crate::Error> {
        let Some(bundle) = prebuilt else {
            return Ok(Arc::new(PolicyBundleBuilder::from(self).build()?));
        };
        let profile = self.builtins.take();
        if self != BundleOptions::default() {
            return Err(ConfigError::new(
                "bundle",
                "pass either a bundle or policy options (blueprints, disable, extra policies, \
                 tool maps), not both",
            )
            .into());
        }
        if let Some(p) = profile.filter(|p| *p != bundle.profile()) {
            return Err(ConfigError::new(
                "builtins",
                format!(
                    "builtins '{p}' does not match the profile of bundle ('{}'); pass either \
                     bundle or builtins",
                    bundle.profile()
                ),
            )
            .into());
        }
        Ok(bundle)
    }
}

/// The default write tools and their path keys.
const DEFAULT_WRITE_TOOLS: [(&str, &str); 4] = [
    ("Write", "file_path"),
    ("Edit", "file_path"),
    ("MultiEdit", "file_path"),
    ("NotebookEdit", "notebook_path"),
];

/// The default shell tools and their command keys.
const DEFAULT_SHELL_TOOLS: [(&str, &str); 1] = [("Bash", "command")];

fn owned(tools: &[(&str, &str)]) -> Vec<(String, String)> {
    tools.iter().map(|&(t, k)| (t.to_owned(), k.to_owned())).collect()
}

fn default_write_tools() -> Vec<(String, String)> {
    owned(&DEFAULT_WRITE_TOOLS)
}

fn default_shell_tools() -> Vec<(String, String)> {
    owned(&DEFAULT_SHELL_TOOLS)
}

/// The member a preview of `tool_name` leads with under the default tool maps (no allocation).
pub(crate) fn default_lead_key(tool_name: &str) -> Option<&'static str> {
    DEFAULT_WRITE_TOOLS
        .iter()
        .chain(&DEFAULT_SHELL_TOOLS)
        .find(|(t, _)| *t == tool_name)
        .map(|&(_, k)| k)
}

/// A write tool's path key, else a shell tool's command key.
fn lead_key<'a>(
    write: &'a [(String, String)],
    shell: &'a [(String, String)],
    tool_name: &str,
) -> Option<&'a str> {
    write.iter().chain(shell).find(|(t, _)| t == tool_name).map(|(_, k)| k.as_str())
}

pub(crate) fn schema() -> &'static Schema {
    static S: OnceLock<Schema> = OnceLock::new();
    S.get_or_init(|| {
        Schema::from_cedarschema_str(AGENT_SCHEMA).expect("the Agent schema is static and tested").0
    })
}

impl PolicyBundleBuilder {
    /// Which built-in rules to start from (default: [`BuiltinProfile::Hardened`]).
    ///
    /// ```
    /// use cedar_hitl_core::{BuiltinProfile, PolicyBundle};
    /// let b = PolicyBundle::builder().builtins(BuiltinProfile::Upstream).build().unwrap();
    /// assert!(b.rules().iter().any(|r| r.rule_id() == "write_git_internals_nested"));
    /// ```
    pub fn builtins(mut self, profile: BuiltinProfile) -> Self {
        self.options.builtins = Some(profile);
        self
    }

    /// Blueprint hard-tier text (rules annotated `@tier("hard")`).
    ///
    /// ```
    /// let b = cedar_hitl_core::PolicyBundle::builder().blueprint_hard("").build().unwrap();
    /// ```
    pub fn blueprint_hard(mut self, text: impl Into<String>) -> Self {
        self.options.blueprint_hard = Some(text.into());
        self
    }

    /// Blueprint soft-tier text (rules annotated `@tier("soft")`).
    ///
    /// ```
    /// let b = cedar_hitl_core::PolicyBundle::builder().blueprint_soft("").build().unwrap();
    /// ```
    pub fn blueprint_soft(mut self, text: impl Into<String>) -> Self {
        self.options.blueprint_soft = Some(text.into());
        self
    }

    /// Soft rule ids to disable. Unknown ids and hard rule ids are refused at build.
    ///
    /// ```
    /// assert!(cedar_hitl_core::PolicyBundle::builder().disable(["rm_slash"]).build().is_err());
    /// ```
    pub fn disable<I, S>(mut self, ids: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.options.disable.get_or_insert_with(Vec::new).extend(ids.into_iter().map(Into::into));
        self
    }

    /// Legacy unannotated policies. Each policy of entry `i` becomes soft rule `legacy_extra_<i>`
    /// (further policies of the same entry: `legacy_extra_<i>_<j>`).
    ///
    /// ```
    /// assert!(cedar_hitl_core::PolicyBundle::builder().extra_policies([""]).build().is_err());
    /// ```
    pub fn extra_policies<I, S>(mut self, entries: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.options
            .extra_policies
            .get_or_insert_with(Vec::new)
            .extend(entries.into_iter().map(Into::into));
        self
    }

    /// Replace the write-tool map (tool name → path key). Default: `Write`, `Edit`, `MultiEdit` →
    /// `file_path`; `NotebookEdit` → `notebook_path`.
    ///
    /// ```
    /// let b = cedar_hitl_core::PolicyBundle::builder().write_tools([("Write", "file_path")]).build().unwrap();
    /// assert_eq!(b.write_tools().len(), 1);
    /// ```
    pub fn write_tools<I, K, V>(mut self, tools: I) -> Self
    where
        I: IntoIterator<Item = (K, V)>,
        K: Into<String>,
        V: Into<String>,
    {
        self.options.write_tools =
            Some(tools.into_iter().map(|(k, v)| (k.into(), v.into())).collect());
        self
    }

    /// Replace the shell-tool map (tool name → command key). Default: `Bash` → `command`.
    ///
    /// ```
    /// let b = cedar_hitl_core::PolicyBundle::builder().shell_tools([("Bash", "command"), ("Shell", "cmd")]).build().unwrap();
    /// assert_eq!(b.shell_tools().len(), 2);
    /// ```
    pub fn shell_tools<I, K, V>(mut self, tools: I) -> Self
    where
        I: IntoIterator<Item = (K, V)>,
        K: Into<String>,
        V: Into<String>,
    {
        self.options.shell_tools =
            Some(tools.into_iter().map(|(k, v)| (k.into(), v.into())).collect());
        self
    }

    /// Validate everything and build; the first problem (in docs/behaviour.md#loading order) is returned.
    ///
    /// ```
    /// let e = cedar_hitl_core::PolicyBundle::builder().disable(["nope"]).build().unwrap_err();
    /// assert!(e.to_string().contains("known soft rules"));
    /// ```
    pub fn build(self) -> Result<PolicyBundle, LoadError> {
        let (bundle, report) = self.assemble();
        match (bundle, report.errors.into_iter().next()) {
            (Some(b), None) => Ok(b),
            (_, Some(e)) => Err(e),
            (None, None) => {
                Err(LoadError::new(LoadErrorKind::Parse, "bundle could not be assembled"))
            }
        }
    }

    /// Validate everything and report every error and warning found (for `cedar-hitl check`).
    ///
    /// ```
    /// let r = cedar_hitl_core::PolicyBundle::builder().check();
    /// assert!(r.errors.is_empty() && r.warnings.is_empty());
    /// ```
    pub fn check(self) -> CheckReport {
        self.assemble().1
    }

    fn assemble(self) -> (Option<PolicyBundle>, CheckReport) {
        let BundleOptions {
            builtins,
            blueprint_hard,
            blueprint_soft,
            disable,
            extra_policies,
            write_tools,
            shell_tools,
        } = self.options;
        let (profile, blueprint_hard, blueprint_soft) = (
            builtins.unwrap_or_default(),
            blueprint_hard.unwrap_or_default(),
            blueprint_soft.unwrap_or_default(),
        );
        let (disable, extra_policies) =
            (disable.unwrap_or_default(), extra_policies.unwrap_or_default());
        #[cfg(feature = "test-hooks")]
        if blueprint_soft == crate::test_hooks::PANIC_BLUEPRINT {
            panic!("test hook: forced panic while building a bundle");
        }
        let mut found = Findings { errors: Vec::new(), warnings: Vec::new() };
        let fail = |found: Findings| {
            (None, CheckReport { errors: found.errors, warnings: found.warnings })
        };

        let write_tools = write_tools.unwrap_or_else(default_write_tools);
        let shell_tools = shell_tools.unwrap_or_else(default_shell_tools);
        check_tool_maps(&write_tools, &shell_tools, &mut found);

        // Legacy entries must not carry their own annotations; checked before the size cap as
        // upstream does.
        let mut legacy: Vec<RawPolicy> = Vec::new();
        let mut legacy_ids: Vec<String> = Vec::new();
        for (i, entry) in extra_policies.iter().enumerate() {
            let err = |m: String| {
                LoadError::new(LoadErrorKind::Legacy, m)
                    .with_field("extra_policies")
                    .at(PolicySource::Legacy(i), None)
            };
            match split_policies(entry, PolicySource::Legacy(i)) {
                Err(e) => found.errors.push(err(format!("extra_policies[{i}]: {}", e.message))),
                Ok(raws) if raws.is_empty() => {
                    found.errors.push(err(format!("extra_policies[{i}] contains no policy")))
                }
                Ok(raws) => {
                    for (j, raw) in raws.into_iter().enumerate() {
                        let ann = Annotations::of(&raw.policy);
                        if ann.has("tier") || ann.has("rule_id") {
                            found.errors.push(err(format!("extra_policies[{i}] already declares @tier or @rule_id; pass annotated rules as blueprint soft policies instead")));
                            break;
                        }
                        legacy_ids.push(if j == 0 {
                            format!("legacy_extra_{i}")
                        } else {
                            format!("legacy_extra_{i}_{j}")
                        });
                        legacy.push(raw);
                    }
                }
            }
        }
        if !found.errors.is_empty() {
            return fail(found);
        }

        let bytes = blueprint_hard.len()
            + blueprint_soft.len()
            + extra_policies.iter().map(String::len).sum::<usize>();
        let cap = constants().policies_max_bytes;
        if bytes > cap {
            found.errors.push(
                LoadError::new(LoadErrorKind::SizeCap, format!("cedar_policies exceeds 64 KB cap ({bytes} bytes); allowed: at most {cap} bytes of blueprint and extra policy text"))
                    .with_field("cedar_policies"),
            );
            return fail(found);
        }

        let (builtin_hard, builtin_soft) = profile.texts();
        let hard = build_tier(
            Tier::Hard,
            &[
                (builtin_hard, PolicySource::BuiltIn),
                (&blueprint_hard, PolicySource::BlueprintHard),
            ],
            Vec::new(),
            &mut found,
        );
        let soft_legacy = legacy.into_iter().zip(legacy_ids).collect();
        let soft = build_tier(
            Tier::Soft,
            &[
                (builtin_soft, PolicySource::BuiltIn),
                (&blueprint_soft, PolicySource::BlueprintSoft),
            ],
            soft_legacy,
            &mut found,
        );
        let (Some(hard), Some(soft)) = (hard, soft) else { return fail(found) };
        if !found.errors.is_empty() {
            return fail(found);
        }

        let disabled = check_disable(&disable, &hard, &soft, &mut found);
        let hard_ids: BTreeSet<&str> =
            hard.rules.iter().filter(|r| !r.is_base_permit()).map(|r| r.rule_id.as_str()).collect();
        let both: Vec<&str> = soft
            .rules
            .iter()
            .filter(|r| !r.is_base_permit())
            .map(|r| r.rule_id.as_str())
            .filter(|id| hard_ids.contains(id))
            .collect();
        if !both.is_empty() {
            let mut both = both;
            both.sort_unstable();
            // Locate the clash at the user's rule, and say when the other one is built in.
            let find = |t: &TierRules| {
                t.rules.iter().find(|r| r.rule_id == both[0]).map(|r| (r.source, r.line))
            };
            let (h, s) = (find(&hard), find(&soft));
            let builtin = match (h, s) {
                (Some((PolicySource::BuiltIn, _)), _) => "; it is a built-in hard rule",
                (_, Some((PolicySource::BuiltIn, _))) => "; it is a built-in soft rule",
                _ => "",
            };
            let mut e = LoadError::new(
                LoadErrorKind::CrossTierDuplicate,
                format!("duplicate @rule_id across tiers: [{}]{builtin}", both.join(", ")),
            )
            .rule(both[0])
            .with_field("rule_id");
            if let Some((source, line)) =
                [s, h].into_iter().flatten().find(|(source, _)| *source != PolicySource::BuiltIn)
            {
                e = e.at(source, line);
            }
            found.errors.push(e);
        }
        if !found.errors.is_empty() {
            return fail(found);
        }
        let bundle = PolicyBundle {
            hard,
            soft,
            disabled,
            write_tools,
            shell_tools,
            warnings: found.warnings.clone(),
            profile,
            fingerprint: OnceLock::new(),
        };
        // Rules that carry examples must decide them as they say (docs/rules.md, "Examples").
        found.errors.extend(crate::examples::check(&bundle, false));
        if !found.errors.is_empty() {
            return fail(found);
        }
        (Some(bundle), CheckReport { errors: Vec::new(), warnings: found.warnings })
    }
}

fn check_tool_maps(write: &[(String, String)], shell: &[(String, String)], found: &mut Findings) {
    let mut seen = BTreeSet::new();
    for (field, map) in [("write_tools", write), ("shell_tools", shell)] {
        for (tool, key) in map {
            let problem = if tool.is_empty() || key.is_empty() {
                Some(format!(
                    "{field}: tool names and keys must be non-empty, got '{tool}' → '{key}'"
                ))
            } else if !seen.insert(tool.as_str()) {
                Some(format!(
                    "{field}: tool '{tool}' is listed twice (a tool is either one write tool or one shell tool)"
                ))
            } else {
                None
            };
            if let Some(m) = problem {
                found.errors.push(LoadError::new(LoadErrorKind::ToolMap, m).with_field(field));
            }
        }
    }
}

/// Parse and validate one tier from its sources (in order) plus pre-named legacy policies.
fn build_tier(
    tier: Tier,
    sources: &[(&str, PolicySource)],
    legacy: Vec<(RawPolicy, String)>,
    found: &mut Findings,
) -> Option<TierRules> {
    let prefix = format!("{tier}-deny policy validation failed: ");
    let mut raws: Vec<(RawPolicy, Option<String>)> = Vec::new();
    let mut parsed_ok = true;
    for (text, source) in sources {
        match split_policies(text, *source) {
            Ok(r) => raws.extend(r.into_iter().map(|r| (r, None))),
            Err(mut e) => {
                e.message = format!("{prefix}{}: {}", source, e.message);
                found.errors.push(e.tier(tier));
                parsed_ok = false;
            }
        }
    }
    if !parsed_ok {
        return None;
    }
    raws.extend(legacy.into_iter().map(|(r, id)| (r, Some(id))));

    let errors_before = found.errors.len();
    let mut rules = Vec::with_capacity(raws.len());
    let mut policies = Vec::with_capacity(raws.len());
    // Where each rule id was first seen: a repeat names that place, or the built-in it clashes
    // with (the user cannot see built-in positions).
    let mut seen: HashMap<String, (PolicySource, Option<u32>)> = HashMap::new();
    for (position, (raw, legacy_id)) in raws.into_iter().enumerate() {
        let rule = match legacy_id {
            Some(id) => Some(Rule {
                policy_id: format!("policy{position}"),
                position,
                rule_id: id,
                tier: Some(Tier::Soft),
                effect: if raw.policy.effect() == cedar_policy::Effect::Permit {
                    RuleEffect::Permit
                } else {
                    RuleEffect::Forbid
                },
                severity: None,
                approval_timeout_s: None,
                category: None,
                summary: crate::text::truncate(
                    &raw.text.split_whitespace().collect::<Vec<_>>().join(" "),
                    constants().rule_summary_max_chars,
                ),
                text: raw.text.clone(),
                source: raw.source,
                line: raw.line,
            }),
            None => read_rule(&raw, position, Some(tier), &prefix, found),
        };
        let Some(rule) = rule else { continue };
        if rule.is_base_permit() {
            // Several exempt base permits are tolerated; they never affect an outcome.
        } else if let Some(prev) = seen.insert(rule.rule_id.clone(), (rule.source, rule.line)) {
            let at = |(source, line): (PolicySource, Option<u32>)| match line {
                Some(l) => format!("{source}:{l}"),
                None => source.to_string(),
            };
            let message = if prev.0 == PolicySource::BuiltIn {
                format!(
                    "{prefix}@rule_id '{}' clashes with the built-in {tier} rule of the same id; choose another id",
                    rule.rule_id
                )
            } else {
                format!(
                    "{prefix}duplicate @rule_id '{}' (first at {}, again at {})",
                    rule.rule_id,
                    at(prev),
                    at((rule.source, rule.line))
                )
            };
            found.errors.push(
                LoadError::new(LoadErrorKind::DuplicateRuleId, message)
                    .tier(tier)
                    .rule(&rule.rule_id)
                    .with_field("rule_id")
                    .at(rule.source, rule.line),
            );
        }
        if rule.effect == RuleEffect::Permit && !rule.is_base_permit() {
            found.warnings.push(LoadWarning {
                tier,
                rule_id: rule.rule_id.clone(),
                field: "effect".into(),
                source: rule.source,
                line: rule.line,
                message: format!("rule '{}' is a permit: permits never change an outcome (only forbid rules match)", rule.rule_id),
            });
        }
        policies.push(raw.policy.new_id(PolicyId::new(position.to_string())));
        rules.push(rule);
    }
    for e in &mut found.errors[errors_before..] {
        e.tier = Some(tier);
    }
    if found.errors.len() > errors_before {
        return None;
    }
    validate_schema(tier, &rules, &policies, &prefix, found);
    if found.errors.len() > errors_before {
        return None;
    }
    let slices = TierSlices::new(&rules, &policies);
    Some(TierRules { rules, slices })
}

/// Refuse rules that could error at run time (docs/behaviour.md#differences-from-upstream): strict validation against the Agent
/// schema, one error per rule naming it.
fn validate_schema(
    tier: Tier,
    rules: &[Rule],
    policies: &[Policy],
    prefix: &str,
    found: &mut Findings,
) {
    let mut set = PolicySet::new();
    for p in policies {
        if set.add(p.clone()).is_err() {
            return;
        }
    }
    let result = Validator::new(schema().clone()).validate(&set, ValidationMode::Strict);
    // Cedar yields validation errors in hash order; group them by rule and sort, so the same
    // text always gives the same message (positional order across rules, sorted within a rule).
    let mut by_rule: std::collections::BTreeMap<usize, Vec<String>> =
        std::collections::BTreeMap::new();
    for e in result.validation_errors() {
        let pos: usize = e.policy_id().to_string().parse().unwrap_or(usize::MAX);
        // Cedar names the policy by the engine's positional id; the message names the rule.
        let text = e.to_string();
        let text = text.replacen(&format!("for policy `{}`, ", e.policy_id()), "", 1);
        by_rule.entry(pos).or_default().push(text);
    }
    for (pos, mut details) in by_rule {
        let Some(rule) = rules.iter().find(|r| r.position == pos) else { continue };
        details.sort();
        found.errors.push(
            LoadError::new(
                LoadErrorKind::Schema,
                format!("{prefix}rule '{}' could error at run time: {}; rules must only read context attributes their action provides (invoke_tool: task_type, repo, read_only; write_file: + file_path and path facts; execute_bash: + command and command facts; see docs/rules.md)", rule.rule_id, details[0]),
            )
            .tier(tier)
            .rule(&rule.rule_id)
            .with_field("policy")
            .at(rule.source, rule.line),
        );
    }
}

fn check_disable(
    disable: &[String],
    hard: &TierRules,
    soft: &TierRules,
    found: &mut Findings,
) -> BTreeSet<String> {
    let soft_ids: Vec<&str> =
        soft.rules.iter().filter(|r| !r.is_base_permit()).map(|r| r.rule_id.as_str()).collect();
    let mut out = BTreeSet::new();
    for id in disable {
        let hard_rule = hard.rules.iter().find(|r| !r.is_base_permit() && r.rule_id == *id);
        let message = if let Some(r) = hard_rule {
            let what = if r.source == PolicySource::BuiltIn {
                "built-in hard-deny rule"
            } else {
                "hard-deny rule"
            };
            Some(format!(
                "blueprint disable['{id}']: cannot disable {what}; hard rules are absolute"
            ))
        } else if !soft_ids.contains(&id.as_str()) {
            Some(format!(
                "blueprint disable['{id}']: unknown soft rule id; known soft rules: [{}]",
                soft_ids.join(", ")
            ))
        } else {
            None
        };
        match message {
            Some(m) => found
                .errors
                .push(LoadError::new(LoadErrorKind::Disable, m).rule(id).with_field("disable")),
            None => {
                out.insert(id.clone());
            }
        }
    }
    out
}

impl PolicyBundle {
    /// A builder with no blueprint: built-ins only until told otherwise.
    ///
    /// ```
    /// let b = cedar_hitl_core::PolicyBundle::builder().build().unwrap();
    /// ```
    pub fn builder() -> PolicyBundleBuilder {
        PolicyBundleBuilder::default()
    }

    /// The built-in policies alone.
    ///
    /// ```
    /// assert_eq!(cedar_hitl_core::PolicyBundle::builtin().rules().len(), 17);
    /// ```
    pub fn builtin() -> PolicyBundle {
        static B: OnceLock<PolicyBundle> = OnceLock::new();
        B.get_or_init(|| {
            PolicyBundle::builder()
                .build()
                .expect("the embedded built-in policies are valid (checked by tests)")
        })
        .clone()
    }

    /// Every rule: hard tier then soft tier, each in positional order (permits included).
    ///
    /// ```
    /// let b = cedar_hitl_core::PolicyBundle::builtin();
    /// assert_eq!(b.rules()[8].rule_id(), "base_permit");
    /// ```
    pub fn rules(&self) -> Vec<&Rule> {
        self.hard.rules.iter().chain(&self.soft.rules).collect()
    }

    /// SHA-256 (hex) over what decides: every policy of both tiers in its normalised JSON form
    /// (so whitespace and comments do not matter), the disable list, the tool maps, the built-in
    /// profile and the schema. Equal bundles give equal fingerprints in every language; every
    /// decision carries it (docs/explain.md).
    ///
    /// ```
    /// use cedar_hitl_core::*;
    /// let a = PolicyBundle::builder().blueprint_soft("@tier(\"soft\") @rule_id(\"x\")\nforbid (principal, action, resource) when { context.read_only };").build().unwrap();
    /// let b = PolicyBundle::builder().blueprint_soft("// same rule\n@tier(\"soft\")   @rule_id(\"x\") forbid(principal,action,resource) when {context.read_only};").build().unwrap();
    /// assert_eq!(a.fingerprint(), b.fingerprint());
    /// assert_ne!(a.fingerprint(), PolicyBundle::builtin().fingerprint());
    /// assert_eq!(a.fingerprint().len(), 64);
    /// ```
    pub fn fingerprint(&self) -> &str {
        self.fingerprint.get_or_init(|| self.compute_fingerprint())
    }

    pub(crate) fn fingerprint_shared(&self) -> std::sync::Arc<str> {
        std::sync::Arc::clone(self.fingerprint.get_or_init(|| self.compute_fingerprint()))
    }

    fn compute_fingerprint(&self) -> std::sync::Arc<str> {
        use sha2::{Digest, Sha256};
        let mut h = Sha256::new();
        let mut field = |name: &str, value: &str| {
            // Length-prefixed, so no two different inputs concatenate to the same bytes.
            h.update(format!("{name}:{}:", value.len()).as_bytes());
            h.update(value.as_bytes());
        };
        field("version", "cedar-hitl-fingerprint-1");
        field("schema", AGENT_SCHEMA);
        field("profile", self.profile.as_str());
        for (tier, rules) in [("hard", &self.hard.rules), ("soft", &self.soft.rules)] {
            for r in rules {
                // Normalised: Cedar's JSON form of the parsed policy, not the text as written.
                let normal = cedar_policy::Policy::from_str(&r.text)
                    .ok()
                    .and_then(|p| p.to_json().ok())
                    .map_or_else(|| r.text.clone(), |j| j.to_string());
                field(tier, &format!("{}|{normal}", r.rule_id));
            }
        }
        for d in &self.disabled {
            field("disable", d);
        }
        for (t, k) in &self.write_tools {
            field("write_tool", &format!("{t}={k}"));
        }
        for (t, k) in &self.shell_tools {
            field("shell_tool", &format!("{t}={k}"));
        }
        let hex: String = h.finalize().iter().map(|b| format!("{b:02x}")).collect();
        hex.into()
    }

    /// The built-in profile this bundle starts from.
    ///
    /// ```
    /// assert_eq!(cedar_hitl_core::PolicyBundle::builtin().profile().as_str(), "hardened");
    /// ```
    pub fn profile(&self) -> BuiltinProfile {
        self.profile
    }

    /// Load warnings.
    ///
    /// ```
    /// assert!(cedar_hitl_core::PolicyBundle::builtin().warnings().is_empty());
    /// ```
    pub fn warnings(&self) -> &[LoadWarning] {
        &self.warnings
    }

    /// Disabled soft rule ids.
    ///
    /// ```
    /// let b = cedar_hitl_core::PolicyBundle::builder().disable(["write_credentials"]).build().unwrap();
    /// assert!(b.disabled().contains("write_credentials"));
    /// ```
    pub fn disabled(&self) -> &BTreeSet<String> {
        &self.disabled
    }

    /// Write tools and their path keys.
    ///
    /// ```
    /// assert_eq!(cedar_hitl_core::PolicyBundle::builtin().write_tools()[3], ("NotebookEdit".to_string(), "notebook_path".to_string()));
    /// ```
    pub fn write_tools(&self) -> &[(String, String)] {
        &self.write_tools
    }

    /// The preview of a call to `tool_name` for the person approving it, with this bundle's tool
    /// maps: a write tool's path or a shell tool's command leads (see
    /// [`tool_input_preview_for`](crate::tool_input_preview_for) for the layout).
    ///
    /// ```
    /// use cedar_hitl_core::{JsonValue, PolicyBundle};
    /// let b = PolicyBundle::builder().shell_tools([("Shell", "cmd")]).build().unwrap();
    /// let v = JsonValue::from(serde_json::json!({"cwd": "/tmp", "cmd": "make"}));
    /// assert_eq!(b.tool_input_preview("Shell", &v), r#"{"cmd": "make", "cwd": "/tmp"}"#);
    /// ```
    pub fn tool_input_preview(&self, tool_name: &str, input: &crate::JsonValue) -> String {
        crate::text::preview(input, lead_key(&self.write_tools, &self.shell_tools, tool_name))
    }

    /// Shell tools and their command keys.
    ///
    /// ```
    /// assert_eq!(cedar_hitl_core::PolicyBundle::builtin().shell_tools()[0].0, "Bash");
    /// ```
    pub fn shell_tools(&self) -> &[(String, String)] {
        &self.shell_tools
    }

    /// The soft rule with this id, if any (forbid rules only).
    pub(crate) fn soft_rule(&self, rule_id: &str) -> Option<&Rule> {
        self.soft.rules.iter().find(|r| r.rule_id == rule_id && r.effect == RuleEffect::Forbid)
    }

    /// Whether a hard forbid rule has this id.
    pub(crate) fn is_hard_rule(&self, rule_id: &str) -> bool {
        self.hard.rules.iter().any(|r| r.rule_id == rule_id && r.effect == RuleEffect::Forbid)
    }

    /// Enforced rules, as listed to operators (docs/behaviour.md#rule-listing: listed ⇔ enforced).
    ///
    /// ```
    /// let b = cedar_hitl_core::PolicyBundle::builder().disable(["write_credentials"]).build().unwrap();
    /// assert!(b.listing().soft.iter().all(|r| r.rule_id != "write_credentials"));
    /// ```
    pub fn listing(&self) -> RuleListing {
        let summary = |r: &Rule, soft: bool| RuleSummary {
            rule_id: r.rule_id.clone(),
            summary: r.summary.clone(),
            category: if soft { r.category.clone() } else { None },
            severity: soft.then(|| r.severity.unwrap_or(Severity::Medium)),
            approval_timeout_s: if soft { r.approval_timeout_s } else { None },
            source: r.source,
        };
        let enforced = |r: &&Rule| r.effect == RuleEffect::Forbid;
        RuleListing {
            hard: self.hard.rules.iter().filter(enforced).map(|r| summary(r, false)).collect(),
            soft: self
                .soft
                .rules
                .iter()
                .filter(enforced)
                .filter(|r| !self.disabled.contains(&r.rule_id))
                .map(|r| summary(r, true))
                .collect(),
            profile: self.profile,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::Action;

    #[test]
    fn options_beside_a_prebuilt_bundle_are_refused_by_name() {
        let upstream = Arc::new(
            PolicyBundleBuilder::from(BundleOptions {
                builtins: Some(crate::BuiltinProfile::Upstream),
                ..Default::default()
            })
            .build()
            .unwrap(),
        );
        // Every policy option, alone, is refused as `bundle`; no option at all keeps the bundle.
        let each = [
            BundleOptions { blueprint_hard: Some(String::new()), ..Default::default() },
            BundleOptions { blueprint_soft: Some(String::new()), ..Default::default() },
            BundleOptions { disable: Some(vec![]), ..Default::default() },
            BundleOptions { extra_policies: Some(vec![]), ..Default::default() },
            BundleOptions { write_tools: Some(vec![]), ..Default::default() },
            BundleOptions { shell_tools: Some(vec![]), ..Default::default() },
        ];
        for opts in each {
            let Err(crate::Error::Config(e)) = opts.clone().into_bundle(Some(upstream.clone()))
            else {
                panic!("{opts:?} beside a bundle was accepted")
            };
            assert_eq!(e.field(), "bundle");
            assert!(e.message().contains("not both"), "{e}");
        }
        let kept = BundleOptions::default().into_bundle(Some(upstream.clone())).unwrap();
        assert!(Arc::ptr_eq(&kept, &upstream));
        let Err(crate::Error::Config(e)) =
            BundleOptions { builtins: Some(crate::BuiltinProfile::Hardened), ..Default::default() }
                .into_bundle(Some(upstream))
        else {
            panic!()
        };
        assert_eq!(
            e.message(),
            "builtins 'hardened' does not match the profile of bundle ('upstream'); pass either bundle or builtins"
        );
        // Without a bundle the options are built (and their errors are load errors).
        let bad = BundleOptions { blueprint_hard: Some("permit(".into()), ..Default::default() };
        assert!(matches!(bad.into_bundle(None), Err(crate::Error::Load(_))));
    }

    #[test]
    fn options_record_builds_what_the_builder_methods_build() {
        let json = r#"{"builtins": "upstream", "disable": ["write_env_files"],
            "shell_tools": [["Bash", "command"], ["Shell", "cmd"]]}"#;
        let opts: BundleOptions = serde_json::from_str(json).unwrap();
        let from_options = PolicyBundleBuilder::from(opts).build().unwrap();
        let chained = PolicyBundle::builder()
            .builtins(BuiltinProfile::Upstream)
            .disable(["write_env_files"])
            .shell_tools([("Bash", "command"), ("Shell", "cmd")])
            .build()
            .unwrap();
        assert_eq!(from_options.fingerprint(), chained.fingerprint());
        assert_ne!(from_options.fingerprint(), PolicyBundle::builtin().fingerprint());
        // An absent option is the default; a misspelt one is refused.
        let empty: BundleOptions = serde_json::from_str("{}").unwrap();
        assert_eq!(
            PolicyBundleBuilder::from(empty).build().unwrap().fingerprint(),
            PolicyBundle::builtin().fingerprint()
        );
        let err = serde_json::from_str::<BundleOptions>(r#"{"blueprint_hardd": ""}"#).unwrap_err();
        assert!(err.to_string().contains("unknown field `blueprint_hardd`"), "{err}");
        // The builder's list options add up, as its methods document.
        let twice = PolicyBundleBuilder::from(BundleOptions {
            disable: Some(vec!["write_env_files".into()]),
            ..Default::default()
        })
        .disable(["write_credentials"])
        .build()
        .unwrap();
        assert_eq!(twice.disabled().len(), 2);
    }

    #[test]
    fn builtins_have_spec_positions() {
        let b = PolicyBundle::builtin();
        let hard: Vec<_> =
            b.hard.rules.iter().map(|r| (r.policy_id.as_str(), r.rule_id.as_str())).collect();
        assert_eq!(
            hard,
            [
                ("policy0", "base_permit"),
                ("policy1", "read_only_forbid_write"),
                ("policy2", "read_only_forbid_edit"),
                ("policy3", "read_only_shell_write"),
                ("policy4", "read_only_git_write"),
                ("policy5", "rm_slash"),
                ("policy6", "write_git_internals"),
                ("policy7", "drop_table")
            ]
        );
        let soft: Vec<_> = b.soft.rules.iter().map(|r| r.rule_id.as_str()).collect();
        assert_eq!(
            soft,
            [
                "base_permit",
                "force_push_any",
                "force_push_main",
                "push_to_protected_branch",
                "write_env_files",
                "write_credentials",
                "pipe_to_shell",
                "rm_dynamic_target",
                "opaque_shell_command"
            ]
        );
        let up = PolicyBundle::builder().builtins(BuiltinProfile::Upstream).build().unwrap();
        let hard: Vec<_> =
            up.hard.rules.iter().map(|r| (r.policy_id.as_str(), r.rule_id.as_str())).collect();
        assert_eq!(
            hard,
            [
                ("policy0", "base_permit"),
                ("policy1", "read_only_forbid_write"),
                ("policy2", "read_only_forbid_edit"),
                ("policy3", "rm_slash"),
                ("policy4", "write_git_internals"),
                ("policy5", "write_git_internals_nested"),
                ("policy6", "drop_table")
            ]
        );
    }

    #[test]
    fn slices_hold_only_forbids_that_can_apply() {
        let b = PolicyBundle::builtin();
        assert_eq!(b.hard.slices.len(Action::InvokeTool, "Write"), 0);
        assert_eq!(b.hard.slices.len(Action::InvokeTool, "Edit"), 1);
        assert_eq!(b.hard.slices.len(Action::InvokeTool, "Read"), 0);
        assert_eq!(b.hard.slices.len(Action::ExecuteBash, "Bash"), 3);
        assert_eq!(b.hard.slices.len(Action::WriteFile, "Write"), 3);
        assert_eq!(b.soft.slices.len(Action::InvokeTool, "Bash"), 0);
        let up = PolicyBundle::builder().builtins(BuiltinProfile::Upstream).build().unwrap();
        assert_eq!(up.hard.slices.len(Action::InvokeTool, "Write"), 1);
        assert_eq!(up.hard.slices.len(Action::ExecuteBash, "Bash"), 2);
    }

    #[test]
    fn size_cap_is_inclusive_at_64k() {
        let pad = |n: usize| format!("//{}", "x".repeat(n - 2));
        assert!(PolicyBundle::builder().blueprint_soft(pad(65_536)).build().is_ok());
        let e = PolicyBundle::builder().blueprint_soft(pad(65_537)).build().unwrap_err();
        assert_eq!(e.kind(), LoadErrorKind::SizeCap);
        assert!(e.message().contains("(65537 bytes)"));
    }

    #[test]
    fn schema_refuses_rules_that_would_error_at_runtime() {
        let e = PolicyBundle::builder()
            .blueprint_soft("@tier(\"soft\") @rule_id(\"curl\") forbid (principal, action, resource) when { context.command like \"*curl*\" };")
            .build()
            .unwrap_err();
        assert_eq!((e.kind(), e.rule_id()), (LoadErrorKind::Schema, Some("curl")));
    }

    #[test]
    fn check_collects_every_annotation_error() {
        let text = "@tier(\"soft\") @rule_id(\"a b\") forbid (principal, action, resource);\n@tier(\"soft\") @rule_id(\"t\") @approval_timeout_s(\"3_00\") forbid (principal, action, resource);";
        let r = PolicyBundle::builder().blueprint_soft(text).check();
        let fields: Vec<_> = r.errors.iter().map(|e| e.field().unwrap()).collect();
        assert_eq!(fields, ["rule_id", "approval_timeout_s"]);
        assert_eq!(r.errors[1].line(), Some(2));
    }
}
