//! Claude Code: `PreToolUse` and `PostToolUse` command hooks (docs/hosts.md, "Claude Code").
//!
//! A block is exit code 2 with the reason on stderr, which every Claude Code version honours
//! (any other non-zero exit lets the tool run). Approval is `permissionDecision: "ask"`; output
//! replacement is `updatedToolOutput` (and the older MCP-only `updatedMCPToolOutput`).

use super::{
    Answer, Event, PostEvent, PreEvent, Reply, call, event_name, opt_str, req_object, req_str,
};
use serde_json::{Map, Value};

/// Parse a Claude Code hook event.
pub fn parse(obj: &Map<String, Value>) -> Result<Event, String> {
    let name = event_name(obj, &["PreToolUse", "PostToolUse"])?;
    let session_id = req_str(obj, "session_id")?;
    let tool = req_str(obj, "tool_name")?;
    let input = req_object(obj, "tool_input")?;
    let tool_use_id = opt_str(obj, "tool_use_id")?;
    if name == "PreToolUse" {
        Ok(Event::Pre(PreEvent {
            session_id,
            tool_use_id,
            calls: vec![call(&tool, input)],
            host_tool: tool,
            can_ask: true,
        }))
    } else {
        let output = obj
            .get("tool_response")
            .cloned()
            .ok_or_else(|| "the hook event has no `tool_response` field".to_owned())?;
        Ok(Event::Post(PostEvent { session_id, tool_use_id, host_tool: tool, output }))
    }
}

/// Write an answer as Claude Code reads it.
pub fn render(answer: &Answer) -> Reply {
    super::claude_style(answer, true, true, true)
}
