//! Rules: one Cedar policy plus its annotations. Parsing and per-rule validation live here and
//! serve both bundle loading and the Lambda-side [`parse_rules`] helper, so "listed" and
//! "enforced" can never disagree about what a rule says.

use crate::error::{LoadError, LoadErrorKind, PolicySource};
use crate::wire::LoadWarning;
use crate::{Severity, Tier, constants};
use cedar_policy::{Effect, Policy, PolicySet};
use std::str::FromStr;

string_enum! {
    /// Whether a rule forbids or permits. Only `Forbid` rules can match; permits never change an
    /// outcome (the engine defines a match as "at least one satisfied forbid").
    ///
    /// ```
    /// assert_eq!(cedar_hitl_core::RuleEffect::Forbid.as_str(), "forbid");
    /// ```
    RuleEffect as "effect" {
        /// `permit (...)`
        Permit => "permit",
        /// `forbid (...)`
        Forbid => "forbid",
    }
}

/// Accessors kept from before `LoadWarning` became a record (its fields are public now).
impl LoadWarning {
    /// The tier of the rule.
    ///
    /// ```
    /// # use cedar_hitl_core::*;
    /// # let b = PolicyBundle::builder().blueprint_hard(r#"@tier("hard") @rule_id("h") @severity("high") forbid (principal, action == Agent::Action::"invoke_tool", resource == Agent::Tool::"X");"#).build().unwrap();
    /// assert_eq!(b.warnings()[0].tier(), Tier::Hard);
    /// ```
    pub fn tier(&self) -> Tier {
        self.tier
    }
    /// The rule id.
    ///
    /// ```
    /// # use cedar_hitl_core::*;
    /// # let b = PolicyBundle::builder().blueprint_hard(r#"@tier("hard") @rule_id("h") @severity("high") forbid (principal, action == Agent::Action::"invoke_tool", resource == Agent::Tool::"X");"#).build().unwrap();
    /// assert_eq!(b.warnings()[0].rule_id(), "h");
    /// ```
    pub fn rule_id(&self) -> &str {
        &self.rule_id
    }
    /// The annotation concerned.
    ///
    /// ```
    /// # use cedar_hitl_core::*;
    /// # let b = PolicyBundle::builder().blueprint_hard(r#"@tier("hard") @rule_id("h") @severity("high") forbid (principal, action == Agent::Action::"invoke_tool", resource == Agent::Tool::"X");"#).build().unwrap();
    /// assert_eq!(b.warnings()[0].field(), "severity");
    /// ```
    pub fn field(&self) -> &str {
        &self.field
    }
    /// Which input the rule came from.
    ///
    /// ```
    /// # use cedar_hitl_core::*;
    /// # let b = PolicyBundle::builder().blueprint_hard(r#"@tier("hard") @rule_id("h") @severity("high") forbid (principal, action == Agent::Action::"invoke_tool", resource == Agent::Tool::"X");"#).build().unwrap();
    /// assert_eq!(b.warnings()[0].source(), PolicySource::BlueprintHard);
    /// ```
    pub fn source(&self) -> PolicySource {
        self.source
    }
    /// 1-based line of the rule within its input.
    ///
    /// ```
    /// # use cedar_hitl_core::*;
    /// # let b = PolicyBundle::builder().blueprint_hard(r#"@tier("hard") @rule_id("h") @severity("high") forbid (principal, action == Agent::Action::"invoke_tool", resource == Agent::Tool::"X");"#).build().unwrap();
    /// assert_eq!(b.warnings()[0].line(), Some(1));
    /// ```
    pub fn line(&self) -> Option<u32> {
        self.line
    }
    /// The message.
    ///
    /// ```
    /// # use cedar_hitl_core::*;
    /// # let b = PolicyBundle::builder().blueprint_hard(r#"@tier("hard") @rule_id("h") @severity("high") forbid (principal, action == Agent::Action::"invoke_tool", resource == Agent::Tool::"X");"#).build().unwrap();
    /// assert!(b.warnings()[0].message().contains("ignored on hard rules"));
    /// ```
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl std::fmt::Display for LoadWarning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// One rule with its parsed annotations.
///
/// ```
/// let b = cedar_hitl_core::PolicyBundle::builtin();
/// let r = b.rules().into_iter().find(|r| r.rule_id() == "force_push_main").unwrap();
/// assert_eq!(r.policy_id(), "policy2");
/// assert_eq!(r.approval_timeout_s(), Some(600));
/// assert_eq!(r.category(), Some("destructive"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    pub(crate) policy_id: String,
    pub(crate) position: usize,
    pub(crate) rule_id: String,
    pub(crate) tier: Option<Tier>,
    pub(crate) effect: RuleEffect,
    pub(crate) severity: Option<Severity>,
    pub(crate) approval_timeout_s: Option<u32>,
    pub(crate) category: Option<String>,
    pub(crate) summary: String,
    /// The policy text as written (annotations included), for the fingerprint.
    pub(crate) text: String,
    pub(crate) source: PolicySource,
    pub(crate) line: Option<u32>,
}

