//! Gemini CLI: `BeforeTool` / `AfterTool` command hooks (docs/hosts.md, "Gemini CLI").
//!
//! Tool names are mapped onto the engine's: `run_shell_command` is a shell call (`Bash`),
//! `write_file` a `Write`, `replace` an `Edit`, `read_file` a `Read`; other tools keep their
//! names. `BeforeTool` has no `ask`: approval becomes a deny saying how to grant it. A block is
//! exit 2 with the reason on stderr, and the JSON `decision: "deny"` on stdout as well.

use super::{
    Answer, Event, PostEvent, PreEvent, Reply, ToolEvent, call, tool_event, tool_response,
};
use serde_json::{Map, Value, json};

/// Parse a Gemini CLI hook event.
pub fn parse(obj: &Map<String, Value>) -> Result<Event, String> {
    // Gemini gives no per-call id in its documented schema; one is accepted if present.
    let ToolEvent { name, session_id, tool, input, tool_use_id } =
        tool_event(obj, &["BeforeTool", "AfterTool"])?;
    if name == "AfterTool" {
        let response = tool_response(obj)?;
        // The text the model sees is `llmContent`; scan the whole response if it has none.
        let output = response.get("llmContent").cloned().unwrap_or_else(|| response.clone());
        return Ok(Event::Post(PostEvent { session_id, tool_use_id, host_tool: tool, output }));
    }
    let (engine_tool, input) = map_tool(&tool, input);
    Ok(Event::Pre(PreEvent {
        session_id,
        tool_use_id,
        calls: vec![call(engine_tool, input)],
        host_tool: tool,
        can_ask: false,
    }))
}

fn map_tool(tool: &str, mut input: Map<String, Value>) -> (&str, Map<String, Value>) {
    match tool {
        "run_shell_command" => ("Bash", input),
        "write_file" => ("Write", input),
        "replace" => ("Edit", input),
        "read_file" => {
            // Older releases name the path `absolute_path`.
            if !input.contains_key("file_path")
                && let Some(p) = input.remove("absolute_path")
            {
                input.insert("file_path".into(), p);
            }
            ("Read", input)
        }
        other => (other, input),
    }
}

/// Write an answer as Gemini CLI reads it.
pub fn render(answer: &Answer) -> Reply {
    match answer {
        Answer::Deny { reason } | Answer::Ask { reason } => Reply {
            code: 2,
            stdout: format!("{}\n", json!({"decision": "deny", "reason": reason})),
            stderr: format!("{reason}\n"),
        },
        Answer::Allow { explicit: true } => Reply::json(json!({"decision": "allow"})),
        Answer::Allow { .. } | Answer::PostClean => Reply::silent(),
        Answer::PostRedacted { redacted, warning, .. } => {
            let text = match redacted {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            Reply::json(json!({
                "hookSpecificOutput": { "tool_output": text, "additionalContext": warning }
            }))
        }
    }
}
