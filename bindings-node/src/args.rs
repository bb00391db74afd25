//! Reading typed arguments and option objects from JavaScript. A value of the wrong type is a
//! CONFIG error naming the field; numbers for settings are converted saturating into `i64` so an
//! out-of-range value reaches the core, whose error names the field and its range.

use crate::errors::{self, config_msg};
use crate::js::{Js, Val};
use cedar_hitl_core as core;
use napi::{Result, sys};

/// How a string with a lone surrogate (not valid Unicode) is treated.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Surrogates {
    /// Refuse with a CONFIG error (names, scopes, policy text, settings).
    Refuse,
    /// Replace with U+FFFD (text that is only being sanitised for display).
    Replace,
}

impl Js {
    /// A JS string as a Rust `String`; `Err(None)` when `v` is not a string, `Err(Some(units))`
    /// when it holds a lone surrogate (the raw units are returned for lossy callers).
    pub fn string_of(self, v: Val) -> Result<std::result::Result<String, Option<Vec<u16>>>> {
        if self.type_of(v)? != sys::ValueType::napi_string {
            return Ok(Err(None));
        }
        let len = self.utf16_len(v)?;
        if let Some(short) = self.short_text(v, len)? {
            return Ok(Ok(short));
        }
        let units = self.utf16_of(v, len)?;
        Ok(String::from_utf16(&units).map_err(|_| Some(units)))
    }

    pub fn str_arg(self, v: Val, field: &str, mode: Surrogates) -> Result<String> {
        match self.string_of(v)? {
            Ok(s) => Ok(s),
            Err(Some(units)) if mode == Surrogates::Replace => Ok(String::from_utf16_lossy(&units)),
            Err(Some(_)) => Err(config_msg(
                self,
                field,
                &format!("{field} must be valid Unicode text, got a string with a lone surrogate"),
            )),
            Err(None) => Err(config_msg(
                self,
                field,
                &format!("{field} must be a string, got {}", self.type_name(v)),
            )),
        }
    }

    /// `undefined` / `null` → `None`, else a string.
    pub fn opt_str_arg(self, v: Val, field: &str, mode: Surrogates) -> Result<Option<String>> {
        if self.is_nullish(v)? {
            return Ok(None);
        }
        self.str_arg(v, field, mode).map(Some)
    }

    pub fn bool_arg(self, v: Val, field: &str) -> Result<bool> {
        if self.type_of(v)? != sys::ValueType::napi_boolean {
            return Err(config_msg(
                self,
                field,
                &format!("{field} must be a boolean, got {}", self.type_name(v)),
            ));
        }
        self.bool_of(v)
    }

    /// An integer setting: a JS number with no fractional part, converted saturating into `i64`
    /// (±Infinity and values beyond the `i64` range saturate; the core reports the range).
    pub fn int_arg(self, v: Val, field: &str) -> Result<i64> {
        if self.type_of(v)? != sys::ValueType::napi_number {
            return Err(config_msg(
                self,
                field,
                &format!("{field} must be an integer, got {}", self.type_name(v)),
            ));
        }
        let n = self.f64_of(v)?;
        if n.is_nan() || (n.is_finite() && n.fract() != 0.0) {
            return Err(config_msg(self, field, &format!("{field} must be an integer, got {n}")));
        }
        // `as` saturates: ±Infinity and |n| ≥ 2^63 become i64::MAX / i64::MIN.
        Ok(n as i64)
    }

    pub fn opt_int_arg(self, v: Val, field: &str) -> Result<Option<i64>> {
        if self.is_nullish(v)? {
            return Ok(None);
        }
        self.int_arg(v, field).map(Some)
    }

    pub fn f64_arg(self, v: Val, field: &str) -> Result<f64> {
        if self.type_of(v)? != sys::ValueType::napi_number {
            return Err(config_msg(
                self,
                field,
                &format!("{field} must be a number, got {}", self.type_name(v)),
            ));
        }
        self.f64_of(v)
    }