impl Rule {
    /// Positional id within its tier (`policy0`, `policy1`, ... in text order).
    ///
    /// ```
    /// assert_eq!(cedar_hitl_core::PolicyBundle::builtin().rules()[0].policy_id(), "policy0");
    /// ```
    pub fn policy_id(&self) -> &str {
        &self.policy_id
    }
    /// The `@rule_id`.
    ///
    /// ```
    /// assert_eq!(cedar_hitl_core::PolicyBundle::builtin().rules()[0].rule_id(), "base_permit");
    /// ```
    pub fn rule_id(&self) -> &str {
        &self.rule_id
    }
    /// The `@tier` as annotated (`None` only for the exempt `base_permit`).
    ///
    /// ```
    /// assert_eq!(cedar_hitl_core::PolicyBundle::builtin().rules()[0].tier(), None);
    /// ```
    pub fn tier(&self) -> Option<Tier> {
        self.tier
    }
    /// Permit or forbid.
    ///
    /// ```
    /// use cedar_hitl_core::RuleEffect;
    /// assert_eq!(cedar_hitl_core::PolicyBundle::builtin().rules()[1].effect(), RuleEffect::Forbid);
    /// ```
    pub fn effect(&self) -> RuleEffect {
        self.effect
    }
    /// `@severity` (soft rules; `None` when absent or empty, which counts as medium).
    ///
    /// ```
    /// let b = cedar_hitl_core::PolicyBundle::builtin();
    /// assert_eq!(b.rules()[1].severity(), None); // read_only_forbid_write is hard
    /// ```
    pub fn severity(&self) -> Option<Severity> {
        self.severity
    }
    /// `@approval_timeout_s` in seconds (soft rules).
    ///
    /// ```
    /// assert_eq!(cedar_hitl_core::PolicyBundle::builtin().rules()[1].approval_timeout_s(), None);
    /// ```
    pub fn approval_timeout_s(&self) -> Option<u32> {
        self.approval_timeout_s
    }
    /// `@category` (free-form).
    ///
    /// ```
    /// assert_eq!(cedar_hitl_core::PolicyBundle::builtin().rules()[0].category(), None);
    /// ```
    pub fn category(&self) -> Option<&str> {
        self.category.as_deref()
    }
    /// `@summary`, else the policy text (annotations dropped, whitespace collapsed), capped at
    /// 160 characters.
    ///
    /// ```
    /// let b = cedar_hitl_core::PolicyBundle::builtin();
    /// assert!(b.rules()[5].summary().contains("fs.delete.recursive"));
    /// ```
    pub fn summary(&self) -> &str {
        &self.summary
    }
    /// Which input the rule came from.
    ///
    /// ```
    /// use cedar_hitl_core::PolicySource;
    /// assert_eq!(cedar_hitl_core::PolicyBundle::builtin().rules()[0].source(), PolicySource::BuiltIn);
    /// ```
    pub fn source(&self) -> PolicySource {
        self.source
    }
    /// 1-based line of the rule within its input.
    ///
    /// ```
    /// assert!(cedar_hitl_core::PolicyBundle::builtin().rules()[0].line().is_some());
    /// ```
    pub fn line(&self) -> Option<u32> {
        self.line
    }
    /// Whether this is the exempt unconditional `base_permit`.
    ///
    /// ```
    /// assert!(cedar_hitl_core::PolicyBundle::builtin().rules()[0].is_base_permit());
    /// ```
    pub fn is_base_permit(&self) -> bool {
        self.tier.is_none() && self.rule_id == "base_permit" && self.effect == RuleEffect::Permit
    }
}

