//! Python binding of cedar-hitl (`cedar_hitl._cedar_hitl`).
//!
//! This crate converts Python values into the core's types, maps the core's errors onto Python
//! exceptions, and releases the GIL while the core works. It holds no policy logic: every
//! decision, validation rule, message and number comes from `cedar-hitl-core`.

mod audit;
mod bundle;
mod clock;
mod convert;
mod errors;
mod functions;
mod records;
mod repr;
mod rules;
mod session;
mod text;

use bundle::PyPolicyBundle;
use cedar_hitl_core as hitl;
use clock::PyManualClock;
use errors::{CedarHitlError, ConfigError, PolicyLoadError, ScopeError};
use functions::{
    _panic_for_tests, canonical_json, cedar_parity_evaluate, effective_timeout, parse_command,
    tool_input_sha256,
};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};
use records::{
    AllowlistView, CacheEntry, GateAdmission, PyDecision, ResolutionEffect, SessionConfig,
};
use rules::{is_degenerate_pattern, parse_approval_scope, parse_rules};
use session::PySession;
use text::{
    agent_deny_reason, blocker_reason, denial_envelope, redact_secrets, scan_deny_reason,
    scan_secrets, strip_controls, tool_input_preview, truncate,
};

#[pymodule]
fn _cedar_hitl(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("CedarHitlError", py.get_type::<CedarHitlError>())?;
    m.add("PolicyLoadError", py.get_type::<PolicyLoadError>())?;
    m.add("ScopeError", py.get_type::<ScopeError>())?;
    m.add("ConfigError", py.get_type::<ConfigError>())?;
    // Class-level defaults, so the attributes exist on instances raised from Python too.
    for (ty, attrs) in [
        (py.get_type::<PolicyLoadError>(), &errors::load_error_attributes()[..]),
        (py.get_type::<ScopeError>(), &["scope", "field"][..]),
        (py.get_type::<ConfigError>(), &["field"][..]),
    ] {
        for a in attrs {
            ty.setattr(*a, py.None())?;
        }
    }

    m.add_class::<PyDecision>()?;
    m.add_class::<records::Rule>()?;
    m.add_class::<records::LoadWarning>()?;
    m.add_class::<records::LoadErrorInfo>()?;
    m.add_class::<records::CheckReport>()?;
    m.add_class::<PyPolicyBundle>()?;
    m.add_class::<PyManualClock>()?;
    m.add_class::<CacheEntry>()?;
    m.add_class::<AllowlistView>()?;
    m.add_class::<GateAdmission>()?;
    m.add_class::<ResolutionEffect>()?;
    m.add_class::<SessionConfig>()?;
    m.add_class::<PySession>()?;

    m.add_function(wrap_pyfunction!(records::_register_facade, m)?)?;
    m.add_function(wrap_pyfunction!(parse_rules, m)?)?;
    m.add_function(wrap_pyfunction!(parse_approval_scope, m)?)?;
    m.add_function(wrap_pyfunction!(is_degenerate_pattern, m)?)?;
    m.add_function(wrap_pyfunction!(redact_secrets, m)?)?;
    m.add_function(wrap_pyfunction!(scan_secrets, m)?)?;
    m.add_function(wrap_pyfunction!(strip_controls, m)?)?;
    m.add_function(wrap_pyfunction!(truncate, m)?)?;
    m.add_function(wrap_pyfunction!(scan_deny_reason, m)?)?;
    m.add_function(wrap_pyfunction!(agent_deny_reason, m)?)?;
    m.add_function(wrap_pyfunction!(denial_envelope, m)?)?;
    m.add_function(wrap_pyfunction!(tool_input_preview, m)?)?;
    m.add_function(wrap_pyfunction!(blocker_reason, m)?)?;
    m.add_function(wrap_pyfunction!(effective_timeout, m)?)?;
    m.add_function(wrap_pyfunction!(tool_input_sha256, m)?)?;
    m.add_function(wrap_pyfunction!(canonical_json, m)?)?;
    m.add_function(wrap_pyfunction!(cedar_parity_evaluate, m)?)?;
    m.add_function(wrap_pyfunction!(parse_command, m)?)?;
    audit::register(m)?;
    m.add_function(wrap_pyfunction!(_panic_for_tests, m)?)?;

    m.add("CONSTANTS_JSON", hitl::CONSTANTS_JSON)?;
    m.add("BUILTIN_HARD_DENY_POLICIES", hitl::BUILTIN_HARD_DENY_POLICIES)?;
    m.add("BUILTIN_SOFT_DENY_POLICIES", hitl::BUILTIN_SOFT_DENY_POLICIES)?;
    m.add("UPSTREAM_HARD_DENY_POLICIES", hitl::UPSTREAM_HARD_DENY_POLICIES)?;
    m.add("UPSTREAM_SOFT_DENY_POLICIES", hitl::UPSTREAM_SOFT_DENY_POLICIES)?;
    m.add("VALID_TOOL_TYPES", PyTuple::new(py, hitl::VALID_TOOL_TYPES)?)?;
    m.add("FILE_WRITE_GROUP", hitl::FILE_WRITE_GROUP)?;
    m.add("DENY_RETRY_INSTRUCTION", hitl::DENY_RETRY_INSTRUCTION)?;
    // The core's string enums, for the test that holds `_types.py`'s `Literal` aliases to them.
    let enums = PyDict::new(py);
    for (name, values) in hitl::string_enums() {
        enums.set_item(name, PyTuple::new(py, *values)?)?;
    }
    m.add("_STRING_ENUMS", enums)?;
    // The core's record fields, for the test that holds the stub and TypedDicts to them.
    let records = PyDict::new(py);
    for (name, fields) in hitl::record_fields() {
        records.set_item(name, PyTuple::new(py, *fields)?)?;
    }
    m.add("_RECORD_FIELDS", records)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
