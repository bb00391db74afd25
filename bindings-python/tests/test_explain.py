"""Explain, policy fingerprints and shadow bundles (docs/explain.md), native and façade.

The contract fixtures (contracts/decisions/explain.json) pin the structure of each explanation;
these tests pin the binding's API around it: the explained decision is the decision `evaluate`
makes, every decision carries its bundle's fingerprint, and a shadow bundle is reported, never
enforced.
"""

from __future__ import annotations

import pickle
import re
from typing import Any, Callable, Mapping

import pytest

import cedar_hitl as ch
from cedar_hitl import ManualClock, Outcome, PolicyBundle, PolicyDecision, PolicyEngine, Session

from conftest import FIXTURE_EPOCH_UNIX_S

Setup = Callable[[Session], None]


def no_setup(s: Session) -> None:
    pass


def seed_cache(s: Session) -> None:
    s.record_input_decision("Write", ch.tool_input_sha256({"file_path": "a.txt"}), "DENIED", "no")


# name, session settings, setup, call, outcome, a line explain_text must contain
CASES: list[tuple[str, dict[str, Any], Setup, tuple[Any, Any], str, str]] = [
    ("hard-deny", {}, no_setup, ("Bash", {"command": "sudo rm -fr /"}), "deny", "hard execute_bash `sudo rm -fr /` → rm_slash"),
    ("soft-gate", {}, no_setup, ("Bash", {"command": "git push -f origin HEAD:main"}), "require_approval",
     "soft execute_bash `git push -f origin HEAD:main` → force_push_any, force_push_main"),
    ("scope-allow", {"initial_approvals": ["bash_pattern:git status*"]}, no_setup, ("Bash", {"command": "git status && git status -sb"}), "allow",
     "tool scopes [bash_pattern:git status*]: pre-approved"),
    ("cache-hit", {}, seed_cache, ("Write", {"file_path": "a.txt"}), "deny", "input cache: hit"),
    ("fail-closed", {}, no_setup, ("Bash", {"cmd": "rm -rf /"}), "deny", "input checks failed"),
    ("fail-closed-not-an-object", {}, no_setup, ("Read", "not an object"), "deny", "input checks failed"),
    ("fail-closed-tool-name", {}, no_setup, (7, {"command": "ls"}), "deny", "DENY: fail-closed: invalid_tool_input"),
    ("fail-closed-unhashable", {}, no_setup, ("Bash", {"command": {1, 2}}), "deny", "DENY: fail-closed: unhashable_tool_input"),
]


def fresh(settings: dict[str, Any], setup: Setup, bundle: PolicyBundle) -> Session:
    s = Session(bundle, clock=ManualClock(FIXTURE_EPOCH_UNIX_S), repo="o/r", **settings)
    setup(s)
    return s


def without_duration(d: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in d.items() if k != "duration_ms"}


@pytest.mark.parametrize("name, settings, setup, call, outcome, line", CASES, ids=[c[0] for c in CASES])
def test_explain_decides_as_evaluate_does(name: str, settings: dict[str, Any], setup: Setup, call: tuple[Any, Any], outcome: str, line: str) -> None:
    bundle = PolicyBundle()
    e = fresh(settings, setup, bundle).explain(*call)
    assert set(e) == {"decision", "command", "path", "steps"}
    d = fresh(settings, setup, bundle).evaluate(*call)  # a second session, in the same state
    assert e["decision"]["outcome"] == d.outcome == outcome
    # The whole decision, not only the outcome: explain's dict has evaluate's to_dict() shape.
    assert without_duration(e["decision"]) == without_duration(d.to_dict())
    assert e["decision"]["policy_fingerprint"] == bundle.fingerprint
    assert e["steps"] and e["steps"][0]["step"] == "input_checks"
    text = fresh(settings, setup, bundle).explain_text(*call)
    assert text.startswith(f"{outcome.upper()}: {d.reason}\n") and line in text, text


