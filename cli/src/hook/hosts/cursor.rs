//! Cursor: `beforeShellExecution`, `beforeMCPExecution` and `beforeReadFile` hooks
//! (docs/hosts.md, "Cursor").
//!
//! The session is Cursor's `conversation_id`. A shell command is a `Bash` call; an MCP call is
//! `mcp__<tool_name>` with its arguments (an object, or a JSON string holding one); a file read
//! is a `Read`. Cursor answers with `permission` (`allow`/`deny`/`ask`; `beforeReadFile` has no
//! `ask`). A block is the JSON deny on stdout and exit 2 as well.

use super::{Answer, Event, PreEvent, Reply, call, event_name, kind, req_str};
use serde_json::{Map, Value, json};

/// Parse a Cursor hook event.
pub fn parse(obj: &Map<String, Value>) -> Result<Event, String> {
    let name = event_name(obj, &["beforeShellExecution", "beforeMCPExecution", "beforeReadFile"])?;
    let session_id = req_str(obj, "conversation_id")?;
    let (host_tool, c, can_ask) = match name {
        "beforeShellExecution" => {
            let mut m = Map::new();
            m.insert("command".into(), Value::String(req_str(obj, "command")?));
            ("shell".to_owned(), call("Bash", m), true)
        }
        "beforeMCPExecution" => {
            let tool = req_str(obj, "tool_name")?;
            let input = match obj.get("tool_input") {
                Some(Value::Object(m)) => m.clone(),
                Some(Value::String(s)) => match serde_json::from_str::<Value>(s) {
                    Ok(Value::Object(m)) => m,
                    Ok(other) => {
                        return Err(format!(
                            "the hook event's `tool_input` must hold a JSON object, got {}",
                            kind(&other)
                        ));
                    }
                    Err(e) => {
                        return Err(format!("the hook event's `tool_input` is not JSON: {e}"));
                    }
                },
                Some(other) => {
                    return Err(format!(
                        "the hook event's `tool_input` must be a JSON object, got {}",
                        kind(other)
                    ));
                }
                None => return Err("the hook event has no `tool_input` field".to_owned()),
            };
            let engine =
                if tool.starts_with("mcp__") { tool.clone() } else { format!("mcp__{tool}") };
            (tool, call(&engine, input), true)
        }
        _ => {
            let mut m = Map::new();
            m.insert("file_path".into(), Value::String(req_str(obj, "file_path")?));
            ("read_file".to_owned(), call("Read", m), false)
        }
    };
    Ok(Event::Pre(PreEvent { session_id, tool_use_id: None, host_tool, calls: vec![c], can_ask }))
}

/// Write an answer as Cursor reads it.
pub fn render(answer: &Answer) -> Reply {
    match answer {
        Answer::Deny { reason } => Reply {
            code: 2,
            stdout: format!(
                "{}\n",
                json!({"permission": "deny", "user_message": reason, "agent_message": reason})
            ),
            stderr: format!("{reason}\n"),
        },
        Answer::Ask { reason } => Reply::json(
            json!({"permission": "ask", "user_message": reason, "agent_message": reason}),
        ),
        Answer::Allow { explicit: true } => Reply::json(json!({"permission": "allow"})),
        // Cursor has no after-events this hook answers; nothing to print.
        Answer::Allow { .. } | Answer::PostClean | Answer::PostRedacted { .. } => Reply::silent(),
    }
}
