//! Raw Cedar evaluation for the cross-language parity fixtures (`contracts/cedar-parity/`):
//! one policy-set text and one request, evaluated without tiers, schema or pipeline.

use crate::JsonValue;
use cedar_policy::{
    Authorizer, Context, Decision as CedarDecision, Entities, EntityId, EntityTypeName, EntityUid,
    PolicySet, Request, RestrictedExpression,
};
use std::str::FromStr;

/// An entity reference in a fixture: type name and id.
///
/// ```
/// let e = cedar_hitl_core::cedar_parity::EntityRef { entity_type: "Agent::Tool".into(), id: "Read".into() };
/// ```
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct EntityRef {
    /// Cedar entity type, e.g. `Agent::TaskAgent`.
    #[serde(rename = "type")]
    pub entity_type: String,
    /// The id, any string (built structurally, never interpolated).
    pub id: String,
}

/// What Cedar decided: one of the output records (`cedar_hitl_core::records!`).
pub use crate::wire::ParityResult;

fn uid(e: &EntityRef) -> Result<EntityUid, String> {
    let ty = EntityTypeName::from_str(&e.entity_type)
        .map_err(|err| format!("bad entity type '{}': {err}", e.entity_type))?;
    Ok(EntityUid::from_type_name_and_id(ty, EntityId::new(&e.id)))
}

fn restricted(v: &JsonValue) -> Result<RestrictedExpression, String> {
    Ok(match v {
        JsonValue::String(s) => RestrictedExpression::new_string(s.clone()),
        JsonValue::Bool(b) => RestrictedExpression::new_bool(*b),
        JsonValue::Integer(i) => RestrictedExpression::new_long(*i),
        JsonValue::Array(items) => RestrictedExpression::new_set(
            items.iter().map(restricted).collect::<Result<Vec<_>, _>>()?,
        ),
        JsonValue::Object(members) => RestrictedExpression::new_record(
            members
                .iter()
                .map(|(k, v)| Ok((k.clone(), restricted(v)?)))
                .collect::<Result<Vec<_>, String>>()?,
        )
        .map_err(|e| e.to_string())?,
        other => return Err(format!("Cedar contexts cannot hold a {}", other.kind())),
    })
}

/// Evaluate one request against `policies`. A determining policy without `@rule_id` is an error
/// (fixtures must name every policy).
///
/// ```
/// use cedar_hitl_core::cedar_parity::{evaluate, EntityRef};
/// let e = |t: &str, i: &str| EntityRef { entity_type: t.into(), id: i.into() };
/// assert!(evaluate("permit (", &e("A", "a"), &e("A", "b"), &e("A", "c"), &cedar_hitl_core::JsonValue::Null).is_err());
/// ```
pub fn evaluate(
    policies: &str,
    principal: &EntityRef,
    action: &EntityRef,
    resource: &EntityRef,
    context: &JsonValue,
) -> Result<ParityResult, String> {
    let set = PolicySet::from_str(policies).map_err(|e| format!("policy parse failed: {e}"))?;
    let pairs = match context {
        JsonValue::Object(members) => members
            .iter()
            .map(|(k, v)| Ok((k.clone(), restricted(v)?)))
            .collect::<Result<Vec<_>, String>>()?,
        JsonValue::Null => Vec::new(),
        other => return Err(format!("context must be an object, got {}", other.kind())),
    };
    let context = Context::from_pairs(pairs).map_err(|e| e.to_string())?;
    let request = Request::new(uid(principal)?, uid(action)?, uid(resource)?, context, None)
        .map_err(|e| e.to_string())?;
    let response = Authorizer::new().is_authorized(&request, &set, &Entities::empty());
    let mut ids = Vec::new();
    for pid in response.diagnostics().reason() {
        let id = set
            .policy(pid)
            .and_then(|p| p.annotation("rule_id"))
            .ok_or_else(|| format!("determining policy {pid} has no @rule_id"))?;
        ids.push(id.to_owned());
    }
    ids.sort();
    let errors = response.diagnostics().errors().next().is_some();
    let decision = if response.decision() == CedarDecision::Allow { "allow" } else { "deny" };
    Ok(ParityResult { decision: decision.into(), matching_rule_ids: ids, errors })
}
