//! Python binding of cedar-hitl (`cedar_hitl._cedar_hitl`).
//!
//! This crate converts Python values into the core's types, maps the core's errors onto Python
//! exceptions, and releases the GIL while the core works. It holds no policy logic: every
//! decision, validation rule, message and number comes from `cedar-hitl-core`.

mod audit;

use cedar_hitl_core as hitl;
use hitl::cedar_parity::{self, EntityRef};
use hitl::{BigInteger, BuiltinProfile, CachedDecision, Clock, JsonValue, ToolCall};
use pyo3::IntoPyObjectExt;
use pyo3::create_exception;
use pyo3::exceptions::{PyRuntimeError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{
    PyBool, PyByteArray, PyBytes, PyDict, PyFloat, PyInt, PyList, PyMapping, PyString, PyTuple,
};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::str::FromStr;
use std::sync::Arc;

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

// ---------------------------------------------------------------------------------------------
// Errors and panics
// ---------------------------------------------------------------------------------------------

fn set(err: &PyErr, py: Python<'_>, name: &str, value: impl for<'a> IntoPyObject<'a>) {
    // Setting an attribute on a fresh exception instance cannot fail in practice; if it did,
    // the exception would still carry the core's message.
    let _ = err.value(py).setattr(name, value);
}

fn config_error(py: Python<'_>, field: &str, message: impl Into<String>) -> PyErr {
    let err = ConfigError::new_err(message.into());
    set(&err, py, "field", field);
    err
}

fn map_config(py: Python<'_>, e: &hitl::ConfigError) -> PyErr {
    config_error(py, e.field(), e.message())
}

fn map_scope(py: Python<'_>, e: &hitl::ScopeError) -> PyErr {
    let err = ScopeError::new_err(e.message().to_owned());
    set(&err, py, "scope", e.scope());
    set(&err, py, "field", e.field());
    err
}

fn map_load(py: Python<'_>, e: &hitl::LoadError) -> PyErr {
    let err = PolicyLoadError::new_err(e.message().to_owned());
    set(&err, py, "kind", e.kind().as_str());
    set(&err, py, "tier", e.tier_of().map(hitl::Tier::as_str));
    set(&err, py, "rule_id", e.rule_id());
    set(&err, py, "field", e.field());
    set(&err, py, "source", e.origin().map(|s| s.to_string()));
    set(&err, py, "line", e.line());
    err
}

fn map_error(py: Python<'_>, e: &hitl::Error) -> PyErr {
    match e {
        hitl::Error::Load(l) => map_load(py, l),
        hitl::Error::Scope(s) => map_scope(py, s),
        hitl::Error::Config(c) => map_config(py, c),
        // `Error` is non-exhaustive: a kind added later is still a typed error with its message.
        other => config_error(py, "", other.to_string()),
    }
}

fn panic_message(p: Box<dyn std::any::Any + Send>) -> String {
    p.downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| p.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_owned())
}

/// Run core code with the GIL released; a panic becomes a Python `RuntimeError`.
fn run<T: Send>(py: Python<'_>, f: impl FnOnce() -> T + Send) -> PyResult<T> {
    py.detach(move || catch_unwind(AssertUnwindSafe(f)).map_err(panic_message))
        .map_err(|m| PyRuntimeError::new_err(format!("cedar-hitl core panicked: {m}")))
}

// ---------------------------------------------------------------------------------------------
// Python values → core values
// ---------------------------------------------------------------------------------------------

fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type().name().map(|n| n.to_string()).unwrap_or_else(|_| "object".to_owned())
}

const LONE_SURROGATE: &str = "string with a lone surrogate";

/// Converts a Python object tree straight into a [`JsonValue`]. Never fails: what JSON cannot
/// express becomes [`JsonValue::Unsupported`], which the core refuses (fail-closed).
///
/// Guards: nesting is cut at `tool_input_max_depth`, cycles are detected, and conversion stops
/// once the input certainly exceeds `tool_input_max_bytes`: each node is counted at no more
/// than the bytes its canonical JSON needs at least (strings: UTF-8 length + quotes; containers:
/// brackets and separators), a lower bound of what the core measures, so the guard never
/// refuses an input the core would accept while hostile inputs (a 10-million-key dict, a
/// shared-reference DAG that expands exponentially) cannot recurse or allocate without bound.
struct Converter {
    max_depth: usize,
    budget: usize,
    exhausted: bool,
    path: Vec<*mut pyo3::ffi::PyObject>,
}

impl Converter {
    fn new() -> Self {
        let c = hitl::constants();
        Self {
            max_depth: c.tool_input_max_depth,
            budget: c.tool_input_max_bytes,
            exhausted: false,
            path: Vec::new(),
        }
    }

    fn spend(&mut self, n: usize) -> bool {
        if self.exhausted || n > self.budget {
            self.exhausted = true;
            self.budget = 0;
            return false;
        }
        self.budget -= n;
        true
    }

    fn too_large(&self) -> JsonValue {
        JsonValue::Unsupported(format!(
            "tool input larger than {} bytes",
            hitl::constants().tool_input_max_bytes
        ))
    }

    /// `depth`: containers already open around `obj`.
    fn convert(&mut self, obj: &Bound<'_, PyAny>, depth: usize) -> JsonValue {
        if self.exhausted {
            // An `Unsupported` value is already in the tree; the rest does not matter.
            return JsonValue::Null;
        }
        if let Ok(s) = obj.cast::<PyString>() {
            return match s.to_cow() {
                Ok(text) => {
                    if !self.spend(text.len() + 2) {
                        return self.too_large();
                    }
                    JsonValue::String(text.into_owned())
                }
                Err(_) => JsonValue::Unsupported(LONE_SURROGATE.to_owned()),
            };
        }
        // Lower bounds of the canonical text: `null`/`true` 4, a float 3 (`0.0`), an int 1, a
        // container 2 (brackets) plus 2 per separator.
        let (cost, value) = if obj.is_none() {
            (4, Some(JsonValue::Null))
        } else if let Ok(b) = obj.cast::<PyBool>() {
            // bool before int: bool subclasses int.
            (4, Some(JsonValue::Bool(b.is_true())))
        } else if let Ok(i) = obj.cast::<PyInt>() {
            (1, Some(int_to_json(i)))
        } else if let Ok(f) = obj.cast::<PyFloat>() {
            // NaN and the infinities pass through; the core refuses them.
            (3, Some(JsonValue::Float(f.value())))
        } else {
            (2, None)
        };
        if !self.spend(cost) {
            return self.too_large();
        }
        if let Some(v) = value {
            return v;
        }
        // Only an exact dict is read from its storage. `json.dumps` reads a dict subclass through
        // its `items()`, so a subclass goes the mapping way below and the engine sees what the
        // host will send (docs/boundary.md).
        if let Ok(d) = obj.cast_exact::<PyDict>() {
            return self.container(obj, depth, |this| {
                let mut members = Vec::with_capacity(d.len());
                for (k, v) in d.iter() {
                    if !members.is_empty() && !this.spend(2) {
                        return this.too_large();
                    }
                    match this.key(&k) {
                        Ok(key) => members.push((key, this.convert(&v, depth + 1))),
                        Err(u) => return u,
                    }
                }
                JsonValue::Object(members)
            });
        }
        if let Ok(l) = obj.cast::<PyList>() {
            return self.container(obj, depth, |this| this.array(l.iter(), depth));
        }
        if let Ok(t) = obj.cast::<PyTuple>() {
            return self.container(obj, depth, |this| this.array(t.iter(), depth));
        }
        if obj.cast::<PyString>().is_err()
            && obj.cast::<PyBytes>().is_err()
            && obj.cast::<PyByteArray>().is_err()
            && let Ok(m) = obj.cast::<PyMapping>()
        {
            return self.container(obj, depth, |this| {
                let Ok(items) = m.items() else {
                    return JsonValue::Unsupported(format!(
                        "{} whose items() failed",
                        type_name(obj)
                    ));
                };
                let mut members = Vec::with_capacity(items.len());
                for item in items.iter() {
                    if !members.is_empty() && !this.spend(2) {
                        return this.too_large();
                    }
                    let Ok((k, v)) = item.extract::<(Bound<'_, PyAny>, Bound<'_, PyAny>)>() else {
                        return JsonValue::Unsupported(format!(
                            "{} whose items() are not pairs",
                            type_name(obj)
                        ));
                    };
                    match this.key(&k) {
                        Ok(key) => members.push((key, this.convert(&v, depth + 1))),
                        Err(u) => return u,
                    }
                }
                JsonValue::Object(members)
            });
        }
        JsonValue::Unsupported(type_name(obj))
    }

