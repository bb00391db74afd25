//! The remaining module functions: `effective_timeout`, `canonical_json`, `tool_input_sha256`,
//! `cedar_parity_evaluate`, `parse_command` and the panic test hook.

use crate::convert::{entity_arg, int_arg, opt_int_arg, str_arg, to_json};
use crate::errors::{CedarHitlError, config_error, run};
use crate::records::{EffectiveTimeout, ParityResult, json_out};
use cedar_hitl_core as hitl;
use hitl::JsonValue;
use hitl::cedar_parity;
use pyo3::prelude::*;
use pyo3::types::PyDict;

/// docs/behaviour.md#effective-timeout: `{"effective_s", "clip", "requested_s"}`.
#[pyfunction]
#[pyo3(signature = (decision_timeout_s, task_default_timeout_s, remaining_lifetime_s=None))]
pub(crate) fn effective_timeout<'py>(
    py: Python<'py>,
    decision_timeout_s: Option<&Bound<'py, PyAny>>,
    task_default_timeout_s: &Bound<'py, PyAny>,
    remaining_lifetime_s: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyDict>> {
    let d = opt_int_arg(py, decision_timeout_s, "decision_timeout_s")?;
    let t = int_arg(py, task_default_timeout_s, "task_default_timeout_s")?;
    let r = opt_int_arg(py, remaining_lifetime_s, "remaining_lifetime_s")?;
    let e = run(py, move || hitl::effective_timeout(d, t, r))?;
    EffectiveTimeout::from(e).into_dict(py)
}

pub(crate) fn unhashable(py: Python<'_>, e: hitl::Unhashable) -> PyErr {
    config_error(py, "tool_input", e.0)
}

/// SHA-256 of the canonical JSON (= `json.dumps(x, sort_keys=True)`) of any JSON value.
#[pyfunction]
pub(crate) fn tool_input_sha256(py: Python<'_>, tool_input: &Bound<'_, PyAny>) -> PyResult<String> {
    let v = to_json(tool_input);
    run(py, move || hitl::tool_input_sha256(&v))?.map_err(|e| unhashable(py, e))
}

/// The canonical JSON text (= `json.dumps(x, sort_keys=True)`) of any JSON value.
#[pyfunction]
pub(crate) fn canonical_json(py: Python<'_>, value: &Bound<'_, PyAny>) -> PyResult<String> {
    let v = to_json(value);
    run(py, move || hitl::canonical_json(&v))?.map_err(|e| unhashable(py, e))
}

/// Raw Cedar evaluation of one request (the cedar-parity fixtures):
/// `{"decision", "matching_rule_ids" (sorted), "errors"}`.
#[pyfunction]
#[pyo3(signature = (policies, principal, action, resource, context=None))]
pub(crate) fn cedar_parity_evaluate<'py>(
    py: Python<'py>,
    policies: &Bound<'py, PyAny>,
    principal: &Bound<'py, PyAny>,
    action: &Bound<'py, PyAny>,
    resource: &Bound<'py, PyAny>,
    context: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyDict>> {
    let text = str_arg(py, policies, "policies")?;
    let p = entity_arg(py, principal, "principal")?;
    let a = entity_arg(py, action, "action")?;
    let r = entity_arg(py, resource, "resource")?;
    let ctx = context.map(to_json).unwrap_or(JsonValue::Null);
    let result = run(py, move || cedar_parity::evaluate(&text, &p, &a, &r, &ctx))?
        .map_err(CedarHitlError::new_err)?;
    ParityResult::from(result).into_dict(py)
}

/// How the engine reads a shell command: the core's `shell::parse` in its JSON form
/// ([`json_out`]).
#[pyfunction]
pub(crate) fn parse_command<'py>(
    py: Python<'py>,
    command: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyAny>> {
    let command = str_arg(py, command, "command")?;
    json_out(py, run(py, move || serde_json::to_string(&hitl::shell::parse(&command)))?)
}

/// Test hook: panics inside the guarded core boundary, to prove a panic surfaces as a Python
/// exception instead of aborting the interpreter.
#[pyfunction]
pub(crate) fn _panic_for_tests(py: Python<'_>) -> PyResult<()> {
    run(py, || panic!("deliberate panic for tests"))
}
