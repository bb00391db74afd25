//! `PolicyBundle`: parsed, validated policies, and the `bundle=` / `shadow=` arguments that take
//! one.

use crate::convert::{read_options, type_name};
use crate::errors::{config_error, map_error, map_load, run};
use crate::records::{CheckReport, LoadWarning, Rule, json_out, rules_list};
use crate::repr::r_seq;
use cedar_hitl_core as hitl;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};
use std::sync::Arc;

/// Parsed, validated policies of both tiers; immutable and shareable between sessions and threads.
#[pyclass(frozen, module = "cedar_hitl", name = "PolicyBundle")]
pub(crate) struct PyPolicyBundle {
    pub(crate) inner: Arc<hitl::PolicyBundle>,
}

pub(crate) fn pairs_dict<'py>(
    py: Python<'py>,
    pairs: &[(String, String)],
) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    for (k, v) in pairs {
        d.set_item(k, v)?;
    }
    Ok(d)
}

#[pymethods]
impl PyPolicyBundle {
    /// `PolicyBundle(*, builtins, blueprint_hard, blueprint_soft, disable, extra_policies,
    /// write_tools, shell_tools)`: every option of the core's `BundleOptions` record; an omitted
    /// option or `None` takes the core's default.
    #[new]
    #[pyo3(signature = (**options))]
    fn new(py: Python<'_>, options: Option<&Bound<'_, PyDict>>) -> PyResult<Self> {
        let options: hitl::BundleOptions = read_options(py, "PolicyBundle", options)?;
        let b = hitl::PolicyBundleBuilder::from(options);
        let built = run(py, move || b.build())?;
        built.map(|bundle| Self { inner: Arc::new(bundle) }).map_err(|e| map_load(py, &e))
    }

    /// Validate without building: every error and warning as data (`CheckReport`), for blueprint
    /// checks in CI. Takes the constructor's options; raises only for a wrong option type.
    #[staticmethod]
    #[pyo3(signature = (**options))]
    fn check(py: Python<'_>, options: Option<&Bound<'_, PyDict>>) -> PyResult<CheckReport> {
        let options: hitl::BundleOptions = read_options(py, "check", options)?;
        let report = run(py, move || hitl::PolicyBundleBuilder::from(options).check())?;
        Ok(hitl::CheckReportRecord::from(&report).into())
    }

    /// The upstream-compatible engine's bundle: `bundle` when given (then only `builtins` naming
    /// its own profile may stand beside it), else one built from `options`. The rule is the
    /// core's (`BundleOptions::into_bundle`).
    #[staticmethod]
    #[pyo3(signature = (bundle, **options))]
    fn _for_engine<'py>(
        py: Python<'py>,
        bundle: Option<&Bound<'py, PyAny>>,
        options: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyPolicyBundle>> {
        let options: hitl::BundleOptions = read_options(py, "PolicyEngine", options)?;
        let given = match bundle {
            Some(b) if !b.is_none() => Some(policy_bundle(py, b, "bundle")?),
            _ => None,
        };
        let prebuilt = given.as_ref().map(|b| b.get().inner.clone());
        let resolved =
            run(py, move || options.into_bundle(prebuilt))?.map_err(|e| map_error(py, &e))?;
        // The caller's own object when it was accepted, so `engine.bundle is bundle`.
        match given {
            Some(b) => Ok(b),
            None => Bound::new(py, Self { inner: resolved }),
        }
    }

    /// The built-in policies alone (the default, hardened profile).
    #[staticmethod]
    fn builtin(py: Python<'_>) -> PyResult<Self> {
        Ok(Self { inner: Arc::new(run(py, hitl::PolicyBundle::builtin)?) })
    }

    /// Every rule: hard tier then soft tier, positional order (permits included).
    fn rules(&self) -> Vec<Rule> {
        rules_list(self.inner.rules())
    }

    /// Enforced rules as listed to operators: `{"hard": [...], "soft": [...], "profile": str}`.
    /// Keys a rule does not have (`category`, `severity`, `approval_timeout_s` of a hard rule)
    /// are left out, as the core serialises a `RuleSummary`.
    fn listing<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        json_out(py, serde_json::to_string(&self.inner.listing()))
    }

    /// The built-in profile the bundle starts from: `"hardened"` or `"upstream"`.
    #[getter]
    fn profile(&self) -> &'static str {
        self.inner.profile().as_str()
    }

    #[getter]
    fn warnings(&self) -> Vec<LoadWarning> {
        self.inner.warnings().iter().cloned().map(LoadWarning::from).collect()
    }

    #[getter]
    fn disabled<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        PyTuple::new(py, self.inner.disabled())
    }

    #[getter]
    fn write_tools<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        pairs_dict(py, self.inner.write_tools())
    }

    #[getter]
    fn shell_tools<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        pairs_dict(py, self.inner.shell_tools())
    }

    /// SHA-256 (hex) over what decides: both tiers' policies in normalised form, the disable
    /// list, the tool maps, the built-in profile and the schema. Equal in every language.
    #[getter]
    fn fingerprint(&self, py: Python<'_>) -> PyResult<String> {
        let b = &self.inner;
        // Computed once, on first use (possibly here), without the GIL.
        run(py, move || b.fingerprint().to_owned())
    }

    fn __repr__(&self) -> String {
        let rules = self.inner.rules();
        let disabled: Vec<&String> = self.inner.disabled().iter().collect();
        format!(
            "PolicyBundle(rules={}, disabled={}, warnings={})",
            rules.len(),
            r_seq(&disabled),
            self.inner.warnings().len()
        )
    }
}

/// The `shadow=` bundle: a `PolicyBundle`, or `None` (no shadow).
pub(crate) fn shadow_arg<'py>(
    py: Python<'py>,
    shadow: Option<&Bound<'py, PyAny>>,
) -> PyResult<Option<Bound<'py, PyPolicyBundle>>> {
    match shadow {
        None => Ok(None),
        Some(s) if s.is_none() => Ok(None),
        Some(s) => policy_bundle(py, s, "shadow").map(Some),
    }
}

pub(crate) fn bundle_arg<'py>(
    py: Python<'py>,
    bundle: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyPolicyBundle>> {
    match bundle {
        None => Bound::new(py, PyPolicyBundle::builtin(py)?),
        Some(b) => policy_bundle(py, b, "bundle"),
    }
}

/// `obj` as a `PolicyBundle`; anything else is refused as the argument `field`.
fn policy_bundle<'py>(
    py: Python<'py>,
    obj: &Bound<'py, PyAny>,
    field: &str,
) -> PyResult<Bound<'py, PyPolicyBundle>> {
    obj.cast::<PyPolicyBundle>().cloned().map_err(|_| {
        config_error(
            py,
            field,
            format!("{field} must be a PolicyBundle or None, got {}", type_name(obj)),
        )
    })
}
