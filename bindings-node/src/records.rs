//! The plain JavaScript objects the binding returns (`#[napi(object)]` records; the TypeScript
//! interfaces are generated from these structs) and their conversions from the core's types,
//! including the fast-path `Decision` object.

use crate::js::{Js, Val};
use cedar_hitl_core as core;
use core::wire::Wire;
use napi::Result;
use napi_derive::napi;

// ---------------------------------------------------------------------------------------------
// Output objects (plain JS objects; TypeScript interfaces are generated from these structs)
// ---------------------------------------------------------------------------------------------

/// The core's records (`cedar_hitl_core::records!`) as `#[napi(object)]` structs: fields of the
/// core's boundary type (`Wire::Out`), TypeScript types as the core writes them, and a `From`
/// that destructures the core struct completely (a new core field fails this build).
macro_rules! node_records {
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
        // Fields written as `Option<…>` here are keys napi leaves out when `None` (an optional
        // TypeScript key); the others are always set, `null` when absent.
        #[napi(object, object_from_js = false)]
        pub struct $binding {
            $($(#[doc = $fdoc])* #[napi(ts_type = $ts)] pub $field: <$ty as Wire>::Out,)*
            $($($(#[doc = $ldoc])* #[napi(ts_type = $lts)] pub $lfield: Vec<$lbind>,)*)?
            $($($(#[doc = $odoc])* #[napi(ts_type = $ots)] pub $ofield: Option<<$oty as Wire>::Out>,)*)?
        }

        impl From<core::$name> for $binding {
            fn from(value: core::$name) -> Self {
                let core::$name { $($field,)* $($($lfield,)*)? $($($ofield,)*)? } = value;
                Self {
                    $($field: $field.wire(),)*
                    $($($lfield: $lfield.into_iter().map($lbind::from).collect(),)*)?
                    $($($ofield: $ofield.wire(),)*)?
                }
            }
        }

        node_options!($($takes)? ; $name ; $($field : $ty),* ; $($($ofield : $oty),*)?);
    )*};
}

/// A `takes options` record read from a JS options object: one arm per field, each read as its
/// type is read (`args::FromJs`). Other records: nothing.
macro_rules! node_options {
    (; $($rest:tt)*) => {};
    (options ; $name:ident ; $($field:ident : $ty:ty),* ; $($ofield:ident : $oty:ty),*) => {
        impl crate::args::OptionRecord for core::$name {
            const FIELDS: &'static [&'static str] =
                &[$(stringify!($field),)* $(stringify!($ofield),)*];
            fn set_field(&mut self, js: Js, field: &str, label: &str, v: Val) -> Result<bool> {
                match field {
                    $(stringify!($field) => {
                        self.$field = <$ty as crate::args::FromJs>::from_js(js, v, label)?
                    })*
                    // An option that may be absent: `null` leaves it absent (the default).
                    $(stringify!($ofield) => {
                        self.$ofield = <Option<$oty> as crate::args::FromJs>::from_js(js, v, label)?
                    })*
                    _ => return Ok(false),
                }
                Ok(true)
            }
        }
    };
}
core::records!(node_records);

/// A record's field names (`record_fields()`, snake_case).
pub(crate) fn record_field_names(record: &str) -> &'static [&'static str] {
    core::record_fields().iter().find(|(name, _)| *name == record).map_or(&[], |(_, f)| f)
}

/// A record's keys as its JS object spells them (camelCase of `record_fields()`).
pub(crate) fn record_keys(record: &str) -> Vec<String> {
    record_field_names(record).iter().map(|f| camel_case(f)).collect()
}

pub(crate) fn u64_to_i64(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

// ---------------------------------------------------------------------------------------------
// Decision: derived from the core's field list (`cedar_hitl_core::decision_fields!`)
// ---------------------------------------------------------------------------------------------

/// A decision field's form on the `Decision` interface (the owned core type → its JS form).
pub trait NodeField {
    /// The JS form.
    type Js;
    /// Convert.
    fn js(self) -> Self::Js;
}

macro_rules! node_field_via_wire {
    ($($t:ty),*) => {$(
        impl NodeField for $t {
            type Js = <$t as Wire>::Out;
            fn js(self) -> Self::Js { self.wire() }
        }
    )*};
}
node_field_via_wire!(
    String,
    bool,
    u32,
    f64,
    core::Outcome,
    core::Tier,
    core::Severity,
    core::FailClosedCause
);

impl NodeField for core::CacheHit {
    type Js = CacheHit;
    fn js(self) -> CacheHit {
        self.into()
    }
}

impl<T: NodeField> NodeField for Option<T> {
    type Js = Option<T::Js>;
    fn js(self) -> Self::Js {
        self.map(T::js)
    }
}

impl<T: NodeField> NodeField for Vec<T> {
    type Js = Vec<T::Js>;
    fn js(self) -> Self::Js {
        self.into_iter().map(T::js).collect()
    }
}

/// How the decision factory receives a field: the value itself, or an index into its constants
/// array `K` (enum strings) or run-time strings array `D` (the bundle's fingerprint), `-1` for
/// `null`. Interned strings spare V8 a new string per decision.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum FactoryArg {
    Value,
    Constant,
    Shared,
}

/// A field read from a `&core::Decision` (the core list's accessor), as a factory argument.
trait FastField {
    const ARG: FactoryArg;
    fn val(self, js: Js) -> Result<Val>;
}

macro_rules! fast_enum {
    ($($t:ty),*) => {$(
        impl FastField for $t {
            const ARG: FactoryArg = FactoryArg::Constant;
            fn val(self, js: Js) -> Result<Val> { js.const_index(Some(self.as_str())) }
        }
        impl FastField for Option<$t> {
            const ARG: FactoryArg = FactoryArg::Constant;
            fn val(self, js: Js) -> Result<Val> { js.const_index(self.map(<$t>::as_str)) }
        }
    )*};
}
fast_enum!(core::Outcome, core::Tier, core::Severity, core::FailClosedCause);

impl FastField for bool {
    const ARG: FactoryArg = FactoryArg::Value;
    fn val(self, js: Js) -> Result<Val> {
        js.boolean(self)
    }
}

impl FastField for f64 {
    const ARG: FactoryArg = FactoryArg::Value;
    fn val(self, js: Js) -> Result<Val> {
        js.number(self)
    }
}

impl FastField for Option<u32> {
    const ARG: FactoryArg = FactoryArg::Value;
    fn val(self, js: Js) -> Result<Val> {
        match self {
            Some(n) => js.uint32(n),
            None => js.null(),
        }
    }
}

impl FastField for &str {
    const ARG: FactoryArg = FactoryArg::Value;
    fn val(self, js: Js) -> Result<Val> {
        js.string(self)
    }
}

impl FastField for Option<&str> {
    const ARG: FactoryArg = FactoryArg::Value;
    fn val(self, js: Js) -> Result<Val> {
        js.opt_string(self)
    }
}

impl FastField for &[String] {
    const ARG: FactoryArg = FactoryArg::Value;
    fn val(self, js: Js) -> Result<Val> {
        js.string_array(self)
    }
}

impl FastField for Option<&[String]> {
    const ARG: FactoryArg = FactoryArg::Value;
    fn val(self, js: Js) -> Result<Val> {
        match self {
            Some(ids) => js.string_array(ids),
            None => js.null(),
        }
    }
}

impl FastField for Option<&core::CacheHit> {
    const ARG: FactoryArg = FactoryArg::Value;
    fn val(self, js: Js) -> Result<Val> {
        match self {
            Some(h) => unsafe {
                napi::bindgen_prelude::ToNapiValue::to_napi_value(js.0, CacheHit::from(h.clone()))
            },
            None => js.null(),
        }
    }
}

impl FastField for Option<&std::sync::Arc<str>> {
    const ARG: FactoryArg = FactoryArg::Shared;
    fn val(self, js: Js) -> Result<Val> {
        js.dynamic_index(self.map(|s| &**s))
    }
}

fn fast_arg<T: FastField>(js: Js, v: T) -> Result<(Val, FactoryArg)> {
    Ok((v.val(js)?, T::ARG))
}

/// The factory's source: `(K, D) => (a0, a1, …) => ({ outcome: K[a0], … })`, one argument per
/// field, keys in the core's order and spelled as napi spells them (camelCase). An object literal
/// lets V8 allocate the object with a ready-made shape instead of adding each property through
/// N-API.
fn factory_source(names: &[&str], args: &[FactoryArg]) -> String {
    let params: Vec<String> = (0..names.len()).map(|i| format!("a{i}")).collect();
    let props: Vec<String> = names
        .iter()
        .zip(args)
        .enumerate()
        .map(|(i, (name, arg))| {
            let value = match arg {
                FactoryArg::Value => format!("a{i}"),
                FactoryArg::Constant => format!("a{i} < 0 ? null : K[a{i}]"),
                FactoryArg::Shared => format!("a{i} < 0 ? null : D[a{i}]"),
            };
            format!("{}: {value}", camel_case(name))
        })
        .collect();
    format!(
        "(function (K, D) {{\n  'use strict';\n  return function ({}) {{\n    return {{ {} }};\n  }};\n}})",
        params.join(", "),
        props.join(", ")
    )
}

pub(crate) fn camel_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut upper = false;
    for c in name.chars() {
        match c {
            '_' => upper = true,
            c if upper => {
                out.push(c.to_ascii_uppercase());
                upper = false;
            }
            c => out.push(c),
        }
    }
    out
}

/// The decision list's Node side: the `Decision` interface (a `#[napi(object)]` struct, so
/// `index.d.ts` is generated from the list), its conversion from the core, and the fast path.
macro_rules! node_decision {
    ($($(#[doc = $doc:literal])* $field:ident : $ty:ty => $ts:literal = |$d:ident| $get:expr),* $(,)?) => {
        /// One decision of the engine.
        #[napi(object, object_from_js = false, use_nullable = true)]
        pub struct Decision {
            $($(#[doc = $doc])* #[napi(ts_type = $ts)] pub $field: <$ty as NodeField>::Js,)*
        }

        impl From<core::DecisionRecord> for Decision {
            fn from(value: core::DecisionRecord) -> Self {
                let core::DecisionRecord { $($field),* } = value;
                Self { $($field: $field.js()),* }
            }
        }

        /// A decision as a JS object: built by the env's object-literal factory with interned
        /// constant strings (fast path), or by the generated `Decision` conversion if that
        /// fails.
        pub(crate) fn decision_value(js: Js, d: &core::Decision) -> Result<Val> {
            let fast = || -> Result<Option<Val>> {
                let args = [$(fast_arg(js, { let $d = d; $get })?),*];
                let Some(factory) = js.decision_factory(|| {
                    factory_source(&[$(stringify!($field)),*], &args.map(|(_, a)| a))
                })?
                else {
                    return Ok(None);
                };
                js.call(factory, &args.map(|(v, _)| v)).map(Some)
            };
            match fast() {
                Ok(Some(v)) => return Ok(v),
                Ok(None) => {}
                Err(_) => {
                    if js.exception_pending() {
                        js.clear_exception();
                    }
                }
            }
            let record = Decision::from(core::DecisionRecord::from(d));
            unsafe { napi::bindgen_prelude::ToNapiValue::to_napi_value(js.0, record) }
        }
    };
}
core::decision_fields!(node_decision);
