//! Codex CLI: `PreToolUse` / `PostToolUse` command hooks in Claude Code's wire format, with
//! Codex's tool names (docs/hosts.md, "Codex CLI").
//!
//! Codex has no `ask` (an `ask` marks the hook failed and the call proceeds), so the hook never
//! answers one: approval becomes a deny saying how to grant it. Shell calls arrive as `Bash`
//! with `tool_input.command`; file edits as `apply_patch` with the patch text in
//! `tool_input.command`, which the hook splits into one write per file the patch touches.

use super::{
    Answer, Event, PostEvent, PreEvent, Reply, ToolEvent, call, echo, kind, tool_event,
    tool_response,
};
use serde_json::{Map, Value};

/// Parse a Codex hook event.
pub fn parse(obj: &Map<String, Value>) -> Result<Event, String> {
    let ToolEvent { name, session_id, tool, input, tool_use_id } =
        tool_event(obj, &["PreToolUse", "PostToolUse"])?;
    if name == "PostToolUse" {
        let output = tool_response(obj)?.clone();
        return Ok(Event::Post(PostEvent { session_id, tool_use_id, host_tool: tool, output }));
    }
    let calls = match tool.as_str() {
        "Bash" => vec![call("Bash", shell_input(&input)?)],
        "apply_patch" => patch_calls(&input)?,
        _ => vec![call(&tool, input)],
    };
    Ok(Event::Pre(PreEvent { session_id, tool_use_id, host_tool: tool, calls, can_ask: false }))
}

/// `command` as one string: a string is kept; an argv array is joined with each word
/// single-quoted where needed, so the engine reads the same words.
fn shell_input(input: &Map<String, Value>) -> Result<Map<String, Value>, String> {
    let command = match input.get("command") {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Array(words)) => {
            let mut out = Vec::with_capacity(words.len());
            for w in words {
                match w {
                    Value::String(s) => out.push(quote(s)),
                    other => {
                        return Err(format!(
                            "Bash `tool_input.command` words must be strings, got {}",
                            kind(other)
                        ));
                    }
                }
            }
            out.join(" ")
        }
        Some(other) => {
            return Err(format!(
                "Bash `tool_input.command` must be a string or an array of strings, got {}",
                kind(other)
            ));
        }
        None => return Err("Bash `tool_input` has no `command`".to_owned()),
    };
    let mut m = input.clone();
    m.insert("command".into(), Value::String(command));
    Ok(m)
}

fn quote(word: &str) -> String {
    let plain = !word.is_empty()
        && word.chars().all(|c| c.is_ascii_alphanumeric() || "-_./=:@%+,".contains(c));
    if plain { word.to_owned() } else { format!("'{}'", word.replace('\'', r"'\''")) }
}

/// One `Write` per file an `apply_patch` body adds, updates, deletes or moves to. A patch that
/// names no file is refused: the hook cannot tell what it would write.
fn patch_calls(input: &Map<String, Value>) -> Result<Vec<cedar_hitl_core::ToolCall>, String> {
    let patch = match input.get("command").or_else(|| input.get("input")) {
        Some(Value::String(s)) => s.clone(),
        Some(other) => {
            return Err(format!(
                "apply_patch `tool_input.command` must be a string, got {}",
                kind(other)
            ));
        }
        None => return Err("apply_patch `tool_input` has no `command` (the patch)".to_owned()),
    };
    let mut paths: Vec<String> = Vec::new();
    for line in patch.lines() {
        let line = line.trim_end_matches('\r');
        for marker in ["*** Add File: ", "*** Update File: ", "*** Delete File: ", "*** Move to: "]
        {
            if let Some(p) = line.strip_prefix(marker) {
                let p = p.trim().to_owned();
                if !p.is_empty() && !paths.contains(&p) {
                    paths.push(p);
                }
            }
        }
    }
    if paths.is_empty() {
        return Err(format!(
            "apply_patch names no file (expected '*** Add/Update/Delete File: <path>' lines): {}",
            echo(&patch)
        ));
    }
    Ok(paths
        .into_iter()
        .map(|p| {
            let mut m = Map::new();
            m.insert("file_path".into(), Value::String(p));
            m.insert("content".into(), Value::String(patch.clone()));
            call("Write", m)
        })
        .collect())
}

/// Write an answer as Codex reads it: no `ask`, no explicit allow, no output replacement (a
/// warning as additional context instead).
pub fn render(answer: &Answer) -> Reply {
    super::claude_style(answer, false, false, false)
}
