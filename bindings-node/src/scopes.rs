//! Approval scopes and patterns (docs/behaviour.md#scopes) — each one call into the core.

use crate::args::Surrogates;
use crate::errors;
use crate::js::js_of;
use cedar_hitl_core as core;
use napi::bindgen_prelude::{Env, Unknown};
use napi::{JsValue, Result};
use napi_derive::napi;

/// Validate and normalise an approval scope (`"  rule: x "` → `"rule:x"`). Throws a `SCOPE`
/// error naming the problem, as Python's `parse_approval_scope` raises `ScopeError`; the
/// upstream `{ ok, scope | message }` shape is `parseApprovalScope` in `cedar-hitl/upstream`.
#[napi(catch_unwind, ts_args_type = "scope: string")]
pub fn parse_approval_scope(env: Env, scope: Unknown<'_>) -> Result<String> {
    let js = js_of(&env);
    let text = js.str_arg(scope.raw(), "scope", Surrogates::Refuse)?;
    core::parse_approval_scope(&text).map(|p| p.to_string()).map_err(|e| errors::scope(js, &e))
}

/// Whether a `bash_pattern` / `write_path` glob is too broad to pre-approve.
#[napi(catch_unwind, ts_args_type = "pattern: string")]
pub fn is_degenerate_pattern(env: Env, pattern: Unknown<'_>) -> Result<bool> {
    let js = js_of(&env);
    Ok(core::is_degenerate_pattern(&js.str_arg(pattern.raw(), "pattern", Surrogates::Refuse)?))
}
