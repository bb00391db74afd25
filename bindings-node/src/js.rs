//! Checked wrappers over the raw N-API calls the binding needs, and the typed errors it throws.
//! Nothing here knows about policies: it reads and builds JavaScript values.

use napi::{sys, Error, Result, Status};
use std::ptr;

pub(crate) type Val = sys::napi_value;

/// The N-API environment of the current call.
#[derive(Clone, Copy)]
pub(crate) struct Js(pub sys::napi_env);

/// The error returned once a JavaScript exception is pending: napi-rs sees the pending exception
/// and lets it propagate unchanged.
pub(crate) fn pending() -> Error {
    Error::new(Status::PendingException, "a JavaScript exception is pending")
}

/// A property value of a thrown error.
pub(crate) enum P<'a> {
    S(Option<&'a str>),
    N(Option<f64>),
}

impl Js {
    pub fn check(self, status: sys::napi_status, what: &str) -> Result<()> {
        if status == sys::Status::napi_ok {
            return Ok(());
        }
        if self.exception_pending() {
            Err(pending())
        } else {
            Err(Error::new(Status::from(status), format!("N-API {what} failed")))
        }
    }

    pub fn exception_pending(self) -> bool {
        let mut pending = false;
        unsafe { sys::napi_is_exception_pending(self.0, &mut pending) };
        pending
    }

    /// Clear a pending exception (used where a JS failure becomes data, e.g. a throwing getter
    /// inside a tool input).
    pub fn clear_exception(self) {
        let mut ignored = ptr::null_mut();
        unsafe { sys::napi_get_and_clear_last_exception(self.0, &mut ignored) };
    }

    pub fn type_of(self, v: Val) -> Result<i32> {
        let mut t = 0;
        self.check(unsafe { sys::napi_typeof(self.0, v, &mut t) }, "typeof")?;
        Ok(t)
    }

    pub fn is_array(self, v: Val) -> Result<bool> {
        let mut b = false;
        self.check(unsafe { sys::napi_is_array(self.0, v, &mut b) }, "is_array")?;
        Ok(b)
    }

