//! Lint: rules that load but do not do what their author likely meant. Findings are data; the
//! CLI's `lint` prints them and exits 1 on errors. See docs/rules.md ("Lint").

use crate::bundle::{PolicyBundle, TierRules};
use crate::error::PolicySource;
use crate::rules::{Rule, RuleEffect};
use crate::{Tier, constants};
use cedar_policy::{Policy, PolicyId, PolicySet, ValidationMode, Validator};
use serde::Serialize;
use serde_json::Value;
use std::str::FromStr;

string_enum! {
    /// How serious a finding is.
    ///
    /// ```
    /// assert_eq!(cedar_hitl_core::LintLevel::Error.as_str(), "error");
    /// ```
    LintLevel as "level" {
        /// A rule that can never match, or never take effect.
        Error => "error",
        /// A rule that likely does not do what it says.
        Warning => "warning",
        /// A rule that works but could be written more robustly.
        Hint => "hint",
    }
}

/// One lint finding, naming the rule, where it was written and what to do.
///
/// ```
/// use cedar_hitl_core::*;
/// let b = PolicyBundle::builder().blueprint_soft(r#"@tier("soft") @rule_id("q")
/// forbid (principal, action == Agent::Action::"execute_bash", resource) when { context.command like "rm -rf ?" };"#).build().unwrap();
/// let f = b.lint();
/// assert!(f.iter().any(|f| f.kind == "literal_question_mark" && f.rule_id == "q" && f.line == Some(1)));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct LintFinding {
    /// What was found: `never_matches`, `impossible_condition`, `literal_question_mark`,
    /// `timeout_above_task_default`, `annotation_on_hard_rule`, `shadowed_by_hard_rule`,
    /// `raw_command_like`.
    pub kind: String,
    /// How serious it is.
    pub level: LintLevel,
    /// The rule.
    pub rule_id: String,
    /// The tier the rule is in.
    pub tier: Tier,
    /// Where the rule came from (`blueprint_soft`, `extra_policies[0]`, …).
    #[serde(serialize_with = "source_text")]
    pub source: PolicySource,
    /// 1-based line within that input.
    pub line: Option<u32>,
    /// What is wrong and what to do.
    pub message: String,
}

fn source_text<S: serde::Serializer>(s: &PolicySource, ser: S) -> Result<S::Ok, S::Error> {
    ser.collect_str(s)
}

fn finding(kind: &str, level: LintLevel, tier: Tier, rule: &Rule, message: String) -> LintFinding {
    LintFinding {
        kind: kind.to_owned(),
        level,
        rule_id: rule.rule_id.clone(),
        tier,
        source: rule.source,
        line: rule.line,
        message,
    }
}

/// Walk every node of a policy's JSON form.
fn walk<'a>(v: &'a Value, f: &mut impl FnMut(&'a Value)) {
    f(v);
    match v {
        Value::Array(a) => a.iter().for_each(|x| walk(x, f)),
        Value::Object(o) => o.values().for_each(|x| walk(x, f)),
        _ => {}
    }
}

/// The facts a raw `context.command like` pattern most likely means.
fn fact_hint(pattern: &str) -> &'static str {
    let p = pattern.to_lowercase();
    if p.contains("rm ") {
        "context.effects.contains(\"fs.delete.recursive\") with context.path_classes"
    } else if p.contains("push") {
        "context.effects (git.push.force, git.push.protected, …) and context.refs"
    } else if p.contains("drop") || p.contains("truncate") {
        "context.effects.contains(\"sql.drop\")"
    } else if p.contains("curl") || p.contains("wget") {
        "context.program or context.effects.contains(\"pipe.to_shell\")"
    } else {
        "context.program, context.subcommand, context.flags or context.args"
    }
}

impl PolicyBundle {
    /// Lint the bundle's rules. Built-in rules are not linted (both profiles are kept clean by
    /// tests); blueprint and legacy rules are. `task_default_timeout_s` is the task default the
    /// rules will run under (timeouts above it never take effect).
    ///
    /// ```
    /// use cedar_hitl_core::*;
    /// assert!(PolicyBundle::builtin().lint().is_empty());
    /// let b = PolicyBundle::builder().blueprint_soft(r#"@tier("soft") @rule_id("never")
    /// forbid (principal, action == Agent::Action::"execute_bash", resource == Agent::BashCommand::"rm -rf /");"#).build().unwrap();
    /// assert_eq!(b.lint()[0].kind, "never_matches");
    /// assert_eq!(b.lint()[0].level, LintLevel::Error);
    /// ```
    pub fn lint(&self) -> Vec<LintFinding> {
        self.lint_with(constants().approval_timeout_s.default)
    }

