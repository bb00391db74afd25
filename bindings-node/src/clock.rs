//! `ManualClock`: a clock tests and replays move by hand, and the reader of the `clock` argument.

use crate::errors;
use crate::js::{Js, Val, class_ref, js_of};
use cedar_hitl_core as core;
use core::Clock as _;
use napi::bindgen_prelude::{Env, Unknown};
use napi::{JsValue, Result};
use napi_derive::napi;
use std::sync::Arc;

/// A clock that moves only when told to (tests, fixtures, replay). Pass it to `Session` /
/// `PolicyEngine` to control cache TTLs and the approval-rate window exactly.
#[napi]
pub struct ManualClock {
    pub(crate) inner: Arc<core::ManualClock>,
}

#[napi]
impl ManualClock {
    /// `unixS`: the wall-clock time to start at, in seconds since the epoch (default: 0, as in
    /// Python, so a test that never passes a start is reproducible). Monotonic time starts at 0.
    #[napi(constructor, catch_unwind, ts_args_type = "unixS?: number")]
    pub fn new(env: Env, unix_s: Unknown<'_>) -> Result<Self> {
        let js = js_of(&env);
        let start =
            if js.is_nullish(unix_s.raw())? { 0.0 } else { js.f64_arg(unix_s.raw(), "unix_s")? };
        Ok(Self { inner: Arc::new(core::ManualClock::new(start)) })
    }

    /// Move both the monotonic and the wall clock forward (non-positive or non-finite: no-op).
    #[napi(catch_unwind, ts_args_type = "seconds: number")]
    pub fn advance(&self, env: Env, seconds: Unknown<'_>) -> Result<()> {
        let s = js_of(&env).f64_arg(seconds.raw(), "seconds")?;
        self.inner.advance(s);
        Ok(())
    }

    /// Monotonic seconds since the clock was created.
    #[napi(getter, catch_unwind)]
    pub fn monotonic_s(&self) -> f64 {
        self.inner.monotonic_s()
    }

    /// Wall-clock seconds since the Unix epoch.
    #[napi(getter, catch_unwind)]
    pub fn unix_s(&self) -> f64 {
        self.inner.unix_s()
    }
}

pub(crate) fn clock_arg(js: Js, v: Val, field: &str) -> Result<Option<Arc<core::ManualClock>>> {
    if js.is_nullish(v)? {
        return Ok(None);
    }
    if let Some(c) = class_ref::<ManualClock>(js, v)? {
        return Ok(Some(c.inner.clone()));
    }
    Err(errors::config_msg(
        js,
        field,
        &format!("{field} must be a ManualClock, got {}", js.type_name(v)),
    ))
}
