//! Python values → core values: the tool input as a [`JsonValue`], the tool call, and every
//! argument read from Python (str, int, float, bool, lists, tool maps, profiles, denial entries,
//! Cedar entities). A refused argument is a `ConfigError` naming its field.

use crate::errors::{config_error, map_config};
use cedar_hitl_core as hitl;
use hitl::cedar_parity::EntityRef;
use hitl::{BigInteger, BuiltinProfile, CachedDecision, JsonValue, ToolCall};
use pyo3::prelude::*;
use pyo3::types::{
    PyBool, PyByteArray, PyBytes, PyDict, PyFloat, PyInt, PyList, PyMapping, PyString, PyTuple,
};
use std::str::FromStr;

pub(crate) fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type().name().map(|n| n.to_string()).unwrap_or_else(|_| "object".to_owned())
}

/// Converts a Python object tree straight into a [`JsonValue`], read the way `json.dumps` reads
/// it (docs/boundary.md). Never fails: the first value JSON cannot express, or the first limit
/// passed, turns the whole input into [`JsonValue::Unsupported`] with the core's
/// [`InputGuard`](hitl::InputGuard) wording, which the core refuses (fail-closed).
///
/// Every node is counted by the core's guard as it is read, so depth, size and their messages
/// are the core's own, and hostile inputs (a 10-million-key dict, a shared-reference DAG that
/// expands exponentially) cannot recurse or allocate without bound. Cycles are found here, by
/// object identity.
struct Converter {
    guard: hitl::InputGuard,
    path: Vec<*mut pyo3::ffi::PyObject>,
}

type Read<T> = Result<T, String>;

impl Converter {
    /// `depth`: the level `obj` would have as a container (the root is 1).
    fn convert(&mut self, obj: &Bound<'_, PyAny>, depth: usize) -> Read<JsonValue> {
        if let Ok(s) = obj.cast::<PyString>() {
            let text = s.to_cow().map_err(|_| hitl::InputGuard::lone_surrogate())?;
            self.guard.string(text.len())?;
            return Ok(JsonValue::String(text.into_owned()));
        }
        if obj.is_none() {
            self.guard.scalar()?;
            return Ok(JsonValue::Null);
        }
        // bool before int: bool subclasses int.
        if let Ok(b) = obj.cast::<PyBool>() {
            self.guard.scalar()?;
            return Ok(JsonValue::Bool(b.is_true()));
        }
        if let Ok(i) = obj.cast::<PyInt>() {
            let v = int_to_json(i);
            match &v {
                JsonValue::BigInteger(b) => self.guard.big_integer(b.as_str().len())?,
                JsonValue::Unsupported(detail) => return Err(detail.clone()),
                _ => self.guard.scalar()?,
            }
            return Ok(v);
        }
        if let Ok(f) = obj.cast::<PyFloat>() {
            // NaN and the infinities pass through; the core refuses them.
            self.guard.scalar()?;
            return Ok(JsonValue::Float(f.value()));
        }
        // Only an exact dict is read from its storage. `json.dumps` reads a dict subclass through
        // its `items()`, so a subclass goes the mapping way below and the engine sees what the
        // host will send (docs/boundary.md).
        if let Ok(d) = obj.cast_exact::<PyDict>() {
            return self.container(obj, depth, d.len(), false, |this| {
                let mut members = Vec::with_capacity(d.len());
                for (k, v) in d.iter() {
                    let key = this.key(&k)?;
                    members.push((key, this.convert(&v, depth + 1)?));
                }
                Ok(JsonValue::Object(members))
            });
        }
        if let Ok(l) = obj.cast::<PyList>() {
            return self.container(obj, depth, l.len(), true, |this| this.array(l.iter(), depth));
        }
        if let Ok(t) = obj.cast::<PyTuple>() {
            return self.container(obj, depth, t.len(), true, |this| this.array(t.iter(), depth));
        }
        if obj.cast::<PyBytes>().is_err()
            && obj.cast::<PyByteArray>().is_err()
            && let Ok(m) = obj.cast::<PyMapping>()
        {
            let items = m.items().map_err(|_| {
                hitl::InputGuard::not_json(&format!("{} whose items() failed", type_name(obj)))
            })?;
            return self.container(obj, depth, items.len(), false, |this| {
                let mut members = Vec::with_capacity(items.len());
                for item in items.iter() {
                    let pair = item.extract::<(Bound<'_, PyAny>, Bound<'_, PyAny>)>();
                    let (k, v) = pair.map_err(|_| {
                        let what = format!("{} whose items() are not pairs", type_name(obj));
                        hitl::InputGuard::not_json(&what)
                    })?;
                    let key = this.key(&k)?;
                    members.push((key, this.convert(&v, depth + 1)?));
                }
                Ok(JsonValue::Object(members))
            });
        }
        Err(hitl::InputGuard::not_json(&type_name(obj)))
    }

