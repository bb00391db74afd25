//! Rules that carry their own examples: `@match("…")` lists calls the rule must match and
//! `@not_match("…")` calls it must not, one per line. At bundle build each example is evaluated
//! against that rule alone; a failing or malformed example refuses the bundle. See
//! docs/rules.md ("Examples").
//!
//! An example line is `[read_only ]TOOL: TEXT`: TEXT is the command for a shell tool, the path
//! for a write tool, or a JSON object (the tool input) for any tool.

use crate::bundle::{PolicyBundle, TierRules};
use crate::error::{LoadError, LoadErrorKind};
use crate::pipeline::{CallFacts, admit};
use crate::request::{RequestFacts, TierSlices, evaluate_tier};
use crate::rules::{Annotations, Rule, RuleEffect};
use crate::{JsonValue, Tier, ToolCall};
use cedar_policy::Policy;
use std::str::FromStr;

/// One example read from an annotation.
struct Example {
    read_only: bool,
    call: ToolCall,
    text: String,
}

fn parse_example(bundle: &PolicyBundle, line: &str) -> Result<Example, String> {
    let text = line.trim();
    let (read_only, rest) = match text.strip_prefix("read_only ") {
        Some(r) => (true, r.trim_start()),
        None => (false, text),
    };
    let Some((tool, arg)) = rest.split_once(':') else {
        return Err(format!("example {text:?} is not `TOOL: TEXT`"));
    };
    let (tool, arg) = (tool.trim(), arg.trim());
    if tool.is_empty() {
        return Err(format!("example {text:?} names no tool"));
    }
    let key =
        |tools: &[(String, String)]| tools.iter().find(|(t, _)| t == tool).map(|(_, k)| k.clone());
    let input: serde_json::Value = if arg.starts_with('{') {
        serde_json::from_str(arg)
            .map_err(|e| format!("example {text:?}: the tool input is not a JSON object: {e}"))?
    } else if let Some(k) = key(bundle.write_tools()).or_else(|| key(bundle.shell_tools())) {
        serde_json::json!({ k: arg })
    } else {
        return Err(format!(
            "example {text:?}: {tool} is neither a write nor a shell tool; give its input as a JSON object"
        ));
    };
    Ok(Example {
        read_only,
        call: ToolCall::new(tool, JsonValue::from(input)),
        text: text.to_owned(),
    })
}

/// Whether `rule` alone matches the example.
fn matches(
    bundle: &PolicyBundle,
    rule: &Rule,
    slices: &TierSlices,
    ex: &Example,
) -> Result<bool, String> {
    let classified =
        admit(bundle, &ex.call).map_err(|d| format!("example {:?}: {}", ex.text, d.reason()))?;
    let read = CallFacts::read(&classified);
    let subjects = read.subjects(&classified);
    let facts = RequestFacts {
        principal: "new_task",
        repo: "",
        read_only: ex.read_only,
        tool_name: ex.call.tool_name(),
    };
    let m = evaluate_tier(slices, &subjects, &facts, false)?;
    if let Some((_, e)) = m.errors.first() {
        return Err(format!("example {:?}: evaluation error: {e}", ex.text));
    }
    Ok(m.positions.contains(&rule.position))
}

/// Check every example of every rule of the bundle; one error per failing example. Built-in
/// rules' examples assume the default tool maps and are checked by the tests, not at every load
/// (a deployment may rename the write tools).
pub(crate) fn check(bundle: &PolicyBundle, include_builtins: bool) -> Vec<LoadError> {
    let mut out = Vec::new();
    for (tier, rules) in [(Tier::Hard, &bundle.hard), (Tier::Soft, &bundle.soft)] {
        check_tier(bundle, tier, rules, include_builtins, &mut out);
    }
    out
}

fn check_tier(
    bundle: &PolicyBundle,
    tier: Tier,
    rules: &TierRules,
    include_builtins: bool,
    out: &mut Vec<LoadError>,
) {
    let wanted = |r: &&Rule| {
        r.effect == RuleEffect::Forbid
            && (include_builtins || r.source != crate::PolicySource::BuiltIn)
    };
    for rule in rules.rules.iter().filter(wanted) {
        // Both annotation keys spell the identifier `match`, so a rule whose text lacks it has
        // no examples: skip its re-parse (most of a 64 KB blueprint's load time otherwise).
        if !rule.text.contains("match") {
            continue;
        }
        let Ok(policy) = Policy::from_str(&rule.text) else { continue };
        let ann = Annotations::of(&policy);
        let (wants, refuses) = (ann.get("match"), ann.get("not_match"));
        if wants.is_none() && refuses.is_none() {
            continue;
        }
        let slices = TierSlices::new(std::slice::from_ref(rule), std::slice::from_ref(&policy));
        let err = |field: &str, message: String| {
            LoadError::new(
                LoadErrorKind::Example,
                format!("{tier}-deny rule '{}': {message}", rule.rule_id),
            )
            .tier(tier)
            .rule(&rule.rule_id)
            .with_field(field)
            .at(rule.source, rule.line)
        };
        for (field, text, must) in [("match", wants, true), ("not_match", refuses, false)] {
            for line in text.unwrap_or("").lines().filter(|l| !l.trim().is_empty()) {
                match parse_example(bundle, line)
                    .and_then(|ex| matches(bundle, rule, &slices, &ex).map(|m| (m, ex)))
                {
                    Err(e) => out.push(err(field, e)),
                    Ok((m, ex)) if m != must => {
                        let verb = if must {
                            "must match but does not"
                        } else {
                            "must not match but does"
                        };
                        out.push(err(field, format!("example {:?} {verb}", ex.text)));
                    }
                    Ok(_) => {}
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::BuiltinProfile;

    #[test]
    fn builtin_rules_decide_their_own_examples() {
        let b = PolicyBundle::builtin();
        assert_eq!(check(&b, true), Vec::<LoadError>::new());
        let counted = b
            .rules()
            .iter()
            .filter(|r| r.source == crate::PolicySource::BuiltIn && r.effect == RuleEffect::Forbid)
            .count();
        let with_examples = b
            .rules()
            .iter()
            .filter(|r| r.text.contains("@match(") && r.text.contains("@not_match("))
            .count();
        assert_eq!(with_examples, counted, "every hardened built-in rule carries examples");
        // The upstream profile is byte-identical to upstream: no examples.
        let up = PolicyBundle::builder().builtins(BuiltinProfile::Upstream).build().unwrap();
        assert!(up.rules().iter().all(|r| !r.text.contains("@match(")));
    }
}
