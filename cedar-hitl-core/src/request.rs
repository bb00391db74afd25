//! Tool call → Cedar requests. Entity UIDs are built structurally (any id string is legal and
//! exact), contexts from typed values, and each tier is pre-split by action so a call only
//! evaluates policies whose action scope can match (Cedar has no policy index).

use crate::like::{LikeCond, fast_condition};
use crate::prefilter::{FactView, GuardFacts, Prefilter, policy_guard};
use crate::rules::Rule;
use crate::shell::{PathFacts, SimpleCommand};
use cedar_policy::{
    ActionConstraint, Authorizer, Context, Entities, EntityId, EntityTypeName, EntityUid, Policy,
    PolicyId, PolicySet, Request, ResourceConstraint,
};
use cedar_policy_core::ast;
use std::collections::{BTreeMap, HashMap};
use std::str::FromStr;
use std::sync::Arc;
use std::sync::OnceLock;

/// The three Cedar actions a tool call can trigger.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Action {
    InvokeTool = 0,
    WriteFile = 1,
    ExecuteBash = 2,
}

impl Action {
    pub const ALL: [Action; 3] = [Action::InvokeTool, Action::WriteFile, Action::ExecuteBash];

    pub fn name(self) -> &'static str {
        match self {
            Action::InvokeTool => "invoke_tool",
            Action::WriteFile => "write_file",
            Action::ExecuteBash => "execute_bash",
        }
    }
}

/// The Cedar schema every tier is validated against (docs/behaviour.md#differences-from-upstream).
pub(crate) const AGENT_SCHEMA: &str = r#"
namespace Agent {
  entity TaskAgent;
  entity Tool;
  entity File;
  entity BashCommand;
  action invoke_tool appliesTo {
    principal: [TaskAgent], resource: [Tool],
    context: { task_type: String, repo: String, read_only: Bool }
  };
  action write_file appliesTo {
    principal: [TaskAgent], resource: [File],
    context: {
      task_type: String, repo: String, read_only: Bool, file_path: String,
      tool: String, via: String, path: String, path_lower: String, basename: String,
      basename_lower: String, extension: String, components: Set<String>, path_classes: Set<String>
    }
  };
  action execute_bash appliesTo {
    principal: [TaskAgent], resource: [BashCommand],
    context: {
      task_type: String, repo: String, read_only: Bool, command: String,
      program: String, subcommand: String, args: Set<String>, flags: Set<String>,
      positionals: Set<String>, paths: Set<String>, path_classes: Set<String>, effects: Set<String>,
      refs: Set<String>, wrappers: Set<String>, assignments: Set<String>, dynamic: Bool, opaque: Bool, normalized: String
    }
  };
}
"#;

struct Names {
    principal: EntityTypeName,
    tool: EntityTypeName,
    actions: [EntityUid; 3],
    file: EntityUid,
    command: EntityUid,
    entities: Entities,
}

fn names() -> &'static Names {
    static N: OnceLock<Names> = OnceLock::new();
    N.get_or_init(|| {
        let ty = |s: &str| EntityTypeName::from_str(s).expect("static entity type name");
        let uid = |t: &str, id: &str| EntityUid::from_type_name_and_id(ty(t), EntityId::new(id));
        Names {
            principal: ty("Agent::TaskAgent"),
            tool: ty("Agent::Tool"),
            actions: Action::ALL.map(|a| uid("Agent::Action", a.name())),
            file: uid("Agent::File", "file"),
            command: uid("Agent::BashCommand", "command"),
            entities: Entities::empty(),
        }
    })
}

/// One tier's forbid policies, sliced by the action their scope can match, and for `invoke_tool`
/// also by the tool their resource scope names.
#[derive(Debug, Clone)]
pub(crate) struct TierSlices {
    slices: [IndexedSet; 3],
    /// `invoke_tool` policies for one named tool: the tool-agnostic ones plus that tool's own.
    /// Tools no policy names use `slices[InvokeTool]`, which holds only tool-agnostic policies.
    by_tool: HashMap<String, IndexedSet>,
}

/// The policies of one slice: as one set, one set per policy, a candidate index, and the
/// conditions the engine decides without Cedar.
#[derive(Debug, Clone, Default)]
struct IndexedSet {
    all: PolicySet,
    singles: Vec<PolicySet>,
    prefilter: Prefilter,
    /// Per policy: its pure-`like` condition ([`crate::like`]), when it has one.
    fast: Vec<Option<LikeCond>>,
    /// Per policy: its rule position (the policy id).
    positions: Vec<usize>,
}

