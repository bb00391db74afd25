//! Canonical JSON of a tool input, byte-compatible with Python `json.dumps(x, sort_keys=True)`,
//! and its SHA-256 (the recent-decision cache key and the approval row's `tool_input_sha256`).

use crate::JsonValue;

/// Why an input has no canonical form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unhashable(pub String);

/// Canonical JSON text of `value` (SPEC §8.1), or why there is none (NaN/Infinity, an
/// `Unsupported` value, nesting deeper than `tool_input_max_depth`).
pub fn canonical_json(value: &JsonValue) -> Result<String, Unhashable> {
    let _ = value;
    todo!()
}

/// SHA-256 (lower-case hex) of [`canonical_json`].
pub fn tool_input_sha256(value: &JsonValue) -> Result<String, Unhashable> {
    let _ = value;
    todo!()
}