/// A policy split out of some input text, before its annotations are checked.
#[derive(Debug, Clone)]
pub(crate) struct RawPolicy {
    pub policy: Policy,
    pub text: String,
    pub source: PolicySource,
    pub line: Option<u32>,
}

/// Split `text` into its policies in text order, each with its 1-based line.
pub(crate) fn split_policies(
    text: &str,
    source: PolicySource,
) -> Result<Vec<RawPolicy>, LoadError> {
    if text.trim().is_empty() {
        return Ok(Vec::new());
    }
    let set = PolicySet::from_str(text).map_err(|e| {
        LoadError::new(
            LoadErrorKind::Parse,
            format!("Cedar policy parse failed: {}", flatten(&e.to_string())),
        )
        .at(source, None)
    })?;
    if set.templates().next().is_some() {
        return Err(LoadError::new(
            LoadErrorKind::Parse,
            "Cedar policy parse failed: templates (?principal / ?resource slots) are not supported",
        )
        .at(source, None));
    }
    // Cedar numbers parsed policies policy0, policy1, ... in text order; iteration order is not
    // guaranteed, so sort by that number.
    let mut policies: Vec<(usize, Policy)> = set
        .policies()
        .map(|p| {
            (
                p.id()
                    .to_string()
                    .trim_start_matches("policy")
                    .parse::<usize>()
                    .unwrap_or(usize::MAX),
                p.clone(),
            )
        })
        .collect();
    policies.sort_by_key(|(n, _)| *n);
    // Line numbers are counted incrementally: only the text since the previous policy is
    // scanned, so the whole pass is linear in the text.
    let mut cursor = 0;
    let (mut counted_to, mut line_no) = (0usize, 1u32);
    Ok(policies
        .into_iter()
        .map(|(_, policy)| {
            let ptext = policy.to_string();
            let line = text[cursor..].find(&ptext).map(|off| {
                let start = cursor + off;
                cursor = start + ptext.len();
                line_no +=
                    text.as_bytes()[counted_to..start].iter().filter(|&&b| b == b'\n').count()
                        as u32;
                counted_to = start;
                line_no
            });
            RawPolicy { policy, text: ptext, source, line }
        })
        .collect())
}

fn flatten(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A policy's annotations, read once: `Policy::annotation(key)` parses `key` with the Cedar
/// parser on every call, which dominated bundle load time.
pub(crate) struct Annotations<'a>(Vec<(&'a str, &'a str)>);

impl<'a> Annotations<'a> {
    pub fn of(p: &'a Policy) -> Self {
        Self(p.annotations().collect())
    }

    /// The value; a bare annotation (`@tier`) or an empty value reads as absent.
    pub fn get(&self, key: &str) -> Option<&'a str> {
        self.0.iter().find(|(k, _)| *k == key).map(|(_, v)| *v).filter(|v| !v.is_empty())
    }

    /// Whether the key is present at all (even bare).
    pub fn has(&self, key: &str) -> bool {
        self.0.iter().any(|(k, _)| *k == key)
    }
}