/// What a slice needs for one request: positions already decided as matched, and the sets
/// Cedar must still evaluate.
struct Plan<'a> {
    matched: Vec<usize>,
    sets: Vec<&'a PolicySet>,
}

/// The part of a plan that depends only on a request's strings (the same for every simple
/// command of a call): positions matched by pure-`like` conditions, and the other candidates.
struct TextPlan {
    matched: Vec<usize>,
    rest: Vec<usize>,
}

impl IndexedSet {
    fn new(policies: &[Policy]) -> Self {
        let mut all = PolicySet::new();
        let mut singles = Vec::with_capacity(policies.len());
        for p in policies {
            all.add(p.clone()).expect("positions are unique within a tier");
            let mut one = PolicySet::new();
            one.add(p.clone()).expect("a fresh set accepts one policy");
            singles.push(one);
        }
        let guards: Vec<_> = policies.iter().map(policy_guard).collect();
        Self {
            all,
            singles,
            prefilter: Prefilter::new(&guards),
            fast: policies.iter().map(fast_condition).collect(),
            positions: policies
                .iter()
                .map(|p| p.id().to_string().parse::<usize>().unwrap_or(usize::MAX))
                .collect(),
        }
    }

    /// What a request's strings settle: candidates with a pure-`like` condition are decided
    /// here, the other string-guarded candidates are left for Cedar.
    fn plan_text(&self, facts: &GuardFacts<'_>) -> TextPlan {
        let mut matched = Vec::new();
        let mut rest = Vec::new();
        for i in self.prefilter.candidates(facts) {
            match self.fast.get(i).and_then(|c| c.as_ref()).and_then(|c| c.eval(&facts.attrs)) {
                Some(true) => matched.push(self.positions[i]),
                Some(false) => {}
                None => rest.push(i),
            }
        }
        TextPlan { matched, rest }
    }

    /// What a request needs: the text plan's answers, plus the fact-guarded candidates; Cedar
    /// sees none when none is left, single policies when only a few are, else the whole slice
    /// (a policy decided here and again by Cedar gets the same answer).
    fn plan(&self, text: &TextPlan, facts: &FactView<'_>) -> Plan<'_> {
        let mut rest = self.prefilter.fact_candidates(facts);
        if rest.is_empty() {
            rest.clone_from(&text.rest);
        } else {
            rest.extend(&text.rest);
            rest.sort_unstable();
            rest.dedup();
        }
        let sets = if rest.len() > 2 && rest.len() * 2 > self.prefilter.len() {
            vec![&self.all]
        } else {
            rest.into_iter().map(|i| &self.singles[i]).collect()
        };
        Plan { matched: text.matched.clone(), sets }
    }
}

/// Which `invoke_tool` requests a policy's resource scope can match. The resource of such a
/// request is always `Agent::Tool::"<name>"` and there is no entity hierarchy, so `==` and `in`
/// both mean "this exact tool".
enum ToolScope {
    AnyTool,
    Only(String),
    NoTool,
}

fn tool_scope(policy: &Policy) -> ToolScope {
    let n = names();
    let named = |uid: &EntityUid| {
        if *uid.type_name() == n.tool {
            ToolScope::Only(uid.id().unescaped().to_owned())
        } else {
            ToolScope::NoTool
        }
    };
    match policy.resource_constraint() {
        ResourceConstraint::Eq(uid) | ResourceConstraint::In(uid) => named(&uid),
        _ => ToolScope::AnyTool,
    }
}

impl TierSlices {
    /// Slice `rules`/`policies` (same order, positional). Permits are left out: a match is "at
    /// least one satisfied forbid", so permits can never change an outcome.
    pub fn new(rules: &[Rule], policies: &[Policy]) -> Self {
        let n = names();
        let mut slices: [Vec<Policy>; 3] = Default::default();
        let mut tool_specific: Vec<(String, Policy)> = Vec::new();
        for (rule, policy) in rules.iter().zip(policies) {
            if rule.effect != crate::RuleEffect::Forbid {
                continue;
            }
            let applies = |a: Action| match policy.action_constraint() {
                ActionConstraint::Any => true,
                ActionConstraint::Eq(uid) => uid == n.actions[a as usize],
                // Actions have no hierarchy here (no action entities), so `in` is membership.
                ActionConstraint::In(uids) => uids.contains(&n.actions[a as usize]),
            };
            for a in Action::ALL {
                if !applies(a) {
                    continue;
                }
                let p = policy.new_id(PolicyId::new(rule.position.to_string()));
                if a == Action::InvokeTool {
                    match tool_scope(policy) {
                        ToolScope::AnyTool => {}
                        ToolScope::Only(tool) => {
                            tool_specific.push((tool, p));
                            continue;
                        }
                        ToolScope::NoTool => continue,
                    }
                }
                slices[a as usize].push(p);
            }
        }
        let mut per_tool: HashMap<String, Vec<Policy>> = HashMap::new();
        for (tool, p) in tool_specific {
            per_tool
                .entry(tool)
                .or_insert_with(|| slices[Action::InvokeTool as usize].clone())
                .push(p);
        }
        let by_tool = per_tool
            .into_iter()
            .map(|(tool, mut ps)| {
                // Keep positional order so single-policy sets line up with rule positions.
                ps.sort_by_key(|p| p.id().to_string().parse::<usize>().unwrap_or(usize::MAX));
                (tool, IndexedSet::new(&ps))
            })
            .collect();
        Self { slices: slices.map(|ps| IndexedSet::new(&ps)), by_tool }
    }