    fn array<'py>(
        &mut self,
        items: impl Iterator<Item = Bound<'py, PyAny>>,
        depth: usize,
    ) -> Read<JsonValue> {
        let mut out = Vec::with_capacity(items.size_hint().0);
        for item in items {
            out.push(self.convert(&item, depth + 1)?);
        }
        Ok(JsonValue::Array(out))
    }

    /// Count the container (depth, brackets, separators) before reading it, and refuse a
    /// container that holds itself.
    fn container(
        &mut self,
        obj: &Bound<'_, PyAny>,
        depth: usize,
        len: usize,
        is_array: bool,
        body: impl FnOnce(&mut Self) -> Read<JsonValue>,
    ) -> Read<JsonValue> {
        self.guard.open(depth, len, is_array)?;
        let ptr = obj.as_ptr();
        if self.path.contains(&ptr) {
            return Err(hitl::InputGuard::cycle());
        }
        self.path.push(ptr);
        let v = body(self);
        self.path.pop();
        v
    }

    fn key(&mut self, k: &Bound<'_, PyAny>) -> Read<String> {
        let s = k.cast::<PyString>().map_err(|_| {
            hitl::InputGuard::not_json(&format!("a dict key of type {}", type_name(k)))
        })?;
        let text = s.to_cow().map_err(|_| hitl::InputGuard::lone_surrogate())?;
        self.guard.key(text.len())?;
        Ok(text.into_owned())
    }
}

pub(crate) fn int_to_json(i: &Bound<'_, PyInt>) -> JsonValue {
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
        None => JsonValue::Unsupported(hitl::InputGuard::not_json(
            "an integer too large to write as decimal text",
        )),
    }
}

pub(crate) fn to_json(obj: &Bound<'_, PyAny>) -> JsonValue {
    let mut c = Converter { guard: hitl::InputGuard::new(), path: Vec::new() };
    c.convert(obj, 1).unwrap_or_else(JsonValue::Unsupported)
}

/// A tool call from Python values. Never fails: a tool name that is not a valid `str` replaces
/// the input with an unsupported value, so the core fails closed.
pub(crate) fn tool_call(name: &Bound<'_, PyAny>, input: &Bound<'_, PyAny>) -> ToolCall {
    match name.cast::<PyString>() {
        Ok(s) => match s.to_cow() {
            Ok(n) => ToolCall::new(n.into_owned(), to_json(input)),
            Err(_) => ToolCall::with_invalid_name("tool_name is a string with a lone surrogate"),
        },
        Err(_) => {
            ToolCall::with_invalid_name(format!("tool_name must be a str, got {}", type_name(name)))
        }
    }
}

pub(crate) fn str_arg(py: Python<'_>, obj: &Bound<'_, PyAny>, field: &str) -> PyResult<String> {
    let s = obj.cast::<PyString>().map_err(|_| {
        config_error(py, field, format!("{field} must be a str, got {}", type_name(obj)))
    })?;
    s.to_cow().map(|c| c.into_owned()).map_err(|_| {
        config_error(py, field, format!("{field} must be a str without lone surrogates"))
    })
}

pub(crate) fn opt_str_arg(
    py: Python<'_>,
    obj: Option<&Bound<'_, PyAny>>,
    field: &str,
) -> PyResult<Option<String>> {
    obj.map(|o| str_arg(py, o, field)).transpose()
}

/// Text helpers accept `None` as the empty text (docs/text.md: absent input → `""`).
pub(crate) fn text_arg(
    py: Python<'_>,
    obj: Option<&Bound<'_, PyAny>>,
    field: &str,
) -> PyResult<String> {
    Ok(opt_str_arg(py, obj, field)?.unwrap_or_default())
}

pub(crate) fn iter_arg<'py>(
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