    fn array<'py>(
        &mut self,
        items: impl Iterator<Item = Bound<'py, PyAny>>,
        depth: usize,
    ) -> JsonValue {
        let mut out = Vec::with_capacity(items.size_hint().0);
        for item in items {
            if !out.is_empty() && !self.spend(2) {
                return self.too_large();
            }
            out.push(self.convert(&item, depth + 1));
        }
        JsonValue::Array(out)
    }

    fn container(
        &mut self,
        obj: &Bound<'_, PyAny>,
        depth: usize,
        body: impl FnOnce(&mut Self) -> JsonValue,
    ) -> JsonValue {
        if depth >= self.max_depth {
            return JsonValue::Unsupported(format!(
                "nesting deeper than {} levels",
                self.max_depth
            ));
        }
        let ptr = obj.as_ptr();
        if self.path.contains(&ptr) {
            return JsonValue::Unsupported("circular reference".to_owned());
        }
        self.path.push(ptr);
        let v = body(self);
        self.path.pop();
        v
    }

    fn key(&mut self, k: &Bound<'_, PyAny>) -> Result<String, JsonValue> {
        match k.cast::<PyString>() {
            Ok(s) => match s.to_cow() {
                Ok(text) => {
                    // `"key": ` — quotes and the colon separator.
                    if !self.spend(text.len() + 4) {
                        return Err(self.too_large());
                    }
                    Ok(text.into_owned())
                }
                Err(_) => Err(JsonValue::Unsupported(format!("dict key: {LONE_SURROGATE}"))),
            },
            Err(_) => Err(JsonValue::Unsupported(format!("dict key of type {}", type_name(k)))),
        }
    }
}

fn int_to_json(i: &Bound<'_, PyInt>) -> JsonValue {
    if let Ok(v) = i.extract::<i64>() {
        return JsonValue::Integer(v);
    }
    // Beyond i64: the exact decimal text, as `json.dumps` writes it (`int.__repr__`).
    let text = i
        .py()
        .get_type::<PyInt>()
        .call_method1("__repr__", (i,))
        .and_then(|r| r.extract::<String>());
    match text.ok().as_deref().and_then(BigInteger::parse) {
        Some(b) => JsonValue::BigInteger(b),
        None => JsonValue::Unsupported("integer too large to write as decimal text".to_owned()),
    }
}

fn to_json(obj: &Bound<'_, PyAny>) -> JsonValue {
    Converter::new().convert(obj, 0)
}

/// A tool call from Python values. Never fails: a tool name that is not a valid `str` replaces
/// the input with an unsupported value, so the core fails closed.
fn tool_call(name: &Bound<'_, PyAny>, input: &Bound<'_, PyAny>) -> ToolCall {
    match name.cast::<PyString>() {
        Ok(s) => match s.to_cow() {
            Ok(n) => ToolCall::new(n.into_owned(), to_json(input)),
            Err(_) => ToolCall::with_invalid_name(format!("tool_name is a {LONE_SURROGATE}")),
        },
        Err(_) => {
            ToolCall::with_invalid_name(format!("tool_name must be a str, got {}", type_name(name)))
        }
    }
}

fn str_arg(py: Python<'_>, obj: &Bound<'_, PyAny>, field: &str) -> PyResult<String> {
    let s = obj.cast::<PyString>().map_err(|_| {
        config_error(py, field, format!("{field} must be a str, got {}", type_name(obj)))
    })?;
    s.to_cow().map(|c| c.into_owned()).map_err(|_| {
        config_error(py, field, format!("{field} must be a str without lone surrogates"))
    })
}

fn opt_str_arg(
    py: Python<'_>,
    obj: Option<&Bound<'_, PyAny>>,
    field: &str,
) -> PyResult<Option<String>> {
    obj.map(|o| str_arg(py, o, field)).transpose()
}

/// Text helpers accept `None` as the empty text (docs/text.md: absent input → `""`).
fn text_arg(py: Python<'_>, obj: Option<&Bound<'_, PyAny>>, field: &str) -> PyResult<String> {
    Ok(opt_str_arg(py, obj, field)?.unwrap_or_default())
}

fn iter_arg<'py>(
    py: Python<'py>,
    obj: &Bound<'py, PyAny>,
    field: &str,
) -> PyResult<Vec<Bound<'py, PyAny>>> {
    let not_a_list = || {
        config_error(py, field, format!("{field} must be a list of str, got {}", type_name(obj)))
    };
    if obj.cast::<PyString>().is_ok()
        || obj.cast::<PyBytes>().is_ok()
        || obj.cast::<PyMapping>().is_ok()
    {
        return Err(not_a_list());
    }
    obj.try_iter().map_err(|_| not_a_list())?.collect::<PyResult<Vec<_>>>()
}

fn str_list_arg(
    py: Python<'_>,
    obj: Option<&Bound<'_, PyAny>>,
    field: &str,
) -> PyResult<Vec<String>> {
    let Some(obj) = obj else { return Ok(Vec::new()) };
    iter_arg(py, obj, field)?
        .iter()
        .enumerate()
        .map(|(i, item)| str_arg(py, item, &format!("{field}[{i}]")))
        .collect()
}

/// Python int → i64, saturating, so an out-of-range value reaches the core's range check.
fn int_arg(py: Python<'_>, obj: &Bound<'_, PyAny>, field: &str) -> PyResult<i64> {
    let bad = || config_error(py, field, format!("{field} must be an int, got {}", type_name(obj)));
    if obj.cast::<PyBool>().is_ok() {
        return Err(bad());
    }
    let i = obj.cast::<PyInt>().map_err(|_| bad())?;
    match i.extract::<i64>() {
        Ok(v) => Ok(v),
        Err(_) => Ok(if i.gt(0)? { i64::MAX } else { i64::MIN }),
    }
}

fn opt_int_arg(
    py: Python<'_>,
    obj: Option<&Bound<'_, PyAny>>,
    field: &str,
) -> PyResult<Option<i64>> {
    obj.map(|o| int_arg(py, o, field)).transpose()
}

fn float_arg(py: Python<'_>, obj: &Bound<'_, PyAny>, field: &str) -> PyResult<f64> {
    let bad = || {
        config_error(
            py,
            field,
            format!("{field} must be a number (int or float), got {}", type_name(obj)),
        )
    };
    if obj.cast::<PyBool>().is_ok()
        || (obj.cast::<PyInt>().is_err() && obj.cast::<PyFloat>().is_err())
    {
        return Err(bad());
    }
    obj.extract::<f64>()
        .map_err(|_| config_error(py, field, format!("{field} is out of range for a float")))
}

fn bool_arg(py: Python<'_>, obj: &Bound<'_, PyAny>, field: &str) -> PyResult<bool> {
    obj.cast::<PyBool>().map(|b| b.is_true()).map_err(|_| {
        config_error(
            py,
            field,
            format!("{field} must be a bool (True or False), got {}", type_name(obj)),
        )
    })
}

fn tool_name_arg(py: Python<'_>, obj: &Bound<'_, PyAny>) -> PyResult<String> {
    str_arg(py, obj, "tool_name")
}

