"""Drop-in fidelity with the upstream Python engine (bindings-python/README.md, "Upstream
compatibility"): its module-level names, its standalone ApprovalAllowlist and
RecentDecisionCache, its positional factory signatures and its error phrases."""

from __future__ import annotations

import json

import pytest

import cedar_hitl as ch
from cedar_hitl import Outcome, PolicyDecision

from conftest import CONTRACTS_DIR

# Read the shared constants file directly, not through the package under test.
RAW = json.loads((CONTRACTS_DIR / "constants.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("APPROVAL_GATE_CAP_MIN", RAW["approval_gate_cap"]["min"]),
        ("APPROVAL_GATE_CAP_MAX", RAW["approval_gate_cap"]["max"]),
        ("DEFAULT_APPROVAL_GATE_CAP", RAW["approval_gate_cap"]["default"]),
        ("FLOOR_TIMEOUT_S", RAW["approval_timeout_s"]["min"]),
        ("DEFAULT_TASK_TIMEOUT_S", RAW["approval_timeout_s"]["default"]),
        ("WARN_TIMEOUT_S", RAW["warn_timeout_s"]),
        ("CACHE_MAX_ENTRIES", RAW["cache_max_entries"]),
        ("CACHE_TTL_S", RAW["cache_ttl_s"]),
        ("POLICIES_MAX_BYTES", RAW["policies_max_bytes"]),
        ("APPROVAL_RATE_LIMIT", RAW["approval_rate_limit"]),
        ("APPROVAL_RATE_WINDOW_S", RAW["approval_rate_window_s"]),
    ],
)
def test_upstream_module_constants_come_from_constants_json(name: str, expected: int) -> None:
    assert getattr(ch, name) == expected
    assert type(getattr(ch, name)) is int


def test_tool_groups_names_the_write_tools() -> None:
    assert set(ch.TOOL_GROUPS) == {"file_write"}
    assert {"Write", "Edit", "MultiEdit", "NotebookEdit"} <= ch.TOOL_GROUPS["file_write"]
    assert "Bash" not in ch.TOOL_GROUPS["file_write"] and "Read" not in ch.TOOL_GROUPS["file_write"]
    with pytest.raises(TypeError):
        ch.TOOL_GROUPS["net"] = frozenset()  # type: ignore[index]


# --------------------------------------------------------------------------------------------
# Factories and constructor, positionally as upstream calls them
# --------------------------------------------------------------------------------------------


def test_factories_take_the_upstream_positional_parameters() -> None:
    a = PolicyDecision.allow("ok", 1.5)
    assert (a.outcome, a.reason, a.duration_ms) == (Outcome.ALLOW, "ok", 1.5)
    d = PolicyDecision.deny("no", 2.0, True)
    assert (d.outcome, d.reason, d.duration_ms, d.fail_closed) == (Outcome.DENY, "no", 2.0, True)
    r = PolicyDecision.require_approval("Soft-deny: x", 60, "high", ["x"], 3.0)
    assert (r.outcome, r.timeout_s, r.severity, r.matching_rule_ids, r.duration_ms) == (
        Outcome.REQUIRE_APPROVAL, 60, "high", ("x",), 3.0,
    )
    # Keyword-only extras stay keyword-only (no sixth positional slot to misuse).
    with pytest.raises(TypeError):
        PolicyDecision.require_approval("r", 60, "high", ["x"], 3.0, "soft")  # type: ignore[misc]


def test_constructor_errors_keep_the_upstream_phrases() -> None:
    with pytest.raises(TypeError, match="requires either outcome= or allowed="):
        PolicyDecision(reason="x")
    with pytest.raises(TypeError, match="not both"):
        PolicyDecision(outcome=Outcome.ALLOW, allowed=True)


@pytest.mark.parametrize(
    ("scope", "phrase"),
    [
        ("nocolon", "unknown scope"),
        ("weird:x", "unknown scope"),
        ("tool_group:net", "unknown tool_group"),
        ("weird:", "missing value"),
        ("bash_pattern:   ", "missing value"),
    ],
)
def test_scope_errors_keep_the_upstream_phrases(scope: str, phrase: str) -> None:
    with pytest.raises(ch.ScopeError, match=phrase):
        ch.parse_approval_scope(scope)
    with pytest.raises(ch.ScopeError, match=phrase):
        ch.PolicyEngine("new_task", "o/r", initial_approvals=[scope])


def test_negative_initial_gate_count_keeps_the_upstream_phrase() -> None:
    with pytest.raises(ch.ConfigError, match="initial_approval_gate_count must be >= 0") as e:
        ch.PolicyEngine("new_task", "o/r", initial_approval_gate_count=-1)
    assert e.value.field == "initial_approval_gate_count"