    fn set_for(&self, action: Action, tool_name: &str) -> &IndexedSet {
        match action {
            Action::InvokeTool => {
                self.by_tool.get(tool_name).unwrap_or(&self.slices[Action::InvokeTool as usize])
            }
            other => &self.slices[other as usize],
        }
    }

    /// Number of policies that can apply to `action` for `tool_name`.
    #[cfg(test)]
    pub fn len(&self, action: Action, tool_name: &str) -> usize {
        self.set_for(action, tool_name).all.policies().count()
    }
}

/// The attributes every evaluation of one call shares.
pub(crate) struct RequestFacts<'a> {
    pub principal: &'a str,
    pub repo: &'a str,
    pub read_only: bool,
    pub tool_name: &'a str,
}

/// One Cedar evaluation of a call: the tool itself, one simple command of a shell call, or one
/// file a call writes (a write tool's path or a shell write target).
#[derive(Debug, Clone, Copy)]
pub(crate) enum Subject<'a> {
    Tool,
    Bash { command: &'a str, unit: &'a SimpleCommand },
    Write { file_path: &'a str, facts: &'a PathFacts, via: &'a str },
}

impl Subject<'_> {
    pub fn action(&self) -> Action {
        match self {
            Subject::Tool => Action::InvokeTool,
            Subject::Bash { .. } => Action::ExecuteBash,
            Subject::Write { .. } => Action::WriteFile,
        }
    }
}

/// Receives a request's context attributes as typed values. The attribute list is written once
/// (`context_attributes`); the engine builds Cedar values from it, and a test builds Cedar
/// restricted expressions from it to prove both give the same context.
pub(crate) trait ContextSink<'a> {
    fn text(&mut self, key: &'static str, value: &'a str);
    fn set(&mut self, key: &'static str, values: impl Iterator<Item = &'a String>);
    fn flag(&mut self, key: &'static str, value: bool);
}

/// Every context attribute of one evaluation (docs/rules.md lists them for rule authors).
pub(crate) fn context_attributes<'a>(
    subject: &Subject<'a>,
    f: &RequestFacts<'a>,
    out: &mut impl ContextSink<'a>,
) {
    out.text("task_type", f.principal);
    out.text("repo", f.repo);
    out.flag("read_only", f.read_only);
    match *subject {
        Subject::Tool => {}
        Subject::Write { file_path, facts, via } => {
            out.text("file_path", file_path);
            out.text("tool", f.tool_name);
            out.text("via", via);
            for (key, value) in [
                ("path", &facts.path),
                ("path_lower", &facts.path_lower),
                ("basename", &facts.basename),
                ("basename_lower", &facts.basename_lower),
                ("extension", &facts.extension),
            ] {
                out.text(key, value);
            }
            out.set("components", facts.components.iter());
            out.set("path_classes", facts.classes.iter());
        }
        Subject::Bash { command, unit } => {
            out.text("command", command);
            out.text("program", &unit.program);
            out.text("subcommand", &unit.subcommand);
            out.set("args", unit.argv.iter().skip(1));
            out.set("flags", unit.flags.iter());
            out.set("positionals", unit.positionals.iter());
            out.set("paths", unit.paths.iter());
            out.set("path_classes", unit.path_classes.iter());
            out.set("effects", unit.effects.iter());
            out.set("refs", unit.refs.iter());
            out.set("wrappers", unit.wrappers.iter());
            out.set("assignments", unit.assignments.iter());
            out.flag("dynamic", unit.dynamic);
            out.flag("opaque", unit.opaque);
            out.text("normalized", &unit.normalized);
        }
    }
}

