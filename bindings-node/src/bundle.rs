//! `PolicyBundle`: built-in and blueprint policies, parsed and validated once; and the readers
//! of bundle arguments and bundle options.

use crate::args::{option_keys, read_options};
use crate::errors;
use crate::js::{Js, Raw, Val, class_ref, js_of};
use crate::records::{CheckReport, LoadWarning, RuleListing};
use crate::rules::rules_array;
use cedar_hitl_core as core;
use napi::bindgen_prelude::{Env, Unknown};
use napi::{JsValue, Result};
use napi_derive::napi;
use std::sync::Arc;

/// Built-in and blueprint policies, parsed and validated once; immutable. Build one per cold
/// start (or per worker thread) and share it between sessions.
#[napi]
pub struct PolicyBundle {
    pub(crate) inner: Arc<core::PolicyBundle>,
}

#[napi]
impl PolicyBundle {
    /// Validate and build. Throws a `POLICY_LOAD` error (or `CONFIG` for a wrong option type).
    #[napi(constructor, catch_unwind, ts_args_type = "options?: PolicyBundleOptions")]
    pub fn new(env: Env, options: Unknown<'_>) -> Result<Self> {
        let js = js_of(&env);
        let built = bundle_builder(js, options.raw())?.build().map_err(|e| errors::load(js, &e))?;
        Ok(Self { inner: Arc::new(built) })
    }

    /// The built-in policies alone.
    #[napi(factory, catch_unwind)]
    pub fn builtin() -> Self {
        Self { inner: Arc::new(core::PolicyBundle::builtin()) }
    }

    /// Validate without building: every error and warning (for blueprint checks in CI or an
    /// admin endpoint). Never throws for policy problems.
    #[napi(catch_unwind, ts_args_type = "options?: PolicyBundleOptions")]
    pub fn check(env: Env, options: Unknown<'_>) -> Result<CheckReport> {
        let report = bundle_builder(js_of(&env), options.raw())?.check();
        Ok(core::CheckReportRecord::from(&report).into())
    }

    /// Enforced rules as listed to operators: `{ profile, hard, soft }`.
    #[napi(catch_unwind)]
    pub fn list_policies(&self) -> RuleListing {
        self.inner.listing().into()
    }

    /// Every rule: hard tier then soft tier, positional order (permits included).
    #[napi(catch_unwind, ts_return_type = "Rule[]")]
    pub fn rules(&self, env: Env) -> Result<Raw> {
        rules_array(js_of(&env), self.inner.rules())
    }

    /// Load warnings.
    #[napi(getter, catch_unwind)]
    pub fn warnings(&self) -> Vec<LoadWarning> {
        self.inner.warnings().iter().cloned().map(LoadWarning::from).collect()
    }

    /// The built-in profile the bundle starts from: `'hardened'` (default) or `'upstream'`.
    #[napi(getter, catch_unwind, ts_return_type = "BuiltinProfile")]
    pub fn profile(&self) -> String {
        self.inner.profile().as_str().to_owned()
    }

    /// Disabled soft rule ids (sorted).
    #[napi(getter, catch_unwind)]
    pub fn disabled(&self) -> Vec<String> {
        self.inner.disabled().iter().cloned().collect()
    }

    /// Write tools and their path keys.
    #[napi(getter, catch_unwind, ts_return_type = "Record<string, string>")]
    pub fn write_tools(&self, env: Env) -> Result<Raw> {
        tool_map(js_of(&env), self.inner.write_tools())
    }

    /// Shell tools and their command keys.
    #[napi(getter, catch_unwind, ts_return_type = "Record<string, string>")]
    pub fn shell_tools(&self, env: Env) -> Result<Raw> {
        tool_map(js_of(&env), self.inner.shell_tools())
    }

    /// SHA-256 (hex, 64 characters) over what decides: every policy of both tiers in normalised
    /// form (whitespace and comments do not matter), the disable list, the tool maps, the
    /// built-in profile and the schema. Equal bundles have equal fingerprints in every language;
    /// every decision carries it as `policyFingerprint`.
    #[napi(getter, catch_unwind)]
    pub fn fingerprint(&self) -> String {
        self.inner.fingerprint().to_owned()
    }
}

fn tool_map(js: Js, map: &[(String, String)]) -> Result<Raw> {
    let obj = js.object()?;
    for (k, v) in map {
        js.set(obj, k, js.string(v)?)?;
    }
    Ok(Raw(obj))
}

// ---------------------------------------------------------------------------------------------
// Bundle arguments and options
// ---------------------------------------------------------------------------------------------

pub(crate) fn bundle_arg(js: Js, v: Val, field: &str) -> Result<Arc<core::PolicyBundle>> {
    if let Some(b) = class_ref::<PolicyBundle>(js, v)? {
        return Ok(b.inner.clone());
    }
    Err(errors::config_msg(
        js,
        field,
        &format!("{field} must be a PolicyBundle, got {}", js.type_name(v)),
    ))
}

/// A shadow bundle option: a `PolicyBundle`, or `undefined` / `null` (no shadow).
pub(crate) fn shadow_arg(
    js: Js,
    v: Option<Val>,
    field: &str,
) -> Result<Option<Arc<core::PolicyBundle>>> {
    match v {
        Some(v) if !js.is_nullish(v)? => {
            if let Some(b) = class_ref::<PolicyBundle>(js, v)? {
                return Ok(Some(b.inner.clone()));
            }
            Err(errors::config_msg(
                js,
                field,
                &format!("{field} must be a PolicyBundle or null, got {}", js.type_name(v)),
            ))
        }
        _ => Ok(None),
    }
}

/// `new PolicyBundle(options)`: the core's `BundleOptions` record, read under its camelCase keys
/// (an unknown key is refused).
fn bundle_builder(js: Js, options: Val) -> Result<core::PolicyBundleBuilder> {
    let obj = js.options(options, "PolicyBundle", &option_keys::<core::BundleOptions>(&[], &[]))?;
    let mut read = core::BundleOptions::default();
    read_options(js, obj, &mut read, &[])?;
    Ok(read.into())
}