    /// `typeof`, with arrays told apart from other objects, for error messages.
    pub fn type_name(self, v: Val) -> &'static str {
        match self.type_of(v) {
            Ok(sys::ValueType::napi_undefined) => "undefined",
            Ok(sys::ValueType::napi_null) => "null",
            Ok(sys::ValueType::napi_boolean) => "boolean",
            Ok(sys::ValueType::napi_number) => "number",
            Ok(sys::ValueType::napi_string) => "string",
            Ok(sys::ValueType::napi_symbol) => "symbol",
            Ok(sys::ValueType::napi_function) => "function",
            Ok(sys::ValueType::napi_external) => "external",
            Ok(sys::ValueType::napi_bigint) => "bigint",
            Ok(sys::ValueType::napi_object) if self.is_array(v).unwrap_or(false) => "array",
            Ok(sys::ValueType::napi_object) => "object",
            _ => "unknown value",
        }
    }

    pub fn is_nullish(self, v: Val) -> Result<bool> {
        Ok(matches!(self.type_of(v)?, sys::ValueType::napi_undefined | sys::ValueType::napi_null))
    }

    pub fn undefined(self) -> Result<Val> {
        let mut v = ptr::null_mut();
        self.check(unsafe { sys::napi_get_undefined(self.0, &mut v) }, "get_undefined")?;
        Ok(v)
    }

    pub fn null(self) -> Result<Val> {
        let mut v = ptr::null_mut();
        self.check(unsafe { sys::napi_get_null(self.0, &mut v) }, "get_null")?;
        Ok(v)
    }

    pub fn boolean(self, b: bool) -> Result<Val> {
        let mut v = ptr::null_mut();
        self.check(unsafe { sys::napi_get_boolean(self.0, b, &mut v) }, "get_boolean")?;
        Ok(v)
    }

    pub fn number(self, n: f64) -> Result<Val> {
        let mut v = ptr::null_mut();
        self.check(unsafe { sys::napi_create_double(self.0, n, &mut v) }, "create_double")?;
        Ok(v)
    }

    pub fn string(self, s: &str) -> Result<Val> {
        let mut v = ptr::null_mut();
        self.check(unsafe { sys::napi_create_string_utf8(self.0, s.as_ptr().cast(), s.len() as isize, &mut v) }, "create_string")?;
        Ok(v)
    }

    pub fn opt_string(self, s: Option<&str>) -> Result<Val> {
        match s {
            Some(s) => self.string(s),
            None => self.null(),
        }
    }

    pub fn object(self) -> Result<Val> {
        let mut v = ptr::null_mut();
        self.check(unsafe { sys::napi_create_object(self.0, &mut v) }, "create_object")?;
        Ok(v)
    }

    pub fn array_of(self, items: &[Val]) -> Result<Val> {
        let mut arr = ptr::null_mut();
        self.check(unsafe { sys::napi_create_array_with_length(self.0, items.len(), &mut arr) }, "create_array")?;
        for (i, item) in items.iter().enumerate() {
            self.check(unsafe { sys::napi_set_element(self.0, arr, i as u32, *item) }, "set_element")?;
        }
        Ok(arr)
    }

    pub fn string_array<S: AsRef<str>>(self, items: &[S]) -> Result<Val> {
        let vals = items.iter().map(|s| self.string(s.as_ref())).collect::<Result<Vec<_>>>()?;
        self.array_of(&vals)
    }

    pub fn set(self, obj: Val, key: &str, v: Val) -> Result<()> {
        let k = self.string(key)?;
        self.check(unsafe { sys::napi_set_property(self.0, obj, k, v) }, "set_property")
    }

    /// Read a named property (runs getters; a throwing getter leaves its exception pending).
    pub fn get(self, obj: Val, key: &str) -> Result<Val> {
        let k = self.string(key)?;
        let mut v = ptr::null_mut();
        self.check(unsafe { sys::napi_get_property(self.0, obj, k, &mut v) }, "get_property")?;
        Ok(v)
    }

    pub fn element(self, arr: Val, i: u32) -> Result<Val> {
        let mut v = ptr::null_mut();
        self.check(unsafe { sys::napi_get_element(self.0, arr, i, &mut v) }, "get_element")?;
        Ok(v)
    }

    pub fn array_len(self, arr: Val) -> Result<u32> {
        let mut n = 0;
        self.check(unsafe { sys::napi_get_array_length(self.0, arr, &mut n) }, "get_array_length")?;
        Ok(n)
    }

    /// Own enumerable string keys, numbers converted to strings (what `Object.keys` returns).
    pub fn own_keys(self, obj: Val) -> Result<Val> {
        let mut keys = ptr::null_mut();
        self.check(
            unsafe {
                sys::napi_get_all_property_names(
                    self.0,
                    obj,
                    sys::KeyCollectionMode::own_only,
                    sys::KeyFilter::enumerable | sys::KeyFilter::skip_symbols,
                    sys::KeyConversion::numbers_to_strings,
                    &mut keys,
                )
            },
            "get_all_property_names",
        )?;
        Ok(keys)
    }

    pub fn freeze(self, obj: Val) -> Result<()> {
        self.check(unsafe { sys::napi_object_freeze(self.0, obj) }, "object_freeze")
    }

    pub fn f64_of(self, v: Val) -> Result<f64> {
        let mut n = 0.0;
        self.check(unsafe { sys::napi_get_value_double(self.0, v, &mut n) }, "get_value_double")?;
        Ok(n)
    }

    pub fn bool_of(self, v: Val) -> Result<bool> {
        let mut b = false;
        self.check(unsafe { sys::napi_get_value_bool(self.0, v, &mut b) }, "get_value_bool")?;
        Ok(b)
    }

    /// Length of a JS string in UTF-16 code units.
    pub fn utf16_len(self, v: Val) -> Result<usize> {
        let mut len = 0usize;
        self.check(unsafe { sys::napi_get_value_string_utf16(self.0, v, ptr::null_mut(), 0, &mut len) }, "get_value_string_utf16")?;
        Ok(len)
    }

    /// The UTF-16 code units of a JS string, exactly (lone surrogates included).
    pub fn utf16_of(self, v: Val, len: usize) -> Result<Vec<u16>> {
        let mut buf: Vec<u16> = vec![0; len + 1];
        let mut written = 0usize;
        self.check(unsafe { sys::napi_get_value_string_utf16(self.0, v, buf.as_mut_ptr(), buf.len(), &mut written) }, "get_value_string_utf16")?;
        buf.truncate(written);
        Ok(buf)
    }

    pub fn strict_equals(self, a: Val, b: Val) -> Result<bool> {
        let mut eq = false;
        self.check(unsafe { sys::napi_strict_equals(self.0, a, b, &mut eq) }, "strict_equals")?;
        Ok(eq)
    }

    pub fn prototype_of(self, v: Val) -> Result<Val> {
        let mut p = ptr::null_mut();
        self.check(unsafe { sys::napi_get_prototype(self.0, v, &mut p) }, "get_prototype")?;
        Ok(p)
    }

    pub fn global(self) -> Result<Val> {
        let mut g = ptr::null_mut();
        self.check(unsafe { sys::napi_get_global(self.0, &mut g) }, "get_global")?;
        Ok(g)
    }

    pub fn is(self, v: Val, f: unsafe extern "C" fn(sys::napi_env, Val, *mut bool) -> sys::napi_status) -> bool {
        let mut b = false;
        unsafe { f(self.0, v, &mut b) == sys::Status::napi_ok && b }
    }

    /// Throw a typed error (`code` plus detail properties) and return the pending-exception error.
    pub fn throw(self, code: &str, message: &str, props: &[(&str, P<'_>)]) -> Error {
        let build = || -> Result<Val> {
            let c = self.string(code)?;
            let m = self.string(message)?;
            let mut err = ptr::null_mut();
            self.check(unsafe { sys::napi_create_error(self.0, c, m, &mut err) }, "create_error")?;
            for (k, p) in props {
                let v = match p {
                    P::S(s) => self.opt_string(*s)?,
                    P::N(Some(n)) => self.number(*n)?,
                    P::N(None) => self.null()?,
                };
                self.set(err, k, v)?;
            }
            Ok(err)
        };
        match build() {
            Ok(err) => {
                unsafe { sys::napi_throw(self.0, err) };
                pending()
            }
            Err(e) => e,
        }
    }
}

/// A value already built by the binding, returned as is (its TypeScript type is given by
/// `ts_return_type` on the exporting function).
pub struct Raw(pub Val);

impl napi::bindgen_prelude::ToNapiValue for Raw {
    unsafe fn to_napi_value(_env: sys::napi_env, val: Self) -> Result<sys::napi_value> {
        Ok(val.0)
    }
}

impl napi::bindgen_prelude::TypeName for Raw {
    fn type_name() -> &'static str {
        "unknown"
    }
    fn value_type() -> napi::ValueType {
        napi::ValueType::Unknown
    }
}