fn tool_map_arg(
    py: Python<'_>,
    obj: Option<&Bound<'_, PyAny>>,
    field: &str,
) -> PyResult<Option<Vec<(String, String)>>> {
    let Some(obj) = obj else { return Ok(None) };
    let pairs: Vec<Bound<'_, PyAny>> = if let Ok(m) = obj.cast::<PyMapping>() {
        m.items()
            .map_err(|_| {
                config_error(py, field, format!("{field} must be a mapping of tool name to key"))
            })?
            .iter()
            .collect()
    } else {
        iter_arg(py, obj, field)?
    };
    pairs
        .iter()
        .enumerate()
        .map(|(i, pair)| {
            let (tool, key) =
                pair.extract::<(Bound<'_, PyAny>, Bound<'_, PyAny>)>().map_err(|_| {
                    config_error(
                        py,
                        field,
                        format!("{field}[{i}] must be a (tool, key) pair of str"),
                    )
                })?;
            Ok((str_arg(py, &tool, field)?, str_arg(py, &key, field)?))
        })
        .collect::<PyResult<Vec<_>>>()
        .map(Some)
}

/// The built-in profile (`"hardened"` or `"upstream"`); `None` (omitted) is the core's default.
fn builtins_arg(py: Python<'_>, obj: Option<&Bound<'_, PyAny>>) -> PyResult<BuiltinProfile> {
    let Some(text) = opt_str_arg(py, obj, "builtins")? else {
        return Ok(BuiltinProfile::default());
    };
    BuiltinProfile::from_str(&text)
        .map_err(|e| config_error(py, "builtins", format!("builtins: {e}")))
}

fn cached_decision_arg(py: Python<'_>, obj: &Bound<'_, PyAny>) -> PyResult<CachedDecision> {
    let text = str_arg(py, obj, "decision")?;
    CachedDecision::from_str(&text).map_err(|e| map_config(py, &e))
}

// ---------------------------------------------------------------------------------------------
// Core values → Python
// ---------------------------------------------------------------------------------------------

fn cache_hit_dict<'py>(py: Python<'py>, h: &hitl::CacheHit) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("tool_name", &h.tool_name)?;
    d.set_item("tool_input_sha256", &h.tool_input_sha256)?;
    d.set_item("cached_decision", h.cached_decision.as_str())?;
    d.set_item("cached_reason", h.cached_reason.as_deref())?;
    d.set_item("original_decision_ts", &h.original_decision_ts)?;
    match &h.matched_rule_ids {
        Some(ids) => d.set_item("matched_rule_ids", PyList::new(py, ids)?)?,
        None => d.set_item("matched_rule_ids", py.None())?,
    }
    Ok(d)
}

fn denial_dict<'py>(py: Python<'py>, e: &hitl::DenialEntry) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("request_id", &e.request_id)?;
    d.set_item("reason", &e.reason)?;
    d.set_item("decided_at", e.decided_at.as_deref())?;
    Ok(d)
}

fn denial_entry_arg(
    py: Python<'_>,
    obj: &Bound<'_, PyAny>,
    i: usize,
) -> PyResult<hitl::DenialEntry> {
    let field = format!("entries[{i}]");
    let (request_id, reason, decided_at) = if let Ok(m) = obj.cast::<PyMapping>() {
        let get = |k: &str| -> PyResult<Option<Bound<'_, PyAny>>> {
            match m.get_item(k) {
                Ok(v) if v.is_none() => Ok(None),
                Ok(v) => Ok(Some(v)),
                Err(e) if e.is_instance_of::<pyo3::exceptions::PyKeyError>(py) => Ok(None),
                Err(e) => Err(e),
            }
        };
        (get("request_id")?, get("reason")?, get("decided_at")?)
    } else {
        let items = iter_arg(py, obj, &field)?;
        if items.len() != 3 {
            return Err(config_error(
                py,
                &field,
                format!(
                    "{field} must be a mapping with request_id, reason, decided_at or a 3-tuple"
                ),
            ));
        }
        let mut it = items.into_iter().map(|o| if o.is_none() { None } else { Some(o) });
        let mut next = || it.next().flatten();
        (next(), next(), next())
    };
    let request_id = request_id.ok_or_else(|| {
        config_error(
            py,
            &format!("{field}.request_id"),
            format!("{field}.request_id must be a str"),
        )
    })?;
    Ok(hitl::DenialEntry {
        request_id: str_arg(py, &request_id, &format!("{field}.request_id"))?,
        reason: opt_str_arg(py, reason.as_ref(), &format!("{field}.reason"))?.unwrap_or_default(),
        decided_at: opt_str_arg(py, decided_at.as_ref(), &format!("{field}.decided_at"))?,
    })
}

fn effective_timeout_dict<'py>(
    py: Python<'py>,
    t: &hitl::EffectiveTimeout,
) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("effective_s", t.effective_s)?;
    d.set_item("clip", t.clip.map(hitl::ClipReason::as_str))?;
    d.set_item("requested_s", t.requested_s)?;
    Ok(d)
}

// ---------------------------------------------------------------------------------------------
// Python-style reprs
// ---------------------------------------------------------------------------------------------

fn r_str(s: &str) -> String {
    format!("{s:?}")
}
fn r_opt_str(s: Option<&str>) -> String {
    s.map_or_else(|| "None".to_owned(), r_str)
}
fn r_opt<T: std::fmt::Display>(v: Option<T>) -> String {
    v.map_or_else(|| "None".to_owned(), |v| v.to_string())
}
fn r_bool(b: bool) -> &'static str {
    if b { "True" } else { "False" }
}
fn r_seq<S: AsRef<str>>(items: &[S]) -> String {
    let inner: Vec<String> = items.iter().map(|s| r_str(s.as_ref())).collect();
    format!("[{}]", inner.join(", "))
}

// ---------------------------------------------------------------------------------------------
// Classes
// ---------------------------------------------------------------------------------------------

/// One decision of the core, with every structured field.
#[pyclass(frozen, module = "cedar_hitl", name = "Decision")]
struct PyDecision {
    inner: hitl::Decision,
    /// The deciding bundle's fingerprint as a Python `str`, shared by every decision of a
    /// session (one reference count instead of a new 64-character string per decision).
    fingerprint: Option<Py<PyString>>,
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
        self.inner.cache_hit().map(|h| cache_hit_dict(py, h)).transpose()
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

