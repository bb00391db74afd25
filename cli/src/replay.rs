//! `cedar-hitl replay`: run a log of past tool calls through a policy bundle, and optionally
//! through a second one, and report what would change. It streams: memory stays bounded by the
//! number of live sessions and the kept examples, not by the log's size.

use cedar_hitl_core::{
    Decision, JsonValue, PolicyBundle, Session, SessionConfig, ToolCall, tool_input_preview,
};
use lru::LruCache;
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::BufRead;
use std::num::NonZeroUsize;
use std::sync::Arc;

/// Sessions kept alive at once (one per `session_id`); the least recently used is dropped first.
pub const MAX_LIVE_SESSIONS: usize = 1024;
/// Examples kept per group of differences.
pub const EXAMPLES_PER_GROUP: usize = 5;

/// What a replay found.
#[derive(Debug, Default, Serialize)]
pub struct ReplaySummary {
    /// Lines read.
    pub lines: u64,
    /// Lines that held a tool call.
    pub calls: u64,
    /// Lines skipped (blank, not JSON, or no `tool_name`/`tool_input`), with the first few numbers.
    pub skipped: u64,
    /// 1-based numbers of the first skipped non-blank lines.
    pub skipped_lines: Vec<u64>,
    /// Outcomes on the base bundle.
    pub base: BTreeMap<String, u64>,
    /// Outcomes on the other bundle (`--against …`), when given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub against: Option<BTreeMap<String, u64>>,
    /// Calls whose outcome or rule ids differ.
    pub differences: u64,
    /// Differences grouped by the change, most frequent first when printed.
    pub groups: BTreeMap<String, DiffGroup>,
}

/// One kind of change: the same before → after outcome and rule ids.
#[derive(Debug, Default, Serialize)]
pub struct DiffGroup {
    /// How many calls changed this way.
    pub count: u64,
    /// The first few calls that did.
    pub examples: Vec<Example>,
}

/// A call that changed.
#[derive(Debug, Serialize)]
pub struct Example {
    /// 1-based line number in the log.
    pub line: u64,
    /// The session it was replayed in.
    pub session_id: String,
    /// The tool.
    pub tool_name: String,
    /// The input preview (sanitised, truncated) a reviewer would see.
    pub preview: String,
}

fn describe(d: &Decision) -> String {
    format!("{} [{}]", d.outcome().as_str(), d.matching_rule_ids().join(", "))
}

/// A call found on one log line, in any of the accepted forms: a Claude Code hook event
/// (`session_id`, `tool_name`, `tool_input`, …), the bench corpus (`id`, `kind`, `tool_name`,
/// `tool_input`), or a bare `{tool_name, tool_input}`.
fn call_of(v: &serde_json::Value) -> Option<(String, ToolCall)> {
    let tool = v.get("tool_name")?.as_str()?;
    let input = v.get("tool_input")?;
    let session = v.get("session_id").and_then(serde_json::Value::as_str).unwrap_or("").to_owned();
    Some((session, ToolCall::new(tool, JsonValue::from(input.clone()))))
}

