//! JavaScript value → the core's [`JsonValue`], walking the N-API value directly (no
//! `JSON.stringify` / parse round trip).
//!
//! * numbers: integral and within ±(2^53 − 1) → `Integer`, anything else (fractions, ±0 aside,
//!   NaN, ±Infinity, larger magnitudes) → `Float`; the core refuses non-finite floats;
//! * a string under 256 UTF-8 bytes is read as UTF-8 in one call; a longer one, or one whose UTF-8
//!   holds U+FFFD (which is how the engine writes an unpaired surrogate), as its exact UTF-16
//!   units; an unpaired surrogate → `Unsupported`;
//! * an object or array with a callable `toJSON` (own or inherited, enumerable or not) is replaced
//!   by what `toJSON(key)` returns before anything else is read, exactly as `JSON.stringify` does,
//!   so the engine judges what the host will send (docs/boundary.md);
//! * plain objects (prototype `Object.prototype` or `null`) and arrays are walked; own enumerable
//!   string keys only (symbol keys are ignored, as `JSON.stringify` does);
//! * `undefined`, functions, symbols, BigInt, externals, cycles, non-plain objects (Date, Map,
//!   class instances, typed arrays, …), a getter or proxy trap that throws, containers nested
//!   deeper than `constants().tool_input_max_depth`, or more than `tool_input_max_bytes` →
//!   `Unsupported("<detail> (at tool_input<path>)")`. The walk stops at the first such value: the
//!   core refuses the whole input anyway, so nothing more needs converting.
//!
//! Depth, size and the wording of every refusal are the core's [`InputGuard`], fed node by node,
//! so an input is refused exactly when, and in the words, the core and the Python binding refuse
//! it (docs/boundary.md#one-guard).
//!
//! The walk never recurses deeper than the depth limit + 1 and never throws.
//!
//! The other way, [`json_to_js`] builds a JS value from JSON (explanations, parsed commands and
//! the frozen `constants` export).

use crate::js::{Js, Val};
use cedar_hitl_core::{InputGuard, JsonValue};
use napi::{Result, sys};

/// Members visited per handle scope (see `Walker::chunked`).
const SCOPE_CHUNK: u32 = 16;

/// Largest integer a JS number represents exactly (`Number.MAX_SAFE_INTEGER`).
const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

struct Bad {
    what: String,
    path: Vec<String>,
}

type Walk<T> = std::result::Result<T, Bad>;

/// The key a value is held under, passed to `toJSON` as `JSON.stringify` passes it.
#[derive(Clone, Copy)]
enum Key {
    Root,
    Index(u32),
    Name(Val),
}

/// A value JSON cannot express (`what` names it).
fn bad<T>(what: impl AsRef<str>) -> Walk<T> {
    refused(InputGuard::not_json(what.as_ref()))
}

/// A refusal already worded by the guard.
fn refused<T>(detail: String) -> Walk<T> {
    Err(Bad { what: detail, path: Vec::new() })
}

struct Walker {
    js: Js,
    guard: InputGuard,
    ancestors: Vec<Val>,
    object_prototype: Option<Val>,
}

/// Convert a tool input. Never fails: what cannot be expressed becomes `Unsupported`.
pub(crate) fn to_json_value(js: Js, v: Val) -> JsonValue {
    let mut w =
        Walker { js, guard: InputGuard::new(), ancestors: Vec::new(), object_prototype: None };
    // `Object.prototype` (cached per env) is fetched here, in the caller's handle scope, so the
    // handle outlives every per-element scope the walk opens (a handle made inside one would dangle).
    if js.type_of(v).ok() == Some(sys::ValueType::napi_object) {
        match js.object_prototype() {
            Ok(p) => w.object_prototype = Some(p),
            Err(_) => {
                if js.exception_pending() {
                    js.clear_exception();
                }
                return JsonValue::Unsupported(InputGuard::not_json(
                    "an object whose prototype could not be read",
                ));
            }
        }
    }
    match w.value(v, 1, Key::Root) {
        Ok(j) => j,
        Err(Bad { what, mut path }) => {
            path.reverse();
            if path.len() > 16 {
                // Deep paths: keep the start and the end.
                path.splice(8..path.len() - 4, ["…".to_owned()]);
            }
            JsonValue::Unsupported(if path.is_empty() {
                what
            } else {
                format!("{what} (at tool_input{})", path.concat())
            })
        }
    }
}

fn segment_key(k: &str) -> String {
    let ident = !k.is_empty()
        && k.len() <= 64
        && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
        && !k.starts_with(|c: char| c.is_ascii_digit());
    if ident {
        format!(".{k}")
    } else {
        let short: String = k.chars().take(32).collect();
        let ell = if short.len() < k.len() { "…" } else { "" };
        format!("[{}{ell}]", serde_json::to_string(&short).unwrap_or_default())
    }
}

/// UTF-16 units as text; `None` for a lone surrogate. ASCII (the common case for long commands
/// and file contents) is narrowed in one vectorisable pass instead of decoded unit by unit.
fn utf16_text(units: &[u16]) -> Option<String> {
    if units.iter().all(|&u| u < 0x80) {
        return String::from_utf8(units.iter().map(|&u| u as u8).collect()).ok();
    }
    String::from_utf16(units).ok()
}

