//! The evaluation pipeline (docs/behaviour.md#pipeline), in exact precedence:
//! input checks → hard tier → tool-scope allowlist → input-hash cache → soft tier → disable
//! filter → rule scopes (ALL must cover) → rule cache → merged REQUIRE_APPROVAL → default ALLOW.

use crate::allowlist::CallKind;
use crate::bundle::TierRules;
use crate::canonical::tool_input_sha256;
use crate::explain::Step;
use crate::request::{RequestFacts, Subject, TierMatch, evaluate_tier};
use crate::shell::{self, CommandLine, PathFacts, SimpleCommand};
use crate::state::SharedState;
use crate::wire::SessionConfig;
use crate::{
    CacheHit, Decision, FailClosedCause, JsonValue, Outcome, PolicyBundle, Severity, Tier,
    ToolCall, constants,
};

/// Cheap structural check that an input has one meaning and a canonical form, without building
/// it: the [`InputGuard`](crate::InputGuard) (no `Unsupported` values, no NaN/Infinity, bounded
/// depth and size), and no object with the same key twice (a host serialising such a value would
/// send both members, and a JSON reader keeps the last one while the engine would read the first:
/// `{"command": "echo hi", "command": "rm -rf /"}`). Iterative, so hostile nesting cannot
/// overflow the stack.
fn check_hashable(input: &JsonValue) -> Result<(), (FailClosedCause, String)> {
    crate::InputGuard::check(input).map_err(|d| (FailClosedCause::UnhashableToolInput, d))?;
    let mut stack: Vec<&JsonValue> = vec![input];
    while let Some(v) = stack.pop() {
        match v {
            JsonValue::Array(items) => stack.extend(items),
            JsonValue::Object(members) => {
                if let Some(key) = duplicate_key(members) {
                    return Err((
                        FailClosedCause::InvalidToolInput,
                        format!("tool input has the key {key:?} more than once"),
                    ));
                }
                stack.extend(members.iter().map(|(_, v)| v));
            }
            _ => {}
        }
    }
    Ok(())
}

/// The first key that occurs twice, if any. Tool inputs have a handful of keys, so small objects
/// are compared pairwise; large ones go through a set.
fn duplicate_key(members: &[(String, JsonValue)]) -> Option<&str> {
    if members.len() <= 16 {
        return members.iter().enumerate().find_map(|(i, (k, _))| {
            members[..i].iter().any(|(earlier, _)| earlier == k).then_some(k.as_str())
        });
    }
    let mut seen = std::collections::HashSet::with_capacity(members.len());
    members.iter().map(|(k, _)| k.as_str()).find(|k| !seen.insert(*k))
}

/// What the engine reads from a classified call: a write path's facts or a command's parse.
pub(crate) struct CallFacts {
    path: Option<PathFacts>,
    line: Option<CommandLine>,
    placeholder: SimpleCommand,
}

impl CallFacts {
    pub(crate) fn read(classified: &Classified<'_>) -> Self {
        let (path, line) = match classified {
            Classified::Write { path } => (Some(PathFacts::of(path)), None),
            Classified::Shell { command } => (None, Some(shell::parse(command))),
            Classified::Other => (None, None),
        };
        Self { path, line, placeholder: SimpleCommand::default() }
    }

    /// What the allowlist matches the call as: a write path, a parsed command line, or neither.
    pub(crate) fn call_kind<'a>(&'a self, classified: &Classified<'a>) -> CallKind<'a> {
        match (classified, &self.line) {
            (Classified::Write { path }, _) => CallKind::Write { path },
            (Classified::Shell { .. }, Some(line)) => CallKind::Shell { line },
            _ => CallKind::Other,
        }
    }

