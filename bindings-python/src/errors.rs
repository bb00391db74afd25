//! Errors: the Python exception classes, the mapping of the core's errors onto them, and the
//! guarded call into the core (GIL released, a panic becomes a Python `RuntimeError`).

use crate::records::LoadErrorInfo;
use cedar_hitl_core as hitl;
use pyo3::create_exception;
use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use std::panic::{AssertUnwindSafe, catch_unwind};

create_exception!(
    cedar_hitl,
    CedarHitlError,
    PyValueError,
    "Base class of every error cedar-hitl raises for bad policies, scopes or settings."
);
create_exception!(
    cedar_hitl,
    PolicyLoadError,
    CedarHitlError,
    "Policy text or bundle settings refused at load (attributes: kind, tier, rule_id, field, source, line)."
);
create_exception!(
    cedar_hitl,
    ScopeError,
    CedarHitlError,
    "An approval scope refused by the validator (attributes: scope, field)."
);
create_exception!(
    cedar_hitl,
    ConfigError,
    CedarHitlError,
    "A setting refused: wrong type or out of range (attribute: field)."
);

pub(crate) fn set(err: &PyErr, py: Python<'_>, name: &str, value: impl for<'a> IntoPyObject<'a>) {
    // Setting an attribute on a fresh exception instance cannot fail in practice; if it did,
    // the exception would still carry the core's message.
    let _ = err.value(py).setattr(name, value);
}

pub(crate) fn config_error(py: Python<'_>, field: &str, message: impl Into<String>) -> PyErr {
    let err = ConfigError::new_err(message.into());
    set(&err, py, "field", field);
    err
}

pub(crate) fn map_config(py: Python<'_>, e: &hitl::ConfigError) -> PyErr {
    config_error(py, e.field(), e.message())
}

pub(crate) fn map_scope(py: Python<'_>, e: &hitl::ScopeError) -> PyErr {
    let err = ScopeError::new_err(e.message().to_owned());
    set(&err, py, "scope", e.scope());
    set(&err, py, "field", e.field());
    err
}

/// A `PolicyLoadError` whose attributes are the fields of the core's `LoadErrorRecord`, except
/// `message`, which is the exception's text.
pub(crate) fn map_load(py: Python<'_>, e: &hitl::LoadError) -> PyErr {
    let err = PolicyLoadError::new_err(e.message().to_owned());
    if let Ok(fields) = LoadErrorInfo::from(hitl::LoadErrorRecord::from(e)).into_dict(py) {
        for (name, value) in fields.iter() {
            if let Ok(name) = name.extract::<String>()
                && name != "message"
            {
                let _ = err.value(py).setattr(name, value);
            }
        }
    }
    err
}

/// The attributes a `PolicyLoadError` carries (every field of the load-error record but
/// `message`); the module sets them to `None` on the class so they exist on any instance.
pub(crate) fn load_error_attributes() -> Vec<&'static str> {
    hitl::record_fields()
        .iter()
        .find(|(name, _)| *name == "LoadErrorInfo")
        .map(|(_, fields)| fields.iter().copied().filter(|f| *f != "message").collect())
        .unwrap_or_default()
}

pub(crate) fn map_error(py: Python<'_>, e: &hitl::Error) -> PyErr {
    match e {
        hitl::Error::Load(l) => map_load(py, l),
        hitl::Error::Scope(s) => map_scope(py, s),
        hitl::Error::Config(c) => map_config(py, c),
        // `Error` is non-exhaustive: a kind added later is still a typed error with its message.
        other => config_error(py, "", other.to_string()),
    }
}

pub(crate) fn panic_message(p: Box<dyn std::any::Any + Send>) -> String {
    p.downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| p.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_owned())
}

/// Run core code with the GIL released; a panic becomes a Python `RuntimeError`.
pub(crate) fn run<T: Send>(py: Python<'_>, f: impl FnOnce() -> T + Send) -> PyResult<T> {
    py.detach(move || catch_unwind(AssertUnwindSafe(f)).map_err(panic_message))
        .map_err(|m| PyRuntimeError::new_err(format!("cedar-hitl core panicked: {m}")))
}
