//! Output records: the core's results as Python objects — `Decision`, `Rule`, `LoadWarning`,
//! `CacheEntry`, `AllowlistView`, `GateAdmission`, `ResolutionEffect` — the dicts the API
//! returns (cache hit, denial, effective timeout), and core values in their JSON form (rule
//! listing, explain, parsed commands).

use crate::repr::ReprField;
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
        $name:ident as $binding:ident $(shows $shown:ident)? $(takes $takes:ident)? {
            $($(#[doc = $fdoc:literal])* $field:ident : $ty:ty => $ts:literal),* $(,)?
        } $(and lists {
            $($(#[doc = $ldoc:literal])* $lfield:ident : $lrec:ident as $lbind:ident => $lts:literal),* $(,)?
        })? $(and if present {
            $($(#[doc = $odoc:literal])* $ofield:ident : $oty:ty => $ots:literal),* $(,)?
        })?
    )*) => {$(
        $(#[doc = $doc])*
        #[pyclass(frozen, eq, get_all, module = "cedar_hitl")]
        #[derive(PartialEq, Clone)]
        pub(crate) struct $binding {
            $($(#[doc = $fdoc])* $field: <$ty as Wire>::Out,)*
            $($($(#[doc = $ldoc])* $lfield: Vec<$lbind>,)*)?
            $($($(#[doc = $odoc])* $ofield: Option<<$oty as Wire>::Out>,)*)?
        }

        impl From<hitl::$name> for $binding {
            fn from(value: hitl::$name) -> Self {
                let hitl::$name { $($field,)* $($($lfield,)*)? $($($ofield,)*)? } = value;
                Self {
                    $($field: $field.wire(),)*
                    $($($lfield: $lfield.into_iter().map($lbind::from).collect(),)*)?
                    $($($ofield: $ofield.wire(),)*)?
                }
            }
        }

        #[pymethods]
        impl $binding {
            fn __repr__(&self) -> String {
                let fields: &[String] = &[
                    $(format!("{}={}", stringify!($field), self.$field.repr_field()),)*
                    $($(format!("{}={}", stringify!($lfield), self.$lfield.repr_field()),)*)?
                    $($(format!("{}={}", stringify!($ofield), self.$ofield.repr_field()),)*)?
                ];
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
                $($(d.set_item(stringify!($lfield), self.$lfield)?;)*)?
                // Left out when absent, as the core's serde form leaves them out.
                $($(if let Some(v) = self.$ofield {
                    d.set_item(stringify!($ofield), v)?;
                })*)?
                Ok(d)
            }

            /// The record as a tuple of its field values in list order (for the `NamedTuple`s
            /// the package builds from `_RECORD_FIELDS`).
            #[allow(dead_code)]
            pub(crate) fn into_tuple(self, py: Python<'_>) -> PyResult<Bound<'_, PyTuple>> {
                PyTuple::new(py, [
                    $(self.$field.into_bound_py_any(py)?,)*
                    $($(self.$lfield.into_bound_py_any(py)?,)*)?
                    $($(self.$ofield.into_bound_py_any(py)?,)*)?
                ])
            }
        }

        /// A record nested in another's list shows as its own repr.
        impl ReprField for $binding {
            fn repr_field(&self) -> String {
                self.__repr__()
            }
        }

        py_options!($($takes)? ; $name ; $($field : $ty),* ; $($($ofield : $oty),*)?);
    )*};
}
/// A `takes options` record read from keyword arguments: one arm per field, each read as its
/// type is read (`convert::FromPyArg`). Other records: nothing.
macro_rules! py_options {
    (; $($rest:tt)*) => {};
    (options ; $name:ident ; $($field:ident : $ty:ty),* ; $($ofield:ident : $oty:ty),*) => {
        impl crate::convert::OptionRecord for hitl::$name {
            fn set_field(
                &mut self,
                py: Python<'_>,
                field: &str,
                obj: &Bound<'_, PyAny>,
            ) -> PyResult<bool> {
                match field {
                    $(stringify!($field) => {
                        self.$field =
                            <$ty as crate::convert::FromPyArg>::from_py_arg(py, obj, stringify!($field))?
                    })*
                    // An option that may be absent: `None` leaves it absent (the default).
                    $(stringify!($ofield) => {
                        self.$ofield = <Option<$oty> as crate::convert::FromPyArg>::from_py_arg(
                            py,
                            obj,
                            stringify!($ofield),
                        )?
                    })*
                    _ => return Ok(false),
                }
                Ok(true)
            }
        }
    };
}
hitl::records!(py_records);

/// The package's `PolicyDecision` class and its `Outcome` members by value, registered once when
/// `cedar_hitl` is imported, so a decision reaches Python as the façade object in one native step
/// (no second Python-level pass over its fields).
/// Also the package's one decision repr (`_decision_repr`), which the native `Decision` shares.
static FACADE: PyOnceLock<(Py<PyType>, Py<PyDict>, Py<PyAny>)> = PyOnceLock::new();

/// Register the façade class, `{value: Outcome member}` and the decision repr; later calls
/// change nothing.
#[pyfunction]
pub(crate) fn _register_facade(
    cls: &Bound<'_, PyType>,
    outcomes: &Bound<'_, PyDict>,
    repr: &Bound<'_, PyAny>,
) {
    let _ = FACADE
        .set(cls.py(), (cls.clone().unbind(), outcomes.clone().unbind(), repr.clone().unbind()));
}

/// One decision of the core, with every structured field.
#[pyclass(frozen, module = "cedar_hitl", name = "Decision")]
pub(crate) struct PyDecision {
    pub(crate) inner: hitl::Decision,
    /// The deciding bundle's fingerprint as a Python `str`, shared by every decision of a
    /// session (one reference count instead of a new 64-character string per decision).
    pub(crate) fingerprint: Option<Py<PyString>>,
}

/// How a decision field becomes a Python value: for a property, `to_dict()` (JSON-ready: lists)
/// or the façade's tuple (outcomes as the registered `Outcome` members).
pub(crate) struct FieldCx<'a, 'py> {
    py: Python<'py>,
    /// Sequences as lists (`to_dict`) rather than tuples.
    lists: bool,
    /// `{value: Outcome member}` for the façade; plain strings without it.
    outcomes: Option<&'a Bound<'py, PyDict>>,
    /// The session's shared fingerprint string, when it is this decision's.
    fingerprint: Option<&'a Py<PyString>>,
}

/// A field read from a `&hitl::Decision` (the core list's accessor), as a Python value.
trait PyField {
    fn py<'py>(self, cx: &FieldCx<'_, 'py>) -> PyResult<Bound<'py, PyAny>>;
}

macro_rules! py_field_as_is {
    ($($t:ty),*) => {$(
        impl PyField for $t {
            fn py<'py>(self, cx: &FieldCx<'_, 'py>) -> PyResult<Bound<'py, PyAny>> {
                self.into_bound_py_any(cx.py)
            }
        }
    )*};
}
py_field_as_is!(bool, u32, f64, &str);

macro_rules! py_field_enum {
    ($($t:ty),*) => {$(
        impl PyField for $t {
            fn py<'py>(self, cx: &FieldCx<'_, 'py>) -> PyResult<Bound<'py, PyAny>> {
                self.as_str().into_bound_py_any(cx.py)
            }
        }
    )*};
}
py_field_enum!(hitl::Tier, hitl::Severity, hitl::FailClosedCause);

impl PyField for hitl::Outcome {
    fn py<'py>(self, cx: &FieldCx<'_, 'py>) -> PyResult<Bound<'py, PyAny>> {
        if let Some(members) = cx.outcomes
            && let Some(member) = members.get_item(self.as_str())?
        {
            return Ok(member);
        }
        self.as_str().into_bound_py_any(cx.py)
    }
}

impl PyField for &[String] {
    fn py<'py>(self, cx: &FieldCx<'_, 'py>) -> PyResult<Bound<'py, PyAny>> {
        if cx.lists {
            Ok(PyList::new(cx.py, self)?.into_any())
        } else {
            Ok(PyTuple::new(cx.py, self)?.into_any())
        }
    }
}

impl PyField for &hitl::CacheHit {
    fn py<'py>(self, cx: &FieldCx<'_, 'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(CacheHit::from(self.clone()).into_dict(cx.py)?.into_any())
    }
}

impl PyField for &std::sync::Arc<str> {
    fn py<'py>(self, cx: &FieldCx<'_, 'py>) -> PyResult<Bound<'py, PyAny>> {
        match cx.fingerprint {
            Some(shared) => Ok(shared.bind(cx.py).clone().into_any()),
            None => Ok(PyString::new(cx.py, self).into_any()),
        }
    }
}

impl<T: PyField> PyField for Option<T> {
    fn py<'py>(self, cx: &FieldCx<'_, 'py>) -> PyResult<Bound<'py, PyAny>> {
        match self {
            Some(v) => v.py(cx),
            None => Ok(cx.py.None().into_bound(cx.py)),
        }
    }
}

impl PyDecision {
    fn cx<'a, 'py>(
        &'a self,
        py: Python<'py>,
        lists: bool,
        outcomes: Option<&'a Bound<'py, PyDict>>,
    ) -> FieldCx<'a, 'py> {
        FieldCx { py, lists, outcomes, fingerprint: self.fingerprint.as_ref() }
    }
}

/// The decision list's Python side: a property per field, `to_dict()`, and the façade's tuple.
macro_rules! py_decision {
    ($($(#[doc = $doc:literal])* $field:ident : $ty:ty => $ts:literal = |$d:ident| $get:expr),* $(,)?) => {
        #[pymethods]
        impl PyDecision {
            $(
                $(#[doc = $doc])*
                #[getter]
                fn $field<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
                    let $d = &self.inner;
                    PyField::py($get, &self.cx(py, false, None))
                }
            )*

            /// The decision as a dict with the keys every language uses.
            fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
                let cx = self.cx(py, true, None);
                let dict = PyDict::new(py);
                $(dict.set_item(stringify!($field), { let $d = &self.inner; PyField::py($get, &cx)? })?;)*
                Ok(dict)
            }

            /// Every field in one tuple, in the core's order (what the Python façade holds);
            /// outcomes are the registered `Outcome` members (their text before registration).
            fn _facade_fields<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
                let members = FACADE.get(py).map(|(_, m, _)| m.bind(py));
                let cx = self.cx(py, false, members);
                PyTuple::new(py, [$({ let $d = &self.inner; PyField::py($get, &cx)? }),*])
            }

            /// The decision as the package's `PolicyDecision` (registered at import): a new
            /// instance holding `_facade_fields()`, made here in one step. Before registration,
            /// the fields.
            pub(crate) fn _to_facade<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
                self.facade(py)
            }

            /// The package's one decision repr (`_decision_repr`); the field dict before the
            /// package registered it.
            fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
                match FACADE.get(py) {
                    Some((_, _, repr)) => repr.bind(py).call1(("Decision", self._facade_fields(py)?))?.extract(),
                    None => Ok(format!("Decision({})", self.to_dict(py)?.repr()?)),
                }
            }
        }
    };
}
hitl::decision_fields!(py_decision);

impl PyDecision {
    fn facade<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let fields = self._facade_fields(py)?;
        let Some((cls, _, _)) = FACADE.get(py) else { return Ok(fields.into_any()) };
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
}

pub(crate) fn rules_list<'a>(rules: impl IntoIterator<Item = &'a hitl::Rule>) -> Vec<Rule> {
    rules.into_iter().map(|r| hitl::RuleRecord::from(r).into()).collect()
}

/// A core value's serde JSON as Python objects (dict, list, str, int, float, bool, None), by
/// `json.loads`: the binding's one JSON → Python conversion, so the keys a dict has — and the
/// keys it leaves out — are the core's serde form (the rule listing, `explain`, `parse_command`).
pub(crate) fn json_out<'py>(
    py: Python<'py>,
    text: serde_json::Result<String>,
) -> PyResult<Bound<'py, PyAny>> {
    let text = text.map_err(|e| {
        pyo3::exceptions::PyRuntimeError::new_err(format!("cedar-hitl: cannot serialise: {e}"))
    })?;
    py.import("json")?.call_method1("loads", (text,))
}