    /// [`lint`](Self::lint) for sessions whose task default timeout is `task_default_timeout_s`.
    ///
    /// ```
    /// use cedar_hitl_core::*;
    /// let b = PolicyBundle::builder().blueprint_soft(r#"@tier("soft") @rule_id("slow") @approval_timeout_s("900")
    /// forbid (principal, action == Agent::Action::"execute_bash", resource) when { context.program == "terraform" };"#).build().unwrap();
    /// assert_eq!(b.lint_with(300)[0].kind, "timeout_above_task_default");
    /// assert!(b.lint_with(1200).is_empty());
    /// ```
    pub fn lint_with(&self, task_default_timeout_s: i64) -> Vec<LintFinding> {
        let mut out = Vec::new();
        let hard_conditions = conditions_of(&self.hard);
        for (tier, rules) in [(Tier::Hard, &self.hard), (Tier::Soft, &self.soft)] {
            let mut set = PolicySet::new();
            for r in rules
                .rules
                .iter()
                .filter(|r| r.source != PolicySource::BuiltIn && r.effect == RuleEffect::Forbid)
            {
                let Ok(p) = Policy::from_str(&r.text) else { continue };
                let json = p.to_json().unwrap_or(Value::Null);
                let _ = set.add(p.new_id(PolicyId::new(r.position.to_string())));
                lint_rule(tier, r, &json, task_default_timeout_s, &hard_conditions, &mut out);
            }
            // Cedar's own typechecker: conditions that are always false.
            let result = Validator::new(crate::bundle::schema().clone())
                .validate(&set, ValidationMode::Strict);
            for w in result.validation_warnings() {
                let text = w.to_string();
                let pos = rules.rules.iter().find(|r| {
                    text.contains(&format!("policy id `{}`", r.position))
                        || text.contains(&format!("`{}`", r.position))
                });
                if let Some(r) = pos {
                    out.push(finding(
                        "impossible_condition",
                        LintLevel::Error,
                        tier,
                        r,
                        format!("Cedar's typechecker says this rule can never apply: {text}"),
                    ));
                }
            }
        }
        out.sort_by(|a, b| {
            a.level
                .cmp(&b.level)
                .then(a.tier.as_str().cmp(b.tier.as_str()))
                .then(a.line.cmp(&b.line))
        });
        out
    }
}

/// Each hard forbid's scope and conditions, as JSON text, to find soft rules they shadow.
fn conditions_of(tier: &TierRules) -> Vec<String> {
    tier.rules
        .iter()
        .filter(|r| r.effect == RuleEffect::Forbid)
        .filter_map(|r| Policy::from_str(&r.text).ok()?.to_json().ok())
        .map(|j| json_condition(&j))
        .collect()
}

fn json_condition(j: &Value) -> String {
    format!("{}|{}|{}|{}", j["principal"], j["action"], j["resource"], j["conditions"])
}

fn lint_rule(
    tier: Tier,
    r: &Rule,
    json: &Value,
    task_default: i64,
    hard_conditions: &[String],
    out: &mut Vec<LintFinding>,
) {
    // Resource equality on the sentinel entities: commands and paths live in the context.
    let res = &json["resource"];
    if res["op"] == "==" {
        let ty = res["entity"]["type"].as_str().unwrap_or("");
        let id = res["entity"]["id"].as_str().unwrap_or("");
        let sentinel = match ty {
            "Agent::BashCommand" => Some("command"),
            "Agent::File" => Some("file"),
            _ => None,
        };
        if let Some(s) = sentinel.filter(|s| *s != id) {
            out.push(finding(
                "never_matches",
                LintLevel::Error,
                tier,
                r,
                format!("resource == {ty}::\"{id}\" never matches: every request's resource is {ty}::\"{s}\"; test context.command / context.file_path (or the facts) instead"),
            ));
        }
    }
    let mut likes: Vec<(String, String)> = Vec::new();
    walk(&json["conditions"], &mut |v| {
        if let Some(like) = v.get("like") {
            let attr = like["left"]["."]["attr"].as_str().unwrap_or("").to_owned();
            let mut pattern = String::new();
            for elem in like["pattern"].as_array().into_iter().flatten() {
                match elem.get("Literal").and_then(Value::as_str) {
                    Some(s) => pattern.push_str(s),
                    None => pattern.push('*'),
                }
            }
            likes.push((attr, pattern));
        }
    });
    for (attr, pattern) in &likes {
        if pattern.contains('?') {
            out.push(finding(
                "literal_question_mark",
                LintLevel::Warning,
                tier,
                r,
                format!("`?` in the like pattern \"{pattern}\" is a literal question mark in Cedar, not a one-character wildcard"),
            ));
        }
        if attr == "command" {
            out.push(finding(
                "raw_command_like",
                LintLevel::Hint,
                tier,
                r,
                format!("context.command like \"{pattern}\" depends on how the command is spelled; consider {}", fact_hint(pattern)),
            ));
        }
    }
    if tier == Tier::Soft {
        if let Some(t) = r.approval_timeout_s.filter(|t| i64::from(*t) > task_default) {
            out.push(finding(
                "timeout_above_task_default",
                LintLevel::Warning,
                tier,
                r,
                format!("@approval_timeout_s(\"{t}\") never takes effect: a rule can only shorten the task default ({task_default} s)"),
            ));
        }
        if hard_conditions.contains(&json_condition(json)) {
            out.push(finding("shadowed_by_hard_rule", LintLevel::Warning, tier, r, "a hard rule with the same scope and condition denies first; this soft rule can never gate".into()));
        }
    }
    if tier == Tier::Hard {
        for key in ["approval_timeout_s", "severity", "category"] {
            if json["annotations"].get(key).is_some() {
                out.push(finding(
                    "annotation_on_hard_rule",
                    LintLevel::Warning,
                    tier,
                    r,
                    format!("@{key} is ignored on hard rules (a hard match is an absolute DENY)"),
                ));
            }
        }
    }
}