def test_explain_reports_the_parse_and_the_path_facts() -> None:
    s = Session()
    shell = s.explain("Bash", {"command": "sudo rm -fr /"})
    assert shell["path"] is None and shell["command"] == ch.parse_command("sudo rm -fr /")
    assert [st["matched"] for st in shell["steps"] if st["step"] == "cedar_evaluation"] == [[], ["rm_slash"], []]
    write = s.explain("Write", {"file_path": "app/.env.local"})
    assert write["command"] is None and write["path"] is not None and "dotenv" in write["path"]["classes"] and write["decision"]["outcome"] == "require_approval"
    merge = [st for st in write["steps"] if st["step"] == "merge"]
    assert merge and merge[0]["timeout_s"] == write["decision"]["timeout_s"] and merge[0]["task_default_timeout_s"] == 300
    other = s.explain("Read", {"file_path": "x"})
    assert (other["command"], other["path"], other["steps"][0]) == (None, None, {"step": "input_checks", "passed": True, "classification": "other"})


def test_facade_explain_matches_evaluate_tool_use() -> None:
    call = ("Bash", {"command": "git push --force origin main"})
    a, b = PolicyEngine("new_task", "o/r"), PolicyEngine("new_task", "o/r")
    e = a.explain(*call)
    d = b.evaluate_tool_use(*call)
    assert e["decision"]["outcome"] == d.outcome.value and tuple(e["decision"]["matching_rule_ids"]) == d.matching_rule_ids
    assert e["decision"]["policy_fingerprint"] == d.policy_fingerprint == a.bundle.fingerprint
    assert "merge [force_push_any, force_push_main]: timeout 300s" in a.explain_text(*call)


# --------------------------------------------------------------------------------------------
# Fingerprints
# --------------------------------------------------------------------------------------------


def test_bundle_fingerprint() -> None:
    f = PolicyBundle.builtin().fingerprint
    assert re.fullmatch(r"[0-9a-f]{64}", f)
    assert PolicyBundle().fingerprint == f == PolicyBundle(builtins="hardened").fingerprint
    assert PolicyBundle(builtins="upstream").fingerprint != f
    assert PolicyBundle(disable=["write_credentials"]).fingerprint != f
    soft = '@tier("soft") @rule_id("x")\nforbid (principal, action, resource) when { context.read_only };'
    same = '// same rule\n@tier("soft")   @rule_id("x") forbid(principal,action,resource) when {context.read_only};'
    assert PolicyBundle(blueprint_soft=soft).fingerprint == PolicyBundle(blueprint_soft=same).fingerprint != f


def test_every_decision_carries_its_bundle_fingerprint(clock: ManualClock) -> None:
    bundle = PolicyBundle(builtins="upstream")
    s = Session(bundle, clock=clock)
    for call in [("Read", {}), ("Bash", {"command": "rm -rf /"}), ("Write", {"file_path": 7}), (None, {})]:
        d = s.evaluate(*call)  # type: ignore[arg-type]
        assert d.policy_fingerprint == d.to_dict()["policy_fingerprint"] == bundle.fingerprint
        assert PolicyDecision._from_native(d).policy_fingerprint == bundle.fingerprint
    restored = Session.restore(bundle, s.snapshot(), clock=clock)
    assert restored.evaluate("Read", {}).policy_fingerprint == bundle.fingerprint
    engine = PolicyEngine("new_task", "o/r", bundle=bundle)
    assert engine.evaluate_tool_use("Read", {}).policy_fingerprint == bundle.fingerprint
    # Built by hand: no fingerprint, and equality does not look at it.
    assert PolicyDecision.allow().policy_fingerprint is None
    assert engine.evaluate_tool_use("Read", {}) == PolicyDecision.allow()


# --------------------------------------------------------------------------------------------
# Shadow bundles
# --------------------------------------------------------------------------------------------


