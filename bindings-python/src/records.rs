//! Output records: the core's results as Python objects — `Decision`, `Rule`, `LoadWarning`,
//! `CacheEntry`, `AllowlistView`, `GateAdmission`, `ResolutionEffect` — and the dicts the API
//! returns (cache hit, denial, effective timeout, rule summary).

use crate::repr::{ReprField, r_opt, r_opt_str, r_seq, r_str};
use cedar_hitl_core as hitl;
use hitl::wire::Wire;
use pyo3::IntoPyObjectExt;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyList, PyString, PyTuple, PyType};

/// The core's records (`cedar_hitl_core::records!`) as frozen pyclasses: fields of the core's
/// boundary type (`Wire::Out`, read-only attributes), a `From` that destructures the core struct
/// completely (a new core field fails this build), equality, a repr listing every field, and `into_dict`
/// for the records the API hands out as plain dicts (the `TypedDict`s in `_types.py`).
macro_rules! py_records {
    ($(
        $(#[doc = $doc:literal])*
        #[core($($core:tt)*)]
        $name:ident as $binding:ident $(shows $shown:ident)? {
            $($(#[doc = $fdoc:literal])* $field:ident : $ty:ty => $ts:literal),* $(,)?
        }
    )*) => {$(
        $(#[doc = $doc])*
        #[pyclass(frozen, eq, get_all, module = "cedar_hitl")]
        #[derive(PartialEq)]
        pub(crate) struct $binding {
            $($(#[doc = $fdoc])* $field: <$ty as Wire>::Out,)*
        }

        impl From<hitl::$name> for $binding {
            fn from(value: hitl::$name) -> Self {
                let hitl::$name { $($field),* } = value;
                Self { $($field: $field.wire()),* }
            }
        }

        #[pymethods]
        impl $binding {
            fn __repr__(&self) -> String {
                let fields: &[String] =
                    &[$(format!("{}={}", stringify!($field), self.$field.repr_field())),*];
                format!("{}({})", stringify!($binding), fields.join(", "))
            }
            $(
                fn __str__(&self) -> String {
                    self.$shown.to_string()
                }
            )?
        }

        impl $binding {
            /// The record as a plain dict, keyed by field name.
            #[allow(dead_code)]
            pub(crate) fn into_dict(self, py: Python<'_>) -> PyResult<Bound<'_, PyDict>> {
                let d = PyDict::new(py);
                $(d.set_item(stringify!($field), self.$field)?;)*
                Ok(d)
            }
        }
    )*};
}
hitl::records!(py_records);

/// The package's `PolicyDecision` class and its `Outcome` members by value, registered once when
/// `cedar_hitl` is imported, so a decision reaches Python as the façade object in one native step
/// (no second Python-level pass over its fields).
static FACADE: PyOnceLock<(Py<PyType>, Py<PyDict>)> = PyOnceLock::new();

/// Register the façade class and `{value: Outcome member}`; later calls change nothing.
#[pyfunction]
pub(crate) fn _register_facade(cls: &Bound<'_, PyType>, outcomes: &Bound<'_, PyDict>) {
    let _ = FACADE.set(cls.py(), (cls.clone().unbind(), outcomes.clone().unbind()));
}

/// One decision of the core, with every structured field.
#[pyclass(frozen, module = "cedar_hitl", name = "Decision")]
pub(crate) struct PyDecision {
    pub(crate) inner: hitl::Decision,
    /// The deciding bundle's fingerprint as a Python `str`, shared by every decision of a
    /// session (one reference count instead of a new 64-character string per decision).
    pub(crate) fingerprint: Option<Py<PyString>>,
}

#[pymethods]
impl PyDecision {
    #[getter]
    fn outcome(&self) -> &'static str {
        self.inner.outcome().as_str()
    }
    #[getter]
    fn allowed(&self) -> bool {
        self.inner.allowed()
    }
    #[getter]
    fn reason(&self) -> &str {
        self.inner.reason()
    }
    #[getter]
    fn tier(&self) -> Option<&'static str> {
        self.inner.tier().map(hitl::Tier::as_str)
    }
    #[getter]
    fn matching_rule_ids<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        PyTuple::new(py, self.inner.matching_rule_ids())
    }
    #[getter]
    fn timeout_s(&self) -> Option<u32> {
        self.inner.timeout_s()
    }
    #[getter]
    fn severity(&self) -> Option<&'static str> {
        self.inner.severity().map(hitl::Severity::as_str)
    }
    #[getter]
    fn fail_closed(&self) -> bool {
        self.inner.is_fail_closed()
    }
    #[getter]
    fn fail_closed_cause(&self) -> Option<&'static str> {
        self.inner.fail_closed().map(|f| f.cause.as_str())
    }
    #[getter]
    fn fail_closed_detail(&self) -> Option<&str> {
        self.inner.fail_closed().map(|f| f.detail.as_str())
    }
    #[getter]
    fn cache_hit<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyDict>>> {
        self.inner.cache_hit().map(|h| CacheHit::from(h.clone()).into_dict(py)).transpose()
    }
    #[getter]
    fn duration_ms(&self) -> f64 {
        self.inner.elapsed().as_secs_f64() * 1000.0
    }
    /// SHA-256 (hex) of the bundle that decided (`PolicyBundle.fingerprint`).
    #[getter]
    fn policy_fingerprint<'py>(&self, py: Python<'py>) -> Option<Bound<'py, PyString>> {
        match &self.fingerprint {
            Some(f) => Some(f.bind(py).clone()),
            None => self.inner.policy_fingerprint().map(|f| PyString::new(py, f)),
        }
    }
    /// What the session's shadow bundle decided (not enforced); `None` without a shadow.
    #[getter]
    fn shadow_outcome(&self) -> Option<&'static str> {
        self.inner.shadow().map(|s| s.outcome.as_str())
    }
    /// The shadow bundle's rule ids, positional order; `None` without a shadow.
    #[getter]
    fn shadow_rule_ids<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyTuple>>> {
        self.inner.shadow().map(|s| PyTuple::new(py, &s.matching_rule_ids)).transpose()
    }

    /// Every field in one tuple, in the order the Python façade reads them; outcomes are the
    /// registered `Outcome` members (their text before registration).
    fn _facade_fields<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        let d = &self.inner;
        let outcome = |o: Option<hitl::Outcome>| -> PyResult<Bound<'py, PyAny>> {
            let Some(o) = o else { return Ok(py.None().into_bound(py)) };
            if let Some((_, members)) = FACADE.get(py)
                && let Some(member) = members.bind(py).get_item(o.as_str())?
            {
                return Ok(member);
            }
            o.as_str().into_bound_py_any(py)
        };
        PyTuple::new(
            py,
            [
                outcome(Some(d.outcome()))?,
                d.reason().into_bound_py_any(py)?,
                d.timeout_s().into_bound_py_any(py)?,
                d.severity().map(hitl::Severity::as_str).into_bound_py_any(py)?,
                self.matching_rule_ids(py)?.into_any(),
                d.tier().map(hitl::Tier::as_str).into_bound_py_any(py)?,
                self.duration_ms().into_bound_py_any(py)?,
                d.is_fail_closed().into_bound_py_any(py)?,
                d.fail_closed().map(|f| f.cause.as_str()).into_bound_py_any(py)?,
                self.cache_hit(py)?.into_bound_py_any(py)?,
                self.policy_fingerprint(py).into_bound_py_any(py)?,
                outcome(d.shadow().map(|s| s.outcome))?,
                self.shadow_rule_ids(py)?.into_bound_py_any(py)?,
            ],
        )
    }

    /// The decision as the package's `PolicyDecision` (registered at import): a new instance
    /// holding `_facade_fields()`, made here in one step. Before registration, the fields.
    pub(crate) fn _to_facade<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let fields = self._facade_fields(py)?;
        let Some((cls, _)) = FACADE.get(py) else { return Ok(fields.into_any()) };
        let cls = cls.bind(py);
        let obj = cls.call_method1(pyo3::intern!(py, "__new__"), (cls,))?;
        // The façade is immutable: its own `__setattr__` refuses, so the slot is filled the way
        // `object.__setattr__` would fill it.
        let name = pyo3::intern!(py, "_f");
        let rc = unsafe {
            pyo3::ffi::PyObject_GenericSetAttr(obj.as_ptr(), name.as_ptr(), fields.as_ptr())
        };
        if rc != 0 {
            return Err(PyErr::fetch(py));
        }
        Ok(obj)
    }

    /// The decision as a dict with the keys every language uses.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("outcome", self.outcome())?;
        d.set_item("reason", self.reason())?;
        d.set_item("tier", self.tier())?;
        d.set_item("matching_rule_ids", PyList::new(py, self.inner.matching_rule_ids())?)?;
        d.set_item("timeout_s", self.timeout_s())?;
        d.set_item("severity", self.severity())?;
        d.set_item("fail_closed", self.fail_closed())?;
        d.set_item("fail_closed_cause", self.fail_closed_cause())?;
        d.set_item("fail_closed_detail", self.fail_closed_detail())?;
        d.set_item("cache_hit", self.cache_hit(py)?)?;
        d.set_item("duration_ms", self.duration_ms())?;
        d.set_item("policy_fingerprint", self.policy_fingerprint(py))?;
        d.set_item("shadow_outcome", self.shadow_outcome())?;
        match self.inner.shadow() {
            Some(s) => d.set_item("shadow_rule_ids", PyList::new(py, &s.matching_rule_ids)?)?,
            None => d.set_item("shadow_rule_ids", py.None())?,
        }
        Ok(d)
    }

    fn __repr__(&self) -> String {
        let d = &self.inner;
        let shadow = d.shadow().map_or_else(String::new, |s| {
            format!(
                ", shadow_outcome={}, shadow_rule_ids={}",
                r_str(s.outcome.as_str()),
                r_seq(&s.matching_rule_ids)
            )
        });
        format!(
            "Decision(outcome={}, reason={}, tier={}, matching_rule_ids={}, timeout_s={}, severity={}, fail_closed_cause={}{shadow})",
            r_str(d.outcome().as_str()),
            r_str(d.reason()),
            r_opt_str(d.tier().map(hitl::Tier::as_str)),
            r_seq(d.matching_rule_ids()),
            r_opt(d.timeout_s()),
            r_opt_str(d.severity().map(hitl::Severity::as_str)),
            r_opt_str(d.fail_closed().map(|f| f.cause.as_str())),
        )
    }
}

