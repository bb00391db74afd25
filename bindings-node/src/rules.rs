//! Rules as JavaScript sees them: plain rule objects with a hidden, type-tagged link to the core
//! rule, and the rule-text functions over them (docs/behaviour.md#rule-listing) — each one call
//! into the core.

use crate::args::Surrogates;
use crate::errors;
use crate::js::{Js, Raw, Val, js_of};
use crate::records::Rule;
use cedar_hitl_core as core;
use napi::bindgen_prelude::{Env, Unknown};
use napi::{JsValue, Result, sys};
use napi_derive::napi;

// ---------------------------------------------------------------------------------------------
// Rule objects: plain JS objects with a hidden, type-tagged link to the core rule
// ---------------------------------------------------------------------------------------------

const RULE_TAG: sys::napi_type_tag =
    sys::napi_type_tag { lower: 0x6365_6461_722d_6869, upper: 0x746c_2d72_756c_6501 };

unsafe extern "C" fn drop_rule(
    _env: sys::napi_env,
    data: *mut std::ffi::c_void,
    _hint: *mut std::ffi::c_void,
) {
    if !data.is_null() {
        drop(unsafe { Box::from_raw(data.cast::<core::Rule>()) });
    }
}

fn rule_object(js: Js, rule: &core::Rule) -> Result<Val> {
    let obj = unsafe {
        <Rule as napi::bindgen_prelude::ToNapiValue>::to_napi_value(
            js.0,
            Rule::from(core::RuleRecord::from(rule)),
        )?
    };
    js.check(unsafe { sys::napi_type_tag_object(js.0, obj, &RULE_TAG) }, "type_tag_object")?;
    let raw = Box::into_raw(Box::new(rule.clone()));
    let status = unsafe {
        sys::napi_wrap(
            js.0,
            obj,
            raw.cast(),
            Some(drop_rule),
            std::ptr::null_mut(),
            std::ptr::null_mut(),
        )
    };
    if status != sys::Status::napi_ok {
        drop(unsafe { Box::from_raw(raw) });
        js.check(status, "wrap")?;
    }
    Ok(obj)
}

pub(crate) fn rules_array<'a>(
    js: Js,
    rules: impl IntoIterator<Item = &'a core::Rule>,
) -> Result<Raw> {
    let objs = rules.into_iter().map(|r| rule_object(js, r)).collect::<Result<Vec<_>>>()?;
    Ok(Raw(js.array_of(&objs)?))
}

/// The core rules behind an array of rule objects from `parseRules` / `PolicyBundle.rules()`.
fn rules_arg(js: Js, v: Val, field: &str) -> Result<Vec<core::Rule>> {
    if !(js.type_of(v)? == sys::ValueType::napi_object && js.is_array(v)?) {
        return Err(errors::config_msg(
            js,
            field,
            &format!(
                "{field} must be an array of rules from parseRules() or PolicyBundle.rules(), got {}",
                js.type_name(v)
            ),
        ));
    }
    let n = js.array_len(v)?;
    let mut out = Vec::with_capacity(n as usize);
    for i in 0..n {
        let item = js.element(v, i)?;
        let mut tagged = false;
        if js.type_of(item)? == sys::ValueType::napi_object {
            js.check(
                unsafe { sys::napi_check_object_type_tag(js.0, item, &RULE_TAG, &mut tagged) },
                "check_object_type_tag",
            )?;
        }
        let mut data = std::ptr::null_mut();
        if !tagged
            || unsafe { sys::napi_unwrap(js.0, item, &mut data) } != sys::Status::napi_ok
            || data.is_null()
        {
            return Err(errors::config_msg(
                js,
                &format!("{field}[{i}]"),
                &format!(
                    "{field}[{i}] is not a rule object from parseRules() or PolicyBundle.rules() (copies such as {{...rule}} or JSON.parse output lose the link to the parsed rule)"
                ),
            ));
        }
        out.push(unsafe { &*data.cast::<core::Rule>() }.clone());
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Rule-text functions
// ---------------------------------------------------------------------------------------------

/// Parse policy text into rule metadata (blank text → `[]`). Throws `POLICY_LOAD`.
#[napi(catch_unwind, ts_args_type = "text: string", ts_return_type = "Rule[]")]
pub fn parse_rules(env: Env, text: Unknown<'_>) -> Result<Raw> {
    let js = js_of(&env);
    let text = js.str_arg(text.raw(), "text", Surrogates::Refuse)?;
    let rules = core::parse_rules(&text).map_err(|e| errors::load(js, &e))?;
    rules_array(js, &rules)
}

/// Map positional policy ids (`policy3`) to rule ids, keeping input order, dropping unknown ids.
#[napi(catch_unwind, ts_args_type = "rules: readonly Rule[], policyIds: readonly string[]")]
pub fn matching_rule_ids(
    env: Env,
    rules: Unknown<'_>,
    policy_ids: Unknown<'_>,
) -> Result<Vec<String>> {
    let js = js_of(&env);
    let rules = rules_arg(js, rules.raw(), "rules")?;
    let ids = js.str_list_arg(policy_ids.raw(), "policy_ids")?;
    Ok(core::matching_rule_ids(&rules, &ids))
}

/// Whether `text` holds a hard rule with this id (`false` when the text does not parse).
#[napi(catch_unwind, ts_args_type = "text: string, ruleId: string")]
pub fn is_hard_deny_rule(env: Env, text: Unknown<'_>, rule_id: Unknown<'_>) -> Result<bool> {
    let js = js_of(&env);
    let text = js.str_arg(text.raw(), "text", Surrogates::Refuse)?;
    let id = js.str_arg(rule_id.raw(), "rule_id", Surrogates::Refuse)?;
    Ok(core::is_hard_deny_rule(&text, &id))
}

/// Whether any rule (either tier) has this id.
#[napi(catch_unwind, ts_args_type = "rules: readonly Rule[], ruleId: string")]
pub fn is_valid_rule_id(env: Env, rules: Unknown<'_>, rule_id: Unknown<'_>) -> Result<bool> {
    let js = js_of(&env);
    let rules = rules_arg(js, rules.raw(), "rules")?;
    let id = js.str_arg(rule_id.raw(), "rule_id", Surrogates::Refuse)?;
    Ok(core::is_valid_rule_id(&rules, &id))
}

/// Whether a rule id is well formed (`^[A-Za-z0-9_.-]{1,128}$`).
#[napi(catch_unwind, ts_args_type = "ruleId: string")]
pub fn is_well_formed_rule_id(env: Env, rule_id: Unknown<'_>) -> Result<bool> {
    let js = js_of(&env);
    Ok(core::is_well_formed_rule_id(&js.str_arg(rule_id.raw(), "rule_id", Surrogates::Refuse)?))
}

/// The built-in text, a newline and the blueprint text; or whichever of the two is non-blank.
#[napi(catch_unwind, ts_args_type = "builtin: string, blueprint: string")]
pub fn concat_policies(env: Env, builtin: Unknown<'_>, blueprint: Unknown<'_>) -> Result<String> {
    let js = js_of(&env);
    let a = js.opt_str_arg(builtin.raw(), "builtin", Surrogates::Refuse)?.unwrap_or_default();
    let b = js.opt_str_arg(blueprint.raw(), "blueprint", Surrogates::Refuse)?.unwrap_or_default();
    Ok(core::concat_policies(&a, &b))
}
