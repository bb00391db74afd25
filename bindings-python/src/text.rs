//! Text for people and agents: secret scanning and redaction, control stripping, truncation,
//! deny reasons, the denial envelope, the tool-input preview and blocker reasons.

use crate::convert::{
    denial_entry_arg, int_arg, iter_arg, opt_str_arg, str_arg, text_arg, to_json,
};
use crate::errors::{config_error, run};
use crate::records::Redaction;
use cedar_hitl_core as hitl;
use pyo3::prelude::*;
use pyo3::types::PyTuple;

#[pyfunction]
#[pyo3(signature = (text))]
pub(crate) fn redact_secrets(py: Python<'_>, text: Option<&Bound<'_, PyAny>>) -> PyResult<String> {
    let t = text_arg(py, text, "text")?;
    run(py, move || hitl::redact_secrets(&t))
}

/// The core's `Redaction` record as a tuple in field order (the package's `Redaction` named
/// tuple is built from it).
#[pyfunction]
#[pyo3(signature = (text))]
pub(crate) fn scan_secrets<'py>(
    py: Python<'py>,
    text: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyTuple>> {
    let t = text_arg(py, text, "text")?;
    Redaction::from(run(py, move || hitl::scan_secrets(&t))?).into_tuple(py)
}

#[pyfunction]
#[pyo3(signature = (text))]
pub(crate) fn strip_controls(py: Python<'_>, text: Option<&Bound<'_, PyAny>>) -> PyResult<String> {
    let t = text_arg(py, text, "text")?;
    run(py, move || hitl::strip_controls(&t))
}

#[pyfunction]
#[pyo3(signature = (text, max_chars))]
pub(crate) fn truncate(
    py: Python<'_>,
    text: Option<&Bound<'_, PyAny>>,
    max_chars: &Bound<'_, PyAny>,
) -> PyResult<String> {
    let t = text_arg(py, text, "text")?;
    let max = int_arg(py, max_chars, "max_chars")?;
    let max = usize::try_from(max).map_err(|_| {
        config_error(py, "max_chars", format!("max_chars must be an int >= 0, got {max}"))
    })?;
    run(py, move || hitl::truncate(&t, max))
}

#[pyfunction]
#[pyo3(signature = (text))]
pub(crate) fn scan_deny_reason(
    py: Python<'_>,
    text: Option<&Bound<'_, PyAny>>,
) -> PyResult<String> {
    let t = text_arg(py, text, "text")?;
    run(py, move || hitl::scan_deny_reason(&t))
}

#[pyfunction]
#[pyo3(signature = (reason=None))]
pub(crate) fn agent_deny_reason(
    py: Python<'_>,
    reason: Option<&Bound<'_, PyAny>>,
) -> PyResult<String> {
    let r = opt_str_arg(py, reason, "reason")?;
    run(py, move || hitl::agent_deny_reason(r.as_deref()))
}

/// The XML envelope for drained denials (mappings or 3-tuples of request_id, reason, decided_at).
#[pyfunction]
pub(crate) fn denial_envelope(py: Python<'_>, entries: &Bound<'_, PyAny>) -> PyResult<String> {
    let items = iter_arg(py, entries, "entries")?;
    let entries = items
        .iter()
        .enumerate()
        .map(|(i, e)| denial_entry_arg(py, e, i))
        .collect::<PyResult<Vec<_>>>()?;
    run(py, move || hitl::denial_envelope(&entries))
}

/// The preview for the person approving a call; with `tool_name`, a write tool's path or a shell
/// tool's command leads (default tool maps).
#[pyfunction]
#[pyo3(signature = (tool_input, tool_name=None))]
pub(crate) fn tool_input_preview(
    py: Python<'_>,
    tool_input: &Bound<'_, PyAny>,
    tool_name: Option<&Bound<'_, PyAny>>,
) -> PyResult<String> {
    let v = to_json(tool_input);
    let tool = opt_str_arg(py, tool_name, "tool_name")?;
    run(py, move || match tool {
        Some(t) => hitl::tool_input_preview_for(&t, &v),
        None => hitl::tool_input_preview(&v),
    })
}

#[pyfunction]
#[pyo3(signature = (kind, detail, resource=None))]
pub(crate) fn blocker_reason(
    py: Python<'_>,
    kind: &Bound<'_, PyAny>,
    detail: &Bound<'_, PyAny>,
    resource: Option<&Bound<'_, PyAny>>,
) -> PyResult<String> {
    let kind = str_arg(py, kind, "kind")?;
    let detail = str_arg(py, detail, "detail")?;
    let resource = opt_str_arg(py, resource, "resource")?;
    run(py, move || hitl::blocker_reason(&kind, &detail, resource.as_deref()))
}
