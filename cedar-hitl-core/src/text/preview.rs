//! The tool-input preview shown to the person approving a call (docs/text.md, "Previews").
//!
//! A reviewer must see first what the call does: the path a write tool writes, the command a
//! shell tool runs. So that member leads the preview, and a long command keeps its end (where an
//! appended `; rm -rf ~` would sit) with the middle elided behind a visible marker.

use super::cut::{Ellipsis, cut, elide_middle};
use super::messages::sanitize;
use crate::JsonValue;
use crate::canonical::{JsonStyle, write_python_json};

/// The preview of a tool input for a tool the engine knows nothing about: a string input is
/// used as is; anything else is rendered as JSON in insertion order (ASCII-only, Python
/// separators, `NaN`/`Infinity` as Python writes them, unsupported values as a string saying
/// what they were, containers nested deeper than `tool_input_max_depth` as `"…"`). Then the text
/// pipeline runs (controls and invisible characters stripped, secrets redacted) and the text is
/// cut to `tool_input_preview_max_chars`, never splitting a marker. For a known write or shell
/// tool use [`tool_input_preview_for`] or [`PolicyBundle::tool_input_preview`](crate::PolicyBundle::tool_input_preview).
///
/// ```
/// use cedar_hitl_core::{tool_input_preview, JsonValue};
/// let v = JsonValue::from(serde_json::json!({"command": "ls", "n": 1}));
/// assert_eq!(tool_input_preview(&v), r#"{"command": "ls", "n": 1}"#);
/// assert_eq!(tool_input_preview(&JsonValue::from("raw \x1b[2Jtext")), "raw text");
/// ```
pub fn tool_input_preview(input: &JsonValue) -> String {
    preview(input, None)
}

/// The preview of a call to `tool_name` as the default tool maps classify it (write tools
/// `Write`, `Edit`, `MultiEdit` by `file_path`, `NotebookEdit` by `notebook_path`; the shell tool
/// `Bash` by `command`): that member comes first, then the rest in insertion order; when the
/// whole does not fit, the leading member keeps its start and end around
/// `[...<n> chars cut...]` and the rest is cut with `...`. Any other tool previews as
/// [`tool_input_preview`].
///
/// ```
/// use cedar_hitl_core::{tool_input_preview_for, JsonValue};
/// let write = JsonValue::from(serde_json::json!({"content": "x".repeat(500), "file_path": "/etc/passwd"}));
/// assert!(tool_input_preview_for("Write", &write).starts_with(r#"{"file_path": "/etc/passwd", "content": "xxx"#));
/// let padded = format!("echo {}; rm -rf ~", " ".repeat(400));
/// let bash = JsonValue::from(serde_json::json!({"command": padded}));
/// let shown = tool_input_preview_for("Bash", &bash);
/// assert!(shown.contains("chars cut...]") && shown.ends_with(r#"; rm -rf ~"}"#), "{shown}");
/// assert_eq!(shown.chars().count(), 256);
/// ```
pub fn tool_input_preview_for(tool_name: &str, input: &JsonValue) -> String {
    preview(input, crate::bundle::default_lead_key(tool_name))
}

/// The preview with `lead_key` (the path or command member) first; see [`tool_input_preview_for`].
pub(crate) fn preview(input: &JsonValue, lead_key: Option<&str>) -> String {
    let max = crate::constants().tool_input_preview_max_chars;
    let (lead, rest) = match (input, lead_key) {
        (JsonValue::Object(members), Some(key)) => match members.iter().position(|(k, _)| k == key)
        {
            Some(at) => {
                let mut rest = members.clone();
                let lead = rest.remove(at);
                (lead, rest)
            }
            None => return sanitize(&render(input), max, Ellipsis::Yes),
        },
        _ => return sanitize(&render(input), max, Ellipsis::Yes),
    };
    // `{"command": "…"` and `, "k": v…}` (or `}`), each through the pipeline on its own.
    let lead_text = sanitize(&render(&JsonValue::Object(vec![lead])), usize::MAX, Ellipsis::No);
    let lead_text = lead_text.strip_suffix('}').unwrap_or(&lead_text);
    let rest_text = if rest.is_empty() {
        "}".to_owned()
    } else {
        let all = sanitize(&render(&JsonValue::Object(rest)), usize::MAX, Ellipsis::No);
        format!(", {}", all.strip_prefix('{').unwrap_or(&all))
    };
    let rest_chars = rest_text.chars().count();
    if lead_text.chars().count() + rest_chars <= max {
        return format!("{lead_text}{rest_text}");
    }
    // The lead gets the room it needs; the rest keeps at least a glimpse (or all of it, if short).
    let reserve = rest_chars.min(REST_GLIMPSE_CHARS);
    let shown = elide_middle(lead_text, max.saturating_sub(reserve));
    cut(&format!("{shown}{rest_text}"), max, Ellipsis::Yes).into_owned()
}

/// How much of the other members a preview keeps when the leading member is long.
const REST_GLIMPSE_CHARS: usize = 24;

fn render(input: &JsonValue) -> String {
    match input {
        JsonValue::String(s) => s.clone(),
        other => {
            let mut out = String::new();
            // The preview style renders every value, so this never fails.
            let _ = write_python_json(
                &mut out,
                other,
                JsonStyle::Preview,
                0,
                crate::constants().tool_input_max_depth,
            );
            out
        }
    }
}