    /// Every field in one tuple, in the order the Python façade reads them.
    fn _facade_fields<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        let d = &self.inner;
        PyTuple::new(
            py,
            [
                d.outcome().as_str().into_bound_py_any(py)?,
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
                self.shadow_outcome().into_bound_py_any(py)?,
                self.shadow_rule_ids(py)?.into_bound_py_any(py)?,
            ],
        )
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

/// One rule of a bundle (or of `parse_rules` text) with its parsed annotations.
#[pyclass(frozen, eq, get_all, module = "cedar_hitl", name = "Rule")]
#[derive(PartialEq)]
struct PyRule {
    policy_id: String,
    rule_id: String,
    tier: Option<&'static str>,
    effect: &'static str,
    severity: Option<&'static str>,
    approval_timeout_s: Option<u32>,
    category: Option<String>,
    summary: String,
    source: String,
    line: Option<u32>,
}

impl From<&hitl::Rule> for PyRule {
    fn from(r: &hitl::Rule) -> Self {
        Self {
            policy_id: r.policy_id().to_owned(),
            rule_id: r.rule_id().to_owned(),
            tier: r.tier().map(hitl::Tier::as_str),
            effect: r.effect().as_str(),
            severity: r.severity().map(hitl::Severity::as_str),
            approval_timeout_s: r.approval_timeout_s(),
            category: r.category().map(str::to_owned),
            summary: r.summary().to_owned(),
            source: r.source().to_string(),
            line: r.line(),
        }
    }
}

#[pymethods]
impl PyRule {
    fn __repr__(&self) -> String {
        format!(
            "Rule(rule_id={}, policy_id={}, tier={}, effect={}, severity={}, approval_timeout_s={}, source={})",
            r_str(&self.rule_id),
            r_str(&self.policy_id),
            r_opt_str(self.tier),
            r_str(self.effect),
            r_opt_str(self.severity),
            r_opt(self.approval_timeout_s),
            r_str(&self.source)
        )
    }
}

/// A non-fatal finding at load.
#[pyclass(frozen, eq, get_all, module = "cedar_hitl", name = "LoadWarning")]
#[derive(PartialEq)]
struct PyLoadWarning {
    tier: &'static str,
    rule_id: String,
    field: String,
    source: String,
    line: Option<u32>,
    message: String,
}

#[pymethods]
impl PyLoadWarning {
    fn __repr__(&self) -> String {
        format!(
            "LoadWarning(rule_id={}, field={}, message={})",
            r_str(&self.rule_id),
            r_str(&self.field),
            r_str(&self.message)
        )
    }
    fn __str__(&self) -> String {
        self.message.clone()
    }
}

/// Parsed, validated policies of both tiers; immutable and shareable between sessions and threads.
#[pyclass(frozen, module = "cedar_hitl", name = "PolicyBundle")]
struct PyPolicyBundle {
    inner: Arc<hitl::PolicyBundle>,
}

fn rules_list(rules: &[&hitl::Rule]) -> Vec<PyRule> {
    rules.iter().map(|r| PyRule::from(*r)).collect()
}

fn summary_dict<'py>(py: Python<'py>, r: &hitl::RuleSummary) -> PyResult<Bound<'py, PyDict>> {
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

fn pairs_dict<'py>(py: Python<'py>, pairs: &[(String, String)]) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    for (k, v) in pairs {
        d.set_item(k, v)?;
    }
    Ok(d)
}

#[pymethods]
impl PyPolicyBundle {
    #[new]
    #[pyo3(signature = (*, blueprint_hard=None, blueprint_soft=None, disable=None, extra_policies=None, write_tools=None, shell_tools=None, builtins=None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        blueprint_hard: Option<&Bound<'_, PyAny>>,
        blueprint_soft: Option<&Bound<'_, PyAny>>,
        disable: Option<&Bound<'_, PyAny>>,
        extra_policies: Option<&Bound<'_, PyAny>>,
        write_tools: Option<&Bound<'_, PyAny>>,
        shell_tools: Option<&Bound<'_, PyAny>>,
        builtins: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let profile = builtins_arg(py, builtins)?;
        let mut b = hitl::PolicyBundle::builder()
            .builtins(profile)
            .blueprint_hard(text_arg(py, blueprint_hard, "blueprint_hard")?)
            .blueprint_soft(text_arg(py, blueprint_soft, "blueprint_soft")?)
            .disable(str_list_arg(py, disable, "disable")?)
            .extra_policies(str_list_arg(py, extra_policies, "extra_policies")?);
        if let Some(w) = tool_map_arg(py, write_tools, "write_tools")? {
            b = b.write_tools(w);
        }
        if let Some(s) = tool_map_arg(py, shell_tools, "shell_tools")? {
            b = b.shell_tools(s);
        }
        let built = run(py, move || b.build())?;
        built.map(|bundle| Self { inner: Arc::new(bundle) }).map_err(|e| map_load(py, &e))
    }

    /// The built-in policies alone (the default, hardened profile).
    #[staticmethod]
    fn builtin(py: Python<'_>) -> PyResult<Self> {
        Ok(Self { inner: Arc::new(run(py, hitl::PolicyBundle::builtin)?) })
    }

    /// Every rule: hard tier then soft tier, positional order (permits included).
    fn rules(&self) -> Vec<PyRule> {
        rules_list(&self.inner.rules())
    }

    /// Enforced rules as listed to operators: `{"hard": [...], "soft": [...], "profile": str}`.
    fn listing<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let l = self.inner.listing();
        let d = PyDict::new(py);
        d.set_item(
            "hard",
            l.hard.iter().map(|r| summary_dict(py, r)).collect::<PyResult<Vec<_>>>()?,
        )?;
        d.set_item(
            "soft",
            l.soft.iter().map(|r| summary_dict(py, r)).collect::<PyResult<Vec<_>>>()?,
        )?;
        d.set_item("profile", l.profile.as_str())?;
        Ok(d)
    }

    /// The built-in profile the bundle starts from: `"hardened"` or `"upstream"`.
    #[getter]
    fn profile(&self) -> &'static str {
        self.inner.profile().as_str()
    }

    #[getter]
    fn warnings(&self) -> Vec<PyLoadWarning> {
        self.inner
            .warnings()
            .iter()
            .map(|w| PyLoadWarning {
                tier: w.tier().as_str(),
                rule_id: w.rule_id().to_owned(),
                field: w.field().to_owned(),
                source: w.source().to_string(),
                line: w.line(),
                message: w.message().to_owned(),
            })
            .collect()
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

/// A clock that moves only when told to (monotonic time starts at 0).
#[pyclass(frozen, module = "cedar_hitl", name = "ManualClock")]
struct PyManualClock {
    inner: Arc<hitl::ManualClock>,
}

#[pymethods]
impl PyManualClock {
    #[new]
    #[pyo3(signature = (unix_s=None))]
    fn new(py: Python<'_>, unix_s: Option<&Bound<'_, PyAny>>) -> PyResult<Self> {
        let start = unix_s.map(|u| float_arg(py, u, "unix_s")).transpose()?.unwrap_or(0.0);
        Ok(Self { inner: Arc::new(hitl::ManualClock::new(start)) })
    }
    /// Move both scales forward (negative or non-finite values are ignored).
    fn advance(&self, py: Python<'_>, seconds: &Bound<'_, PyAny>) -> PyResult<()> {
        let s = float_arg(py, seconds, "seconds")?;
        self.inner.advance(s);
        Ok(())
    }
    #[getter]
    fn monotonic_s(&self) -> f64 {
        self.inner.monotonic_s()
    }
    #[getter]
    fn unix_s(&self) -> f64 {
        self.inner.unix_s()
    }
    fn __repr__(&self) -> String {
        format!(
            "ManualClock(monotonic_s={}, unix_s={})",
            self.inner.monotonic_s(),
            self.inner.unix_s()
        )
    }
}

fn clock_arg(py: Python<'_>, clock: Option<&Bound<'_, PyAny>>) -> PyResult<Arc<dyn Clock>> {
    match clock {
        None => Ok(Arc::new(hitl::SystemClock::new())),
        Some(c) => {
            let manual = c.cast::<PyManualClock>().map_err(|_| {
                config_error(
                    py,
                    "clock",
                    format!("clock must be a ManualClock or None, got {}", type_name(c)),
                )
            })?;
            Ok(manual.get().inner.clone())
        }
    }
}

/// The `shadow=` bundle: a `PolicyBundle`, or `None` (no shadow).
fn shadow_arg<'py>(
    py: Python<'py>,
    shadow: Option<&Bound<'py, PyAny>>,
) -> PyResult<Option<Bound<'py, PyPolicyBundle>>> {
    match shadow {
        None => Ok(None),
        Some(s) if s.is_none() => Ok(None),
        Some(s) => s.cast::<PyPolicyBundle>().cloned().map(Some).map_err(|_| {
            config_error(
                py,
                "shadow",
                format!("shadow must be a PolicyBundle or None, got {}", type_name(s)),
            )
        }),
    }
}

fn bundle_arg<'py>(
    py: Python<'py>,
    bundle: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyPolicyBundle>> {
    match bundle {
        None => Bound::new(py, PyPolicyBundle::builtin(py)?),
        Some(b) => b.cast::<PyPolicyBundle>().cloned().map_err(|_| {
            config_error(
                py,
                "bundle",
                format!("bundle must be a PolicyBundle or None, got {}", type_name(b)),
            )
        }),
    }
}

