//! Core errors → thrown JavaScript `Error`s with a stable `code` and the core's details.
//!
//! | code          | core type              | extra properties                                   |
//! |---------------|------------------------|----------------------------------------------------|
//! | `POLICY_LOAD` | `LoadError`            | `kind`, `tier`, `ruleId`, `field`, `source`, `line` |
//! | `SCOPE`       | `ScopeError`           | `scope`, `field`, `ruleId` (null)                  |
//! | `CONFIG`      | `ConfigError`, or a value of the wrong JS type | `field`, `ruleId` (null)   |
//!
//! `field` is always the core's snake_case name (`approval_gate_cap`, `initial_approvals[2]`),
//! the same in every language; binding-level type errors use the same names.

use crate::js::{Js, P};
use crate::records::{LoadErrorInfo, record_keys};
use cedar_hitl_core as core;
use napi::Error;

pub(crate) const POLICY_LOAD: &str = "POLICY_LOAD";
pub(crate) const SCOPE: &str = "SCOPE";
pub(crate) const CONFIG: &str = "CONFIG";

/// A `POLICY_LOAD` error whose properties are the fields of the core's `LoadErrorRecord` (the
/// `LoadErrorInfo` object `PolicyBundle.check` lists).
pub(crate) fn load(js: Js, e: &core::LoadError) -> Error {
    let info = LoadErrorInfo::from(core::LoadErrorRecord::from(e));
    // SAFETY: `js.0` is the live environment of the call being served.
    match unsafe { napi::bindgen_prelude::ToNapiValue::to_napi_value(js.0, info) } {
        Ok(record) => {
            js.throw_record(POLICY_LOAD, e.message(), record, &record_keys("LoadErrorInfo"))
        }
        Err(err) => err,
    }
}

pub(crate) fn scope(js: Js, e: &core::ScopeError) -> Error {
    js.throw(
        SCOPE,
        e.message(),
        &[("scope", P::S(Some(e.scope()))), ("field", P::S(e.field())), ("ruleId", P::S(None))],
    )
}

pub(crate) fn config(js: Js, e: &core::ConfigError) -> Error {
    js.throw(CONFIG, e.message(), &[("field", P::S(Some(e.field()))), ("ruleId", P::S(None))])
}

pub(crate) fn any(js: Js, e: &core::Error) -> Error {
    match e {
        core::Error::Load(l) => load(js, l),
        core::Error::Scope(s) => scope(js, s),
        core::Error::Config(c) => config(js, c),
        // `Error` is non-exhaustive: a kind added later is still a typed error with its message.
        other => config_msg(js, "", &other.to_string()),
    }
}

/// A binding-level CONFIG error: a value of the wrong JavaScript type for `field`.
pub(crate) fn config_msg(js: Js, field: &str, message: &str) -> Error {
    js.throw(CONFIG, message, &[("field", P::S(Some(field))), ("ruleId", P::S(None))])
}