pub(crate) fn rules_list<'a>(rules: impl IntoIterator<Item = &'a hitl::Rule>) -> Vec<Rule> {
    rules.into_iter().map(|r| hitl::RuleRecord::from(r).into()).collect()
}

pub(crate) fn summary_dict<'py>(
    py: Python<'py>,
    r: &hitl::RuleSummary,
) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("rule_id", &r.rule_id)?;
    d.set_item("summary", &r.summary)?;
    if let Some(c) = &r.category {
        d.set_item("category", c)?;
    }
    if let Some(s) = r.severity {
        d.set_item("severity", s.as_str())?;
    }
    if let Some(t) = r.approval_timeout_s {
        d.set_item("approval_timeout_s", t)?;
    }
    d.set_item("source", r.source.to_string())?;
    Ok(d)
}

/// A remembered human (or timeout) decision.
#[pyclass(frozen, module = "cedar_hitl", name = "CacheEntry")]
pub(crate) struct PyCacheEntry {
    pub(crate) entry: hitl::CacheEntry,
    pub(crate) rule_ids: Option<Vec<String>>,
}

#[pymethods]
impl PyCacheEntry {
    #[getter]
    fn decision(&self) -> &'static str {
        self.entry.decision.as_str()
    }
    #[getter]
    fn reason(&self) -> Option<&str> {
        self.entry.reason.as_deref()
    }
    #[getter]
    fn original_decision_ts(&self) -> &str {
        &self.entry.original_decision_ts
    }
    /// For rule-level entries: the denied rule ids (as recorded); `None` for input-hash entries.
    #[getter]
    fn rule_ids<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyTuple>>> {
        self.rule_ids.as_ref().map(|ids| PyTuple::new(py, ids)).transpose()
    }
    fn __repr__(&self) -> String {
        format!(
            "CacheEntry(decision={}, reason={}, original_decision_ts={}, rule_ids={})",
            r_str(self.entry.decision.as_str()),
            r_opt_str(self.entry.reason.as_deref()),
            r_str(&self.entry.original_decision_ts),
            self.rule_ids.as_deref().map_or_else(|| "None".to_owned(), r_seq)
        )
    }
}