impl Walker {
    /// A failed N-API call inside the walk: a JS exception (throwing getter, proxy trap) is
    /// cleared and reported as data.
    fn napi<T>(&self, r: napi::Result<T>, what: &str) -> Walk<T> {
        r.or_else(|_| {
            if self.js.exception_pending() {
                self.js.clear_exception();
                bad(format!("{what} threw"))
            } else {
                bad(format!("{what} could not be read"))
            }
        })
    }

    /// Count with the guard; its refusal is already worded.
    fn count(&mut self, r: std::result::Result<(), String>) -> Walk<()> {
        r.or_else(refused)
    }

    fn value(&mut self, v: Val, depth: usize, key: Key) -> Walk<JsonValue> {
        let mut v = v;
        let mut t = self.napi(self.js.type_of(v), "value")?;
        if t == sys::ValueType::napi_object
            && let Some(replaced) = self.apply_to_json(v, key)?
        {
            v = replaced;
            t = self.napi(self.js.type_of(v), "value returned by toJSON")?;
        }
        if matches!(
            t,
            sys::ValueType::napi_null | sys::ValueType::napi_boolean | sys::ValueType::napi_number
        ) {
            let r = self.guard.scalar();
            self.count(r)?;
        }
        match t {
            sys::ValueType::napi_null => Ok(JsonValue::Null),
            sys::ValueType::napi_boolean => {
                Ok(JsonValue::Bool(self.napi(self.js.bool_of(v), "boolean")?))
            }
            sys::ValueType::napi_number => {
                let n = self.napi(self.js.f64_of(v), "number")?;
                Ok(if n.is_finite() && n.fract() == 0.0 && n.abs() <= MAX_SAFE_INTEGER {
                    JsonValue::Integer(n as i64)
                } else {
                    JsonValue::Float(n)
                })
            }
            sys::ValueType::napi_string => self.string(v).map(JsonValue::String),
            sys::ValueType::napi_object => self.container(v, depth),
            sys::ValueType::napi_undefined => bad("undefined"),
            sys::ValueType::napi_symbol => bad("symbol"),
            sys::ValueType::napi_function => bad("function"),
            sys::ValueType::napi_bigint => bad("BigInt"),
            sys::ValueType::napi_external => bad("external value"),
            _ => bad("value of unknown type"),
        }
    }

    /// `JSON.stringify`'s first step for an object: if `toJSON` (looked up like any property,
    /// through the prototype chain) is callable, the value is what it returns for `key`
    /// (`None`: no callable `toJSON`, the value stands).
    fn apply_to_json(&mut self, v: Val, key: Key) -> Walk<Option<Val>> {
        let js = self.js;
        let f = self.napi(js.get_named(v, c"toJSON"), "toJSON getter")?;
        if self.napi(js.type_of(f), "toJSON")? != sys::ValueType::napi_function {
            return Ok(None);
        }
        let key = match key {
            Key::Root => self.napi(js.string(""), "toJSON key")?,
            Key::Index(i) => self.napi(js.string(&i.to_string()), "toJSON key")?,
            Key::Name(k) => k,
        };
        self.napi(js.call_method(v, f, &[key]), "toJSON call").map(Some)
    }

    fn string(&mut self, v: Val) -> Walk<String> {
        let len = self.napi(self.js.utf16_len(v), "string")?;
        // Short strings (most keys and values) in one call.
        if let Some(short) = self.napi(self.js.short_text(v, len), "string")? {
            let r = self.guard.string(short.len());
            self.count(r)?;
            return Ok(short);
        }
        // Otherwise its exact UTF-16 units, counted before the copy: UTF-16 units never
        // outnumber UTF-8 bytes.
        if !self.guard.fits(len.saturating_add(2)) {
            let r = self.guard.string(len);
            self.count(r)?;
        }
        let units = self.napi(self.js.utf16_of(v, len), "string")?;
        let Some(text) = utf16_text(&units) else {
            return refused(InputGuard::lone_surrogate());
        };
        let r = self.guard.string(text.len());
        self.count(r)?;
        Ok(text)
    }

    fn container(&mut self, v: Val, depth: usize) -> Walk<JsonValue> {
        // Depth and size are counted once the length is read, in `array` / `object`, before
        // any member is.
        for a in &self.ancestors {
            if self.napi(self.js.strict_equals(*a, v), "object")? {
                return refused(InputGuard::cycle());
            }
        }
        let is_array = self.napi(self.js.is_array(v), "object")?;
        if !is_array {
            self.check_plain(v)?;
        }
        self.ancestors.push(v);
        let r = if is_array { self.array(v, depth) } else { self.object(v, depth) };
        self.ancestors.pop();
        r
    }

