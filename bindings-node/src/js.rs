//! Checked wrappers over the raw N-API calls the binding needs, and the typed errors it throws.
//! Nothing here knows about policies: it reads and builds JavaScript values.

use napi::bindgen_prelude::{Env, TypeTag};
use napi::{Error, Result, Status, sys};
use std::ptr;

/// Strings whose UTF-8 form is shorter than this are read in one N-API call (most keys and
/// values of a tool input): [`Js::utf8_short`].
pub const SHORT_UTF8: usize = 256;

/// Strings of at most this many UTF-16 units always fit the one-call UTF-8 read (3 bytes per
/// unit at most, with the 4 bytes it keeps free and the NUL).
const SHORT_UTF16: usize = (SHORT_UTF8 - 5) / 3;

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
            Ok(sys::ValueType::napi_object) if !self.is_plain_object(v).unwrap_or(true) => {
                "an object that is not plain (a Map or a class instance)"
            }
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
        self.check(
            unsafe {
                sys::napi_create_string_utf8(self.0, s.as_ptr().cast(), s.len() as isize, &mut v)
            },
            "create_string",
        )?;
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
        self.check(
            unsafe { sys::napi_create_array_with_length(self.0, items.len(), &mut arr) },
            "create_array",
        )?;
        for (i, item) in items.iter().enumerate() {
            self.check(
                unsafe { sys::napi_set_element(self.0, arr, i as u32, *item) },
                "set_element",
            )?;
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

    /// Read a named property whose name is a constant (one N-API call: no key value to make).
    pub fn get_named(self, obj: Val, key: &std::ffi::CStr) -> Result<Val> {
        let mut v = ptr::null_mut();
        self.check(
            unsafe { sys::napi_get_named_property(self.0, obj, key.as_ptr(), &mut v) },
            "get_named_property",
        )?;
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
        self.check(
            unsafe { sys::napi_get_value_string_utf16(self.0, v, ptr::null_mut(), 0, &mut len) },
            "get_value_string_utf16",
        )?;
        Ok(len)
    }

    /// The UTF-16 code units of a JS string, exactly (lone surrogates included).
    pub fn utf16_of(self, v: Val, len: usize) -> Result<Vec<u16>> {
        let mut buf: Vec<u16> = vec![0; len + 1];
        let mut written = 0usize;
        self.check(
            unsafe {
                sys::napi_get_value_string_utf16(
                    self.0,
                    v,
                    buf.as_mut_ptr(),
                    buf.len(),
                    &mut written,
                )
            },
            "get_value_string_utf16",
        )?;
        buf.truncate(written);
        Ok(buf)
    }

    /// A short JS string as UTF-8 in one call: `Some` when its UTF-8 form is shorter than
    /// [`SHORT_UTF8`] bytes, `None` when it may be longer (then read its UTF-16 units). The
    /// engine writes a lone surrogate as U+FFFD: callers that must refuse those check for U+FFFD
    /// and read the exact units with [`utf16_of`](Self::utf16_of).
    pub fn utf8_short(self, v: Val) -> Result<Option<String>> {
        let mut buf = [0u8; SHORT_UTF8];
        let written = self.write_utf8(v, &mut buf)?;
        // The engine keeps one byte for a NUL and never writes part of a character, so the text
        // may have been cut only if fewer than 4 bytes (the longest character) stayed free.
        if written + 1 + 4 > SHORT_UTF8 {
            return Ok(None);
        }
        String::from_utf8(buf[..written].to_vec())
            .map(Some)
            .map_err(|_| Error::from_reason("string is not UTF-8"))
    }

    /// A string of `len` UTF-16 units read in one call, when that is cheap and exact: short
    /// enough (a long two-byte string costs the engine a full pass even for a small buffer) and
    /// holding no U+FFFD (which may stand for a lone surrogate). `None`: read the exact units.
    pub fn short_text(self, v: Val, len: usize) -> Result<Option<String>> {
        if len > SHORT_UTF16 {
            return Ok(None);
        }
        Ok(self.utf8_short(v)?.filter(|s| !s.contains('\u{FFFD}')))
    }

    /// Write a JS string's UTF-8 form into `buf` (at most `buf.len() - 1` bytes, whole
    /// characters only); the number of bytes written.
    fn write_utf8(self, v: Val, buf: &mut [u8]) -> Result<usize> {
        let mut written = 0usize;
        self.check(
            unsafe {
                sys::napi_get_value_string_utf8(
                    self.0,
                    v,
                    buf.as_mut_ptr().cast(),
                    buf.len(),
                    &mut written,
                )
            },
            "get_value_string_utf8",
        )?;
        Ok(written)
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

    pub fn is(
        self,
        v: Val,
        f: unsafe extern "C" fn(sys::napi_env, Val, *mut bool) -> sys::napi_status,
    ) -> bool {
        let mut b = false;
        unsafe { f(self.0, v, &mut b) == sys::Status::napi_ok && b }
    }

    /// Throw a typed error (`code` plus detail properties) and return the pending-exception error.
    pub fn throw(self, code: &str, message: &str, props: &[(&str, P<'_>)]) -> Error {
        let build = || -> Result<Val> {
            let err = self.error_value(code, message)?;
            for (k, p) in props {
                let v = match p {
                    P::S(s) => self.opt_string(*s)?,
                };
                self.set(err, k, v)?;
            }
            Ok(err)
        };
        self.throw_built(build())
    }

    /// Like [`Js::throw`], with the properties of `record` (a record's JS object) under `keys`,
    /// except `message`, which is the error's own text.
    pub fn throw_record(self, code: &str, message: &str, record: Val, keys: &[String]) -> Error {
        let build = || -> Result<Val> {
            let err = self.error_value(code, message)?;
            for k in keys.iter().filter(|k| *k != "message") {
                self.set(err, k, self.get(record, k)?)?;
            }
            Ok(err)
        };
        self.throw_built(build())
    }

    fn error_value(self, code: &str, message: &str) -> Result<Val> {
        let c = self.string(code)?;
        let m = self.string(message)?;
        let mut err = ptr::null_mut();
        self.check(unsafe { sys::napi_create_error(self.0, c, m, &mut err) }, "create_error")?;
        Ok(err)
    }

    fn throw_built(self, err: Result<Val>) -> Error {
        match err {
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

// ---------------------------------------------------------------------------------------------
// Per-environment cache of values the hot paths (`evaluate*`) reuse
// ---------------------------------------------------------------------------------------------

/// Values kept alive by strong references and stored in the env's instance data (this binding
/// owns that slot; napi-rs leaves it to addon authors). Each env (main thread, each worker) gets
/// its own; the env frees the references at teardown, the finaliser frees the box.
struct EnvCache {
    /// The intrinsic `Object.prototype` of the env's context.
    object_prototype: sys::napi_ref,
    /// A JS function building a `Decision` object literal from its fields (null until the first
    /// decision compiles it, and when it could not be compiled: callers then build the object
    /// natively). Its source comes from the core's field list (`records::decision_value`).
    decision_factory: sys::napi_ref,
    /// The factory was compiled, or compiling it failed: do not try again.
    decision_factory_tried: bool,
    /// The JS array the factory reads constant strings from (outcome, tier, severity and
    /// fail-closed cause names), by index; `strings[i]` is the text at index `i`. (N-API of
    /// Node 20 references objects only, so strings are held by this array.)
    constants: sys::napi_ref,
    strings: Vec<&'static str>,
    /// The JS array the factory reads run-time strings from (policy fingerprints), by index: a
    /// ring of at most `MAX_DYNAMIC` slots, `dynamic[i]` the text in slot `i`. A process holds a
    /// few bundles at a time, so the ring answers every call after the first from the cache.
    dynamic_strings: sys::napi_ref,
    dynamic: Vec<Box<str>>,
    /// The slot the next new string replaces once the ring is full.
    dynamic_next: usize,
}

/// Upper bound on interned strings (they are all `&'static str` constants of the core).
const MAX_INTERNED: usize = 64;

/// Slots of the run-time string ring (policy fingerprints).
const MAX_DYNAMIC: usize = 16;

unsafe extern "C" fn finalize_env_cache(
    _env: sys::napi_env,
    data: *mut std::ffi::c_void,
    _hint: *mut std::ffi::c_void,
) {
    if !data.is_null() {
        // The references themselves are released by the env as it tears down.
        drop(unsafe { Box::from_raw(data.cast::<EnvCache>()) });
    }
}

impl Js {
    fn reference(self, v: Val) -> Result<sys::napi_ref> {
        let mut r = ptr::null_mut();
        self.check(
            unsafe { sys::napi_create_reference(self.0, v, 1, &mut r) },
            "create_reference",
        )?;
        Ok(r)
    }

    fn reference_value(self, r: sys::napi_ref) -> Result<Val> {
        let mut v = ptr::null_mut();
        self.check(
            unsafe { sys::napi_get_reference_value(self.0, r, &mut v) },
            "get_reference_value",
        )?;
        if v.is_null() {
            return Err(Error::new(Status::GenericFailure, "cached value is gone"));
        }
        Ok(v)
    }

    /// Create the factory's constants array and run-time strings array; `None` (exception
    /// cleared) if the env refuses.
    fn create_factory_arrays(self) -> Option<(sys::napi_ref, sys::napi_ref)> {
        let build = || -> Result<(sys::napi_ref, sys::napi_ref)> {
            let mut constants = ptr::null_mut();
            self.check(unsafe { sys::napi_create_array(self.0, &mut constants) }, "create_array")?;
            let mut dynamic = ptr::null_mut();
            self.check(unsafe { sys::napi_create_array(self.0, &mut dynamic) }, "create_array")?;
            let k = self.reference(constants)?;
            match self.reference(dynamic) {
                Ok(d) => Ok((k, d)),
                Err(e) => {
                    unsafe { sys::napi_delete_reference(self.0, k) };
                    Err(e)
                }
            }
        };
        self.cleared(build())
    }

    /// Compile `source` (a function of the constants array `K` and the run-time strings array
    /// `D` returning the factory) and return the factory; `None` (exception cleared) if the env
    /// refuses.
    fn compile_decision_factory(
        self,
        source: &str,
        constants: sys::napi_ref,
        dynamic: sys::napi_ref,
    ) -> Option<sys::napi_ref> {
        let build = || -> Result<sys::napi_ref> {
            let src = self.string(source)?;
            let mut outer = ptr::null_mut();
            self.check(unsafe { sys::napi_run_script(self.0, src, &mut outer) }, "run_script")?;
            if self.type_of(outer)? != sys::ValueType::napi_function {
                return Err(Error::new(
                    Status::FunctionExpected,
                    "decision factory is not a function",
                ));
            }
            let args = [self.reference_value(constants)?, self.reference_value(dynamic)?];
            let f = self.call(outer, &args)?;
            if self.type_of(f)? != sys::ValueType::napi_function {
                return Err(Error::new(
                    Status::FunctionExpected,
                    "decision factory is not a function",
                ));
            }
            self.reference(f)
        };
        self.cleared(build())
    }

    /// `Some` on success; on failure `None`, with any pending exception cleared.
    fn cleared<T>(self, r: Result<T>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(_) => {
                if self.exception_pending() {
                    self.clear_exception();
                }
                None
            }
        }
    }

    /// The env's cache, created on first use. The pointer stays valid until the env tears down;
    /// it is only dereferenced briefly, on the env's own thread, with no JS running meanwhile.
    fn env_cache(self) -> Result<*mut EnvCache> {
        let mut data = ptr::null_mut();
        self.check(unsafe { sys::napi_get_instance_data(self.0, &mut data) }, "get_instance_data")?;
        if !data.is_null() {
            return Ok(data.cast());
        }
        let probe = self.object()?;
        let proto = self.prototype_of(probe)?;
        let object_prototype = self.reference(proto)?;
        let (constants, dynamic_strings) =
            self.create_factory_arrays().unwrap_or((ptr::null_mut(), ptr::null_mut()));
        let cache = Box::into_raw(Box::new(EnvCache {
            object_prototype,
            decision_factory: ptr::null_mut(),
            decision_factory_tried: false,
            constants,
            strings: Vec::new(),
            dynamic_strings,
            dynamic: Vec::new(),
            dynamic_next: 0,
        }));
        let status = unsafe {
            sys::napi_set_instance_data(
                self.0,
                cache.cast(),
                Some(finalize_env_cache),
                ptr::null_mut(),
            )
        };
        if status != sys::Status::napi_ok {
            drop(unsafe { Box::from_raw(cache) });
            return self.check(status, "set_instance_data").map(|_| ptr::null_mut());
        }
        Ok(cache)
    }

    /// `Object.prototype` of this env's context.
    pub fn object_prototype(self) -> Result<Val> {
        let cache = self.env_cache()?;
        let r = unsafe { (*cache).object_prototype };
        self.reference_value(r)
    }

    /// The decision factory function, compiled from `source()` on first use; `None` if the env
    /// has none.
    pub fn decision_factory(self, source: impl FnOnce() -> String) -> Result<Option<Val>> {
        let cache = self.env_cache()?;
        let (tried, constants, dynamic) = unsafe {
            ((*cache).decision_factory_tried, (*cache).constants, (*cache).dynamic_strings)
        };
        if !tried {
            unsafe { (*cache).decision_factory_tried = true };
            if !constants.is_null() && !dynamic.is_null() {
                let f = self.compile_decision_factory(&source(), constants, dynamic);
                unsafe { (*cache).decision_factory = f.unwrap_or(ptr::null_mut()) };
            }
        }
        let r = unsafe { (*cache).decision_factory };
        if r.is_null() {
            return Ok(None);
        }
        self.reference_value(r).map(Some)
    }

    /// The index of a constant string in the factory's constants array (added on first use;
    /// `None` → `-1`, which the factory turns into `null`).
    pub fn const_index(self, s: Option<&'static str>) -> Result<Val> {
        let Some(s) = s else {
            return self.int32(-1);
        };
        let cache = self.env_cache()?;
        let found = unsafe { (*cache).strings.iter().position(|k| *k == s) };
        let i = match found {
            Some(i) => i,
            None => {
                let (r, n) = unsafe { ((*cache).constants, (*cache).strings.len()) };
                if r.is_null() || n >= MAX_INTERNED {
                    return Err(Error::new(Status::GenericFailure, "no room for constant strings"));
                }
                let arr = self.reference_value(r)?;
                // Defined (not assigned), read-only: no setter on a prototype can intercept it.
                self.define_string_at(arr, n, s, sys::PropertyAttributes::enumerable)?;
                unsafe { (*cache).strings.push(s) };
                n
            }
        };
        self.int32(i as i32)
    }

    /// The index of a run-time string in the factory's run-time strings array (`None` → `-1`,
    /// which the factory turns into `null`). A string not in the ring takes a free slot, or
    /// replaces the oldest one when the ring is full (the factory reads the slot during the call
    /// this index is made for, so a later replacement never changes a built object).
    pub fn dynamic_index(self, s: Option<&str>) -> Result<Val> {
        let Some(s) = s else {
            return self.int32(-1);
        };
        let cache = self.env_cache()?;
        let found = unsafe { (*cache).dynamic.iter().position(|k| &**k == s) };
        let i = match found {
            Some(i) => i,
            None => {
                let (r, n, next) = unsafe {
                    ((*cache).dynamic_strings, (*cache).dynamic.len(), (*cache).dynamic_next)
                };
                if r.is_null() {
                    return Err(Error::new(Status::GenericFailure, "no run-time strings array"));
                }
                let slot = if n < MAX_DYNAMIC { n } else { next };
                let arr = self.reference_value(r)?;
                // Defined (not assigned): no setter on a prototype can intercept it. With the
                // attributes of a plain assignment (writable, enumerable, configurable), so the
                // array can keep fast elements and a full ring can replace the slot's value. The
                // array is reachable only from the factory's closure.
                let attrs = sys::PropertyAttributes::enumerable
                    | sys::PropertyAttributes::writable
                    | sys::PropertyAttributes::configurable;
                self.define_string_at(arr, slot, s, attrs)?;
                let c = unsafe { &mut *cache };
                if slot == n {
                    c.dynamic.push(s.into());
                } else {
                    c.dynamic[slot] = s.into();
                    c.dynamic_next = (slot + 1) % MAX_DYNAMIC;
                }
                slot
            }
        };
        self.int32(i as i32)
    }

    /// Define `array[index] = s` as an own data property with `attributes`.
    fn define_string_at(
        self,
        arr: Val,
        index: usize,
        s: &str,
        attributes: sys::napi_property_attributes,
    ) -> Result<()> {
        let desc = sys::napi_property_descriptor {
            utf8name: ptr::null(),
            name: self.string(&index.to_string())?,
            method: None,
            getter: None,
            setter: None,
            value: self.string(s)?,
            attributes,
            data: ptr::null_mut(),
        };
        self.check(
            unsafe { sys::napi_define_properties(self.0, arr, 1, &desc) },
            "define_properties",
        )
    }

    pub fn int32(self, n: i32) -> Result<Val> {
        let mut v = ptr::null_mut();
        self.check(unsafe { sys::napi_create_int32(self.0, n, &mut v) }, "create_int32")?;
        Ok(v)
    }

    pub fn uint32(self, n: u32) -> Result<Val> {
        let mut v = ptr::null_mut();
        self.check(unsafe { sys::napi_create_uint32(self.0, n, &mut v) }, "create_uint32")?;
        Ok(v)
    }

    /// Call `f` with `undefined` as `this`.
    pub fn call(self, f: Val, args: &[Val]) -> Result<Val> {
        self.call_method(self.undefined()?, f, args)
    }

    /// Call `f` with `this` bound to `this` (a method call).
    pub fn call_method(self, this: Val, f: Val, args: &[Val]) -> Result<Val> {
        let mut out = ptr::null_mut();
        self.check(
            unsafe {
                sys::napi_call_function(self.0, this, f, args.len(), args.as_ptr(), &mut out)
            },
            "call_function",
        )?;
        Ok(out)
    }

    /// Read a property by a key that is already a JS value.
    pub fn get_by(self, obj: Val, key: Val) -> Result<Val> {
        let mut v = ptr::null_mut();
        self.check(unsafe { sys::napi_get_property(self.0, obj, key, &mut v) }, "get_property")?;
        Ok(v)
    }
}

/// The checked wrapper over the environment napi-rs passes an export.
pub(crate) fn js_of(env: &Env) -> Js {
    Js(env.raw())
}

/// The native object behind an instance of one of this binding's classes, checked by the class's
/// type tag (so a different class or a plain object is refused, never cast). The reference is
/// only used to clone an `Arc` out before returning to JavaScript.
pub(crate) fn class_ref<'a, T: TypeTag + 'a>(js: Js, v: Val) -> Result<Option<&'a T>> {
    if js.type_of(v)? != sys::ValueType::napi_object {
        return Ok(None);
    }
    let mut tagged = false;
    js.check(
        unsafe { sys::napi_check_object_type_tag(js.0, v, &T::type_tag(), &mut tagged) },
        "check_object_type_tag",
    )?;
    if !tagged {
        return Ok(None);
    }
    let mut data = std::ptr::null_mut();
    if unsafe { sys::napi_unwrap(js.0, v, &mut data) } != sys::Status::napi_ok || data.is_null() {
        return Ok(None);
    }
    Ok(Some(unsafe { &*data.cast::<T>() }))
}
