//! Node binding of cedar-hitl (napi-rs). See `bindings-node/README.md`.
//!
//! This crate converts JavaScript values to and from `cedar_hitl_core` types and maps the core's
//! errors to JavaScript errors. It holds no policy logic: every decision, validation, message and
//! number comes from the core.
//!
//! Every export is `catch_unwind`: a Rust panic becomes a thrown JavaScript error instead of
//! aborting the process (`evaluate*` additionally never throw at all — the core turns internal
//! faults into a fail-closed DENY).

// Helpers: reading and building JavaScript values, and the errors thrown.
mod args;
mod convert;
mod errors;
mod js;
mod surface;

// The exports, by concept (`pub` so that the compiler sees them used; napi-rs registers them).
pub mod bundle;
pub mod clock;
pub mod constants;
pub mod engine;
pub mod functions;
pub mod records;
pub mod rules;
pub mod scopes;
pub mod session;
pub mod text;
pub mod upstream;

use cedar_hitl_core as core;
use convert::json_to_js;
use js::js_of;
use napi::bindgen_prelude::{Env, Object};
use napi::{JsValue, Result};
use napi_derive::napi;

/// Module init: the parsed, deep-frozen `constants` object (no number is restated here).
#[napi(module_exports)]
pub fn module_init(exports: Object<'_>, env: Env) -> Result<()> {
    let js = js_of(&env);
    let parsed: serde_json::Value = serde_json::from_str(core::CONSTANTS_JSON)
        .map_err(|e| napi::Error::from_reason(format!("constants.json: {e}")))?;
    js.set(exports.raw(), "constants", json_to_js(js, &parsed, true)?)?;
    js.set(exports.raw(), "VALID_TOOL_TYPES", {
        let arr = js.string_array(&core::VALID_TOOL_TYPES)?;
        js.freeze(arr)?;
        arr
    })?;
    Ok(())
}
