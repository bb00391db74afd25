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

pub(crate) const LONE_SURROGATE: &str = "string with a lone surrogate";

/// Converts a Python object tree straight into a [`JsonValue`]. Never fails: what JSON cannot
/// express becomes [`JsonValue::Unsupported`], which the core refuses (fail-closed).
///
/// Guards: nesting is cut at `tool_input_max_depth`, cycles are detected, and conversion stops
/// once the input certainly exceeds `tool_input_max_bytes`: each node is counted at no more
/// than the bytes its canonical JSON needs at least (strings: UTF-8 length + quotes; containers:
/// brackets and separators), a lower bound of what the core measures, so the guard never
/// refuses an input the core would accept while hostile inputs (a 10-million-key dict, a
/// shared-reference DAG that expands exponentially) cannot recurse or allocate without bound.
pub(crate) struct Converter {
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
        None => JsonValue::Unsupported("integer too large to write as decimal text".to_owned()),
    }
}

pub(crate) fn to_json(obj: &Bound<'_, PyAny>) -> JsonValue {
    Converter::new().convert(obj, 0)
}

/// A tool call from Python values. Never fails: a tool name that is not a valid `str` replaces
/// the input with an unsupported value, so the core fails closed.
pub(crate) fn tool_call(name: &Bound<'_, PyAny>, input: &Bound<'_, PyAny>) -> ToolCall {
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

/// The built-in profile (`"hardened"` or `"upstream"`); `None` (omitted) is the core's default.
pub(crate) fn builtins_arg(
    py: Python<'_>,
    obj: Option<&Bound<'_, PyAny>>,
) -> PyResult<BuiltinProfile> {
    let Some(text) = opt_str_arg(py, obj, "builtins")? else {
        return Ok(BuiltinProfile::default());
    };
    BuiltinProfile::from_str(&text)
        .map_err(|e| config_error(py, "builtins", format!("builtins: {e}")))
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