    /// An array of strings; element `i` is reported as `field[i]`.
    pub fn str_list_arg(self, v: Val, field: &str) -> Result<Vec<String>> {
        if !(self.type_of(v)? == sys::ValueType::napi_object && self.is_array(v)?) {
            return Err(config_msg(
                self,
                field,
                &format!("{field} must be an array of strings, got {}", self.type_name(v)),
            ));
        }
        let n = self.array_len(v)?;
        (0..n)
            .map(|i| {
                self.str_arg(self.element(v, i)?, &format!("{field}[{i}]"), Surrogates::Refuse)
            })
            .collect()
    }

    /// A plain object whose values are strings, as ordered `(key, value)` pairs.
    pub fn str_map_arg(self, v: Val, field: &str) -> Result<Vec<(String, String)>> {
        if !self.is_plain_object(v)? {
            return Err(config_msg(
                self,
                field,
                &format!(
                    "{field} must be a plain object mapping tool names to input keys, got {}",
                    self.type_name(v)
                ),
            ));
        }
        let keys = self.own_keys(v)?;
        let n = self.array_len(keys)?;
        let mut out = Vec::with_capacity(n as usize);
        for i in 0..n {
            let k = self.str_arg(self.element(keys, i)?, field, Surrogates::Refuse)?;
            let val = self.get(v, &k)?;
            let val = self.str_arg(val, &format!("{field}.{k}"), Surrogates::Refuse)?;
            out.push((k, val));
        }
        Ok(out)
    }

    /// A plain object: `{…}` or `Object.create(null)`. Options and tool maps are read from own
    /// keys only, so a `Map`, an array or a class instance would read as empty (a tool map that
    /// silently drops `Bash`, settings silently ignored); they are refused instead.
    pub fn is_plain_object(self, v: Val) -> Result<bool> {
        if self.type_of(v)? != sys::ValueType::napi_object || self.is_array(v)? {
            return Ok(false);
        }
        let proto = self.prototype_of(v)?;
        Ok(self.type_of(proto)? == sys::ValueType::napi_null
            || self.strict_equals(proto, self.object_prototype()?)?)
    }

    /// An options object (`undefined`/`null` → `None`). Every own key must be in `allowed`, so a
    /// misspelt option (`readonly`) is an error instead of a silently ignored setting.
    pub fn options<K: AsRef<str>>(self, v: Val, what: &str, allowed: &[K]) -> Result<Option<Val>> {
        if self.is_nullish(v)? {
            return Ok(None);
        }
        if !self.is_plain_object(v)? {
            return Err(config_msg(
                self,
                what,
                &format!("{what} must be a plain object, got {}", self.type_name(v)),
            ));
        }
        let keys = self.own_keys(v)?;
        for i in 0..self.array_len(keys)? {
            let k = self.str_arg(self.element(keys, i)?, what, Surrogates::Replace)?;
            if !allowed.iter().any(|a| a.as_ref() == k) {
                let allowed: Vec<&str> = allowed.iter().map(AsRef::as_ref).collect();
                return Err(config_msg(
                    self,
                    &k,
                    &format!("unknown {what} option '{k}'; allowed: {}", allowed.join(", ")),
                ));
            }
        }
        Ok(Some(v))
    }

    /// A member of an options object; `undefined` → `None` (null is passed through for the caller
    /// to judge).
    pub fn member(self, obj: Option<Val>, key: &str) -> Result<Option<Val>> {
        let Some(obj) = obj else { return Ok(None) };
        let v = self.get(obj, key)?;
        if self.type_of(v)? == sys::ValueType::napi_undefined {
            return Ok(None);
        }
        Ok(Some(v))
    }
}

/// An optional text member of an options object (`null` = absent).
pub(crate) fn opt_text(js: Js, obj: Option<Val>, key: &str, field: &str) -> Result<Option<String>> {
    match js.member(obj, key)? {
        Some(v) => js.opt_str_arg(v, field, Surrogates::Refuse),
        None => Ok(None),
    }
}