pub(crate) fn str_list_arg(
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
pub(crate) fn int_arg(py: Python<'_>, obj: &Bound<'_, PyAny>, field: &str) -> PyResult<i64> {
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

pub(crate) fn opt_int_arg(
    py: Python<'_>,
    obj: Option<&Bound<'_, PyAny>>,
    field: &str,
) -> PyResult<Option<i64>> {
    obj.map(|o| int_arg(py, o, field)).transpose()
}

pub(crate) fn float_arg(py: Python<'_>, obj: &Bound<'_, PyAny>, field: &str) -> PyResult<f64> {
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

pub(crate) fn bool_arg(py: Python<'_>, obj: &Bound<'_, PyAny>, field: &str) -> PyResult<bool> {
    obj.cast::<PyBool>().map(|b| b.is_true()).map_err(|_| {
        config_error(
            py,
            field,
            format!("{field} must be a bool (True or False), got {}", type_name(obj)),
        )
    })
}

pub(crate) fn tool_name_arg(py: Python<'_>, obj: &Bound<'_, PyAny>) -> PyResult<String> {
    str_arg(py, obj, "tool_name")
}

pub(crate) fn tool_map_arg(
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

pub(crate) fn cached_decision_arg(
    py: Python<'_>,
    obj: &Bound<'_, PyAny>,
) -> PyResult<CachedDecision> {
    let text = str_arg(py, obj, "decision")?;
    CachedDecision::from_str(&text).map_err(|e| map_config(py, &e))
}

pub(crate) fn denial_entry_arg(
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

pub(crate) fn entity_arg(
    py: Python<'_>,
    obj: &Bound<'_, PyAny>,
    field: &str,
) -> PyResult<EntityRef> {
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

/// How a setting of a `takes options` record (`cedar_hitl_core::records!`) is read from its
/// keyword argument; `field` names it in errors.
pub(crate) trait FromPyArg: Sized {
    fn from_py_arg(py: Python<'_>, obj: &Bound<'_, PyAny>, field: &str) -> PyResult<Self>;
}

impl FromPyArg for String {
    fn from_py_arg(py: Python<'_>, obj: &Bound<'_, PyAny>, field: &str) -> PyResult<Self> {
        str_arg(py, obj, field)
    }
}

impl FromPyArg for bool {
    fn from_py_arg(py: Python<'_>, obj: &Bound<'_, PyAny>, field: &str) -> PyResult<Self> {
        bool_arg(py, obj, field)
    }
}

impl FromPyArg for i64 {
    fn from_py_arg(py: Python<'_>, obj: &Bound<'_, PyAny>, field: &str) -> PyResult<Self> {
        int_arg(py, obj, field)
    }
}

/// A list setting: `None` reads as empty.
impl FromPyArg for Vec<String> {
    fn from_py_arg(py: Python<'_>, obj: &Bound<'_, PyAny>, field: &str) -> PyResult<Self> {
        str_list_arg(py, Some(obj).filter(|o| !o.is_none()), field)
    }
}

/// An option that may be absent: `None` reads as absent.
impl<T: FromPyArg> FromPyArg for Option<T> {
    fn from_py_arg(py: Python<'_>, obj: &Bound<'_, PyAny>, field: &str) -> PyResult<Self> {
        if obj.is_none() { Ok(None) } else { T::from_py_arg(py, obj, field).map(Some) }
    }
}

/// A tool map: a mapping of tool name to key, or an iterable of `(name, key)` pairs.
impl FromPyArg for Vec<(String, String)> {
    fn from_py_arg(py: Python<'_>, obj: &Bound<'_, PyAny>, field: &str) -> PyResult<Self> {
        Ok(tool_map_arg(py, Some(obj), field)?.unwrap_or_default())
    }
}

/// The built-in profile, by name (the core parses it and names the allowed values).
impl FromPyArg for BuiltinProfile {
    fn from_py_arg(py: Python<'_>, obj: &Bound<'_, PyAny>, field: &str) -> PyResult<Self> {
        if !obj.is_instance_of::<PyString>() {
            return Err(map_config(py, &BuiltinProfile::not_a_string(field, &type_name(obj))));
        }
        BuiltinProfile::from_str(&str_arg(py, obj, field)?).map_err(|e| map_config(py, &e))
    }
}

/// A record read from keyword arguments, field by field (generated from the record list in
/// `records.rs`).
pub(crate) trait OptionRecord {
    /// Read `obj` into `field`; `Ok(false)` when the record has no such field.
    fn set_field(&mut self, py: Python<'_>, field: &str, obj: &Bound<'_, PyAny>) -> PyResult<bool>;
}

/// Read keyword arguments into a `takes options` record; an unknown keyword is the `TypeError`
/// Python raises for any function (`owner` names the callable).
pub(crate) fn read_options<R: OptionRecord + Default>(
    py: Python<'_>,
    owner: &str,
    kwargs: Option<&Bound<'_, PyDict>>,
) -> PyResult<R> {
    let mut record = R::default();
    for (key, value) in kwargs.into_iter().flat_map(|d| d.iter()) {
        let key: String = key.extract()?;
        if !record.set_field(py, &key, &value)? {
            return Err(pyo3::exceptions::PyTypeError::new_err(format!(
                "{owner}() got an unexpected keyword argument '{key}'"
            )));
        }
    }
    Ok(record)
}
