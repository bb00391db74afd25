//! `PolicyBundle`: built-in and blueprint policies, parsed and validated once; and the readers
//! of bundle arguments and bundle options.

use crate::args::{opt_list, opt_text};
use crate::errors;
use crate::js::{Js, Raw, Val, class_ref, js_of};
use crate::records::{CheckReport, LoadWarning, RuleListing, listing_out, load_error_out};
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
        Ok(CheckReport {
            errors: report.errors.iter().map(load_error_out).collect(),
            warnings: report.warnings.iter().cloned().map(LoadWarning::from).collect(),
        })
    }

    /// Enforced rules as listed to operators: `{ hard, soft, profile }`.
    #[napi(catch_unwind)]
    pub fn list_policies(&self) -> RuleListing {
        listing_out(&self.inner.listing())
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

const BUNDLE_OPTIONS: &[&str] = &[
    "builtins",
    "blueprintHard",
    "blueprintSoft",
    "disable",
    "extraPolicies",
    "writeTools",
    "shellTools",
];

/// The `builtins` option: `'hardened'` or `'upstream'` (the core parses the name); `undefined` /
/// `null` → `None` (the core's default, hardened).
pub(crate) fn opt_profile(js: Js, obj: Option<Val>) -> Result<Option<core::BuiltinProfile>> {
    let Some(v) = js.member_set(obj, "builtins")? else { return Ok(None) };
    match js.string_of(v)? {
        Ok(s) => s.parse::<core::BuiltinProfile>().map(Some).map_err(|e| errors::config(js, &e)),
        Err(_) => Err(errors::config_msg(
            js,
            "builtins",
            &format!("builtins must be 'hardened' or 'upstream', got {}", js.type_name(v)),
        )),
    }
}

fn bundle_builder(js: Js, options: Val) -> Result<core::PolicyBundleBuilder> {
    let obj = js.options(options, "PolicyBundle", BUNDLE_OPTIONS)?;
    let profile = opt_profile(js, obj)?;
    let hard = opt_text(js, obj, "blueprintHard", "blueprint_hard")?;
    let soft = opt_text(js, obj, "blueprintSoft", "blueprint_soft")?;
    let disable = opt_list(js, obj, "disable", "disable")?;
    let extra = opt_list(js, obj, "extraPolicies", "extra_policies")?;
    let mut b = policy_builder(profile, hard, soft, disable, extra);
    if let Some(v) = js.member_set(obj, "writeTools")? {
        b = b.write_tools(js.str_map_arg(v, "write_tools")?);
    }
    if let Some(v) = js.member_set(obj, "shellTools")? {
        b = b.shell_tools(js.str_map_arg(v, "shell_tools")?);
    }
    Ok(b)
}

/// A builder with the policy options set (`None`: the core's default). `PolicyBundle` and the
/// `PolicyEngine` façade read these options under their own names.
pub(crate) fn policy_builder(
    profile: Option<core::BuiltinProfile>,
    hard: Option<String>,
    soft: Option<String>,
    disable: Option<Vec<String>>,
    extra: Option<Vec<String>>,
) -> core::PolicyBundleBuilder {
    let mut b = core::PolicyBundle::builder();
    if let Some(p) = profile {
        b = b.builtins(p);
    }
    if let Some(t) = hard {
        b = b.blueprint_hard(t);
    }
    if let Some(t) = soft {
        b = b.blueprint_soft(t);
    }
    if let Some(l) = disable {
        b = b.disable(l);
    }
    if let Some(l) = extra {
        b = b.extra_policies(l);
    }
    b
}
