//! Each agent host's hook protocol: reading its event JSON into engine calls, and writing the
//! engine's answer back in that host's terms (docs/hosts.md). Every answer that blocks also
//! exits 2, the one signal every host reads as a block.

use cedar_hitl_core::{JsonValue, ToolCall, strip_controls, truncate};
use serde_json::{Map, Value, json};

pub(crate) mod claude;
pub(crate) mod codex;
pub(crate) mod cursor;
pub(crate) mod gemini;

/// Which agent host speaks to the hook.
///
/// ```
/// use cedar_hitl_cli::hook::hosts::Host;
/// assert_eq!(Host::ALL.map(Host::as_str), ["claude", "codex", "gemini", "cursor"]);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Host {
    /// Claude Code (`PreToolUse` / `PostToolUse`).
    Claude,
    /// Codex CLI (`PreToolUse` / `PostToolUse`, no `ask`).
    Codex,
    /// Gemini CLI (`BeforeTool` / `AfterTool`, no `ask`).
    Gemini,
    /// Cursor (`beforeShellExecution`, `beforeMCPExecution`, `beforeReadFile`).
    Cursor,
}

impl Host {
    /// The host's name as the config and `--host` spell it.
    ///
    /// ```
    /// assert_eq!(cedar_hitl_cli::hook::hosts::Host::Gemini.as_str(), "gemini");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Host::Claude => "claude",
            Host::Codex => "codex",
            Host::Gemini => "gemini",
            Host::Cursor => "cursor",
        }
    }

    /// Every host, in `--host` order.
    ///
    /// ```
    /// assert_eq!(cedar_hitl_cli::hook::hosts::Host::ALL.len(), 4);
    /// ```
    pub const ALL: [Host; 4] = [Host::Claude, Host::Codex, Host::Gemini, Host::Cursor];

    /// The host named `s`, if any.
    ///
    /// ```
    /// use cedar_hitl_cli::hook::hosts::Host;
    /// assert_eq!(Host::parse("cursor"), Some(Host::Cursor));
    /// assert_eq!(Host::parse("Claude"), None);
    /// ```
    pub fn parse(s: &str) -> Option<Host> {
        Host::ALL.into_iter().find(|h| h.as_str() == s)
    }
}

/// A call the host is about to make, as the engine sees it.
#[derive(Debug, Clone)]
pub(crate) struct PreEvent {
    /// The host's session (conversation) id: keys the persisted state.
    pub session_id: String,
    /// The host's id for this tool call, when it gives one (links a later PostToolUse).
    pub tool_use_id: Option<String>,
    /// The tool name the host used (for messages).
    pub host_tool: String,
    /// The engine calls this event stands for (one, or one per file of a patch).
    pub calls: Vec<ToolCall>,
    /// Whether this host and event can ask a person (`ask`); otherwise approval is a deny.
    pub can_ask: bool,
}

/// A call that ran, with its output.
#[derive(Debug, Clone)]
pub(crate) struct PostEvent {
    /// The host's session id.
    pub session_id: String,
    /// The host's id for the call, when it gives one.
    pub tool_use_id: Option<String>,
    /// The tool name the host used.
    pub host_tool: String,
    /// The tool's output (any JSON shape); every string in it is scanned.
    pub output: Value,
}

/// One hook event.
#[derive(Debug, Clone)]
pub(crate) enum Event {
    /// Before a tool runs.
    Pre(PreEvent),
    /// After a tool ran.
    Post(PostEvent),
}

/// What the hook decided, before it is written in a host's terms.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Answer {
    /// Let the call through; `explicit` prints an allow decision (config `allow_output`).
    Allow {
        /// Print an allow decision instead of nothing.
        explicit: bool,
    },
    /// Block the call with this (already sanitised) reason.
    Deny {
        /// The sanitised reason.
        reason: String,
    },
    /// Ask the person, with this (already sanitised) reason.
    Ask {
        /// The sanitised reason.
        reason: String,
    },
    /// Output scanned: nothing to change.
    PostClean,
    /// Output scanned and secrets found.
    PostRedacted {
        /// The output with every secret redacted (same JSON shape).
        redacted: Value,
        /// The warning for the agent.
        warning: String,
        /// Whether the host's tool is an MCP tool (`mcp__…`).
        mcp: bool,
    },
}

/// What the process prints and exits with.
///
/// ```
/// use cedar_hitl_cli::hook::{run, HookArgs, hosts::Host};
/// let reply = run(&HookArgs { host: Some(Host::Cursor), config: Some("/nonexistent.toml".into()) }, b"");
/// assert_eq!(reply.code, 2);
/// assert!(reply.stdout.contains(r#""permission":"deny""#)); // Cursor's own deny, too
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// Exit code (2 blocks on every host).
    pub code: u8,
    /// Standard output (JSON or nothing).
    pub stdout: String,
    /// Standard error (the block reason, or nothing).
    pub stderr: String,
}

impl Reply {
    fn silent() -> Self {
        Reply { code: 0, stdout: String::new(), stderr: String::new() }
    }
    fn json(v: Value) -> Self {
        Reply { code: 0, stdout: format!("{v}\n"), stderr: String::new() }
    }
    fn block(reason: &str) -> Self {
        Reply { code: 2, stdout: String::new(), stderr: format!("{reason}\n") }
    }
}