/// A remembered human (or timeout) decision.
#[pyclass(frozen, module = "cedar_hitl", name = "CacheEntry")]
struct PyCacheEntry {
    entry: hitl::CacheEntry,
    rule_ids: Option<Vec<String>>,
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

/// A read-only snapshot of a session's allowlist.
#[pyclass(frozen, get_all, module = "cedar_hitl", name = "AllowlistView")]
struct PyAllowlistView {
    all_session: bool,
    tool_types: Vec<String>,
    tool_groups: Vec<String>,
    bash_patterns: Vec<String>,
    write_paths: Vec<String>,
    rule_ids: Vec<String>,
    scopes: Vec<String>,
}

#[pymethods]
impl PyAllowlistView {
    fn __repr__(&self) -> String {
        format!("AllowlistView(scopes={})", r_seq(&self.scopes))
    }
}

/// What `begin_gate` decided.
#[pyclass(frozen, get_all, module = "cedar_hitl", name = "GateAdmission")]
struct PyGateAdmission {
    admitted: bool,
    refusal: Option<&'static str>,
    reason: Option<String>,
    effective_timeout_s: Option<i64>,
    clip: Option<&'static str>,
    requested_timeout_s: Option<i64>,
    ceiling_shrinking: bool,
    gate_count: Option<u64>,
}

#[pymethods]
impl PyGateAdmission {
    fn __repr__(&self) -> String {
        if self.admitted {
            format!(
                "GateAdmission(admitted=True, effective_timeout_s={}, clip={}, ceiling_shrinking={}, gate_count={})",
                r_opt(self.effective_timeout_s),
                r_opt_str(self.clip),
                r_bool(self.ceiling_shrinking),
                r_opt(self.gate_count)
            )
        } else {
            format!(
                "GateAdmission(admitted=False, refusal={}, reason={})",
                r_opt_str(self.refusal),
                r_opt_str(self.reason.as_deref())
            )
        }
    }
}

/// What `record_outcome` did and what to tell the agent.
#[pyclass(frozen, get_all, module = "cedar_hitl", name = "ResolutionEffect")]
struct PyResolutionEffect {
    outcome: &'static str,
    agent_reason: String,
    scope_added: Option<String>,
}

#[pymethods]
impl PyResolutionEffect {
    fn __repr__(&self) -> String {
        format!(
            "ResolutionEffect(outcome={}, agent_reason={}, scope_added={})",
            r_str(self.outcome),
            r_str(&self.agent_reason),
            r_opt_str(self.scope_added.as_deref())
        )
    }
}

/// The state of one task. Thread-safe: share one session between threads.
#[pyclass(frozen, module = "cedar_hitl", name = "Session")]
struct PySession {
    inner: Arc<hitl::Session>,
    bundle: Py<PyPolicyBundle>,
    shadow: Option<Py<PyPolicyBundle>>,
    /// The enforced bundle's fingerprint, made once and handed to every decision.
    fingerprint: Py<PyString>,
}

impl PySession {
    /// Attach the shadow (if any) and compute the fingerprint, both without the GIL.
    fn build(
        py: Python<'_>,
        make: impl FnOnce() -> Result<hitl::Session, hitl::Error> + Send,
        bundle: Bound<'_, PyPolicyBundle>,
        shadow: Option<Bound<'_, PyPolicyBundle>>,
    ) -> PyResult<Self> {
        let core_shadow = shadow.as_ref().map(|s| s.get().inner.clone());
        let session = run(py, move || {
            make().map(|s| {
                let s = match core_shadow {
                    Some(sh) => s.with_shadow(sh),
                    None => s,
                };
                let _ = s.bundle().fingerprint();
                s
            })
        })?
        .map_err(|e| map_error(py, &e))?;
        let fingerprint = PyString::new(py, session.bundle().fingerprint()).unbind();
        Ok(Self {
            inner: Arc::new(session),
            bundle: bundle.unbind(),
            shadow: shadow.map(Bound::unbind),
            fingerprint,
        })
    }

