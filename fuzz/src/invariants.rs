//! The invariant checks shared by every target. Each panics with a message naming the violated
//! property and the offending value, so a libFuzzer crash and a failing replay test read the same.

use cedar_hitl_core::{
    Decision, FailClosedCause, Outcome, PolicyBundle, Session, Tier, constants,
    is_well_formed_rule_id,
};

/// A character no agent- or human-facing text may contain (docs/text.md): every C0 control except
/// tab and newline, DEL, every C1 control (ESC is a C0 control, so it is covered) and every
/// invisible format character.
pub fn is_forbidden_control(c: char) -> bool {
    (c < ' ' && c != '\t' && c != '\n')
        || ('\u{7f}'..='\u{9f}').contains(&c)
        || cedar_hitl_core::is_invisible(c)
}

/// Panics if `text` (produced by `what`) holds a forbidden control character.
#[track_caller]
pub fn assert_clean(what: &str, text: &str) {
    if let Some((i, c)) = text.char_indices().find(|&(_, c)| is_forbidden_control(c)) {
        panic!("{what}: output holds control character U+{:04X} at byte {i}: {text:?}", c as u32);
    }
}

/// Panics unless `text` has at most `max` characters.
#[track_caller]
pub fn assert_max_chars(what: &str, text: &str, max: usize) {
    let n = text.chars().count();
    assert!(n <= max, "{what}: {n} characters, cap is {max}: {text:?}");
}

/// Every rule id `d` names belongs to `bundle` and is well formed.
fn ids_known(bundle: &PolicyBundle, d: &Decision) -> bool {
    let rules = bundle.rules();
    d.matching_rule_ids()
        .iter()
        .all(|id| is_well_formed_rule_id(id) && rules.iter().any(|r| r.rule_id() == id))
}

/// The shape every decision must have (docs/behaviour.md#decision-record, docs/behaviour.md#pipeline, docs/behaviour.md#differences-from-upstream), given the session that
/// made it. Also refuses `internal_error`: that cause means the engine panicked inside
/// `evaluate` (the panic was caught and turned into a fail-closed DENY).
#[track_caller]
pub fn assert_well_formed(session: &Session, d: &Decision) {
    let bundle = session.bundle();
    let default_timeout = session.config().task_default_timeout_s;
    let ids = d.matching_rule_ids().join(", ");
    let ok: Result<(), &str> = (|| {
        if d.reason().is_empty() {
            return Err("empty reason");
        }
        if !ids_known(bundle, d) {
            return Err("a matching rule id is malformed or not in the bundle");
        }
        if d.tier().is_some() == d.matching_rule_ids().is_empty() {
            return Err("tier is set iff matching_rule_ids is non-empty");
        }
        match d.outcome() {
            Outcome::Allow => {
                if d.is_fail_closed()
                    || d.timeout_s().is_some()
                    || d.severity().is_some()
                    || d.cache_hit().is_some()
                {
                    return Err("ALLOW with fail_closed / timeout / severity / cache_hit");
                }
                match d.tier() {
                    None if [
                        "permitted",
                        "Pre-approved by allowlist",
                        "permitted (all matching soft-deny rules disabled by blueprint)",
                    ]
                    .contains(&d.reason()) => {}
                    Some(Tier::Soft) if d.reason() == format!("Allowlist rule: {ids}") => {}
                    _ => return Err("ALLOW reason not in the catalogue"),
                }
            }
            Outcome::RequireApproval => {
                let t = d.timeout_s().ok_or("REQUIRE_APPROVAL without timeout")?;
                if !(30..=3600).contains(&t) {
                    return Err("REQUIRE_APPROVAL timeout outside [30, 3600]");
                }
                if i64::from(t) > default_timeout.max(30) {
                    return Err(
                        "REQUIRE_APPROVAL timeout above the task default (annotations only shorten it)",
                    );
                }
                if d.severity().is_none() || d.is_fail_closed() || d.cache_hit().is_some() {
                    return Err(
                        "REQUIRE_APPROVAL without severity, or fail_closed / cache_hit set",
                    );
                }
                if d.tier() != Some(Tier::Soft) {
                    return Err("REQUIRE_APPROVAL not from the soft tier");
                }
                if d.reason() != format!("Soft-deny: {ids}") {
                    return Err("REQUIRE_APPROVAL reason is not 'Soft-deny: <ids>'");
                }
            }
            Outcome::Deny => match d.fail_closed() {
                Some(f) => {
                    if d.reason() != format!("fail-closed: {}", f.cause.as_str()) {
                        return Err("fail-closed reason is not 'fail-closed: <cause>'");
                    }
                    if f.cause == FailClosedCause::InternalError {
                        return Err(
                            "internal_error: the engine panicked (or a lock was poisoned) inside evaluate",
                        );
                    }
                    if d.tier().is_some()
                        || d.timeout_s().is_some()
                        || d.severity().is_some()
                        || d.cache_hit().is_some()
                    {
                        return Err("fail-closed DENY carries rule facts");
                    }
                }
                None => {
                    if d.timeout_s().is_some() || d.severity().is_some() {
                        return Err("DENY with timeout / severity");
                    }
                    match (d.tier(), d.cache_hit()) {
                        (Some(Tier::Hard), None) if d.reason() == format!("Hard-deny: {ids}") => {}
                        (None, Some(h))
                            if d.reason()
                                .starts_with(&format!("Recent {} within ", h.cached_decision))
                                && h.matched_rule_ids.is_none() => {}
                        (Some(Tier::Soft), Some(h))
                            if d.reason().starts_with("Recent DENIED on rule")
                                && h.matched_rule_ids.as_deref() == Some(d.matching_rule_ids()) => {
                        }
                        _ => {
                            return Err(
                                "DENY is neither fail-closed, hard, nor a cache hit of the right shape",
                            );
                        }
                    }
                    if let Some(h) = d.cache_hit() {
                        if h.tool_input_sha256.len() != 64
                            || !h.tool_input_sha256.bytes().all(|b| b.is_ascii_hexdigit())
                        {
                            return Err("cache hit with a malformed tool_input_sha256");
                        }
                    }
                }
            },
        }
        Ok(())
    })();
    if let Err(what) = ok {
        panic!("malformed decision ({what}): {d:?}");
    }
}

/// Both caches stay within `cache_max_entries`.
#[track_caller]
pub fn assert_caches_bounded(session: &Session) {
    let max = constants().cache_max_entries;
    let (i, r) = (session.input_cache_len(), session.rule_cache_len());
    assert!(i <= max && r <= max, "cache over capacity: input {i}, rule {r}, max {max}");
}
