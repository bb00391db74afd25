//! The audit log for Python hosts: the core's `AuditRecord` written by the core's appender
//! (`cedar_hitl.append_audit_record`). The binding builds nothing of the record itself.

use crate::convert::{opt_str_arg, tool_call};
use crate::errors::run;
use crate::records::PyDecision;
use crate::session::PySession;
use cedar_hitl_core as hitl;
use pyo3::prelude::*;
use std::path::PathBuf;

/// Append one JSON line for `decision` (made by `session` on `tool_name`/`tool_input`) to the
/// log at `path`: time, session id, tool, input SHA-256 and redacted preview, outcome, tier, rule
/// ids, fail-closed cause, cache hit, profile, fingerprint, engine version, and `action` (what the
/// host was told when it differs from the outcome). One `O_APPEND` write per line, so concurrent
/// processes never interleave inside a line. An I/O failure raises `OSError`.
#[pyfunction]
#[pyo3(signature = (path, session, tool_name, tool_input, decision, *, session_id=None, action=None))]
#[allow(clippy::too_many_arguments)]
fn append_audit_record(
    py: Python<'_>,
    path: PathBuf,
    session: &Bound<'_, PySession>,
    tool_name: &Bound<'_, PyAny>,
    tool_input: &Bound<'_, PyAny>,
    decision: &Bound<'_, PyDecision>,
    session_id: Option<&Bound<'_, PyAny>>,
    action: Option<&Bound<'_, PyAny>>,
) -> PyResult<()> {
    let session_id = opt_str_arg(py, session_id, "session_id")?;
    let action = opt_str_arg(py, action, "action")?;
    let call = tool_call(tool_name, tool_input);
    let inner = session.get().inner.clone();
    let decision = decision.get().inner.clone();
    run(py, move || {
        let mut record = hitl::AuditRecord::new(
            session_id.as_deref().unwrap_or(""),
            &call,
            &decision,
            inner.bundle(),
        );
        record.action = action;
        hitl::append_audit_record(&path, &record)
    })?
    .map_err(PyErr::from)
}

/// Register the audit functions on the extension module.
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(append_audit_record, m)?)
}