/// How an option of a `takes options` record (`cedar_hitl_core::records!`) is read from its JS
/// value; `label` names the setting in errors.
pub(crate) trait FromJs: Sized {
    fn from_js(js: Js, v: Val, label: &str) -> Result<Self>;
}

impl FromJs for String {
    fn from_js(js: Js, v: Val, label: &str) -> Result<Self> {
        js.str_arg(v, label, Surrogates::Refuse)
    }
}

impl FromJs for bool {
    fn from_js(js: Js, v: Val, label: &str) -> Result<Self> {
        js.bool_arg(v, label)
    }
}

impl FromJs for i64 {
    fn from_js(js: Js, v: Val, label: &str) -> Result<Self> {
        js.int_arg(v, label)
    }
}

/// A list option: `null` reads as empty.
impl FromJs for Vec<String> {
    fn from_js(js: Js, v: Val, label: &str) -> Result<Self> {
        if js.is_nullish(v)? { Ok(Vec::new()) } else { js.str_list_arg(v, label) }
    }
}

/// An option that may be absent: `null` reads as absent.
impl<T: FromJs> FromJs for Option<T> {
    fn from_js(js: Js, v: Val, label: &str) -> Result<Self> {
        if js.is_nullish(v)? { Ok(None) } else { T::from_js(js, v, label).map(Some) }
    }
}

/// A tool map: an object of tool name → input key.
impl FromJs for Vec<(String, String)> {
    fn from_js(js: Js, v: Val, label: &str) -> Result<Self> {
        js.str_map_arg(v, label)
    }
}

/// The built-in profile, by name (the core parses it and names the allowed values).
impl FromJs for core::BuiltinProfile {
    fn from_js(js: Js, v: Val, label: &str) -> Result<Self> {
        match js.string_of(v)? {
            Ok(s) => s.parse().map_err(|e| errors::config(js, &e)),
            Err(_) => {
                Err(errors::config(js, &core::BuiltinProfile::not_a_string(label, js.type_name(v))))
            }
        }
    }
}

/// A record read from an options object, field by field (generated from the record list in
/// `records.rs`).
pub(crate) trait OptionRecord {
    /// The record's fields, in the core's order.
    const FIELDS: &'static [&'static str];
    /// Read `v` into `field`; `false` when the record has no such field.
    fn set_field(&mut self, js: Js, field: &str, label: &str, v: Val) -> Result<bool>;
}

/// A field read under another key than its camelCase, and named `label` in errors, e.g.
/// `("principal", "taskType", "task_type")` on `PolicyEngine`.
pub(crate) type Renamed<'a> = &'a [(&'a str, &'a str, &'a str)];

/// Each field of `R` with the key it is read under and the label errors give it.
fn option_fields<'a, R: OptionRecord>(
    renamed: Renamed<'a>,
) -> impl Iterator<Item = (&'static str, String, &'a str)> + 'a {
    R::FIELDS.iter().map(move |field| match renamed.iter().find(|(f, _, _)| f == field) {
        Some((_, key, label)) => (*field, (*key).to_owned(), *label),
        None => (*field, crate::records::camel_case(field), *field),
    })
}

/// The keys an options object for `R` may hold: the record's, then `extra`.
pub(crate) fn option_keys<R: OptionRecord>(renamed: Renamed<'_>, extra: &[&str]) -> Vec<String> {
    option_fields::<R>(renamed)
        .map(|(_, key, _)| key)
        .chain(extra.iter().map(|k| (*k).to_owned()))
        .collect()
}

/// Read every field of `R` present in `obj` (`undefined` = absent: the default stays) into
/// `record`. Returns the fields found.
pub(crate) fn read_options<R: OptionRecord>(
    js: Js,
    obj: Option<Val>,
    record: &mut R,
    renamed: Renamed<'_>,
) -> Result<Vec<&'static str>> {
    let mut found = Vec::new();
    for (field, key, label) in option_fields::<R>(renamed) {
        if let Some(v) = js.member(obj, &key)? {
            record.set_field(js, field, label, v)?;
            found.push(field);
        }
    }
    Ok(found)
}