/// Whether `id` is an acceptable rule id: `^[A-Za-z0-9_.-]{1,128}$`.
///
/// ```
/// use cedar_hitl_core::is_well_formed_rule_id;
/// assert!(is_well_formed_rule_id("force_push_any"));
/// assert!(!is_well_formed_rule_id("a, b"));
/// ```
pub fn is_well_formed_rule_id(id: &str) -> bool {
    !id.is_empty()
        && id.chars().count() <= constants().rule_id_max_chars
        && id.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
}

/// Parse an integer written with ASCII digits only (no sign, no spaces, no underscores).
pub(crate) fn parse_strict_int(raw: &str) -> Option<i64> {
    if raw.is_empty() || raw.len() > 18 || !raw.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    raw.parse().ok()
}

/// Drop leading annotations (`@name` or `@name("value")`, escapes honoured) from policy text.
fn strip_annotations(mut text: &str) -> &str {
    loop {
        text = text.trim_start();
        let Some(rest) = text.strip_prefix('@') else { return text };
        let name_len =
            rest.find(|c: char| !(c.is_alphanumeric() || c == '_')).unwrap_or(rest.len());
        let after = rest[name_len..].trim_start();
        let Some(args) = after.strip_prefix('(') else {
            text = after;
            continue;
        };
        // Skip a string literal, then the closing parenthesis.
        let mut chars = args.char_indices();
        let mut in_string = false;
        let mut end = args.len();
        while let Some((i, c)) = chars.next() {
            match c {
                '\\' if in_string => {
                    chars.next();
                }
                '"' => in_string = !in_string,
                ')' if !in_string => {
                    end = i + 1;
                    break;
                }
                _ => {}
            }
        }
        text = &args[end..];
    }
}

fn summary_of(p: &RawPolicy, ann: &Annotations<'_>) -> String {
    let max = constants().rule_summary_max_chars;
    let text = match ann.get("summary") {
        Some(s) => flatten(s),
        None => {
            // The rule itself: comments and annotations dropped, whitespace collapsed.
            let body: String = p
                .text
                .lines()
                .map(|l| l.split("//").next().unwrap_or(""))
                .collect::<Vec<_>>()
                .join(" ");
            flatten(strip_annotations(&body))
        }
    };
    crate::text::truncate(&text, max)
}

/// Collects problems while rules are read, so `check` can report all of them.
pub(crate) struct Findings {
    pub errors: Vec<LoadError>,
    pub warnings: Vec<LoadWarning>,
}

