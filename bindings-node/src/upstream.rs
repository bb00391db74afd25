//! The native half of the `cedar-hitl/upstream` subpath (bindings-node/upstream.js): the
//! upstream Lambda helpers' shapes — snake_case plain rule objects with absent fields left out,
//! and rule-id lookups over such objects (which carry no link to a core rule). Every answer comes
//! from the core; this file only reshapes. Not part of the main export's typings.

use cedar_hitl_core as core;
use napi::Result;
use napi_derive::napi;

/// A rule in the upstream `ParsedRule` shape. `None` members are left out of the object, as
/// upstream leaves them out (not `null`).
#[napi(object, object_from_js = false)]
pub struct UpstreamRule {
    #[napi(js_name = "policy_id")]
    pub policy_id: String,
    #[napi(js_name = "rule_id")]
    pub rule_id: String,
    pub tier: String,
    pub severity: Option<String>,
    #[napi(js_name = "approval_timeout_s")]
    pub approval_timeout_s: Option<u32>,
    pub category: Option<String>,
    pub summary: String,
}

/// What a rule-id lookup reads of an upstream rule object (other members are ignored).
#[napi(object, object_to_js = false)]
pub struct UpstreamRuleIds {
    #[napi(js_name = "policy_id")]
    pub policy_id: Option<String>,
    #[napi(js_name = "rule_id")]
    pub rule_id: String,
}

fn pairs(rules: Vec<UpstreamRuleIds>) -> Vec<(String, String)> {
    rules.into_iter().map(|r| (r.policy_id.unwrap_or_default(), r.rule_id)).collect()
}

/// `parseRules` in the upstream shape. Errors are the main export's `POLICY_LOAD` errors; the
/// JavaScript wrapper turns them into `CedarPolicyParseError`.
#[napi(catch_unwind, js_name = "__upstreamParseRules", skip_typescript)]
pub fn upstream_parse_rules(
    env: napi::bindgen_prelude::Env,
    text: String,
) -> Result<Vec<UpstreamRule>> {
    let js = crate::js::js_of(&env);
    let rules = core::parse_rules(&text).map_err(|e| crate::errors::load(js, &e))?;
    Ok(rules
        .iter()
        .map(|r| UpstreamRule {
            policy_id: r.policy_id().to_owned(),
            rule_id: r.rule_id().to_owned(),
            // parse_rules refuses a rule without a tier; "soft" is never reached.
            tier: r.tier().map_or("soft", core::Tier::as_str).to_owned(),
            severity: r.severity().map(|s| s.as_str().to_owned()),
            approval_timeout_s: r.approval_timeout_s(),
            category: r.category().map(str::to_owned),
            summary: r.summary().to_owned(),
        })
        .collect())
}

/// `isValidRuleId` over upstream rule objects.
#[napi(catch_unwind, js_name = "__upstreamIsValidRuleId", skip_typescript)]
pub fn upstream_is_valid_rule_id(rules: Vec<UpstreamRuleIds>, rule_id: String) -> bool {
    core::is_valid_rule_id(&pairs(rules), &rule_id)
}

/// `matchingRuleIds` over upstream rule objects.
#[napi(catch_unwind, js_name = "__upstreamMatchingRuleIds", skip_typescript)]
pub fn upstream_matching_rule_ids(
    rules: Vec<UpstreamRuleIds>,
    policy_ids: Vec<String>,
) -> Vec<String> {
    core::matching_rule_ids(&pairs(rules), &policy_ids)
}

/// The secret kinds the deny-reason scanner redacts, in scan order (upstream's
/// `DENY_REASON_SECRET_NAMES`).
#[napi(catch_unwind, js_name = "__upstreamSecretNames", skip_typescript)]
pub fn upstream_secret_names() -> Vec<&'static str> {
    core::SecretKind::all().iter().map(|k| k.label()).collect()
}

/// The scope prefixes (`tool_type:` …), as upstream's `VALID_APPROVAL_SCOPE_PREFIXES`.
#[napi(catch_unwind, js_name = "__upstreamScopePrefixes", skip_typescript)]
pub fn upstream_scope_prefixes() -> Vec<&'static str> {
    core::SCOPE_PREFIXES.to_vec()
}