/// Parse one event for `host`.
pub(crate) fn parse(host: Host, v: &Value) -> Result<Event, String> {
    let obj = v
        .as_object()
        .ok_or_else(|| format!("the hook event must be a JSON object, got {}", kind(v)))?;
    match host {
        Host::Claude => claude::parse(obj),
        Host::Codex => codex::parse(obj),
        Host::Gemini => gemini::parse(obj),
        Host::Cursor => cursor::parse(obj),
    }
}

/// Write `answer` in `host`'s terms.
pub(crate) fn render(host: Host, answer: &Answer) -> Reply {
    match host {
        Host::Claude => claude::render(answer),
        Host::Codex => codex::render(answer),
        Host::Gemini => gemini::render(answer),
        Host::Cursor => cursor::render(answer),
    }
}

/// The reply for a hook that could not decide: a block in the host's terms.
pub(crate) fn fail_closed(host: Host, message: &str) -> Reply {
    render(host, &Answer::Deny { reason: message.to_owned() })
}

pub(crate) fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Host text echoed in a message: controls stripped, cut short.
pub(crate) fn echo(text: &str) -> String {
    truncate(&strip_controls(text), 80)
}

/// A required non-empty string field.
pub(crate) fn req_str(obj: &Map<String, Value>, key: &str) -> Result<String, String> {
    match obj.get(key) {
        None => Err(format!("the hook event has no `{key}` field")),
        Some(Value::String(s)) if !s.is_empty() => Ok(s.clone()),
        Some(Value::String(_)) => Err(format!("the hook event's `{key}` is empty")),
        Some(other) => {
            Err(format!("the hook event's `{key}` must be a string, got {}", kind(other)))
        }
    }
}

/// An optional string field (absent or null is `None`; another type is an error).
pub(crate) fn opt_str(obj: &Map<String, Value>, key: &str) -> Result<Option<String>, String> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(other) => {
            Err(format!("the hook event's `{key}` must be a string, got {}", kind(other)))
        }
    }
}

/// The required `tool_input` object.
pub(crate) fn req_object(
    obj: &Map<String, Value>,
    key: &str,
) -> Result<Map<String, Value>, String> {
    match obj.get(key) {
        None => Err(format!("the hook event has no `{key}` field")),
        Some(Value::Object(m)) => Ok(m.clone()),
        Some(other) => {
            Err(format!("the hook event's `{key}` must be a JSON object, got {}", kind(other)))
        }
    }
}

/// The event name, checked against the names this host's hook answers.
pub(crate) fn event_name<'a>(
    obj: &Map<String, Value>,
    supported: &[&'a str],
) -> Result<&'a str, String> {
    let name = req_str(obj, "hook_event_name")?;
    supported.iter().copied().find(|s| *s == name).ok_or_else(|| {
        format!(
            "unsupported hook event '{}' (this hook answers: {})",
            echo(&name),
            supported.join(", ")
        )
    })
}

/// The members every tool event carries in the Claude Code wire format (also Codex's and Gemini
/// CLI's): the event name (one of `supported`), session id, tool name and input, and the
/// optional tool-use id.
pub(crate) struct ToolEvent<'a> {
    pub name: &'a str,
    pub session_id: String,
    pub tool: String,
    pub input: Map<String, Value>,
    pub tool_use_id: Option<String>,
}

/// Read the shared members of a tool event (see [`ToolEvent`]).
pub(crate) fn tool_event<'a>(
    obj: &Map<String, Value>,
    supported: &[&'a str],
) -> Result<ToolEvent<'a>, String> {
    Ok(ToolEvent {
        name: event_name(obj, supported)?,
        session_id: req_str(obj, "session_id")?,
        tool: req_str(obj, "tool_name")?,
        input: req_object(obj, "tool_input")?,
        tool_use_id: opt_str(obj, "tool_use_id")?,
    })
}

/// The required `tool_response` of a post-tool event.
pub(crate) fn tool_response(obj: &Map<String, Value>) -> Result<&Value, String> {
    obj.get("tool_response").ok_or_else(|| "the hook event has no `tool_response` field".to_owned())
}

pub(crate) fn call(tool: &str, input: Map<String, Value>) -> ToolCall {
    ToolCall::new(tool, JsonValue::from(Value::Object(input)))
}

/// The Claude-style JSON answers Claude Code and Codex share.
pub(crate) fn claude_style(
    answer: &Answer,
    ask: bool,
    explicit_allow: bool,
    replace: bool,
) -> Reply {
    match answer {
        Answer::Deny { reason } => Reply::block(reason),
        Answer::Ask { reason } if ask => Reply::json(json!({
            "hookSpecificOutput": {
                "hookEventName": "PreToolUse",
                "permissionDecision": "ask",
                "permissionDecisionReason": reason,
            }
        })),
        // A host that cannot ask never gets an Ask (the hook turns it into a deny); block if
        // one slips through.
        Answer::Ask { reason } => Reply::block(reason),
        Answer::Allow { explicit: true } if explicit_allow => Reply::json(json!({
            "hookSpecificOutput": {
                "hookEventName": "PreToolUse",
                "permissionDecision": "allow",
                "permissionDecisionReason": "cedar-hitl: allowed by policy",
            }
        })),
        Answer::Allow { .. } | Answer::PostClean => Reply::silent(),
        Answer::PostRedacted { redacted, warning, mcp } => {
            let mut out = json!({ "hookEventName": "PostToolUse", "additionalContext": warning });
            if replace {
                out["updatedToolOutput"] = redacted.clone();
                if *mcp {
                    out["updatedMCPToolOutput"] = redacted.clone();
                }
            }
            Reply::json(json!({ "hookSpecificOutput": out }))
        }
    }
}