    fn decision(&self, py: Python<'_>, inner: hitl::Decision) -> PyDecision {
        let fingerprint = (inner.policy_fingerprint() == Some(self.inner.bundle().fingerprint()))
            .then(|| self.fingerprint.clone_ref(py));
        PyDecision { inner, fingerprint }
    }
}

#[pymethods]
impl PySession {
    /// `Session(bundle=None, *, principal, repo, read_only, initial_approvals, approval_gate_cap,
    /// initial_approval_gate_count, task_default_timeout_s, cache_max_entries, cache_ttl_s,
    /// clock=None, shadow=None)`: an omitted
    /// setting takes the core's default; a setting passed as `None` is refused (except
    /// `initial_approvals`). `shadow`: a second `PolicyBundle` every call is also decided
    /// against, without enforcing it (`Decision.shadow_outcome`, `shadow_rule_ids`).
    #[new]
    #[pyo3(signature = (bundle=None, *, clock=None, shadow=None, **settings))]
    fn new(
        py: Python<'_>,
        bundle: Option<&Bound<'_, PyAny>>,
        clock: Option<&Bound<'_, PyAny>>,
        shadow: Option<&Bound<'_, PyAny>>,
        settings: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Self> {
        let bundle = bundle_arg(py, bundle)?;
        let mut cfg = hitl::SessionConfig::default();
        for (key, value) in settings.into_iter().flat_map(|d| d.iter()) {
            let key: String = key.extract()?;
            match key.as_str() {
                "principal" => cfg.principal = str_arg(py, &value, "principal")?,
                "repo" => cfg.repo = str_arg(py, &value, "repo")?,
                "read_only" => cfg.read_only = bool_arg(py, &value, "read_only")?,
                "initial_approvals" => {
                    cfg.initial_approvals = str_list_arg(
                        py,
                        Some(&value).filter(|v| !v.is_none()),
                        "initial_approvals",
                    )?
                }
                "approval_gate_cap" => {
                    cfg.approval_gate_cap = int_arg(py, &value, "approval_gate_cap")?
                }
                "initial_approval_gate_count" => {
                    cfg.initial_approval_gate_count =
                        int_arg(py, &value, "initial_approval_gate_count")?
                }
                "task_default_timeout_s" => {
                    cfg.task_default_timeout_s = int_arg(py, &value, "task_default_timeout_s")?
                }
                "cache_max_entries" => {
                    cfg.cache_max_entries = int_arg(py, &value, "cache_max_entries")?
                }
                "cache_ttl_s" => cfg.cache_ttl_s = int_arg(py, &value, "cache_ttl_s")?,
                other => {
                    return Err(PyTypeError::new_err(format!(
                        "Session() got an unexpected keyword argument '{other}'"
                    )));
                }
            }
        }
        let clock = clock_arg(py, clock)?;
        let shadow = shadow_arg(py, shadow)?;
        let core_bundle = bundle.get().inner.clone();
        Self::build(py, move || hitl::Session::with_clock(core_bundle, cfg, clock), bundle, shadow)
    }

    /// Rebuild a session from `snapshot()` text (scopes are re-validated against `bundle`). A
    /// snapshot does not hold the shadow bundle: pass it again as `shadow=`.
    #[staticmethod]
    #[pyo3(signature = (bundle, snapshot, clock=None, *, shadow=None))]
    fn restore(
        py: Python<'_>,
        bundle: &Bound<'_, PyAny>,
        snapshot: &Bound<'_, PyAny>,
        clock: Option<&Bound<'_, PyAny>>,
        shadow: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let bundle = bundle_arg(py, Some(bundle))?;
        let text = str_arg(py, snapshot, "snapshot")?;
        let clock = clock_arg(py, clock)?;
        let shadow = shadow_arg(py, shadow)?;
        let core_bundle = bundle.get().inner.clone();
        Self::build(
            py,
            move || hitl::Session::restore_with_clock(core_bundle, &text, clock),
            bundle,
            shadow,
        )
    }

    /// The whole mutable state as JSON text.
    fn snapshot(&self, py: Python<'_>) -> PyResult<String> {
        let s = &self.inner;
        run(py, move || s.snapshot())
    }

    /// Decide one tool call. Never raises: bad input is a fail-closed DENY from the core.
    fn evaluate(
        &self,
        py: Python<'_>,
        tool_name: &Bound<'_, PyAny>,
        tool_input: &Bound<'_, PyAny>,
    ) -> PyDecision {
        let call = tool_call(tool_name, tool_input);
        let s = &self.inner;
        // `Session::evaluate` catches panics itself; dropping a large input also happens
        // without the GIL.
        let inner = py.detach(move || {
            let d = s.evaluate(&call);
            drop(call);
            d
        });
        self.decision(py, inner)
    }

    /// `evaluate`, then append the decision to the audit log at `path` as one JSON line (the
    /// core's record, with `session_id`). A decision that cannot be logged is a fail-closed DENY
    /// (`internal_error`) naming the file. Never raises for bad input.
    #[pyo3(signature = (tool_name, tool_input, path, session_id=None))]
    fn evaluate_audited(
        &self,
        py: Python<'_>,
        tool_name: &Bound<'_, PyAny>,
        tool_input: &Bound<'_, PyAny>,
        path: std::path::PathBuf,
        session_id: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyDecision> {
        let session_id = opt_str_arg(py, session_id, "session_id")?.unwrap_or_default();
        let log = hitl::AuditLog { path, session_id };
        let call = tool_call(tool_name, tool_input);
        let s = &self.inner;
        let inner = py.detach(move || s.evaluate_audited(&call, &log));
        Ok(self.decision(py, inner))
    }

    /// The decision for the call with the path that produced it, as a dict: `decision` (the
    /// `to_dict()` keys), `command` (shell tools), `path` (write tools) and `steps`. The same
    /// pipeline as `evaluate` (the same decision), recording as it goes.
    /// Never raises for bad input: that is a fail-closed decision, as in `evaluate`.
    fn explain<'py>(
        &self,
        py: Python<'py>,
        tool_name: &Bound<'py, PyAny>,
        tool_input: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let call = tool_call(tool_name, tool_input);
        let s = &self.inner;
        let text = run(py, move || {
            let text = s.explain(&call).to_json().to_string();
            drop(call);
            text
        })?;
        py.import("json")?.call_method1("loads", (text,))
    }

    /// `explain` rendered for people: the outcome and reason, then one line a step.
    fn explain_text(
        &self,
        py: Python<'_>,
        tool_name: &Bound<'_, PyAny>,
        tool_input: &Bound<'_, PyAny>,
    ) -> PyResult<String> {
        let call = tool_call(tool_name, tool_input);
        let s = &self.inner;
        run(py, move || {
            let text = s.explain(&call).render();
            drop(call);
            text
        })
    }

    /// Validate and add a scope; returns its normalised text.
    fn add_scope(&self, py: Python<'_>, scope: &Bound<'_, PyAny>) -> PyResult<String> {
        let text = str_arg(py, scope, "scope")?;
        let s = &self.inner;
        run(py, move || s.add_scope(&text).map(|sc| sc.to_string()))?.map_err(|e| map_scope(py, &e))
    }

    fn allowlist(&self, py: Python<'_>) -> PyResult<PyAllowlistView> {
        let s = &self.inner;
        let v = run(py, move || s.allowlist())?;
        Ok(PyAllowlistView {
            all_session: v.all_session,
            tool_types: v.tool_types,
            tool_groups: v.tool_groups,
            bash_patterns: v.bash_patterns,
            write_paths: v.write_paths,
            rule_ids: v.rule_ids,
            scopes: v.scopes,
        })
    }

    /// Whether a tool scope pre-approves the call (pipeline step 2 alone).
    fn allowlist_matches(
        &self,
        py: Python<'_>,
        tool_name: &Bound<'_, PyAny>,
        tool_input: &Bound<'_, PyAny>,
    ) -> PyResult<bool> {
        let call = ToolCall::new(tool_name_arg(py, tool_name)?, to_json(tool_input));
        let s = &self.inner;
        run(py, move || s.allowlist_matches(&call))
    }

    /// Apply how a gate ended (`resolution`: approved, denied or timed_out).
    #[pyo3(signature = (tool_name, tool_input, matching_rule_ids, resolution, *, scope=None, request_id=None, reason=None, decided_at=None))]
    #[allow(clippy::too_many_arguments)]
    fn record_outcome(
        &self,
        py: Python<'_>,
        tool_name: &Bound<'_, PyAny>,
        tool_input: &Bound<'_, PyAny>,
        matching_rule_ids: &Bound<'_, PyAny>,
        resolution: &Bound<'_, PyAny>,
        scope: Option<&Bound<'_, PyAny>>,
        request_id: Option<&Bound<'_, PyAny>>,
        reason: Option<&Bound<'_, PyAny>>,
        decided_at: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyResolutionEffect> {
        let call = ToolCall::new(tool_name_arg(py, tool_name)?, to_json(tool_input));
        let ids = str_list_arg(py, Some(matching_rule_ids), "matching_rule_ids")?;
        let kind = str_arg(py, resolution, "resolution")?;
        let res = hitl::Resolution::from_parts(
            &kind,
            opt_str_arg(py, scope, "scope")?,
            opt_str_arg(py, request_id, "request_id")?,
            opt_str_arg(py, reason, "reason")?,
            opt_str_arg(py, decided_at, "decided_at")?,
        )
        .map_err(|e| map_config(py, &e))?;
        let s = &self.inner;
        let effect =
            run(py, move || s.record_outcome(&call, &ids, res))?.map_err(|e| map_scope(py, &e))?;
        Ok(PyResolutionEffect {
            outcome: effect.outcome.as_str(),
            agent_reason: effect.agent_reason,
            scope_added: effect.scope_added.map(|s| s.to_string()),
        })
    }

    /// Remember a decision for `(tool_name, tool_input_sha256)`; `decision`: DENIED or TIMED_OUT.
    #[pyo3(signature = (tool_name, tool_input_sha256, decision, reason=None, original_decision_ts=None))]
    fn record_input_decision(
        &self,
        py: Python<'_>,
        tool_name: &Bound<'_, PyAny>,
        tool_input_sha256: &Bound<'_, PyAny>,
        decision: &Bound<'_, PyAny>,
        reason: Option<&Bound<'_, PyAny>>,
        original_decision_ts: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<()> {
        let tool = tool_name_arg(py, tool_name)?;
        let hash = str_arg(py, tool_input_sha256, "tool_input_sha256")?;
        let decision = cached_decision_arg(py, decision)?;
        let reason = opt_str_arg(py, reason, "reason")?;
        let ts = opt_str_arg(py, original_decision_ts, "original_decision_ts")?;
        let s = &self.inner;
        run(py, move || {
            s.record_input_decision(&tool, &hash, decision, reason.as_deref(), ts.as_deref())
        })
    }

    /// Remember that a human denied the set `rule_ids` for `tool_name` (DENIED only).
    #[pyo3(signature = (tool_name, rule_ids, decision=None, reason=None, original_decision_ts=None))]
    fn record_rule_decision(
        &self,
        py: Python<'_>,
        tool_name: &Bound<'_, PyAny>,
        rule_ids: &Bound<'_, PyAny>,
        decision: Option<&Bound<'_, PyAny>>,
        reason: Option<&Bound<'_, PyAny>>,
        original_decision_ts: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<()> {
        let tool = tool_name_arg(py, tool_name)?;
        let ids = str_list_arg(py, Some(rule_ids), "rule_ids")?;
        let decision = decision
            .map(|d| cached_decision_arg(py, d))
            .transpose()?
            .unwrap_or(CachedDecision::Denied);
        let reason = opt_str_arg(py, reason, "reason")?;
        let ts = opt_str_arg(py, original_decision_ts, "original_decision_ts")?;
        let s = &self.inner;
        run(py, move || {
            s.record_rule_decision(&tool, &ids, decision, reason.as_deref(), ts.as_deref())
        })?
        .map_err(|e| map_config(py, &e))
    }

    /// The live input-hash entry, if any.
    fn cached_input_decision(
        &self,
        py: Python<'_>,
        tool_name: &Bound<'_, PyAny>,
        tool_input_sha256: &Bound<'_, PyAny>,
    ) -> PyResult<Option<PyCacheEntry>> {
        let tool = tool_name_arg(py, tool_name)?;
        let hash = str_arg(py, tool_input_sha256, "tool_input_sha256")?;
        let s = &self.inner;
        Ok(run(py, move || s.cached_input_decision(&tool, &hash))?
            .map(|entry| PyCacheEntry { entry, rule_ids: None }))
    }

    /// The most recent live rule entry whose ids all appear in `rule_ids`: `(ids, entry)`.
    fn cached_rule_decision<'py>(
        &self,
        py: Python<'py>,
        tool_name: &Bound<'py, PyAny>,
        rule_ids: &Bound<'py, PyAny>,
    ) -> PyResult<Option<(Bound<'py, PyTuple>, PyCacheEntry)>> {
        let tool = tool_name_arg(py, tool_name)?;
        let ids = str_list_arg(py, Some(rule_ids), "rule_ids")?;
        let s = &self.inner;
        match run(py, move || s.cached_rule_decision(&tool, &ids))? {
            None => Ok(None),
            Some((hit, entry)) => {
                Ok(Some((PyTuple::new(py, &hit)?, PyCacheEntry { entry, rule_ids: Some(hit) })))
            }
        }
    }

    fn input_cache_len(&self, py: Python<'_>) -> PyResult<usize> {
        let s = &self.inner;
        run(py, move || s.input_cache_len())
    }

    fn rule_cache_len(&self, py: Python<'_>) -> PyResult<usize> {
        let s = &self.inner;
        run(py, move || s.rule_cache_len())
    }

    fn gate_count(&self, py: Python<'_>) -> PyResult<u64> {
        let s = &self.inner;
        run(py, move || s.gate_count())
    }

    fn increment_gate_count(&self, py: Python<'_>) -> PyResult<u64> {
        let s = &self.inner;
        run(py, move || s.increment_gate_count())
    }

    /// Record a gate in the rate window at `now` (session monotonic seconds; None = now).
    #[pyo3(signature = (now=None))]
    fn record_gate_timestamp(
        &self,
        py: Python<'_>,
        now: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<()> {
        let now = now.map(|n| float_arg(py, n, "now")).transpose()?;
        let s = &self.inner;
        run(py, move || s.record_gate_timestamp(now))
    }

    fn approvals_in_window(&self, py: Python<'_>) -> PyResult<usize> {
        let s = &self.inner;
        run(py, move || s.approvals_in_window())
    }

    #[pyo3(signature = (request_id, reason, decided_at=None))]
    fn queue_denial(
        &self,
        py: Python<'_>,
        request_id: &Bound<'_, PyAny>,
        reason: &Bound<'_, PyAny>,
        decided_at: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<()> {
        let entry = hitl::DenialEntry {
            request_id: str_arg(py, request_id, "request_id")?,
            reason: str_arg(py, reason, "reason")?,
            decided_at: opt_str_arg(py, decided_at, "decided_at")?,
        };
        let s = &self.inner;
        run(py, move || s.queue_denial(entry))
    }

    /// Take every queued denial, oldest first, as dicts (request_id, reason, decided_at).
    fn drain_denials<'py>(&self, py: Python<'py>) -> PyResult<Vec<Bound<'py, PyDict>>> {
        let s = &self.inner;
        run(py, move || s.drain_denials())?.iter().map(|e| denial_dict(py, e)).collect()
    }

    fn mark_ceiling_shrinking(&self, py: Python<'_>) -> PyResult<bool> {
        let s = &self.inner;
        run(py, move || s.mark_ceiling_shrinking())
    }

    /// Decide whether a REQUIRE_APPROVAL may open a gate (cap, rate limit, lifetime).
    #[pyo3(signature = (timeout_s=None, remaining_lifetime_s=None))]
    fn begin_gate(
        &self,
        py: Python<'_>,
        timeout_s: Option<&Bound<'_, PyAny>>,
        remaining_lifetime_s: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyGateAdmission> {
        let timeout = opt_int_arg(py, timeout_s, "timeout_s")?;
        let remaining = opt_int_arg(py, remaining_lifetime_s, "remaining_lifetime_s")?;
        let s = &self.inner;
        Ok(match run(py, move || s.begin_gate(timeout, remaining))? {
            hitl::GateAdmission::Admitted { timeout, ceiling_shrinking, gate_count } => {
                PyGateAdmission {
                    admitted: true,
                    refusal: None,
                    reason: None,
                    effective_timeout_s: Some(timeout.effective_s),
                    clip: timeout.clip.map(hitl::ClipReason::as_str),
                    requested_timeout_s: Some(timeout.requested_s),
                    ceiling_shrinking,
                    gate_count: Some(gate_count),
                }
            }
            hitl::GateAdmission::Refused { refusal, reason } => PyGateAdmission {
                admitted: false,
                refusal: Some(refusal.as_str()),
                reason: Some(reason),
                effective_timeout_s: None,
                clip: None,
                requested_timeout_s: None,
                ceiling_shrinking: false,
                gate_count: None,
            },
        })
    }

    #[getter]
    fn bundle(&self, py: Python<'_>) -> Py<PyPolicyBundle> {
        self.bundle.clone_ref(py)
    }
    /// The shadow bundle (`shadow=`), or `None`.
    #[getter]
    fn shadow(&self, py: Python<'_>) -> Option<Py<PyPolicyBundle>> {
        self.shadow.as_ref().map(|s| s.clone_ref(py))
    }
    #[getter]
    fn principal(&self) -> &str {
        &self.inner.config().principal
    }
    #[getter]
    fn repo(&self) -> &str {
        &self.inner.config().repo
    }
    #[getter]
    fn read_only(&self) -> bool {
        self.inner.config().read_only
    }
    #[getter]
    fn initial_approvals<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        PyTuple::new(py, &self.inner.config().initial_approvals)
    }
    #[getter]
    fn approval_gate_cap(&self) -> i64 {
        self.inner.config().approval_gate_cap
    }
    #[getter]
    fn initial_approval_gate_count(&self) -> i64 {
        self.inner.config().initial_approval_gate_count
    }
    #[getter]
    fn task_default_timeout_s(&self) -> i64 {
        self.inner.config().task_default_timeout_s
    }
    /// Capacity of each recent-decision cache.
    #[getter]
    fn cache_max_entries(&self) -> i64 {
        self.inner.config().cache_max_entries
    }
    /// Lifetime of a cached human decision, in seconds.
    #[getter]
    fn cache_ttl_s(&self) -> i64 {
        self.inner.config().cache_ttl_s
    }

    fn __repr__(&self) -> String {
        let c = self.inner.config();
        format!(
            "Session(principal={}, repo={}, read_only={}, gate_count={})",
            r_str(&c.principal),
            r_str(&c.repo),
            r_bool(c.read_only),
            self.inner.gate_count()
        )
    }
}

// ---------------------------------------------------------------------------------------------
// Module functions
// ---------------------------------------------------------------------------------------------

/// Parse free-standing rule text (hard and soft rules mixed), as the Lambda listing does.
#[pyfunction]
fn parse_rules(py: Python<'_>, text: &Bound<'_, PyAny>) -> PyResult<Vec<PyRule>> {
    let text = str_arg(py, text, "text")?;
    let rules = run(py, move || hitl::parse_rules(&text))?.map_err(|e| map_load(py, &e))?;
    Ok(rules.iter().map(PyRule::from).collect())
}

/// Parse a scope the way the REST endpoints do; returns the normalised scope text.
#[pyfunction]
fn parse_approval_scope(py: Python<'_>, scope: &Bound<'_, PyAny>) -> PyResult<String> {
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
fn is_degenerate_pattern(py: Python<'_>, pattern: &Bound<'_, PyAny>) -> PyResult<bool> {
    let p = str_arg(py, pattern, "pattern")?;
    run(py, move || hitl::is_degenerate_pattern(&p))
}

#[pyfunction]
#[pyo3(signature = (text))]
fn redact_secrets(py: Python<'_>, text: Option<&Bound<'_, PyAny>>) -> PyResult<String> {
    let t = text_arg(py, text, "text")?;
    run(py, move || hitl::redact_secrets(&t))
}

/// `(redacted_text, [labels found])`.
#[pyfunction]
#[pyo3(signature = (text))]
fn scan_secrets(
    py: Python<'_>,
    text: Option<&Bound<'_, PyAny>>,
) -> PyResult<(String, Vec<&'static str>)> {
    let t = text_arg(py, text, "text")?;
    let r = run(py, move || hitl::scan_secrets(&t))?;
    Ok((r.text, r.findings.iter().map(|k| k.label()).collect()))
}

#[pyfunction]
#[pyo3(signature = (text))]
fn strip_controls(py: Python<'_>, text: Option<&Bound<'_, PyAny>>) -> PyResult<String> {
    let t = text_arg(py, text, "text")?;
    run(py, move || hitl::strip_controls(&t))
}

#[pyfunction]
#[pyo3(signature = (text, max_chars))]
fn truncate(
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
fn scan_deny_reason(py: Python<'_>, text: Option<&Bound<'_, PyAny>>) -> PyResult<String> {
    let t = text_arg(py, text, "text")?;
    run(py, move || hitl::scan_deny_reason(&t))
}

#[pyfunction]
#[pyo3(signature = (reason=None))]
fn agent_deny_reason(py: Python<'_>, reason: Option<&Bound<'_, PyAny>>) -> PyResult<String> {
    let r = opt_str_arg(py, reason, "reason")?;
    run(py, move || hitl::agent_deny_reason(r.as_deref()))
}

/// The XML envelope for drained denials (mappings or 3-tuples of request_id, reason, decided_at).
#[pyfunction]
fn denial_envelope(py: Python<'_>, entries: &Bound<'_, PyAny>) -> PyResult<String> {
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
fn tool_input_preview(
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
fn blocker_reason(
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

/// docs/behaviour.md#effective-timeout: `{"effective_s", "clip", "requested_s"}`.
#[pyfunction]
#[pyo3(signature = (decision_timeout_s, task_default_timeout_s, remaining_lifetime_s=None))]
fn effective_timeout<'py>(
    py: Python<'py>,
    decision_timeout_s: Option<&Bound<'py, PyAny>>,
    task_default_timeout_s: &Bound<'py, PyAny>,
    remaining_lifetime_s: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyDict>> {
    let d = opt_int_arg(py, decision_timeout_s, "decision_timeout_s")?;
    let t = int_arg(py, task_default_timeout_s, "task_default_timeout_s")?;
    let r = opt_int_arg(py, remaining_lifetime_s, "remaining_lifetime_s")?;
    let e = run(py, move || hitl::effective_timeout(d, t, r))?;
    effective_timeout_dict(py, &e)
}

fn unhashable(py: Python<'_>, e: hitl::Unhashable) -> PyErr {
    config_error(py, "tool_input", e.0)
}

/// SHA-256 of the canonical JSON (= `json.dumps(x, sort_keys=True)`) of any JSON value.
#[pyfunction]
fn tool_input_sha256(py: Python<'_>, tool_input: &Bound<'_, PyAny>) -> PyResult<String> {
    let v = to_json(tool_input);
    run(py, move || hitl::tool_input_sha256(&v))?.map_err(|e| unhashable(py, e))
}

/// The canonical JSON text (= `json.dumps(x, sort_keys=True)`) of any JSON value.
#[pyfunction]
fn canonical_json(py: Python<'_>, value: &Bound<'_, PyAny>) -> PyResult<String> {
    let v = to_json(value);
    run(py, move || hitl::canonical_json(&v))?.map_err(|e| unhashable(py, e))
}

fn entity_arg(py: Python<'_>, obj: &Bound<'_, PyAny>, field: &str) -> PyResult<EntityRef> {
    let bad =
        || config_error(py, field, format!("{field} must be a mapping with str 'type' and 'id'"));
    let m = obj.cast::<PyMapping>().map_err(|_| bad())?;
    let entity_type = m.get_item("type").map_err(|_| bad())?;
    let id = m.get_item("id").map_err(|_| bad())?;
    Ok(EntityRef {
        entity_type: str_arg(py, &entity_type, &format!("{field}.type"))?,
        id: str_arg(py, &id, &format!("{field}.id"))?,
    })
}

/// Raw Cedar evaluation of one request (the cedar-parity fixtures):
/// `{"decision", "matching_rule_ids" (sorted), "errors"}`.
#[pyfunction]
#[pyo3(signature = (policies, principal, action, resource, context=None))]
fn cedar_parity_evaluate<'py>(
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
    let d = PyDict::new(py);
    d.set_item("decision", result.decision)?;
    d.set_item("matching_rule_ids", result.matching_rule_ids)?;
    d.set_item("errors", result.errors)?;
    Ok(d)
}

/// How the engine reads a shell command: the core's `shell::parse` serialised to JSON, then
/// turned into Python objects by `json.loads` (the binding's one JSON → Python conversion).
#[pyfunction]
fn parse_command<'py>(py: Python<'py>, command: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    let command = str_arg(py, command, "command")?;
    let text =
        run(py, move || serde_json::to_string(&hitl::shell::parse(&command)))?.map_err(|e| {
            PyRuntimeError::new_err(format!("cedar-hitl: cannot serialise the parsed command: {e}"))
        })?;
    py.import("json")?.call_method1("loads", (text,))
}

/// Test hook: panics inside the guarded core boundary, to prove a panic surfaces as a Python
/// exception instead of aborting the interpreter.
#[pyfunction]
fn _panic_for_tests(py: Python<'_>) -> PyResult<()> {
    run(py, || panic!("deliberate panic for tests"))
}

#[pymodule]
fn _cedar_hitl(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("CedarHitlError", py.get_type::<CedarHitlError>())?;
    m.add("PolicyLoadError", py.get_type::<PolicyLoadError>())?;
    m.add("ScopeError", py.get_type::<ScopeError>())?;
    m.add("ConfigError", py.get_type::<ConfigError>())?;
    // Class-level defaults, so the attributes exist on instances raised from Python too.
    for (ty, attrs) in [
        (
            py.get_type::<PolicyLoadError>(),
            &["kind", "tier", "rule_id", "field", "source", "line"][..],
        ),
        (py.get_type::<ScopeError>(), &["scope", "field"][..]),
        (py.get_type::<ConfigError>(), &["field"][..]),
    ] {
        for a in attrs {
            ty.setattr(*a, py.None())?;
        }
    }

    m.add_class::<PyDecision>()?;
    m.add_class::<PyRule>()?;
    m.add_class::<PyLoadWarning>()?;
    m.add_class::<PyPolicyBundle>()?;
    m.add_class::<PyManualClock>()?;
    m.add_class::<PyCacheEntry>()?;
    m.add_class::<PyAllowlistView>()?;
    m.add_class::<PyGateAdmission>()?;
    m.add_class::<PyResolutionEffect>()?;
    m.add_class::<PySession>()?;

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
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