/// Read one policy's annotations. `tier` is the file it lives in (`None` for free-standing text,
/// as in [`parse_rules`]); `prefix` starts every error message.
pub(crate) fn read_rule(
    raw: &RawPolicy,
    position: usize,
    file_tier: Option<Tier>,
    prefix: &str,
    found: &mut Findings,
) -> Option<Rule> {
    let p = &raw.policy;
    let ann = Annotations::of(p);
    let pid = format!("policy{position}");
    let effect = if p.effect() == Effect::Permit { RuleEffect::Permit } else { RuleEffect::Forbid };
    let rule_id = ann.get("rule_id");
    let tier_text = ann.get("tier");
    let where_ = match raw.line {
        Some(l) => format!("{}:{l}", raw.source),
        None => raw.source.to_string(),
    };
    let err = |found: &mut Findings, id: &str, field: &str, msg: String| {
        found.errors.push(
            LoadError::new(LoadErrorKind::Annotation, format!("{prefix}{where_}: {msg}"))
                .rule(id)
                .with_field(field)
                .at(raw.source, raw.line),
        );
    };
    let mut rule = Rule {
        policy_id: pid.clone(),
        position,
        rule_id: rule_id.unwrap_or(&pid).to_owned(),
        tier: None,
        effect,
        severity: None,
        approval_timeout_s: None,
        category: ann.get("category").map(str::to_owned),
        summary: summary_of(raw, &ann),
        text: raw.text.clone(),
        source: raw.source,
        line: raw.line,
    };
    if rule_id == Some("base_permit") && tier_text.is_none() && effect == RuleEffect::Permit {
        return Some(rule);
    }
    let shown = rule.rule_id.clone();
    let tier = match tier_text {
        None => {
            err(
                found,
                &shown,
                "tier",
                format!(
                    "policy '{shown}' missing @tier annotation; allowed: @tier(\"hard\") or @tier(\"soft\")"
                ),
            );
            return None;
        }
        Some(t) => match Tier::from_str(t) {
            Ok(t) => t,
            Err(_) => {
                err(
                    found,
                    &shown,
                    "tier",
                    format!("policy '{shown}' has @tier('{t}'); allowed: hard, soft"),
                );
                return None;
            }
        },
    };
    if let Some(expected) = file_tier
        && tier != expected
    {
        err(
            found,
            &shown,
            "tier",
            format!("policy '{shown}' has @tier('{tier}') but lives in the '{expected}' file"),
        );
        return None;
    }
    rule.tier = Some(tier);
    let Some(id) = rule_id else {
        err(found, &pid, "rule_id", format!("policy '{pid}' missing @rule_id annotation"));
        return None;
    };
    if !is_well_formed_rule_id(id) {
        err(
            found,
            id,
            "rule_id",
            format!("rule id '{id}' is invalid; allowed: 1 to 128 of A-Z a-z 0-9 _ . -"),
        );
        return None;
    }
    let bounds = constants().approval_timeout_s;
    let mut ok = true;
    let timeout = ann.get("approval_timeout_s");
    let severity = ann.get("severity");
    let warn = |found: &mut Findings, field: &str, message: String| {
        found.warnings.push(LoadWarning {
            tier,
            rule_id: id.to_owned(),
            field: field.to_owned(),
            source: raw.source,
            line: raw.line,
            message: format!("{where_}: {message}"),
        })
    };
    if tier == Tier::Hard {
        for (field, present) in [
            ("approval_timeout_s", timeout.is_some()),
            ("severity", severity.is_some()),
            ("category", rule.category.is_some()),
        ] {
            if present {
                warn(
                    found,
                    field,
                    format!(
                        "rule '{id}': @{field} is ignored on hard rules (a hard match always denies)"
                    ),
                );
            }
        }
        return Some(rule);
    }
    if let Some(raw_t) = timeout {
        match parse_strict_int(raw_t) {
            None => {
                err(
                    found,
                    id,
                    "approval_timeout_s",
                    format!(
                        "rule '{id}': @approval_timeout_s must be an integer written with ASCII digits in [{}, {}], got '{raw_t}'",
                        bounds.min, bounds.max
                    ),
                );
                ok = false;
            }
            Some(n) if n < bounds.min => {
                err(
                    found,
                    id,
                    "approval_timeout_s",
                    format!(
                        "rule '{id}' has @approval_timeout_s({n}) below floor {}s; allowed: integers in [{}, {}]",
                        bounds.min, bounds.min, bounds.max
                    ),
                );
                ok = false;
            }
            Some(n) if n > bounds.max => {
                err(
                    found,
                    id,
                    "approval_timeout_s",
                    format!(
                        "rule '{id}' has @approval_timeout_s({n}) above maximum {}s; allowed: integers in [{}, {}]",
                        bounds.max, bounds.min, bounds.max
                    ),
                );
                ok = false;
            }
            Some(n) => {
                if n < constants().warn_timeout_s {
                    warn(
                        found,
                        "approval_timeout_s",
                        format!(
                            "rule '{id}' has @approval_timeout_s({n}), below {}s: reviewers may not see the gate in time",
                            constants().warn_timeout_s
                        ),
                    );
                }
                rule.approval_timeout_s = Some(n as u32);
            }
        }
    }
    if let Some(s) = severity {
        match Severity::from_str(s) {
            Ok(s) => rule.severity = Some(s),
            Err(_) => {
                err(
                    found,
                    id,
                    "severity",
                    format!("rule '{id}' has @severity('{s}'); allowed: low, medium, high"),
                );
                ok = false;
            }
        }
    }
    ok.then_some(rule)
}