    /// The Cedar evaluations of the call, in order.
    pub(crate) fn subjects<'a>(&'a self, classified: &Classified<'a>) -> Vec<Subject<'a>> {
        let mut subjects = vec![Subject::Tool];
        match (classified, &self.path, &self.line) {
            (Classified::Write { path }, Some(facts), _) => {
                subjects.push(Subject::Write { file_path: path, facts, via: "tool" })
            }
            (Classified::Shell { command }, _, Some(line)) => {
                if line.commands.is_empty() {
                    // Nothing runs (empty or comment-only): rules on `context.command` still see it.
                    subjects.push(Subject::Bash { command, unit: &self.placeholder });
                }
                subjects.extend(line.commands.iter().map(|unit| Subject::Bash { command, unit }));
                subjects.extend(line.writes.iter().map(|w| Subject::Write {
                    file_path: &w.path,
                    facts: &w.facts,
                    via: "shell",
                }));
            }
            _ => {}
        }
        subjects
    }
}

/// How the bundle classifies a tool, with the subject string its action reads.
pub(crate) enum Classified<'a> {
    Write { path: &'a str },
    Shell { command: &'a str },
    Other,
}

/// Step 0, the input checks every path shares (evaluate, explain, `allowlist_matches`): a valid
/// tool name, an input with one meaning and a canonical form, an object root, and a write or
/// shell tool's member present as a string. `Err` is the fail-closed decision.
pub(crate) fn admit<'a>(
    bundle: &PolicyBundle,
    call: &'a ToolCall,
) -> Result<Classified<'a>, Decision> {
    if let Some(detail) = call.name_error() {
        return Err(Decision::failing(FailClosedCause::InvalidToolInput, detail));
    }
    // The input must have a canonical form before any Cedar work.
    if let Err((cause, detail)) = check_hashable(call.input()) {
        return Err(Decision::failing(cause, detail));
    }
    if !matches!(call.input(), JsonValue::Object(_)) {
        return Err(Decision::failing(
            FailClosedCause::InvalidToolInput,
            format!("tool_input must be an object, got {}", call.input().kind()),
        ));
    }
    classify(bundle, call)
}

fn classify<'a>(bundle: &PolicyBundle, call: &'a ToolCall) -> Result<Classified<'a>, Decision> {
    let name = call.tool_name();
    let (is_write, key) = match bundle.write_tools.iter().find(|(t, _)| t == name) {
        Some((_, k)) => (true, k),
        None => match bundle.shell_tools.iter().find(|(t, _)| t == name) {
            Some((_, k)) => (false, k),
            None => return Ok(Classified::Other),
        },
    };
    match call.input().get(key) {
        Some(JsonValue::String(s)) => Ok(if is_write {
            Classified::Write { path: s }
        } else {
            Classified::Shell { command: s }
        }),
        other => {
            let got = other.map_or("missing", JsonValue::kind);
            Err(Decision::failing(
                FailClosedCause::InvalidToolInput,
                format!("{name} needs a string '{key}' in tool_input, got {got}"),
            ))
        }
    }
}

fn rule_ids(tier: &TierRules, positions: &[usize]) -> Vec<String> {
    positions.iter().filter_map(|&p| tier.rules.get(p)).map(|r| r.rule_id.clone()).collect()
}

fn tier_error(tier: &TierRules, name: Tier, m: &TierMatch) -> Option<Decision> {
    let (pos, msg) = m.errors.first()?;
    let id = tier.rules.get(*pos).map_or("?", |r| r.rule_id.as_str());
    Some(Decision::failing(
        FailClosedCause::CedarEvaluationError,
        format!("{name} rule '{id}': {msg}"),
    ))
}

/// What `explain` collects; with `enabled` false every method is a no-op, so `evaluate` pays
/// one branch per step.
#[derive(Default)]
pub(crate) struct Tracer {
    pub enabled: bool,
    pub steps: Vec<Step>,
    pub command: Option<CommandLine>,
    pub path: Option<PathFacts>,
}

impl Tracer {
    fn step(&mut self, f: impl FnOnce() -> Step) {
        if self.enabled {
            self.steps.push(f());
        }
    }