/// Run `f` on the set and boolean facts `subject`'s context carries, as the fact prefilter reads
/// them. Each listed fact must be exactly what `context_attributes` sends under that key (held by
/// the test `direct_context_equals_from_pairs`): a wrong value could drop a forbid that Cedar
/// would match, while a fact left out only keeps its policies candidates.
fn with_fact_view<R>(subject: &Subject<'_>, f: impl FnOnce(&FactView<'_>) -> R) -> R {
    match subject {
        Subject::Tool => f(&FactView::default()),
        Subject::Write { facts, .. } => f(&FactView {
            sets: &[("path_classes", &facts.classes), ("components", &facts.components)],
            flags: &[],
        }),
        Subject::Bash { unit, .. } => f(&FactView {
            sets: &[
                ("effects", &unit.effects),
                ("path_classes", &unit.path_classes),
                ("flags", &unit.flags),
                ("refs", &unit.refs),
            ],
            flags: &[("opaque", unit.opaque), ("dynamic", unit.dynamic)],
        }),
    }
}

/// The context as Cedar values, built directly: `Context::from_pairs` would evaluate one
/// restricted expression per attribute, which cost about a quarter of a Bash decision.
/// (`K` is Cedar's attribute-name type, inferred where the context is made.)
struct CedarValues<'s, K> {
    values: BTreeMap<K, ast::Value>,
    shared: &'s mut SharedText,
}

/// The call's first long text made into a Cedar value, by address: every Bash subject of a call
/// carries the same `command` (one `&str`, the first text a Bash subject writes), and a Cedar
/// string clones by reference count, so the command is copied into a Cedar value once per call
/// rather than once per simple command. Other long texts (a long `normalized`) never replace it.
#[derive(Default)]
struct SharedText {
    first: Option<(*const u8, usize, ast::Value)>,
}

impl SharedText {
    /// Texts shorter than this are copied each time: copying them costs about what the address
    /// check saves.
    const MIN_LEN: usize = 64;

    fn value(&mut self, text: &str) -> ast::Value {
        if text.len() < Self::MIN_LEN {
            return ast::Value::from(text);
        }
        match &self.first {
            Some((ptr, len, value)) if *ptr == text.as_ptr() && *len == text.len() => value.clone(),
            Some(_) => ast::Value::from(text),
            None => {
                let value = ast::Value::from(text);
                self.first = Some((text.as_ptr(), text.len(), value.clone()));
                value
            }
        }
    }
}

impl<'a, K: Ord + From<&'static str>> ContextSink<'a> for CedarValues<'_, K> {
    fn text(&mut self, key: &'static str, value: &'a str) {
        self.values.insert(key.into(), self.shared.value(value));
    }
    fn set(&mut self, key: &'static str, values: impl Iterator<Item = &'a String>) {
        let lits = values.map(|v| ast::Literal::from(v.as_str()));
        self.values.insert(key.into(), ast::Value::set_of_lits(lits, None));
    }
    fn flag(&mut self, key: &'static str, value: bool) {
        self.values.insert(key.into(), ast::Value::from(value));
    }
}

/// What one tier evaluation found.
#[derive(Debug, Default)]
pub(crate) struct TierMatch {
    /// Positions of satisfied forbids, ascending, deduplicated across actions.
    pub positions: Vec<usize>,
    /// Cedar evaluation errors as `(position, message)`.
    pub errors: Vec<(usize, String)>,
    /// With tracing on: per subject (index into the subjects), the positions it matched, in the
    /// order evaluated. Empty otherwise.
    pub per_subject: Vec<(usize, Vec<usize>)>,
}

fn build_request(
    subject: &Subject<'_>,
    f: &RequestFacts<'_>,
    shared: &mut SharedText,
) -> Result<Request, String> {
    let action = subject.action();
    let n = names();
    let principal =
        EntityUid::from_type_name_and_id(n.principal.clone(), EntityId::new(f.principal));
    let resource = match action {
        Action::InvokeTool => {
            EntityUid::from_type_name_and_id(n.tool.clone(), EntityId::new(f.tool_name))
        }
        Action::WriteFile => n.file.clone(),
        Action::ExecuteBash => n.command.clone(),
    };
    // `tests::direct_context_equals_from_pairs` proves this equals Cedar's own construction.
    let mut values = CedarValues { values: BTreeMap::new(), shared };
    context_attributes(subject, f, &mut values);
    let context = Context::from(ast::Context::Value(Arc::new(values.values)));
    Request::new(principal, n.actions[action as usize].clone(), resource, context, None)
        .map_err(|e| e.to_string())
}

