//! Shared pieces of the benchmarks: the corpus, a naive `cedar-policy` reference engine, blueprint
//! generators and statistics.

use cedar_hitl_core::{JsonValue, PolicyBundle, Session, SessionConfig, ToolCall};
use cedar_policy::{
    Authorizer, Context, Decision, Entities, EntityId, EntityTypeName, EntityUid, PolicyId,
    PolicySet, Request, RestrictedExpression,
};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::str::FromStr;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The 2,000-call corpus (`benches/data/corpus.jsonl`), as `(tool_name, tool_input)`.
pub fn corpus() -> Vec<(String, Value)> {
    include_str!("../data/corpus.jsonl")
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let v: Value = serde_json::from_str(l).expect("corpus line is JSON");
            (v["tool_name"].as_str().unwrap_or_default().to_owned(), v["tool_input"].clone())
        })
        .collect()
}

/// The corpus as core tool calls.
pub fn corpus_calls() -> Vec<ToolCall> {
    corpus().into_iter().map(|(t, i)| ToolCall::new(t, JsonValue::from(i))).collect()
}

/// A default session (`new_task`, not read-only) on `bundle`.
pub fn session(bundle: PolicyBundle) -> Session {
    Session::new(Arc::new(bundle), SessionConfig { repo: "o/r".into(), ..Default::default() })
        .expect("default session")
}

