//! What a person or a model reads: one pipeline for every text the engine shows — tool output,
//! decision and deny reasons, cached reasons, the denial envelope, previews, explanations
//! (docs/text.md).
//!
//! 1. **Clean** ([`strip_controls`]): terminal escape sequences, C0/C1 controls and invisible
//!    format characters (bidi controls, zero-width characters, soft hyphen, tags) go first, so
//!    nothing that hides text or splits a secret survives into the next step.
//! 2. **Redact** ([`scan_secrets`]): every secret becomes `[REDACTED-<LABEL>]`.
//! 3. **Cut** ([`truncate`]): to the cap, on character boundaries, never inside a marker.

mod controls;
mod cut;
mod messages;
mod preview;
mod secrets;
#[cfg(test)]
mod tests;

pub use controls::{is_invisible, strip_controls};
pub use cut::truncate;
pub use messages::{agent_deny_reason, blocker_reason, denial_envelope, scan_deny_reason};
pub use preview::{tool_input_preview, tool_input_preview_for};
pub use secrets::{SecretKind, redact_secrets, scan_secrets};

pub(crate) use messages::clean_reason;
pub(crate) use preview::preview;