    fn check_plain(&mut self, v: Val) -> Walk<()> {
        let js = self.js;
        let proto = self.napi(js.prototype_of(v), "object prototype")?;
        if self.napi(js.type_of(proto), "object prototype")? == sys::ValueType::napi_null {
            return Ok(());
        }
        // Set by `to_json_value` whenever the root is an object, hence before any object is seen.
        let Some(object_prototype) = self.object_prototype else {
            return bad("Object.prototype could not be read");
        };
        if self.napi(js.strict_equals(proto, object_prototype), "object prototype")? {
            return Ok(());
        }
        let kind = if js.is(v, sys::napi_is_date) {
            "Date object"
        } else if js.is(v, sys::napi_is_typedarray)
            || js.is(v, sys::napi_is_dataview)
            || js.is(v, sys::napi_is_arraybuffer)
        {
            "binary data (Buffer, typed array, ArrayBuffer or DataView)"
        } else if js.is(v, sys::napi_is_promise) {
            "Promise"
        } else if js.is(v, sys::napi_is_error) {
            "Error object"
        } else {
            "non-plain object (Map, Set, RegExp, boxed primitive or class instance)"
        };
        bad(kind)
    }

    /// Run `f` inside its own handle scope so wide inputs do not pile up handles.
    fn scoped<T>(&mut self, f: impl FnOnce(&mut Self) -> Walk<T>) -> Walk<T> {
        let env = self.js.0;
        let mut scope = std::ptr::null_mut();
        let opened =
            unsafe { sys::napi_open_handle_scope(env, &mut scope) } == sys::Status::napi_ok;
        let r = f(self);
        if opened {
            unsafe { sys::napi_close_handle_scope(env, scope) };
        }
        r
    }

    /// Visit members `0..n` in handle scopes of [`SCOPE_CHUNK`] members each: the handles a
    /// member makes are released with its chunk, so a container holds at most a chunk's worth
    /// at a time, for two N-API calls per chunk rather than per member.
    fn chunked(&mut self, n: u32, mut member: impl FnMut(&mut Self, u32) -> Walk<()>) -> Walk<()> {
        let mut start = 0;
        while start < n {
            let end = start.saturating_add(SCOPE_CHUNK).min(n);
            self.scoped(|w| (start..end).try_for_each(|i| member(w, i)))?;
            start = end;
        }
        Ok(())
    }

    fn array(&mut self, v: Val, depth: usize) -> Walk<JsonValue> {
        let n = self.napi(self.js.array_len(v), "array")?;
        let r = self.guard.open(depth, n as usize, true);
        self.count(r)?;
        let mut items = Vec::with_capacity((n as usize).min(4096));
        self.chunked(n, |w, i| {
            let item = w
                .napi(w.js.element(v, i), "array element")
                .and_then(|el| w.value(el, depth + 1, Key::Index(i)));
            match item {
                Ok(x) => {
                    items.push(x);
                    Ok(())
                }
                Err(mut b) => {
                    b.path.push(format!("[{i}]"));
                    Err(b)
                }
            }
        })?;
        Ok(JsonValue::Array(items))
    }

    fn object(&mut self, v: Val, depth: usize) -> Walk<JsonValue> {
        let keys = self.napi(self.js.own_keys(v), "object keys")?;
        let n = self.napi(self.js.array_len(keys), "object keys")?;
        let r = self.guard.open(depth, n as usize, false);
        self.count(r)?;
        let mut members = Vec::with_capacity((n as usize).min(4096));
        self.chunked(n, |w, i| {
            let kv = w.napi(w.js.element(keys, i), "object key")?;
            let key = w.string(kv)?;
            // Read with the key value itself (no second string to create and internalise).
            let val = match w.napi(w.js.get_by(v, kv), "property getter") {
                Ok(val) => val,
                Err(mut b) => {
                    b.path.push(segment_key(&key));
                    return Err(b);
                }
            };
            match w.value(val, depth + 1, Key::Name(kv)) {
                Ok(x) => {
                    members.push((key, x));
                    Ok(())
                }
                Err(mut b) => {
                    b.path.push(segment_key(&key));
                    Err(b)
                }
            }
        })?;
        Ok(JsonValue::Object(members))
    }
}

/// A JSON value as a JS value; `freeze` deep-freezes every array and object.
pub(crate) fn json_to_js(js: Js, v: &serde_json::Value, freeze: bool) -> Result<Val> {
    let out = match v {
        serde_json::Value::Null => js.null()?,
        serde_json::Value::Bool(b) => js.boolean(*b)?,
        serde_json::Value::Number(n) => js.number(n.as_f64().unwrap_or(f64::NAN))?,
        serde_json::Value::String(s) => js.string(s)?,
        serde_json::Value::Array(a) => {
            let items = a.iter().map(|x| json_to_js(js, x, freeze)).collect::<Result<Vec<_>>>()?;
            js.array_of(&items)?
        }
        serde_json::Value::Object(o) => {
            let obj = js.object()?;
            for (k, x) in o {
                js.set(obj, k, json_to_js(js, x, freeze)?)?;
            }
            obj
        }
    };
    if freeze && matches!(v, serde_json::Value::Array(_) | serde_json::Value::Object(_)) {
        js.freeze(out)?;
    }
    Ok(out)
}