/// `n` soft rules spread over realistic tools and actions (shell, write and MCP-tool rules),
/// written compactly so 500 of them fit the 64 KB blueprint cap.
pub fn blueprint_soft_rules(n: usize) -> String {
    (0..n)
        .map(|i| {
            let body = match i % 3 {
                0 => format!(r#"forbid(principal,action==Agent::Action::"execute_bash",resource)when{{context.command like "*dt{i}*"}};"#),
                1 => format!(r#"forbid(principal,action==Agent::Action::"write_file",resource)when{{context.file_path like "*/g{i}/*"}};"#),
                _ => format!(r#"forbid(principal,action==Agent::Action::"invoke_tool",resource==Agent::Tool::"m{i}");"#),
            };
            let extra = if i % 20 == 0 { format!(r#" @severity("{}") @approval_timeout_s("{}")"#, ["low", "medium", "high"][i % 3], 120 + (i % 10) * 30) } else { String::new() };
            format!("@tier(\"soft\") @rule_id(\"b{i}\"){extra}\n{body}\n")
        })
        .collect()
}

/// A blueprint of generated soft rules just under `bytes` bytes.
pub fn blueprint_of_size(bytes: usize) -> String {
    let mut n = 1;
    while blueprint_soft_rules(n + 1).len() <= bytes {
        n += 1;
    }
    blueprint_soft_rules(n)
}

/// Per-call timing statistics.
#[derive(Debug, Clone, Copy, Default)]
pub struct Stats {
    /// Median per call, µs.
    pub median_us: f64,
    /// 99th percentile per call, µs.
    pub p99_us: f64,
    /// Mean per call, µs.
    pub mean_us: f64,
    /// 99.9th percentile per call, µs.
    pub p999_us: f64,
    /// Calls per second over the whole run.
    pub per_second: f64,
}

/// Time `f` on every item, `passes` times over, and summarise per call.
pub fn measure<T>(items: &[T], passes: usize, mut f: impl FnMut(&T)) -> Stats {
    let mut samples = Vec::with_capacity(items.len() * passes);
    let start = Instant::now();
    for _ in 0..passes {
        for item in items {
            let t = Instant::now();
            f(item);
            samples.push(t.elapsed());
        }
    }
    summarise(samples, start.elapsed())
}

/// Statistics of per-call `samples` taken over `total` wall time.
pub fn summarise(mut samples: Vec<Duration>, total: Duration) -> Stats {
    if samples.is_empty() {
        return Stats::default();
    }
    samples.sort_unstable();
    let pick = |q: f64| samples[((samples.len() as f64 - 1.0) * q).round() as usize];
    let us = |d: Duration| d.as_secs_f64() * 1e6;
    let mean = samples.iter().map(|d| us(*d)).sum::<f64>() / samples.len().max(1) as f64;
    Stats {
        median_us: us(pick(0.5)),
        p99_us: us(pick(0.99)),
        mean_us: mean,
        p999_us: us(pick(0.999)),
        per_second: samples.len() as f64 / total.as_secs_f64(),
    }
}

/// What a careful user of `cedar-policy` would write without this crate: both tiers parsed once,
/// and for every call the Cedar requests built from JSON the straightforward way (UIDs from
/// interpolated text, contexts from JSON values), routed as docs/behaviour.md#cedar-requests (first denying action ends
/// a tier), rule ids resolved by scanning annotations.
pub struct NaiveEngine {
    hard: PolicySet,
    soft: PolicySet,
    principal: String,
    repo: String,
}

/// The naive engine's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NaiveOutcome {
    /// No tier matched.
    Allow,
    /// Hard match, with rule ids.
    Deny(Vec<String>),
    /// Soft match, with rule ids, merged timeout and severity.
    RequireApproval(Vec<String>, i64, String),
}

impl NaiveEngine {
    /// Parse both built-in tiers once.
    pub fn builtin() -> Self {
        Self {
            hard: PolicySet::from_str(cedar_hitl_core::UPSTREAM_HARD_DENY_POLICIES)
                .expect("hard tier parses"),
            soft: PolicySet::from_str(cedar_hitl_core::UPSTREAM_SOFT_DENY_POLICIES)
                .expect("soft tier parses"),
            principal: "new_task".into(),
            repo: "o/r".into(),
        }
    }

    fn tier(&self, set: &PolicySet, tool: &str, input: &Value) -> Option<Vec<String>> {
        let mut routes = vec![("invoke_tool", format!(r#"Agent::Tool::"{tool}""#), None)];
        if (tool == "Write" || tool == "Edit") && truthy(input.get("file_path")) {
            routes.push((
                "write_file",
                r#"Agent::File::"file""#.to_owned(),
                Some(("file_path", input["file_path"].clone())),
            ));
        }
        if tool == "Bash" && truthy(input.get("command")) {
            routes.push((
                "execute_bash",
                r#"Agent::BashCommand::"command""#.to_owned(),
                Some(("command", input["command"].clone())),
            ));
        }
        for (action, resource, extra) in routes {
            let mut ctx =
                json!({"task_type": self.principal, "repo": self.repo, "read_only": false});
            if let Some((k, v)) = extra {
                ctx[k] = v;
            }
            let request = Request::new(
                EntityUid::from_str(&format!(r#"Agent::TaskAgent::"{}""#, self.principal)).ok()?,
                EntityUid::from_str(&format!(r#"Agent::Action::"{action}""#)).ok()?,
                EntityUid::from_str(&resource).ok()?,
                Context::from_json_value(ctx, None).ok()?,
                None,
            )
            .ok()?;
            let response = Authorizer::new().is_authorized(&request, set, &Entities::empty());
            if response.decision() == Decision::Deny {
                let mut ids: Vec<String> = response
                    .diagnostics()
                    .reason()
                    .filter_map(|id| set.policy(id)?.annotation("rule_id").map(str::to_owned))
                    .collect();
                ids.sort();
                return Some(ids);
            }
        }
        None
    }

    /// Decide one call.
    pub fn decide(&self, tool: &str, input: &Value) -> NaiveOutcome {
        if let Some(ids) = self.tier(&self.hard, tool, input) {
            return NaiveOutcome::Deny(ids);
        }
        match self.tier(&self.soft, tool, input) {
            None => NaiveOutcome::Allow,
            Some(ids) => {
                let policies: Vec<_> = self
                    .soft
                    .policies()
                    .filter(|p| p.annotation("rule_id").is_some_and(|r| ids.iter().any(|i| i == r)))
                    .collect();
                let timeout = policies
                    .iter()
                    .filter_map(|p| p.annotation("approval_timeout_s")?.parse::<i64>().ok())
                    .chain([300])
                    .min()
                    .unwrap_or(300)
                    .max(30);
                let rank =
                    |s: &str| ["low", "medium", "high"].iter().position(|x| *x == s).unwrap_or(1);
                let sev = policies
                    .iter()
                    .map(|p| rank(p.annotation("severity").unwrap_or("medium")))
                    .max()
                    .unwrap_or(1);
                NaiveOutcome::RequireApproval(
                    ids,
                    timeout,
                    ["low", "medium", "high"][sev].to_owned(),
                )
            }
        }
    }
}

/// What a careful user of `cedar-policy` writes without this crate: both upstream tiers parsed
/// once, entity type names, action UIDs and the rule id of every policy looked up once, and for
/// each call the Cedar requests built once (typed context values, UIDs from type and id) and
/// reused for both tiers. Routing and merging as [`NaiveEngine`], so both answer the same.
pub struct ParseOnceEngine {
    hard: PolicySet,
    soft: PolicySet,
    hard_ids: HashMap<PolicyId, String>,
    soft_ids: HashMap<PolicyId, String>,
    /// Per soft rule id: approval timeout and severity rank.
    soft_meta: HashMap<String, (Option<i64>, usize)>,
    principal: EntityUid,
    tool_type: EntityTypeName,
    actions: [EntityUid; 3],
    file: EntityUid,
    command: EntityUid,
    task_type: String,
    repo: String,
}

const SEVERITIES: [&str; 3] = ["low", "medium", "high"];

impl ParseOnceEngine {
    /// Parse both upstream tiers once and index what the decisions read.
    pub fn builtin() -> Self {
        let parse = |text: &str| PolicySet::from_str(text).expect("tier parses");
        let hard = parse(cedar_hitl_core::UPSTREAM_HARD_DENY_POLICIES);
        let soft = parse(cedar_hitl_core::UPSTREAM_SOFT_DENY_POLICIES);
        let ids = |set: &PolicySet| {
            set.policies()
                .filter_map(|p| Some((p.id().clone(), p.annotation("rule_id")?.to_owned())))
                .collect::<HashMap<_, _>>()
        };
        let soft_meta = soft
            .policies()
            .filter_map(|p| {
                let timeout = p.annotation("approval_timeout_s").and_then(|t| t.parse().ok());
                let sev = p.annotation("severity").unwrap_or("medium");
                let rank = SEVERITIES.iter().position(|x| *x == sev).unwrap_or(1);
                Some((p.annotation("rule_id")?.to_owned(), (timeout, rank)))
            })
            .collect();
        let ty = |s: &str| EntityTypeName::from_str(s).expect("type name");
        let uid = |t: &str, id: &str| EntityUid::from_type_name_and_id(ty(t), EntityId::new(id));
        Self {
            hard_ids: ids(&hard),
            soft_ids: ids(&soft),
            hard,
            soft,
            soft_meta,
            principal: uid("Agent::TaskAgent", "new_task"),
            tool_type: ty("Agent::Tool"),
            actions: ["invoke_tool", "write_file", "execute_bash"].map(|a| uid("Agent::Action", a)),
            file: uid("Agent::File", "file"),
            command: uid("Agent::BashCommand", "command"),
            task_type: "new_task".into(),
            repo: "o/r".into(),
        }
    }

    fn value(v: &Value) -> Option<RestrictedExpression> {
        Some(match v {
            Value::String(s) => RestrictedExpression::new_string(s.clone()),
            Value::Bool(b) => RestrictedExpression::new_bool(*b),
            Value::Number(n) => RestrictedExpression::new_long(n.as_i64()?),
            _ => return None,
        })
    }

    fn requests(&self, tool: &str, input: &Value) -> Option<Vec<Request>> {
        let base = || {
            vec![
                ("task_type".to_owned(), RestrictedExpression::new_string(self.task_type.clone())),
                ("repo".to_owned(), RestrictedExpression::new_string(self.repo.clone())),
                ("read_only".to_owned(), RestrictedExpression::new_bool(false)),
            ]
        };
        let request = |action: usize, resource: EntityUid, pairs| {
            Request::new(
                self.principal.clone(),
                self.actions[action].clone(),
                resource,
                Context::from_pairs(pairs).ok()?,
                None,
            )
            .ok()
        };
        let tool_uid =
            EntityUid::from_type_name_and_id(self.tool_type.clone(), EntityId::new(tool));
        let mut out = vec![request(0, tool_uid, base())?];
        let mut extra = |action, resource: &EntityUid, key: &str| -> Option<()> {
            // A value Cedar cannot hold as a scalar makes every `like` on it an error, so the
            // route can match nothing (the naive engine sends it and gets that error).
            let Some(value) = Self::value(&input[key]) else { return Some(()) };
            let mut pairs = base();
            pairs.push((key.to_owned(), value));
            out.push(request(action, resource.clone(), pairs)?);
            Some(())
        };
        if (tool == "Write" || tool == "Edit") && truthy(input.get("file_path")) {
            extra(1, &self.file, "file_path")?;
        }
        if tool == "Bash" && truthy(input.get("command")) {
            extra(2, &self.command, "command")?;
        }
        Some(out)
    }

    fn tier(
        set: &PolicySet,
        ids: &HashMap<PolicyId, String>,
        requests: &[Request],
    ) -> Option<Vec<String>> {
        let authorizer = Authorizer::new();
        for request in requests {
            let response = authorizer.is_authorized(request, set, &Entities::empty());
            if response.decision() == Decision::Deny {
                let mut out: Vec<String> =
                    response.diagnostics().reason().filter_map(|id| ids.get(id).cloned()).collect();
                out.sort();
                return Some(out);
            }
        }
        None
    }

    /// Decide one call.
    pub fn decide(&self, tool: &str, input: &Value) -> NaiveOutcome {
        let Some(requests) = self.requests(tool, input) else { return NaiveOutcome::Allow };
        if let Some(ids) = Self::tier(&self.hard, &self.hard_ids, &requests) {
            return NaiveOutcome::Deny(ids);
        }
        let Some(ids) = Self::tier(&self.soft, &self.soft_ids, &requests) else {
            return NaiveOutcome::Allow;
        };
        let meta: Vec<_> = ids.iter().filter_map(|i| self.soft_meta.get(i)).collect();
        let timeout = meta.iter().filter_map(|m| m.0).chain([300]).min().unwrap_or(300).max(30);
        let sev = meta.iter().map(|m| m.1).max().unwrap_or(1);
        NaiveOutcome::RequireApproval(ids, timeout, SEVERITIES[sev].to_owned())
    }
}

/// Heap accounting for the benchmarks: wraps the system allocator and, while
/// [`HeapCounter::enable`] is on, keeps the exact number of live heap bytes. Off, it costs one
/// relaxed load per allocation.
pub struct HeapCounter;

static COUNTING: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
static LIVE: std::sync::atomic::AtomicIsize = std::sync::atomic::AtomicIsize::new(0);

impl HeapCounter {
    /// Start counting from zero.
    pub fn enable() {
        LIVE.store(0, std::sync::atomic::Ordering::SeqCst);
        COUNTING.store(true, std::sync::atomic::Ordering::SeqCst);
    }
    /// Stop counting.
    pub fn disable() {
        COUNTING.store(false, std::sync::atomic::Ordering::SeqCst);
    }
    /// Live bytes allocated since [`enable`](Self::enable) (frees of older blocks count too, so
    /// measure build-then-hold sequences).
    pub fn live() -> isize {
        LIVE.load(std::sync::atomic::Ordering::SeqCst)
    }
    fn add(n: usize, sign: isize) {
        if COUNTING.load(std::sync::atomic::Ordering::Relaxed) {
            LIVE.fetch_add(sign * n as isize, std::sync::atomic::Ordering::Relaxed);
        }
    }
}

// SAFETY: every call is forwarded unchanged to the system allocator; only counters are added.
unsafe impl std::alloc::GlobalAlloc for HeapCounter {
    unsafe fn alloc(&self, layout: std::alloc::Layout) -> *mut u8 {
        Self::add(layout.size(), 1);
        // SAFETY: same contract as ours.
        unsafe { std::alloc::System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: std::alloc::Layout) {
        Self::add(layout.size(), -1);
        // SAFETY: same contract as ours.
        unsafe { std::alloc::System.dealloc(ptr, layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: std::alloc::Layout) -> *mut u8 {
        Self::add(layout.size(), 1);
        // SAFETY: same contract as ours.
        unsafe { std::alloc::System.alloc_zeroed(layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: std::alloc::Layout, new: usize) -> *mut u8 {
        Self::add(layout.size(), -1);
        Self::add(new, 1);
        // SAFETY: same contract as ours.
        unsafe { std::alloc::System.realloc(ptr, layout, new) }
    }
}

/// Resident set size of this process, in KiB (Linux), for leak checks.
pub fn rss_kib() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4)
}

/// Python truthiness of a tool-input member, as upstream routing tests it (an absent, null,
/// false, zero or empty member skips the action): shared by both references.
fn truthy(v: Option<&Value>) -> bool {
    match v {
        None | Some(Value::Null) | Some(Value::Bool(false)) => false,
        Some(Value::String(s)) => !s.is_empty(),
        Some(Value::Number(n)) => n.as_f64() != Some(0.0),
        Some(Value::Array(a)) => !a.is_empty(),
        Some(Value::Object(o)) => !o.is_empty(),
        Some(_) => true,
    }
}
