//! Rule and scope text: `parse_rules`, `parse_approval_scope`, `is_degenerate_pattern`.

use crate::convert::{str_arg, type_name};
use crate::errors::{ScopeError, config_error, map_load, map_scope, run, set};
use crate::records::{Rule, rules_list};
use cedar_hitl_core as hitl;
use pyo3::prelude::*;
use pyo3::types::PyString;

/// Parse free-standing rule text (hard and soft rules mixed), as the Lambda listing does.
#[pyfunction]
pub(crate) fn parse_rules(py: Python<'_>, text: &Bound<'_, PyAny>) -> PyResult<Vec<Rule>> {
    let text = str_arg(py, text, "text")?;
    let rules = run(py, move || hitl::parse_rules(&text))?.map_err(|e| map_load(py, &e))?;
    Ok(rules_list(&rules))
}

/// Parse a scope the way the REST endpoints do; returns the normalised scope text.
#[pyfunction]
pub(crate) fn parse_approval_scope(py: Python<'_>, scope: &Bound<'_, PyAny>) -> PyResult<String> {
    let Ok(s) = scope.cast::<PyString>() else {
        let err = ScopeError::new_err(format!("scope must be a string, got {}", type_name(scope)));
        set(&err, py, "scope", scope.str().map(|s| s.to_string()).unwrap_or_default());
        set(&err, py, "field", py.None());
        return Err(err);
    };
    let text = s
        .to_cow()
        .map(|c| c.into_owned())
        .map_err(|_| config_error(py, "scope", "scope must be a str without lone surrogates"))?;
    run(py, move || hitl::parse_approval_scope(&text).map(|sc| sc.to_string()))?
        .map_err(|e| map_scope(py, &e))
}

#[pyfunction]
pub(crate) fn is_degenerate_pattern(py: Python<'_>, pattern: &Bound<'_, PyAny>) -> PyResult<bool> {
    let p = str_arg(py, pattern, "pattern")?;
    run(py, move || hitl::is_degenerate_pattern(&p))
}