/// Replay every line of `reader`. `progress` is told how many bytes have been read.
pub fn replay<R: BufRead>(
    reader: R,
    base: Arc<PolicyBundle>,
    against: Option<Arc<PolicyBundle>>,
    config: &SessionConfig,
    mut progress: impl FnMut(u64),
) -> Result<ReplaySummary, String> {
    let mut out =
        ReplaySummary { against: against.as_ref().map(|_| BTreeMap::new()), ..Default::default() };
    let cap = NonZeroUsize::new(MAX_LIVE_SESSIONS).unwrap_or(NonZeroUsize::MIN);
    let mut sessions: LruCache<String, (Session, Option<Session>)> = LruCache::new(cap);
    let mut bytes = 0u64;
    for line in reader.lines() {
        let line = line.map_err(|e| format!("cannot read the log: {e}"))?;
        out.lines += 1;
        bytes += line.len() as u64 + 1;
        progress(bytes);
        if line.trim().is_empty() {
            out.skipped += 1;
            continue;
        }
        let Some((session_id, call)) =
            serde_json::from_str::<serde_json::Value>(&line).ok().as_ref().and_then(call_of)
        else {
            out.skipped += 1;
            if out.skipped_lines.len() < 10 {
                out.skipped_lines.push(out.lines);
            }
            continue;
        };
        out.calls += 1;
        if !sessions.contains(&session_id) {
            let make = |b: &Arc<PolicyBundle>| {
                Session::new(Arc::clone(b), config.clone()).map_err(|e| e.to_string())
            };
            let pair = (make(&base)?, against.as_ref().map(make).transpose()?);
            sessions.put(session_id.clone(), pair);
        }
        let Some((s, other)) = sessions.get(&session_id) else { continue };
        let d = s.evaluate(&call);
        *out.base.entry(d.outcome().as_str().to_owned()).or_default() += 1;
        let Some(other) = other else { continue };
        let o = other.evaluate(&call);
        if let Some(counts) = out.against.as_mut() {
            *counts.entry(o.outcome().as_str().to_owned()).or_default() += 1;
        }
        if d.outcome() != o.outcome() || d.matching_rule_ids() != o.matching_rule_ids() {
            out.differences += 1;
            let group =
                out.groups.entry(format!("{} -> {}", describe(&d), describe(&o))).or_default();
            group.count += 1;
            if group.examples.len() < EXAMPLES_PER_GROUP {
                group.examples.push(Example {
                    line: out.lines,
                    session_id,
                    tool_name: call.tool_name().to_owned(),
                    preview: tool_input_preview(call.input()),
                });
            }
        }
    }
    Ok(out)
}

/// The summary as people read it.
pub fn render(s: &ReplaySummary) -> String {
    let mut text = format!("{} lines, {} calls, {} skipped", s.lines, s.calls, s.skipped);
    if !s.skipped_lines.is_empty() {
        let first: Vec<String> = s.skipped_lines.iter().map(u64::to_string).collect();
        text.push_str(&format!(" (first unreadable lines: {})", first.join(", ")));
    }
    text.push('\n');
    let row = |name: &str, m: &BTreeMap<String, u64>| {
        let get = |k: &str| m.get(k).copied().unwrap_or(0);
        format!(
            "{name:<8} allow {:>8}  deny {:>8}  require_approval {:>8}\n",
            get("allow"),
            get("deny"),
            get("require_approval")
        )
    };
    text.push_str(&row("base", &s.base));
    if let Some(a) = &s.against {
        text.push_str(&row("against", a));
        text.push_str(&format!("{} call(s) decided differently\n", s.differences));
        let mut groups: Vec<(&String, &DiffGroup)> = s.groups.iter().collect();
        groups.sort_by(|a, b| b.1.count.cmp(&a.1.count).then(a.0.cmp(b.0)));
        for (change, g) in groups {
            text.push_str(&format!("\n{:>6} × {change}\n", g.count));
            for e in &g.examples {
                text.push_str(&format!(
                    "         line {}: {} {}\n",
                    e.line, e.tool_name, e.preview
                ));
            }
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use cedar_hitl_core::BuiltinProfile;

    #[test]
    fn counts_and_groups_differences_between_profiles() {
        let log = [
            r#"{"tool_name": "Bash", "tool_input": {"command": "rm -rf /tmp/build"}}"#,
            r#"{"session_id": "s1", "hook_event_name": "PreToolUse", "tool_name": "Bash", "tool_input": {"command": "rm -fr /"}}"#,
            r#"{"id": 7, "kind": "bash_normal", "tool_name": "Read", "tool_input": {"file_path": "a"}}"#,
            "",
            "not json",
            r#"{"tool_name": "Bash", "tool_input": {"command": "rm -rf /tmp/other"}}"#,
        ]
        .join("\n");
        let up =
            Arc::new(PolicyBundle::builder().builtins(BuiltinProfile::Upstream).build().unwrap());
        let hard = Arc::new(PolicyBundle::builtin());
        let s = replay(log.as_bytes(), up, Some(hard), &SessionConfig::default(), |_| {}).unwrap();
        assert_eq!((s.lines, s.calls, s.skipped, s.skipped_lines.clone()), (6, 4, 2, vec![5]));
        assert_eq!(s.base.get("deny"), Some(&2));
        assert_eq!(s.differences, 3);
        let g = &s.groups["deny [rm_slash] -> allow []"];
        assert_eq!((g.count, g.examples[0].line), (2, 1));
        assert_eq!(s.groups["allow [] -> deny [rm_slash]"].examples[0].session_id, "s1");
        assert!(render(&s).contains("3 call(s) decided differently"));
    }
}