def test_native_shadow_is_reported_not_enforced(clock: ManualClock) -> None:
    upstream, hardened = PolicyBundle(builtins="upstream"), PolicyBundle()
    s = Session(upstream, clock=clock, shadow=hardened)
    assert s.shadow is hardened and s.bundle is upstream
    d = s.evaluate("Bash", {"command": "rm -fr /"})  # the upstream `like` rule misses this spelling
    assert (d.outcome, d.matching_rule_ids) == ("allow", ())
    assert (d.shadow_outcome, d.shadow_rule_ids) == ("deny", ("rm_slash",))
    assert d.policy_fingerprint == upstream.fingerprint != hardened.fingerprint
    dd = d.to_dict()
    assert (dd["outcome"], dd["shadow_outcome"], dd["shadow_rule_ids"]) == ("allow", "deny", ["rm_slash"])
    assert "shadow_outcome='deny', shadow_rule_ids=['rm_slash']" in repr(d)
    e = s.explain("Bash", {"command": "rm -fr /"})
    assert (e["decision"]["outcome"], e["decision"]["shadow_outcome"], e["decision"]["shadow_rule_ids"]) == ("allow", "deny", ["rm_slash"])
    # Agreement is reported too, as the shadow's own outcome.
    agree = s.evaluate("Read", {})
    assert (agree.shadow_outcome, agree.shadow_rule_ids) == ("allow", ())
    # No shadow: None, not empty.
    plain = Session(upstream, clock=clock).evaluate("Bash", {"command": "rm -fr /"})
    assert (plain.shadow_outcome, plain.shadow_rule_ids, plain.to_dict()["shadow_outcome"]) == (None, None, None)
    assert Session(upstream, shadow=None).shadow is None
    # A snapshot holds no shadow; restore takes it again.
    back = Session.restore(upstream, s.snapshot(), clock=clock, shadow=hardened)
    assert back.shadow is hardened and back.evaluate("Bash", {"command": "rm -fr /"}).shadow_outcome == "deny"
    assert Session.restore(upstream, s.snapshot(), clock=clock).evaluate("Bash", {"command": "rm -fr /"}).shadow_outcome is None


def test_facade_shadow_bundle() -> None:
    engine = PolicyEngine("new_task", "o/r", builtins="upstream", shadow_bundle=PolicyBundle())
    assert engine.shadow_bundle is not None and engine.shadow_bundle.profile == "hardened"
    d = engine.evaluate_tool_use("Bash", {"command": "rm -fr /"})
    assert d.outcome is Outcome.ALLOW and d.allowed
    assert d.shadow_outcome is Outcome.DENY and d.shadow_rule_ids == ("rm_slash",)
    assert d.to_dict()["shadow_outcome"] == "deny" and d.to_dict()["shadow_rule_ids"] == ["rm_slash"]
    assert "shadow_outcome='deny'" in repr(d)
    # The shadow is provenance: equality and hash see the enforced decision only.
    assert d == PolicyDecision.allow() and hash(d) == hash(PolicyDecision.allow())
    back = pickle.loads(pickle.dumps(d))
    assert (back.shadow_outcome, back.shadow_rule_ids, back.policy_fingerprint) == (Outcome.DENY, ("rm_slash",), d.policy_fingerprint)
    assert PolicyEngine("new_task", "o/r").shadow_bundle is None
    assert PolicyEngine("new_task", "o/r").evaluate_tool_use("Read", {}).shadow_outcome is None


def test_a_shadow_that_is_not_a_bundle_is_refused() -> None:
    with pytest.raises(ch.ConfigError) as info:
        Session(shadow="hardened")  # type: ignore[arg-type]
    assert info.value.field == "shadow" and "PolicyBundle" in str(info.value)
    with pytest.raises(ch.ConfigError) as info:
        Session.restore(PolicyBundle(), Session().snapshot(), shadow=1)  # type: ignore[arg-type]
    assert info.value.field == "shadow"
    with pytest.raises(ch.ConfigError) as info:
        PolicyEngine("new_task", "o/r", shadow_bundle="hardened")  # type: ignore[arg-type]
    assert info.value.field == "shadow_bundle" and str(info.value).startswith("shadow_bundle must be a PolicyBundle")
