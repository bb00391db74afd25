//! The remaining standalone functions: the effective approval timeout, the canonical form and
//! hash of a tool input, raw Cedar evaluation for the parity fixtures, the shell-command reading,
//! and the panic test hook.

use crate::args::Surrogates;
use crate::convert::{self, json_to_js};
use crate::errors;
use crate::js::{Js, Raw, Val, js_of};
use crate::records::{EffectiveTimeout, ParityResult};
use cedar_hitl_core as core;
use napi::bindgen_prelude::{Env, Unknown};
use napi::{JsValue, Result, sys};
use napi_derive::napi;

/// Effective approval timeout (docs/behaviour.md#effective-timeout). Numbers convert saturating; `null` = unknown.
#[napi(
    catch_unwind,
    ts_args_type = "decisionTimeoutS: number | null | undefined, taskDefaultS: number, remainingS?: number | null"
)]
pub fn effective_timeout(
    env: Env,
    decision_timeout_s: Unknown<'_>,
    task_default_s: Unknown<'_>,
    remaining_s: Unknown<'_>,
) -> Result<EffectiveTimeout> {
    let js = js_of(&env);
    let decision = js.opt_int_arg(decision_timeout_s.raw(), "decision_timeout_s")?;
    let default = js.int_arg(task_default_s.raw(), "task_default_s")?;
    let remaining = js.opt_int_arg(remaining_s.raw(), "remaining_s")?;
    let t = core::effective_timeout(decision, default, remaining);
    Ok(t.into())
}

/// SHA-256 (hex) of the canonical JSON of a tool input — the cache key and the approval row's
/// `tool_input_sha256`. Throws `CONFIG` (field `tool_input`) for an input with no canonical form.
#[napi(catch_unwind, ts_args_type = "toolInput: ToolInput")]
pub fn tool_input_sha256(env: Env, tool_input: Unknown<'_>) -> Result<String> {
    let js = js_of(&env);
    core::tool_input_sha256(&convert::to_json_value(js, tool_input.raw()))
        .map_err(|u| errors::config_msg(js, "tool_input", &u.to_string()))
}

/// Canonical JSON text of a tool input (byte-compatible with Python
/// `json.dumps(x, sort_keys=True)`). Throws like `toolInputSha256`.
#[napi(catch_unwind, ts_args_type = "toolInput: ToolInput")]
pub fn canonical_json(env: Env, tool_input: Unknown<'_>) -> Result<String> {
    let js = js_of(&env);
    core::canonical_json(&convert::to_json_value(js, tool_input.raw()))
        .map_err(|u| errors::config_msg(js, "tool_input", &u.to_string()))
}

fn entity_arg(js: Js, v: Val, field: &str) -> Result<core::cedar_parity::EntityRef> {
    let obj = js.options(v, field, &["type", "id"])?;
    let get = |k: &str| -> Result<Val> { js.member(obj, k)?.map_or_else(|| js.undefined(), Ok) };
    Ok(core::cedar_parity::EntityRef {
        entity_type: js.str_arg(get("type")?, &format!("{field}.type"), Surrogates::Refuse)?,
        id: js.str_arg(get("id")?, &format!("{field}.id"), Surrogates::Refuse)?,
    })
}

/// Raw Cedar evaluation of one request against one policy text (the cross-language parity
/// fixtures). Throws `CONFIG` (field `cedar_parity`) when the text or request is invalid.
#[napi(
    catch_unwind,
    ts_args_type = "policies: string, principal: EntityRef, action: EntityRef, resource: EntityRef, context?: Record<string, unknown> | null"
)]
pub fn cedar_parity_evaluate(
    env: Env,
    policies: Unknown<'_>,
    principal: Unknown<'_>,
    action: Unknown<'_>,
    resource: Unknown<'_>,
    context: Unknown<'_>,
) -> Result<ParityResult> {
    let js = js_of(&env);
    let policies = js.str_arg(policies.raw(), "policies", Surrogates::Refuse)?;
    let p = entity_arg(js, principal.raw(), "principal")?;
    let a = entity_arg(js, action.raw(), "action")?;
    let r = entity_arg(js, resource.raw(), "resource")?;
    let ctx = if js.type_of(context.raw())? == sys::ValueType::napi_undefined {
        core::JsonValue::Null
    } else {
        convert::to_json_value(js, context.raw())
    };
    let out = core::cedar_parity::evaluate(&policies, &p, &a, &r, &ctx)
        .map_err(|m| errors::config_msg(js, "cedar_parity", &m))?;
    Ok(out.into())
}

/// How the engine reads a shell command: the core's `shell::parse` (simple commands with their
/// facts, the files the line writes, and why it is opaque, if it is), as a plain JS object with
/// the core's snake_case keys. Throws `CONFIG` (field `command`) for a non-string.
#[napi(catch_unwind, ts_args_type = "command: string", ts_return_type = "CommandLine")]
pub fn parse_command(env: Env, command: Unknown<'_>) -> Result<Raw> {
    let js = js_of(&env);
    let command = js.str_arg(command.raw(), "command", Surrogates::Refuse)?;
    let line = serde_json::to_value(core::shell::parse(&command))
        .map_err(|e| napi::Error::from_reason(format!("parseCommand: {e}")))?;
    json_to_js(js, &line, false).map(Raw)
}

/// Test hook: panics inside an exported function, so the suite can verify a Rust panic becomes
/// a JavaScript error and never aborts the process.
#[napi(catch_unwind, js_name = "__panicForTesting", skip_typescript)]
pub fn panic_for_testing() -> Result<()> {
    panic!("deliberate panic (cedar-hitl binding self-test)")
}