    /// One step per Cedar evaluation that ran, with what it matched.
    fn tier(
        &mut self,
        tier: &TierRules,
        name: Tier,
        subjects: &[Subject<'_>],
        tool: &str,
        m: &TierMatch,
    ) {
        if !self.enabled {
            return;
        }
        for (index, positions) in &m.per_subject {
            let Some(subject) = subjects.get(*index) else { continue };
            let text = match subject {
                Subject::Tool => tool.to_owned(),
                Subject::Bash { command, unit } => {
                    if unit.normalized.is_empty() {
                        (*command).to_owned()
                    } else {
                        unit.normalized.clone()
                    }
                }
                Subject::Write { file_path, .. } => (*file_path).to_owned(),
            };
            let mut sorted = positions.clone();
            sorted.sort_unstable();
            sorted.dedup();
            self.steps.push(Step::CedarEvaluation {
                tier: name,
                action: subject.action().name().to_owned(),
                subject: text,
                matched: rule_ids(tier, &sorted),
            });
        }
    }
}

/// What the pipeline reads of a session: its settings, its state and its clock. The session
/// hands these over, so the pipeline does not depend on [`Session`](crate::Session).
pub(crate) struct SessionView<'a> {
    pub config: &'a SessionConfig,
    pub state: &'a SharedState,
    pub clock: &'a dyn crate::Clock,
}