# --------------------------------------------------------------------------------------------
# Standalone ApprovalAllowlist and RecentDecisionCache
# --------------------------------------------------------------------------------------------


def test_standalone_allowlist() -> None:
    allow = ch.ApprovalAllowlist()
    push = {"command": "git push --force origin main"}
    assert allow.matches("Bash", push) is False
    allow.add("bash_pattern:git push*")
    allow.add("rule:force_push_any")
    assert allow.matches("Bash", push) is True
    assert allow.matches("Bash", {"command": "git push origin main; rm -rf ~"}) is False, "a second command is not covered"
    assert allow.rule_ids == frozenset({"force_push_any"})
    assert allow.scopes == ("bash_pattern:git push*", "rule:force_push_any")
    with pytest.raises(ch.ScopeError, match="unknown scope"):
        allow.add("nonsense")
    assert ch.ApprovalAllowlist().scopes == (), "each standalone allowlist is its own"


def test_standalone_cache_honours_max_entries_ttl_and_clock() -> None:
    clock = ch.ManualClock()
    cache = ch.RecentDecisionCache(max_entries=2, ttl_s=5, clock=clock)
    assert (cache.max_entries, cache.ttl_s) == (2, 5)
    for h in ("a", "b", "c"):
        cache.record("Bash", h, "DENIED", "no")
    assert len(cache) == 2 and cache.get("Bash", "a") is None, "least recently used evicted past capacity"
    clock.advance(5)
    entry = cache.get("Bash", "c")
    assert entry is not None and (entry.decision, entry.reason) == ("DENIED", "no"), "exactly the TTL is live"
    clock.advance(0.5)
    assert cache.get("Bash", "c") is None
    cache.record_rule_decision("Bash", ["force_push_any"], "DENIED")
    hit = cache.get_rule_decision("Bash", ["force_push_any", "force_push_main"])
    assert hit is not None and hit[0] == "force_push_any"


def test_standalone_cache_defaults_are_the_upstream_constants() -> None:
    cache = ch.RecentDecisionCache()
    assert (cache.max_entries, cache.ttl_s, len(cache)) == (ch.CACHE_MAX_ENTRIES, ch.CACHE_TTL_S, 0)


@pytest.mark.parametrize(
    ("kwargs", "field", "range_text"),
    [
        ({"max_entries": 0}, "cache_max_entries", "[1, 100000]"),
        ({"max_entries": 100_001}, "cache_max_entries", "[1, 100000]"),
        ({"ttl_s": 0}, "cache_ttl_s", "[1, 86400]"),
        ({"ttl_s": 86_401}, "cache_ttl_s", "[1, 86400]"),
    ],
)
def test_standalone_cache_refuses_out_of_range_limits(kwargs: dict[str, int], field: str, range_text: str) -> None:
    with pytest.raises(ch.ConfigError) as e:
        ch.RecentDecisionCache(**kwargs)
    assert e.value.field == field and range_text in str(e.value)


def test_engine_cache_limits_reach_the_decision() -> None:
    clock = ch.ManualClock()
    engine = ch.PolicyEngine("new_task", "o/r", cache_ttl_s=5, clock=clock)
    call = {"command": "git push --force origin main"}
    engine.recent_decisions.record("Bash", ch.tool_input_sha256(call), "DENIED", "not now")
    d = engine.evaluate_tool_use("Bash", call)
    assert (d.outcome, d.reason) == (Outcome.DENY, "Recent DENIED within 5s: not now")
    clock.advance(6)
    assert engine.evaluate_tool_use("Bash", call).outcome is Outcome.REQUIRE_APPROVAL
    assert engine.recent_decisions.ttl_s == 5 and engine.session.cache_ttl_s == 5


# --------------------------------------------------------------------------------------------
# One behaviour per concept across Python and Node (the drift table in bindings-python/README.md)
# --------------------------------------------------------------------------------------------


def test_scan_secrets_returns_a_named_record_that_still_unpacks() -> None:
    found = ch.scan_secrets("key AKIA\x1b[0mIOSFODNN7EXAMPLE")
    assert isinstance(found, ch.Redaction) and isinstance(found, tuple)
    assert (found.text, found.findings) == ("key [REDACTED-AWS_KEY]", ["AWS_KEY"])
    text, findings = found
    assert (text, findings) == (found.text, found.findings)


def test_manual_clock_starts_at_zero() -> None:
    c = ch.ManualClock()
    assert (c.monotonic_s, c.unix_s) == (0.0, 0.0)


def test_gate_admission_names_the_requested_timeout() -> None:
    g = ch.Session(task_default_timeout_s=300).begin_gate(60)
    assert (g.effective_timeout_s, g.requested_timeout_s) == (60, 300)
    assert not hasattr(g, "requested_s")
