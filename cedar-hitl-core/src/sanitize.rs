//! One sanitiser for every agent- or human-facing text: secret redaction, control and escape
//! stripping, character-boundary truncation, and the XML denial envelope.

/// Placeholder: see the helper brief.
pub fn strip_controls(text: &str) -> String {
    let _ = text;
    todo!()
}
/// stub
pub fn truncate(text: &str, max_chars: usize) -> String { text.chars().take(max_chars).collect() }
/// stub
pub fn agent_deny_reason(reason: Option<&str>) -> String { reason.unwrap_or("denied").to_owned() }
/// stub
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DenialEntry { /** x */ pub request_id: String, /** x */ pub reason: String, /** x */ pub decided_at: Option<String> }