/// Parse free-standing rule text (hard and soft rules mixed), as the Lambda listing does.
///
/// Every policy gets a positional id (`policy<i>`, counting skipped `base_permit`s so ids align
/// with Cedar's). Each rule is checked exactly as at bundle load — strict integer timeouts in
/// [30, 3600], severities, rule-id charset, duplicate ids — and the first problem is returned.
/// The exempt `base_permit` (a permit without `@tier`) is skipped.
///
/// ```
/// let rules = cedar_hitl_core::parse_rules(cedar_hitl_core::BUILTIN_SOFT_DENY_POLICIES).unwrap();
/// assert_eq!(rules[0].rule_id(), "force_push_any");
/// assert_eq!(rules[0].policy_id(), "policy1");
/// assert!(cedar_hitl_core::parse_rules("@tier(\"soft\") @rule_id(\"x\") @approval_timeout_s(\"300abc\") forbid (principal, action, resource);").is_err());
/// ```
pub fn parse_rules(text: &str) -> Result<Vec<Rule>, LoadError> {
    let raws = split_policies(text, PolicySource::Text)?;
    let mut found = Findings { errors: Vec::new(), warnings: Vec::new() };
    let mut rules = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (i, raw) in raws.iter().enumerate() {
        if let Some(rule) = read_rule(raw, i, None, "", &mut found) {
            if rule.is_base_permit() {
                continue;
            }
            if !seen.insert(rule.rule_id.clone()) {
                return Err(LoadError::new(
                    LoadErrorKind::DuplicateRuleId,
                    format!("duplicate @rule_id '{}'", rule.rule_id),
                )
                .rule(&rule.rule_id)
                .with_field("rule_id"));
            }
            rules.push(rule);
        }
        if let Some(e) = found.errors.drain(..).next() {
            return Err(e);
        }
    }
    Ok(rules)
}

/// What [`matching_rule_ids`] and [`is_valid_rule_id`] read of a rule: its positional id and its
/// `@rule_id`. Implemented by [`Rule`] and by `(policy_id, rule_id)` pairs, so rules described
/// elsewhere (the upstream Lambda helpers' plain objects) are looked up by the same code.
///
/// ```
/// use cedar_hitl_core::RuleIds;
/// let pair = ("policy0".to_string(), "rm_slash".to_string());
/// assert_eq!((pair.policy_id(), pair.rule_id()), ("policy0", "rm_slash"));
/// ```
pub trait RuleIds {
    /// Positional id (`policy3`).
    fn policy_id(&self) -> &str;
    /// The `@rule_id`.
    fn rule_id(&self) -> &str;
}

impl RuleIds for Rule {
    fn policy_id(&self) -> &str {
        &self.policy_id
    }
    fn rule_id(&self) -> &str {
        &self.rule_id
    }
}

impl RuleIds for (String, String) {
    fn policy_id(&self) -> &str {
        &self.0
    }
    fn rule_id(&self) -> &str {
        &self.1
    }
}

/// Map positional ids (`policy3`) to rule ids, keeping input order and dropping unknown ids.
///
/// ```
/// let rules = cedar_hitl_core::parse_rules(cedar_hitl_core::BUILTIN_HARD_DENY_POLICIES).unwrap();
/// assert_eq!(cedar_hitl_core::matching_rule_ids(&rules, &["policy5", "policy99"]), ["rm_slash"]);
/// ```
pub fn matching_rule_ids<R: RuleIds, S: AsRef<str>>(rules: &[R], policy_ids: &[S]) -> Vec<String> {
    policy_ids
        .iter()
        .filter_map(|pid| {
            rules.iter().find(|r| r.policy_id() == pid.as_ref()).map(|r| r.rule_id().to_owned())
        })
        .collect()
}

/// Whether `rule_id` names a rule of any tier in `rules`.
///
/// ```
/// let rules = cedar_hitl_core::parse_rules(cedar_hitl_core::BUILTIN_SOFT_DENY_POLICIES).unwrap();
/// assert!(cedar_hitl_core::is_valid_rule_id(&rules, "write_env_files"));
/// assert!(!cedar_hitl_core::is_valid_rule_id(&rules, "base_permit"));
/// ```
pub fn is_valid_rule_id<R: RuleIds>(rules: &[R], rule_id: &str) -> bool {
    rules.iter().any(|r| r.rule_id() == rule_id)
}