/// Evaluate every subject of a call against one tier and merge what matched.
pub(crate) fn evaluate_tier(
    slices: &TierSlices,
    subjects: &[Subject<'_>],
    facts: &RequestFacts<'_>,
    traced: bool,
) -> Result<TierMatch, String> {
    let authorizer = Authorizer::new();
    let mut out = TierMatch::default();
    let mut shared = SharedText::default();
    // The last plan and what it was made for (action, guarded text by address): the Bash
    // subjects of one call share the command, so its candidates and pure-`like` answers are
    // worked out once, not once per simple command.
    let mut last_plan: Option<(Action, *const u8, usize, TextPlan)> = None;
    for (index, subject) in subjects.iter().enumerate() {
        let before = out.positions.len();
        let action = subject.action();
        let guarded = match subject {
            Subject::Tool => ("", ""),
            Subject::Write { file_path, .. } => ("file_path", *file_path),
            Subject::Bash { command, .. } => ("command", *command),
        };
        let guard_facts = GuardFacts {
            read_only: facts.read_only,
            attrs: [("task_type", facts.principal), ("repo", facts.repo), guarded],
        };
        let set = slices.set_for(action, facts.tool_name);
        let text = match &last_plan {
            Some((a, ptr, len, text))
                if *a == action && *ptr == guarded.1.as_ptr() && *len == guarded.1.len() =>
            {
                text
            }
            _ => {
                let text = set.plan_text(&guard_facts);
                &last_plan.insert((action, guarded.1.as_ptr(), guarded.1.len(), text)).3
            }
        };
        let plan = with_fact_view(subject, |view| set.plan(text, view));
        out.positions.extend(&plan.matched);
        if plan.sets.is_empty() {
            // Nothing left for Cedar: no request is built (no copy of the command).
            if traced {
                out.per_subject.push((index, out.positions[before..].to_vec()));
            }
            continue;
        }
        let request = build_request(subject, facts, &mut shared)?;
        for set in plan.sets {
            let response = authorizer.is_authorized(&request, set, &names().entities);
            for id in response.diagnostics().reason() {
                if let Ok(pos) = id.to_string().parse::<usize>() {
                    out.positions.push(pos);
                }
            }
            for e in response.diagnostics().errors() {
                let cedar_policy::AuthorizationError::PolicyEvaluationError(pe) = e;
                let pos = pe.policy_id().to_string().parse::<usize>().unwrap_or(usize::MAX);
                out.errors.push((pos, e.to_string()));
            }
        }
        if traced {
            out.per_subject.push((index, out.positions[before..].to_vec()));
        }
    }
    out.positions.sort_unstable();
    out.positions.dedup();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::PolicyBundle;
    use proptest::prelude::*;

    /// The reference: every forbid of the tier in one set, every applicable action evaluated.
    fn whole_tier(
        rules: &[Rule],
        policies: &PolicySet,
        subjects: &[Subject<'_>],
        facts: &RequestFacts<'_>,
    ) -> Vec<usize> {
        let mut out = Vec::new();
        for a in subjects {
            let request = build_request(a, facts, &mut SharedText::default()).unwrap();
            let response = Authorizer::new().is_authorized(&request, policies, &names().entities);
            out.extend(
                response
                    .diagnostics()
                    .reason()
                    .filter_map(|id| id.to_string().parse::<usize>().ok()),
            );
        }
        out.retain(|p| rules[*p].effect == crate::RuleEffect::Forbid);
        out.sort_unstable();
        out.dedup();
        out
    }

    fn tier_policy_set(text: &str) -> PolicySet {
        let mut set = PolicySet::new();
        let parsed = PolicySet::from_str(text).unwrap();
        let mut ps: Vec<_> = parsed.policies().cloned().collect();
        ps.sort_by_key(|p| {
            p.id().to_string().trim_start_matches("policy").parse::<usize>().unwrap()
        });
        for (i, p) in ps.into_iter().enumerate() {
            set.add(p.new_id(PolicyId::new(i.to_string()))).unwrap();
        }
        set
    }

    /// Every Bash and write call of the benchmark corpus, both tiers of the default (hardened)
    /// bundle, read-only on and off: the sliced, prefiltered, fact-indexed evaluation finds the
    /// same forbids as handing Cedar every forbid of the tier for every subject.
    #[test]
    fn corpus_calls_match_whole_tier_evaluation() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../benches/data/corpus.jsonl");
        let text =
            std::fs::read_to_string(path).expect("the benchmark corpus is in the repository");
        let bundle = PolicyBundle::builtin();
        let hard = tier_policy_set(crate::BUILTIN_HARD_DENY_POLICIES);
        let soft = tier_policy_set(crate::BUILTIN_SOFT_DENY_POLICIES);
        let mut checked = 0;
        for row in text.lines() {
            let v: serde_json::Value = serde_json::from_str(row).unwrap();
            let tool = v["tool_name"].as_str().unwrap_or("");
            let input = &v["tool_input"];
            let (command, file_path) = (input["command"].as_str(), input["file_path"].as_str());
            let line = command.map(crate::shell::parse);
            let path = file_path.map(PathFacts::of);
            let mut subjects = vec![Subject::Tool];
            if let (Some(command), Some(line)) = (command, &line) {
                subjects.extend(line.commands.iter().map(|unit| Subject::Bash { command, unit }));
                subjects.extend(line.writes.iter().map(|w| Subject::Write {
                    file_path: &w.path,
                    facts: &w.facts,
                    via: "shell",
                }));
            }
            if let (Some(file_path), Some(facts)) = (file_path, &path) {
                subjects.push(Subject::Write { file_path, facts, via: "tool" });
            }
            for read_only in [false, true] {
                let facts =
                    RequestFacts { principal: "new_task", repo: "o/r", read_only, tool_name: tool };
                for (tier, whole) in [(&bundle.hard, &hard), (&bundle.soft, &soft)] {
                    let sliced = evaluate_tier(&tier.slices, &subjects, &facts, false).unwrap();
                    assert!(sliced.errors.is_empty(), "{row}");
                    assert_eq!(
                        sliced.positions,
                        whole_tier(&tier.rules, whole, &subjects, &facts),
                        "{row}"
                    );
                }
            }
            checked += 1;
        }
        assert!(checked >= 2000, "{checked} corpus calls checked");
    }

    const BLUEPRINT_SOFT: &str = r#"@tier("soft") @rule_id("bash_tool") forbid (principal, action == Agent::Action::"invoke_tool", resource == Agent::Tool::"Bash");
@tier("soft") @rule_id("any_push") forbid (principal, action in [Agent::Action::"execute_bash"], resource) when { context.command like "*push*" };
@tier("soft") @rule_id("ro_any") forbid (principal, action, resource) when { context.read_only };
@tier("soft") @rule_id("docs") forbid (principal, action == Agent::Action::"write_file", resource) when { context.file_path like "docs/*" };
@tier("soft") @rule_id("like_or") forbid (principal, action == Agent::Action::"execute_bash", resource) when { context.command like "*rm -rf /*" || context.command like "git*--force*" };
@tier("soft") @rule_id("like_and") forbid (principal, action in [Agent::Action::"execute_bash"], resource) when { context.command like "*DROP*" && context.command like "*TABLE" };
@tier("soft") @rule_id("like_star") forbid (principal, action == Agent::Action::"write_file", resource) when { context.file_path like "*\**" || context.file_path like "*é*/*" };
@tier("soft") @rule_id("like_whole") forbid (principal, action == Agent::Action::"write_file", resource) when { context.file_path like ".env" };"#;

    #[test]
    fn pure_like_rules_are_decided_without_cedar() {
        // Without `ro_any`, whose `context.read_only` condition only Cedar decides.
        let blueprint: Vec<_> = BLUEPRINT_SOFT.lines().filter(|l| !l.contains("ro_any")).collect();
        let bundle = PolicyBundle::builder()
            .builtins(crate::BuiltinProfile::Upstream)
            .blueprint_soft(blueprint.join("\n"))
            .build()
            .unwrap();
        let set = bundle.soft.slices.set_for(Action::ExecuteBash, "Bash");
        let plan = |command| {
            let text = set.plan_text(&GuardFacts {
                read_only: false,
                attrs: [("task_type", "new_task"), ("repo", "o/r"), ("command", command)],
            });
            set.plan(&text, &FactView::default())
        };
        let ids = |positions: &[usize]| {
            let mut ids: Vec<_> =
                positions.iter().map(|&p| bundle.soft.rules[p].rule_id.as_str()).collect();
            ids.sort_unstable();
            ids
        };
        let p = plan("git push -f origin main; echo DROP TABLE");
        assert!(p.sets.is_empty(), "every candidate is a pure `like` rule");
        assert_eq!(ids(&p.matched), ["any_push", "force_push_any", "force_push_main", "like_and"]);
        let p = plan("git push --force");
        assert_eq!(ids(&p.matched), ["any_push", "force_push_any", "like_or"]);
        let p = plan("git push -f origin mainline");
        assert_eq!(ids(&p.matched), ["any_push", "force_push_any", "force_push_main"]);
        // Candidates by literal that the exact match then refuses: no match, and still no Cedar.
        let p = plan("echo DROP TABLE t");
        assert!(p.sets.is_empty() && p.matched.is_empty(), "{:?}", ids(&p.matched));
    }

    /// How the context was built before: one restricted expression per attribute, evaluated
    /// by `Context::from_pairs`. The oracle of `direct_context_equals_from_pairs`.
    struct RestrictedPairs(Vec<(String, cedar_policy::RestrictedExpression)>);

    impl<'a> ContextSink<'a> for RestrictedPairs {
        fn text(&mut self, key: &'static str, value: &'a str) {
            let v = cedar_policy::RestrictedExpression::new_string(value.to_owned());
            self.0.push((key.to_owned(), v));
        }
        fn set(&mut self, key: &'static str, values: impl Iterator<Item = &'a String>) {
            use cedar_policy::RestrictedExpression as R;
            let v = R::new_set(values.map(|s| R::new_string(s.clone())));
            self.0.push((key.to_owned(), v));
        }
        fn flag(&mut self, key: &'static str, value: bool) {
            self.0.push((key.to_owned(), cedar_policy::RestrictedExpression::new_bool(value)));
        }
    }

    /// The sets and flags of a context, by key (what the fact view must agree with).
    #[derive(Default)]
    struct SetsAndFlags {
        sets: std::collections::BTreeMap<&'static str, std::collections::BTreeSet<String>>,
        flags: std::collections::BTreeMap<&'static str, bool>,
    }

    impl<'a> ContextSink<'a> for SetsAndFlags {
        fn text(&mut self, _: &'static str, _: &'a str) {}
        fn set(&mut self, key: &'static str, values: impl Iterator<Item = &'a String>) {
            self.sets.insert(key, values.cloned().collect());
        }
        fn flag(&mut self, key: &'static str, value: bool) {
            self.flags.insert(key, value);
        }
    }

    /// Every fact the prefilter's view lists is the context's value under that key.
    fn assert_fact_view_is_the_context(subject: &Subject<'_>, f: &RequestFacts<'_>) {
        let mut context = SetsAndFlags::default();
        context_attributes(subject, f, &mut context);
        with_fact_view(subject, |view| {
            for (key, set) in view.sets {
                assert_eq!(context.sets.get(key), Some(*set), "set {key}");
            }
            for (key, flag) in view.flags {
                assert_eq!(context.flags.get(key), Some(flag), "flag {key}");
            }
        });
    }

    #[test]
    fn fact_view_is_what_the_context_carries() {
        let command =
            "sudo rm -rf \"$HOME\" > .git/config; git push -f origin +main | sh; eval \"$X\"";
        let line = crate::shell::parse(command);
        let path = PathFacts::of(".ssh/id_rsa");
        let mut subjects =
            vec![Subject::Write { file_path: ".ssh/id_rsa", facts: &path, via: "tool" }];
        subjects.extend(line.commands.iter().map(|unit| Subject::Bash { command, unit }));
        subjects.extend(line.writes.iter().map(|w| Subject::Write {
            file_path: &w.path,
            facts: &w.facts,
            via: &w.via,
        }));
        let facts = RequestFacts {
            principal: "new_task",
            repo: "o/r",
            read_only: false,
            tool_name: "Bash",
        };
        // The command is chosen so that every listed fact is non-empty somewhere: a view reading
        // the wrong field would disagree.
        let mut seen = std::collections::BTreeSet::new();
        for subject in &subjects {
            assert_fact_view_is_the_context(subject, &facts);
            with_fact_view(subject, |view| {
                let sets = view.sets.iter().filter(|(_, s)| !s.is_empty()).map(|(k, _)| k);
                seen.extend(sets.map(|k| k.to_string()));
                let flags = view.flags.iter().filter(|(_, b)| *b).map(|(k, _)| k);
                seen.extend(flags.map(|k| k.to_string()));
            });
        }
        let expected =
            ["components", "dynamic", "effects", "flags", "opaque", "path_classes", "refs"];
        assert_eq!(seen.into_iter().collect::<Vec<_>>(), expected);
    }

    fn context_by_pairs(subject: &Subject<'_>, f: &RequestFacts<'_>) -> Context {
        let mut pairs = RestrictedPairs(Vec::new());
        context_attributes(subject, f, &mut pairs);
        Context::from_pairs(pairs.0).unwrap()
    }

    proptest! {
        #[test]
        fn sliced_evaluation_matches_whole_tier(
            tool in prop_oneof![Just("Bash"), Just("Write"), Just("Edit"), Just("Read"), Just("mcp__x"), Just("Wr\"ite")],
            subject in prop::collection::vec(prop_oneof![Just("git push --force origin main"), Just("rm -rf /"), Just(".env"), Just("docs/a"), Just(".git/x"), Just("DROP TABLE"), Just(" "), Just("credentials"), Just("*"), Just("é/"), Just("TABLE"), Just("; "), Just(" && "), Just(" > .env "), Just(" > docs/a "), Just("psql -c 'drop table t'"), Just(" | sh"), Just("rm -rf $X"), Just("$CMD x"), Just("git push origin +main"), Just("echo 'a quoted text long enough that the command passes sixty-four bytes'")], 0..6),
            read_only in any::<bool>(),
        ) {
            let bundle = PolicyBundle::builder().blueprint_soft(BLUEPRINT_SOFT).build().unwrap();
            let subject = subject.concat();
            let line = crate::shell::parse(&subject);
            let path = PathFacts::of(&subject);
            let mut actions: Vec<Subject<'_>> = vec![Subject::Tool];
            match tool {
                "Bash" => {
                    actions.extend(line.commands.iter().map(|unit| Subject::Bash { command: &subject, unit }));
                    actions.extend(line.writes.iter().map(|w| Subject::Write { file_path: &w.path, facts: &w.facts, via: "shell" }));
                }
                "Write" | "Edit" => actions.push(Subject::Write { file_path: &subject, facts: &path, via: "tool" }),
                _ => {}
            }
            let actions = &actions[..];
            let facts = RequestFacts { principal: "new_task", repo: "o/r", read_only, tool_name: tool };
            let soft_text = format!("{}\n{}", crate::BUILTIN_SOFT_DENY_POLICIES, BLUEPRINT_SOFT);
            for (tier, text) in [(&bundle.hard, crate::BUILTIN_HARD_DENY_POLICIES.to_owned()), (&bundle.soft, soft_text)] {
                let sliced = evaluate_tier(&tier.slices, actions, &facts, false).unwrap();
                prop_assert!(sliced.errors.is_empty());
                prop_assert_eq!(sliced.positions, whole_tier(&tier.rules, &tier_policy_set(&text), actions, &facts));
            }
        }
            /// The context built as Cedar values equals the one `Context::from_pairs` evaluates from
        /// restricted expressions (the way it was built before): same keys, same values.
        #[test]
        fn direct_context_equals_from_pairs(
            parts in prop::collection::vec(prop_oneof![
                Just("git push --force origin main"), Just("rm -rf /"), Just(" > .env"),
                Just("sudo env X=1 "), Just("'a b'"), Just("\"$(ls)\""), Just("é"), Just("\\"),
                Just("\\*"), Just(";"), Just("|"), Just("-x"), Just("--y=z"), Just("~/.ssh/id"),
                Just("\u{0}"), Just("\u{202e}"), Just(" a a a"), Just("tee -a f"), Just(" && "),
                Just("echo 'a quoted text long enough that the command passes sixty-four bytes'"),
            ], 0..6),
            read_only in any::<bool>(),
            principal in "[a-z_é]{0,6}",
        ) {
            let command = parts.concat();
            let line = crate::shell::parse(&command);
            let path = PathFacts::of(&command);
            let mut subjects: Vec<Subject<'_>> = vec![Subject::Tool, Subject::Write { file_path: &command, facts: &path, via: "tool" }];
            subjects.extend(line.commands.iter().map(|unit| Subject::Bash { command: &command, unit }));
            subjects.extend(line.writes.iter().map(|w| Subject::Write { file_path: &w.path, facts: &w.facts, via: &w.via }));
            let facts = RequestFacts { principal: &principal, repo: "o/r", read_only, tool_name: "Bash" };
            // One shared text cache across the subjects, as `evaluate_tier` uses it.
            let mut shared = SharedText::default();
            for subject in &subjects {
                let direct = build_request(subject, &facts, &mut shared).unwrap();
                let reference = context_by_pairs(subject, &facts);
                prop_assert_eq!(direct.context(), Some(&reference));
                assert_fact_view_is_the_context(subject, &facts);
            }
        }
    }
}