/// Decide `call` with `bundle` (the session's own, or its shadow bundle) and the session's state.
pub(crate) fn decide_traced(
    session: &SessionView<'_>,
    bundle: &PolicyBundle,
    call: &ToolCall,
    tr: &mut Tracer,
) -> Decision {
    #[cfg(feature = "test-hooks")]
    if call.tool_name() == crate::test_hooks::PANIC_TOOL {
        panic!("test hook: forced panic inside evaluate");
    }
    let classified = match admit(bundle, call) {
        Ok(c) => c,
        Err(d) => {
            tr.step(|| Step::InputChecks { passed: false, classification: "unknown".into() });
            return d;
        }
    };
    tr.step(|| Step::InputChecks {
        passed: true,
        classification: match classified {
            Classified::Write { .. } => "write",
            Classified::Shell { .. } => "shell",
            Classified::Other => "other",
        }
        .into(),
    });
    // Every evaluation the call needs: the tool itself, then one per simple command and per
    // written file (docs/shell.md). The parse happens once and serves rules and scopes alike.
    let read = CallFacts::read(&classified);
    if tr.enabled {
        tr.path = read.path.clone();
        tr.command = read.line.clone();
    }
    let subjects = read.subjects(&classified);
    let kind = read.call_kind(&classified);
    let is_write_tool = matches!(kind, CallKind::Write { .. });
    let cfg = session.config;
    let facts = RequestFacts {
        principal: &cfg.principal,
        repo: &cfg.repo,
        read_only: cfg.read_only,
        tool_name: call.tool_name(),
    };

    // 1. Hard tier: every applicable action, union of matches.
    let hard = match evaluate_tier(&bundle.hard.slices, &subjects, &facts, tr.enabled) {
        Ok(m) => m,
        Err(e) => {
            return Decision::failing(
                FailClosedCause::CedarEvaluationError,
                format!("hard tier request: {e}"),
            );
        }
    };
    tr.tier(&bundle.hard, Tier::Hard, &subjects, call.tool_name(), &hard);
    if let Some(d) = tier_error(&bundle.hard, Tier::Hard, &hard) {
        return d;
    }
    if !hard.positions.is_empty() {
        let ids = rule_ids(&bundle.hard, &hard.positions);
        let reason = if ids.is_empty() {
            "Hard-deny (unknown rule)".to_owned()
        } else {
            format!("Hard-deny: {}", ids.join(", "))
        };
        return Decision::new(Outcome::Deny, reason).with_rules(Tier::Hard, ids);
    }

    // 2. Tool scopes; 2.5 input-hash cache. The hash is computed only when the cache holds an
    // entry for this tool, and outside the session lock, so threads sharing a session do not
    // queue behind each other's hashing.
    let mut hash: Option<String> = None;
    let hash_of = |hash: &mut Option<String>| -> Result<String, Decision> {
        if let Some(h) = hash {
            return Ok(h.clone());
        }
        let h = tool_input_sha256(call.input())
            .map_err(|u| Decision::failing(FailClosedCause::UnhashableToolInput, u.0))?;
        *hash = Some(h.clone());
        Ok(h)
    };
    let lookup = {
        let state = match session.state.for_decision() {
            Ok(s) => s,
            Err(d) => return d,
        };
        let pre_approved = state.allowlist.matches_tool(call.tool_name(), &kind, is_write_tool);
        tr.step(|| Step::ToolScopes {
            granted: state.allowlist.view().scopes.clone(),
            matched: pre_approved,
        });
        if pre_approved {
            return Decision::new(Outcome::Allow, "Pre-approved by allowlist");
        }
        if state.input_cache.len() == 0 {
            None
        } else {
            Some(state.input_cache.has_tool(call.tool_name()))
        }
    };
    if let Some(for_tool) = lookup {
        let found = if for_tool {
            let h = match hash_of(&mut hash) {
                Ok(h) => h,
                Err(d) => return d,
            };
            let found = match session.state.for_decision() {
                Ok(mut state) => {
                    state.input_cache.get(call.tool_name(), &h, session.clock.monotonic_s())
                }
                Err(d) => return d,
            };
            found.map(|entry| (h, entry))
        } else {
            None
        };
        tr.step(|| Step::CacheLookup { cache: "input".into(), hit: found.is_some() });
        if let Some((h, entry)) = found {
            let mut d = Decision::new(
                Outcome::Deny,
                format!(
                    "Recent {} within {}s: {}",
                    entry.decision,
                    session.config.cache_ttl_s,
                    shown_reason(entry.reason.as_deref())
                ),
            );
            d.cache_hit = Some(cache_hit(call, h, entry, None));
            return d;
        }
    }

    // 3. Soft tier.
    let soft = match evaluate_tier(&bundle.soft.slices, &subjects, &facts, tr.enabled) {
        Ok(m) => m,
        Err(e) => {
            return Decision::failing(
                FailClosedCause::CedarEvaluationError,
                format!("soft tier request: {e}"),
            );
        }
    };
    tr.tier(&bundle.soft, Tier::Soft, &subjects, call.tool_name(), &soft);
    if let Some(d) = tier_error(&bundle.soft, Tier::Soft, &soft) {
        return d;
    }
    if soft.positions.is_empty() {
        return Decision::new(Outcome::Allow, "permitted");
    }
    // 3a. Disable filter (positional order kept).
    let active: Vec<usize> = soft
        .positions
        .iter()
        .copied()
        .filter(|&p| !bundle.disabled.contains(&bundle.soft.rules[p].rule_id))
        .collect();
    tr.step(|| Step::DisableFilter {
        disabled: soft
            .positions
            .iter()
            .filter(|p| !active.contains(p))
            .map(|&p| bundle.soft.rules[p].rule_id.clone())
            .collect(),
        active: rule_ids(&bundle.soft, &active),
    });
    if active.is_empty() {
        return Decision::new(
            Outcome::Allow,
            "permitted (all matching soft-deny rules disabled by blueprint)",
        );
    }
    let active_ids = rule_ids(&bundle.soft, &active);
    let mut state = match session.state.for_decision() {
        Ok(s) => s,
        Err(d) => return d,
    };
    // 3b. Rule scopes must cover every active match; a partial cover gates the rest.
    let outstanding: Vec<usize> = active
        .iter()
        .copied()
        .filter(|&p| !state.allowlist.covers_rule(&bundle.soft.rules[p].rule_id))
        .collect();
    tr.step(|| Step::RuleScopes {
        covered: active
            .iter()
            .filter(|p| !outstanding.contains(p))
            .map(|&p| bundle.soft.rules[p].rule_id.clone())
            .collect(),
        outstanding: rule_ids(&bundle.soft, &outstanding),
    });
    if outstanding.is_empty() {
        return Decision::new(Outcome::Allow, format!("Allowlist rule: {}", active_ids.join(", ")))
            .with_rules(Tier::Soft, active_ids);
    }
    let outstanding_ids = rule_ids(&bundle.soft, &outstanding);
    // 3c. Rule-level cache.
    if state.rule_cache.len() > 0 {
        let found =
            state.rule_cache.find(call.tool_name(), &outstanding_ids, session.clock.monotonic_s());
        tr.step(|| Step::CacheLookup { cache: "rule".into(), hit: found.is_some() });
        if let Some((ids, entry)) = found {
            drop(state);
            let h = match hash_of(&mut hash) {
                Ok(h) => h,
                Err(d) => return d,
            };
            let quoted: Vec<String> = ids.iter().map(|i| format!("'{i}'")).collect();
            let noun = if ids.len() == 1 { "rule" } else { "rules" };
            let mut d = Decision::new(
                Outcome::Deny,
                format!(
                    "Recent DENIED on {noun} {} within {}s: {}",
                    quoted.join(", "),
                    session.config.cache_ttl_s,
                    shown_reason(entry.reason.as_deref())
                ),
            )
            .with_rules(Tier::Soft, ids.clone());
            d.cache_hit = Some(cache_hit(call, h, entry, Some(ids)));
            return d;
        }
    }
    drop(state);
    // 3d. Merge the outstanding rules' annotations.
    let rules: Vec<_> = outstanding.iter().map(|&p| &bundle.soft.rules[p]).collect();
    let timeout = rules
        .iter()
        .filter_map(|r| r.approval_timeout_s.map(i64::from))
        .chain(std::iter::once(cfg.task_default_timeout_s))
        .min()
        .unwrap_or(cfg.task_default_timeout_s)
        .max(constants().approval_timeout_s.min);
    let severity = rules
        .iter()
        .map(|r| r.severity.unwrap_or(Severity::Medium))
        .max()
        .unwrap_or(Severity::Medium);
    tr.step(|| Step::Merge {
        rules: outstanding_ids.clone(),
        timeout_s: u32::try_from(timeout).unwrap_or(u32::MAX),
        severity,
        task_default_timeout_s: cfg.task_default_timeout_s,
    });
    let mut d = Decision::new(
        Outcome::RequireApproval,
        format!("Soft-deny: {}", outstanding_ids.join(", ")),
    )
    .with_rules(Tier::Soft, outstanding_ids);
    d.timeout_s = u32::try_from(timeout).ok();
    d.severity = Some(severity);
    d
}

fn cache_hit(
    call: &ToolCall,
    tool_input_sha256: String,
    entry: crate::CacheEntry,
    matched_rule_ids: Option<Vec<String>>,
) -> Box<CacheHit> {
    Box::new(CacheHit {
        tool_name: call.tool_name().to_owned(),
        tool_input_sha256,
        cached_decision: entry.decision,
        // The reviewer's own words: shown, so sanitised like the reason built from them.
        cached_reason: entry.reason.map(|r| crate::text::scan_deny_reason(&r)),
        original_decision_ts: entry.original_decision_ts,
        matched_rule_ids,
    })
}

/// A cached reason as shown to the agent: the reviewer's words through the text pipeline (capped
/// like a stored deny reason); a missing or empty one gets a fixed phrase (docs/text.md).
pub(crate) fn shown_reason(reason: Option<&str>) -> String {
    match reason.map(crate::text::scan_deny_reason) {
        Some(r) if !r.is_empty() => r,
        _ => "(no reason given)".to_owned(),
    }
}