/// Whether `text` holds a hard rule with id `rule_id` (false when the text does not parse).
///
/// ```
/// use cedar_hitl_core::{is_hard_deny_rule, BUILTIN_HARD_DENY_POLICIES};
/// assert!(is_hard_deny_rule(BUILTIN_HARD_DENY_POLICIES, "rm_slash"));
/// assert!(!is_hard_deny_rule(BUILTIN_HARD_DENY_POLICIES, "force_push_any"));
/// ```
pub fn is_hard_deny_rule(text: &str, rule_id: &str) -> bool {
    parse_rules(text)
        .map(|rules| rules.iter().any(|r| r.rule_id == rule_id && r.tier == Some(Tier::Hard)))
        .unwrap_or(false)
}

/// Join built-in and blueprint text the way tiers are assembled: a blank side is dropped,
/// otherwise `builtin + "\n" + blueprint`.
///
/// ```
/// assert_eq!(cedar_hitl_core::concat_policies("a", "  "), "a");
/// assert_eq!(cedar_hitl_core::concat_policies("a", "b"), "a\nb");
/// ```
pub fn concat_policies(builtin: &str, blueprint: &str) -> String {
    match (builtin.trim().is_empty(), blueprint.trim().is_empty()) {
        (_, true) => builtin.to_owned(),
        (true, false) => blueprint.to_owned(),
        (false, false) => format!("{builtin}\n{blueprint}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strict_integers_only() {
        for bad in ["3_00", "+300", "٣٠٠", "300.0", " 300", "", "-5", "300abc"] {
            assert_eq!(parse_strict_int(bad), None, "{bad:?}");
        }
        assert_eq!(parse_strict_int("0300"), Some(300));
    }

    #[test]
    fn split_reports_lines_in_text_order() {
        let text = "// c\n@rule_id(\"a\")\npermit (principal, action, resource);\n\n@rule_id(\"b\")\nforbid (principal, action, resource);\n";
        let raws = split_policies(text, PolicySource::BlueprintSoft).unwrap();
        assert_eq!(raws.iter().map(|r| r.line).collect::<Vec<_>>(), [Some(2), Some(5)]);
    }

    #[test]
    fn parse_rules_positional_ids_count_skipped_base_permit() {
        let rules = parse_rules(crate::BUILTIN_HARD_DENY_POLICIES).unwrap();
        let ids: Vec<_> =
            rules.iter().map(|r| (r.policy_id.as_str(), r.rule_id.as_str())).collect();
        assert_eq!(ids[0], ("policy1", "read_only_forbid_write"));
        assert_eq!(ids.last().unwrap(), &("policy7", "drop_table"));
        let rules = parse_rules(crate::UPSTREAM_HARD_DENY_POLICIES).unwrap();
        assert_eq!((rules.last().unwrap().policy_id.as_str(), rules.len()), ("policy6", 6));
    }

    #[test]
    fn summaries_skip_annotations_even_when_they_mention_effects() {
        let rules = parse_rules(crate::UPSTREAM_HARD_DENY_POLICIES).unwrap();
        assert!(
            rules[0]
                .summary()
                .starts_with("forbid (principal, action == Agent::Action::\"invoke_tool\""),
            "{}",
            rules[0].summary()
        );
        assert_eq!(rules[0].source(), PolicySource::Text);
        assert_eq!(strip_annotations(r#"@a @b("x \") forbid (") @c("") permit (p)"#), "permit (p)");
    }

    #[test]
    fn parse_rules_exempts_only_permit_base_permit() {
        let err = parse_rules("@rule_id(\"base_permit\") forbid (principal, action, resource);")
            .unwrap_err();
        assert_eq!(err.field(), Some("tier"));
    }
}
