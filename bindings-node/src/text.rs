//! Text for people and agents (docs/text.md): deny reasons, secret redaction, control
//! stripping, truncation, the denial envelope, the approval preview and blocker reasons — each
//! one call into the core.

use crate::args::Surrogates;
use crate::convert;
use crate::errors;
use crate::js::{Val, js_of};
use crate::records::Redaction;
use cedar_hitl_core as core;
use napi::bindgen_prelude::{Env, Unknown};
use napi::{JsValue, Result, sys};
use napi_derive::napi;

/// REST deny reason: controls stripped, secrets redacted, cut to the deny-reason cap.
/// `null`/`undefined` → `""`.
#[napi(catch_unwind, ts_args_type = "text: string | null | undefined")]
pub fn scan_deny_reason(env: Env, text: Unknown<'_>) -> Result<String> {
    let js = js_of(&env);
    Ok(core::scan_deny_reason(
        &js.opt_str_arg(text.raw(), "text", Surrogates::Replace)?.unwrap_or_default(),
    ))
}

/// The deny reason handed to the agent (`"denied"` when absent).
#[napi(catch_unwind, ts_args_type = "reason?: string | null")]
pub fn agent_deny_reason(env: Env, reason: Unknown<'_>) -> Result<String> {
    let js = js_of(&env);
    Ok(core::agent_deny_reason(
        js.opt_str_arg(reason.raw(), "reason", Surrogates::Replace)?.as_deref(),
    ))
}

/// Every secret replaced by `[REDACTED-<LABEL>]`.
#[napi(catch_unwind, ts_args_type = "text: string")]
pub fn redact_secrets(env: Env, text: Unknown<'_>) -> Result<String> {
    let js = js_of(&env);
    Ok(core::redact_secrets(&js.str_arg(text.raw(), "text", Surrogates::Replace)?))
}

/// Redacted text plus the labels of the kinds found.
#[napi(catch_unwind, ts_args_type = "text: string")]
pub fn scan_secrets(env: Env, text: Unknown<'_>) -> Result<Redaction> {
    let js = js_of(&env);
    Ok(core::scan_secrets(&js.str_arg(text.raw(), "text", Surrogates::Replace)?).into())
}

/// Remove terminal escapes and control characters (tab and newline kept).
#[napi(catch_unwind, ts_args_type = "text: string")]
pub fn strip_controls(env: Env, text: Unknown<'_>) -> Result<String> {
    let js = js_of(&env);
    Ok(core::strip_controls(&js.str_arg(text.raw(), "text", Surrogates::Replace)?))
}

/// Cut to `maxChars` characters (Unicode scalar values), ending in `...` when cut.
/// `null`/`undefined` text → `""`.
#[napi(catch_unwind, ts_args_type = "text: string | null | undefined, maxChars: number")]
pub fn truncate(env: Env, text: Unknown<'_>, max_chars: Unknown<'_>) -> Result<String> {
    let js = js_of(&env);
    let text = js.opt_str_arg(text.raw(), "text", Surrogates::Replace)?.unwrap_or_default();
    let max = js.int_arg(max_chars.raw(), "max_chars")?;
    let max = usize::try_from(max).map_err(|_| {
        errors::config_msg(
            js,
            "max_chars",
            &format!("max_chars must be an integer >= 0, got {max}"),
        )
    })?;
    Ok(core::truncate(&text, max))
}

/// The XML envelope of queued denials (`""` for none).
#[napi(catch_unwind, ts_args_type = "entries: readonly DenialEntry[]")]
pub fn denial_envelope(env: Env, entries: Unknown<'_>) -> Result<String> {
    let js = js_of(&env);
    let v = entries.raw();
    if !(js.type_of(v)? == sys::ValueType::napi_object && js.is_array(v)?) {
        return Err(errors::config_msg(
            js,
            "entries",
            &format!(
                "entries must be an array of {{ requestId, reason, decidedAt }}, got {}",
                js.type_name(v)
            ),
        ));
    }
    let mut out = Vec::new();
    for i in 0..js.array_len(v)? {
        let field = format!("entries[{i}]");
        let obj = js.options(js.element(v, i)?, &field, &["requestId", "reason", "decidedAt"])?;
        let get =
            |k: &str| -> Result<Val> { js.member(obj, k)?.map_or_else(|| js.undefined(), Ok) };
        out.push(core::DenialEntry {
            request_id: js.str_arg(
                get("requestId")?,
                &format!("{field}.request_id"),
                Surrogates::Replace,
            )?,
            reason: js.str_arg(get("reason")?, &format!("{field}.reason"), Surrogates::Replace)?,
            decided_at: js.opt_str_arg(
                get("decidedAt")?,
                &format!("{field}.decided_at"),
                Surrogates::Replace,
            )?,
        });
    }
    Ok(core::denial_envelope(&out))
}

/// The preview for the person approving a call; with `toolName`, a write tool's path or a shell
/// tool's command leads (default tool maps).
#[napi(catch_unwind, ts_args_type = "toolInput: ToolInput | string, toolName?: string | null")]
pub fn tool_input_preview(
    env: Env,
    tool_input: Unknown<'_>,
    tool_name: Option<Unknown<'_>>,
) -> Result<String> {
    let js = js_of(&env);
    let v = convert::to_json_value(js, tool_input.raw());
    let tool = match tool_name {
        Some(t) => js.opt_str_arg(t.raw(), "toolName", Surrogates::Replace)?,
        None => None,
    };
    Ok(match tool {
        Some(t) => core::tool_input_preview_for(&t, &v),
        None => core::tool_input_preview(&v),
    })
}

/// `BLOCKED[<kind>]: <detail>` (+ ` (resource: <r>)`).
#[napi(catch_unwind, ts_args_type = "kind: string, detail: string, resource?: string | null")]
pub fn blocker_reason(
    env: Env,
    kind: Unknown<'_>,
    detail: Unknown<'_>,
    resource: Unknown<'_>,
) -> Result<String> {
    let js = js_of(&env);
    let kind = js.str_arg(kind.raw(), "kind", Surrogates::Replace)?;
    let detail = js.str_arg(detail.raw(), "detail", Surrogates::Replace)?;
    let resource = js.opt_str_arg(resource.raw(), "resource", Surrogates::Replace)?;
    Ok(core::blocker_reason(&kind, &detail, resource.as_deref()))
}
