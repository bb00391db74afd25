//! The built-in policy texts and the core's constants, exported as they are (the parsed
//! `constants` object is added in `module_init`).

use cedar_hitl_core as core;
use napi_derive::napi;

/// The hardened built-in hard tier (`policies/hard_deny.cedar`, the default profile).
#[napi]
pub const BUILTIN_HARD_DENY_POLICIES: &str = core::BUILTIN_HARD_DENY_POLICIES;

/// The hardened built-in soft tier (`policies/soft_deny.cedar`, the default profile).
#[napi]
pub const BUILTIN_SOFT_DENY_POLICIES: &str = core::BUILTIN_SOFT_DENY_POLICIES;

/// The upstream built-in hard tier (`policies/upstream/hard_deny.cedar`, profile `'upstream'`).
#[napi]
pub const UPSTREAM_HARD_DENY_POLICIES: &str = core::UPSTREAM_HARD_DENY_POLICIES;

/// The upstream built-in soft tier (`policies/upstream/soft_deny.cedar`, profile `'upstream'`).
#[napi]
pub const UPSTREAM_SOFT_DENY_POLICIES: &str = core::UPSTREAM_SOFT_DENY_POLICIES;

/// `contracts/constants.json`, verbatim (also parsed as the frozen `constants` export).
#[napi]
pub const CONSTANTS_JSON: &str = core::CONSTANTS_JSON;

/// The only tool group.
#[napi]
pub const FILE_WRITE_GROUP: &str = core::FILE_WRITE_GROUP;

/// The instruction appended to a human's deny before the agent sees it.
#[napi]
pub const DENY_RETRY_INSTRUCTION: &str = core::DENY_RETRY_INSTRUCTION;

/// The core's string enums (type name → values), for the test that holds the `index.d.ts`
/// unions to them.
#[napi(js_name = "__stringEnums", skip_typescript)]
pub fn string_enums() -> std::collections::HashMap<String, Vec<String>> {
    core::string_enums()
        .iter()
        .map(|(name, values)| (name.to_string(), values.iter().map(|v| v.to_string()).collect()))
        .collect()
}

/// The core's output records (name → snake_case field names), for the test that holds the
/// `index.d.ts` interfaces to them.
#[napi(js_name = "__recordFields", skip_typescript)]
pub fn record_fields() -> std::collections::HashMap<String, Vec<String>> {
    core::record_fields()
        .iter()
        .map(|(name, fields)| (name.to_string(), fields.iter().map(|f| f.to_string()).collect()))
        .collect()
}
