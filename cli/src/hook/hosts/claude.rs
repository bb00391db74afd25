//! Claude Code: `PreToolUse` and `PostToolUse` command hooks (docs/hosts.md, "Claude Code").
//!
//! A block is exit code 2 with the reason on stderr, which every Claude Code version honours
//! (any other non-zero exit lets the tool run). Approval is `permissionDecision: "ask"`; output
//! replacement is `updatedToolOutput` (and the older MCP-only `updatedMCPToolOutput`).

use super::{
    Answer, Event, PostEvent, PreEvent, Reply, ToolEvent, call, tool_event, tool_response,
};
use serde_json::{Map, Value};

/// Parse a Claude Code hook event.
pub fn parse(obj: &Map<String, Value>) -> Result<Event, String> {
    let ToolEvent { name, session_id, tool, input, tool_use_id } =
        tool_event(obj, &["PreToolUse", "PostToolUse"])?;
    if name == "PreToolUse" {
        Ok(Event::Pre(PreEvent {
            session_id,
            tool_use_id,
            calls: vec![call(&tool, input)],
            host_tool: tool,
            can_ask: true,
        }))
    } else {
        let output = tool_response(obj)?.clone();
        Ok(Event::Post(PostEvent { session_id, tool_use_id, host_tool: tool, output }))
    }
}

/// Write an answer as Claude Code reads it.
pub fn render(answer: &Answer) -> Reply {
    super::claude_style(answer, true, true, true)
}
