"""Hostile and malformed input: every row has an exact expected result — a typed error, a
fail-closed DENY with its cause, or the specific decision the core makes. Nothing crashes,
nothing returns ALLOW wrongly, `evaluate_tool_use` never raises."""

from __future__ import annotations

import hashlib
import json
import sys
import time
from dataclasses import dataclass
from decimal import Decimal
from types import MappingProxyType
from typing import Any, Callable, Iterator, Mapping, Optional

import pytest

import cedar_hitl as ch
from cedar_hitl import Outcome, PolicyEngine

MB10 = 10 * 1024 * 1024


def nested(levels: int) -> Any:
    v: Any = "leaf"
    for _ in range(levels):
        v = [v]
    return v


def nested_dict(levels: int) -> Any:
    v: Any = {}
    for _ in range(levels):
        v = {"k": v}
    return v


def dag(levels: int) -> Any:
    """A shared-reference DAG whose JSON expansion has 2**levels leaves."""
    v: Any = []
    for _ in range(levels):
        v = [v, v]
    return v


def cyclic() -> dict[str, Any]:
    d: dict[str, Any] = {"command": "ls"}
    d["self"] = d
    return d


class Opaque:
    pass


class BrokenMapping(Mapping[str, Any]):
    def __getitem__(self, key: str) -> Any:
        raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        raise RuntimeError("cannot iterate")

    def __len__(self) -> int:
        return 1


class LyingKey(str):
    """A key equal only to itself and hashed apart, so a dict keeps it beside the real key;
    `json.dumps` writes both members, and a JSON reader keeps the last one."""

    def __hash__(self) -> int:
        return id(self)

    def __eq__(self, other: object) -> bool:
        return self is other


def lying_keys() -> dict[str, str]:
    d = {LyingKey("command"): "echo hi", "command": "rm -rf /"}
    assert json.loads(json.dumps(d)) == {"command": "rm -rf /"}
    return d


class ItemsLie(dict[str, Any]):
    """`json.dumps` reads a dict subclass through `items()`: what the host sends is this."""

    def items(self) -> Any:
        return [("command", "rm -rf /")]


class GetItemLie(dict[str, Any]):
    """Overrides lookups but not `items()`: `json.dumps` sends the stored members."""

    def __getitem__(self, key: str) -> Any:
        return "rm -rf /"


def sha_json(x: Any) -> str:
    return hashlib.sha256(json.dumps(x, sort_keys=True).encode()).hexdigest()


@dataclass
class Row:
    """`run` gets a fresh engine (default profile unless `builtins` says otherwise); exactly one
    expectation kind is set."""

    id: str
    run: Callable[[PolicyEngine], Any]
    builtins: str = "hardened"  # "upstream": the row pins the upstream built-in `like` rules
    cause: Optional[str] = None  # fail-closed DENY with this cause
    outcome: Optional[Outcome] = None  # a non-fail-closed decision with this outcome ...
    reason: Optional[str] = None  # ... and (when set) this reason
    raises: Optional[type[BaseException]] = None  # a typed error ...
    attrs: Optional[dict[str, Any]] = None  # ... with these attributes
    check: Optional[Callable[[Any], None]] = None  # extra assertion on the result


def ev(tool: Any, tool_input: Any) -> Callable[[PolicyEngine], Any]:
    return lambda e: e.evaluate_tool_use(tool, tool_input)


def engine_with(**kw: Any) -> Callable[[PolicyEngine], Any]:
    return lambda _e: PolicyEngine("new_task", "o/r", **kw)


PRINCIPAL_RULE = (
    '@tier("hard") @rule_id("no_review_fetch")\n'
    'forbid (principal == Agent::TaskAgent::"pr_review", action == Agent::Action::"invoke_tool", resource == Agent::Tool::"WebFetch");'
)


def principal_exact(_e: PolicyEngine) -> tuple[ch.PolicyDecision, ch.PolicyDecision]:
    real = PolicyEngine("pr_review", "o/r", blueprint_hard_policies=PRINCIPAL_RULE)
    lookalike = PolicyEngine("pr_revi\\u{65}w", "o/r", blueprint_hard_policies=PRINCIPAL_RULE)
    return real.evaluate_tool_use("WebFetch", {}), lookalike.evaluate_tool_use("WebFetch", {})


def odd_principals(_e: PolicyEngine) -> list[ch.PolicyDecision]:
    out = []
    for principal in ['new"task', "new\\task", "new\\u{74}ask", "new\ntask", "'; DROP TABLE x; --"]:
        e = PolicyEngine(principal, 'o/"r\\\n', read_only=True, builtins="upstream")
        out += [e.evaluate_tool_use("Bash", {"command": "rm -rf /"}), e.evaluate_tool_use("Write", {"file_path": "a.py"}), e.evaluate_tool_use("Read", {})]
    return out


def huge_int_hash(e: PolicyEngine) -> tuple[ch.PolicyDecision, list[tuple[str, str]]]:
    values = [10**30, -(10**40), 2**63, -(2**63) - 1, 2**64, 10**4000]
    return e.evaluate_tool_use("Bash", {"command": "ls", "n": 10**30}), [(ch.tool_input_sha256({"n": v}), sha_json({"n": v})) for v in values]


def many_keys(e: PolicyEngine) -> tuple[ch.PolicyDecision, str, str]:
    big = {f"k{i}": i for i in range(100_000)}
    big["command"] = "git push --force origin main"
    return e.evaluate_tool_use("Bash", big), ch.tool_input_sha256(big), sha_json(big)


def refused_scopes(_e: PolicyEngine) -> list[tuple[str, BaseException]]:
    out = []
    for scope in ["tool_type_session", "tool_group_session", "bash_pattern:*", "write_path:**", "tool_type :Read", "weird:", "",
                  "rule:rm_slash", "rule:nope", "tool_group:network", "x" * 200, "nocolon"]:
        try:
            PolicyEngine("new_task", "o/r", initial_approvals=[scope])
        except BaseException as err:  # noqa: BLE001 - inspected by the row check
            out.append((scope, err))
        else:
            out.append((scope, AssertionError("accepted")))
    try:
        PolicyEngine("new_task", "o/r", initial_approvals=[f"tool_type:T{i}" for i in range(21)])
    except BaseException as err:  # noqa: BLE001
        out.append(("21 entries", err))
    return out


def check_refused_scopes(result: list[tuple[str, BaseException]]) -> None:
    for scope, err in result:
        assert isinstance(err, ch.ScopeError), (scope, err)
        assert err.field is not None and err.field.startswith("initial_approvals"), (scope, err.field)
    assert len(result) == 13


def check_principals(result: tuple[ch.PolicyDecision, ch.PolicyDecision]) -> None:
    real, lookalike = result
    assert (real.outcome, real.reason) == (Outcome.DENY, "Hard-deny: no_review_fetch")
    assert (lookalike.outcome, lookalike.reason, lookalike.fail_closed) == (Outcome.ALLOW, "permitted", False)


def check_odd_principals(result: list[ch.PolicyDecision]) -> None:
    for i in range(0, len(result), 3):
        rm, write, read = result[i : i + 3]
        assert rm.reason == "Hard-deny: rm_slash" and write.reason == "Hard-deny: read_only_forbid_write"
        assert (read.outcome, read.fail_closed) == (Outcome.ALLOW, False)


def check_huge_ints(result: tuple[ch.PolicyDecision, list[tuple[str, str]]]) -> None:
    d, pairs = result
    assert (d.outcome, d.reason, d.fail_closed) == (Outcome.ALLOW, "permitted", False)
    for ours, theirs in pairs:
        assert ours == theirs


def check_many_keys(result: tuple[ch.PolicyDecision, str, str]) -> None:
    d, ours, theirs = result
    assert d.outcome is Outcome.REQUIRE_APPROVAL and d.matching_rule_ids == ("force_push_any", "force_push_main")
    assert ours == theirs


ROWS: list[Row] = [
    # -- commands and paths --------------------------------------------------------------------
    Row("empty-command", ev("Bash", {"command": ""}), outcome=Outcome.ALLOW, reason="permitted"),
    Row("empty-path", ev("Write", {"file_path": ""}), outcome=Outcome.ALLOW, reason="permitted"),
    Row("10MB-command-benign", ev("Bash", {"command": "x" * MB10}), builtins="upstream", outcome=Outcome.ALLOW, reason="permitted"),
    Row("10MB-command-rm", ev("Bash", {"command": "x" * MB10 + "; rm -rf /"}), builtins="upstream", outcome=Outcome.DENY, reason="Hard-deny: rm_slash"),
    Row("10MB-path-env", ev("Write", {"file_path": "a/" * (MB10 // 2) + ".env"}), outcome=Outcome.REQUIRE_APPROVAL, reason="Soft-deny: write_env_files"),
    Row("NUL-in-command", ev("Bash", {"command": "echo a\x00; rm -rf /"}), builtins="upstream", outcome=Outcome.DENY, reason="Hard-deny: rm_slash"),
    Row("NUL-in-command-benign", ev("Bash", {"command": "ls\x00"}), builtins="upstream", outcome=Outcome.ALLOW, reason="permitted"),
    Row("NUL-in-path", ev("Write", {"file_path": ".git/\x00config"}), outcome=Outcome.DENY, reason="Hard-deny: write_git_internals"),
    # -- shapes ---------------------------------------------------------------------------------
    Row("nesting-10000-list", ev("Bash", {"command": "ls", "x": nested(10_000)}), cause="unhashable_tool_input"),
    Row("nesting-10000-dict", ev("Read", nested_dict(10_000)), cause="unhashable_tool_input"),
    Row("nesting-at-limit-ok", ev("Read", nested_dict(ch.CONSTANTS["tool_input_max_depth"] - 1)), outcome=Outcome.ALLOW),
    Row("nesting-one-past-limit", ev("Read", nested_dict(ch.CONSTANTS["tool_input_max_depth"])), cause="unhashable_tool_input"),
    Row("cyclic-dict", ev("Bash", cyclic()), cause="unhashable_tool_input"),
    Row("dag-2^80-expansion", ev("Bash", {"command": "ls", "x": dag(80)}), cause="unhashable_tool_input"),
    Row("non-dict-list", ev("Bash", ["rm", "-rf", "/"]), cause="invalid_tool_input"),
    Row("non-dict-str", ev("Bash", "rm -rf /"), cause="invalid_tool_input"),
    Row("non-dict-None", ev("Read", None), cause="invalid_tool_input"),
    Row("non-dict-int", ev("Read", 7), cause="invalid_tool_input"),
    Row("mapping-proxy-ok", ev("Bash", MappingProxyType({"command": "rm -rf /"})), outcome=Outcome.DENY, reason="Hard-deny: rm_slash"),
    Row("mapping-that-raises", ev("Bash", BrokenMapping()), cause="unhashable_tool_input"),
    # -- types of the subject -------------------------------------------------------------------
    Row("command-list", ev("Bash", {"command": ["rm", "-rf", "/"]}), cause="invalid_tool_input"),
    Row("command-int", ev("Bash", {"command": 1}), cause="invalid_tool_input"),
    Row("command-None", ev("Bash", {"command": None}), cause="invalid_tool_input"),
    Row("command-dict", ev("Bash", {"command": {"rm": "-rf /"}}), cause="invalid_tool_input"),
    Row("path-int", ev("Write", {"file_path": 7}), cause="invalid_tool_input"),
    Row("path-bool", ev("Edit", {"file_path": True}), cause="invalid_tool_input"),
    Row("missing-command", ev("Bash", {}), cause="invalid_tool_input"),
    Row("missing-path-write", ev("Write", {"content": "x"}), cause="invalid_tool_input"),
    Row("wrong-path-key-edit", ev("Edit", {"path": ".git/config"}), cause="invalid_tool_input"),
    Row("notebook-needs-notebook_path", ev("NotebookEdit", {"file_path": "a.ipynb"}), cause="invalid_tool_input"),
    # -- values that are not JSON ---------------------------------------------------------------
    Row("NaN", ev("Bash", {"command": "ls", "n": float("nan")}), cause="unhashable_tool_input"),
    Row("Infinity", ev("Bash", {"command": "ls", "n": float("inf")}), cause="unhashable_tool_input"),
    Row("-Infinity", ev("Read", {"n": [float("-inf")]}), cause="unhashable_tool_input"),
    Row("huge-ints-hash-like-json.dumps", huge_int_hash, check=check_huge_ints),
    Row("int-beyond-python-str-limit", ev("Read", {"n": 10 ** 5000}), cause="unhashable_tool_input"),
    Row("lone-surrogate-value", ev("Bash", {"command": "ls \ud800"}), cause="unhashable_tool_input"),
    Row("lone-surrogate-key", ev("Read", {"\udfff": 1}), cause="unhashable_tool_input"),
    Row("lone-surrogate-tool-name", ev("Re\ud800ad", {}), cause="invalid_tool_input"),
    Row("set", ev("Bash", {"command": "ls", "x": {1, 2}}), cause="unhashable_tool_input"),
    Row("frozenset", ev("Read", {"x": frozenset()}), cause="unhashable_tool_input"),
    Row("bytes", ev("Bash", {"command": b"rm -rf /"}), cause="unhashable_tool_input"),
    Row("bytes-elsewhere", ev("Read", {"x": b"\x00"}), cause="unhashable_tool_input"),
    Row("bytearray", ev("Read", {"x": bytearray(b"x")}), cause="unhashable_tool_input"),
    Row("object", ev("Bash", {"command": "ls", "x": Opaque()}), cause="unhashable_tool_input"),
    Row("Decimal", ev("Read", {"x": Decimal("1.5")}), cause="unhashable_tool_input"),
    Row("int-key", ev("Read", {1: "a"}), cause="unhashable_tool_input"),
    Row("None-key", ev("Bash", {None: 1, "command": "ls"}), cause="unhashable_tool_input"),
    Row("tuple-key", ev("Read", {("a",): 1}), cause="unhashable_tool_input"),
    Row("100000-key-dict", many_keys, check=check_many_keys),
    # -- tool names and principals --------------------------------------------------------------
    Row("tool-name-quote", ev('Wri"te', {"file_path": ".env"}), outcome=Outcome.ALLOW, reason="permitted"),
    Row("tool-name-backslash", ev("Write\\", {"file_path": ".git/x"}), outcome=Outcome.ALLOW, reason="permitted"),
    Row("tool-name-escape-text", ev("Wri\\u{74}e", {"file_path": ".git/x"}), outcome=Outcome.ALLOW, reason="permitted"),
    Row("tool-name-newline", ev("Bash\n", {"command": "rm -rf /"}), outcome=Outcome.ALLOW, reason="permitted"),
    Row("tool-name-None", ev(None, {"command": "rm -rf /"}), cause="invalid_tool_input"),
    Row("tool-name-int", ev(5, {}), cause="invalid_tool_input"),
    Row("principal-exact-match-only", principal_exact, check=check_principals),
    Row("principals-quotes-backslashes-escapes-newlines", odd_principals, check=check_odd_principals),
    # -- policy text ----------------------------------------------------------------------------
    Row("policy-64KB", engine_with(blueprint_soft_policies="//" + "x" * (65_536 - 2)), check=lambda e: isinstance(e, PolicyEngine)),
    Row("policy-64KB+1", engine_with(blueprint_soft_policies="//" + "x" * (65_537 - 2)), raises=ch.PolicyLoadError, attrs={"kind": "size_cap", "field": "cedar_policies"}),
    Row("policy-64KB+1-multibyte", engine_with(blueprint_hard_policies="//" + "é" * 32_767 + "x"), raises=ch.PolicyLoadError, attrs={"kind": "size_cap"}),
    Row("policy-64KB+1-across-inputs", engine_with(blueprint_soft_policies="//" + "x" * 40_000, blueprint_hard_policies="//" + "y" * (65_537 - 40_002 - 2)),
        raises=ch.PolicyLoadError, attrs={"kind": "size_cap"}),
    Row("blueprint-rule-that-would-error-at-run-time",
        engine_with(blueprint_soft_policies='@tier("soft") @rule_id("curl") forbid (principal, action, resource) when { context.command like "*curl*" };'),
        raises=ch.PolicyLoadError, attrs={"kind": "schema", "rule_id": "curl", "tier": "soft"}),
    Row("blueprint-rule-wrong-type-at-run-time",
        engine_with(blueprint_hard_policies='@tier("hard") @rule_id("ro") forbid (principal, action, resource) when { context.read_only like "*" };'),
        raises=ch.PolicyLoadError, attrs={"kind": "schema", "rule_id": "ro", "tier": "hard"}),
    Row("policy-text-NUL", engine_with(blueprint_soft_policies="forbid\x00 (principal, action, resource);"), raises=ch.PolicyLoadError, attrs={"kind": "parse"}),
    Row("legacy-entry-two-policies-ok", engine_with(extra_policies=['forbid (principal, action == Agent::Action::"invoke_tool", resource == Agent::Tool::"A");\n'
                                                                     'forbid (principal, action == Agent::Action::"invoke_tool", resource == Agent::Tool::"B");']),
        check=lambda e: e.evaluate_tool_use("B", {}).reason == "Soft-deny: legacy_extra_0_1" or pytest.fail("legacy id")),
    Row("legacy-entry-empty", engine_with(extra_policies=[""]), raises=ch.PolicyLoadError, attrs={"kind": "legacy", "source": "extra_policies[0]"}),
    # -- scopes and settings --------------------------------------------------------------------
    Row("refused-scope-forms", refused_scopes, check=check_refused_scopes),
    Row("scope-not-a-str", engine_with(initial_approvals=[5]), raises=ch.ConfigError, attrs={"field": "initial_approvals[0]"}),
    Row("scopes-as-a-str", engine_with(initial_approvals="all_session"), raises=ch.ConfigError, attrs={"field": "initial_approvals"}),
    Row("read_only-str", engine_with(read_only="true"), raises=ch.ConfigError, attrs={"field": "read_only"}),
    Row("read_only-int", engine_with(read_only=1), raises=ch.ConfigError, attrs={"field": "read_only"}),
    Row("read_only-None", engine_with(read_only=None), raises=ch.ConfigError, attrs={"field": "read_only"}),
    Row("gate-cap-10**30", engine_with(approval_gate_cap=10**30), raises=ch.ConfigError, attrs={"field": "approval_gate_cap"}),
    Row("gate-cap--10**30", engine_with(approval_gate_cap=-(10**30)), raises=ch.ConfigError, attrs={"field": "approval_gate_cap"}),
    Row("gate-cap-str", engine_with(approval_gate_cap="50"), raises=ch.ConfigError, attrs={"field": "approval_gate_cap"}),
    Row("gate-cap-float", engine_with(approval_gate_cap=50.0), raises=ch.ConfigError, attrs={"field": "approval_gate_cap"}),
    Row("gate-cap-bool", engine_with(approval_gate_cap=True), raises=ch.ConfigError, attrs={"field": "approval_gate_cap"}),
    Row("timeout-10**30", engine_with(task_default_timeout_s=10**30), raises=ch.ConfigError, attrs={"field": "task_default_timeout_s"}),
    Row("timeout-None", engine_with(task_default_timeout_s=None), raises=ch.ConfigError, attrs={"field": "task_default_timeout_s"}),
    Row("gate-count-negative", engine_with(initial_approval_gate_count=-1), raises=ch.ConfigError, attrs={"field": "initial_approval_gate_count"}),
    Row("gate-count-above-cap-accepted", engine_with(approval_gate_cap=1, initial_approval_gate_count=10**30),
        check=lambda e: e.approval_gate_count == 2**63 - 1 and not e.session.begin_gate().admitted or pytest.fail("gate count")),
    Row("task-type-not-str", lambda _e: PolicyEngine(5, "o/r"), raises=ch.ConfigError, attrs={"field": "task_type"}),  # type: ignore[arg-type]
    Row("task-type-None", lambda _e: PolicyEngine(None, "o/r"), raises=ch.ConfigError, attrs={"field": "task_type"}),  # type: ignore[arg-type]
    Row("blueprint-text-not-str", engine_with(blueprint_soft_policies=5), raises=ch.ConfigError, attrs={"field": "blueprint_soft_policies"}),
    Row("disable-entry-not-str", engine_with(blueprint_disable=["ok", 3]), raises=ch.ConfigError, attrs={"field": "blueprint_disable[1]"}),
    Row("repo-lone-surrogate", lambda _e: PolicyEngine("t", "o/\ud800"), raises=ch.ConfigError, attrs={"field": "repo"}),
    Row("disable-hard-rule", engine_with(blueprint_disable=["rm_slash"]), raises=ch.PolicyLoadError, attrs={"kind": "disable", "rule_id": "rm_slash"}),
    # --- what the engine reads is what json.dumps sends ------------------------------------
    Row("dict-with-lying-duplicate-key", ev("Bash", lying_keys()), cause="invalid_tool_input"),
    Row("dict-with-lying-duplicate-key-detail", lambda e: e.session.evaluate("Bash", lying_keys()),
        check=lambda d: "has the key \"command\" more than once" in d.fail_closed_detail or pytest.fail(d.fail_closed_detail)),
    Row("dict-subclass-items-lie-is-judged-on-items", ev("Bash", ItemsLie({"command": "ls"})),
        outcome=Outcome.DENY, reason="Hard-deny: rm_slash",
        check=lambda _d: json.dumps(ItemsLie({"command": "ls"})) == '{"command": "rm -rf /"}' or pytest.fail("json.dumps")),
    Row("dict-subclass-getitem-lie-is-judged-on-members", ev("Bash", GetItemLie({"command": "ls"})),
        outcome=Outcome.ALLOW, reason="permitted",
        check=lambda _d: json.dumps(GetItemLie({"command": "ls"})) == '{"command": "ls"}' or pytest.fail("json.dumps")),
    Row("ordered-dict-is-an-ordinary-input", ev("Bash", __import__("collections").OrderedDict(command="rm -rf /")),
        outcome=Outcome.DENY, reason="Hard-deny: rm_slash"),
    Row("cache-APPROVED-refused", lambda e: e.recent_decisions.record("Bash", "h", "APPROVED"), raises=ch.ConfigError, attrs={"field": "decision"}),
]


def test_table_has_at_least_20_rows_with_unique_ids() -> None:
    ids = [r.id for r in ROWS]
    assert len(ids) >= 20 and len(ids) == len(set(ids))


@pytest.mark.parametrize("row", ROWS, ids=[r.id for r in ROWS])
def test_bad_input(row: Row) -> None:
    engine = PolicyEngine("new_task", "o/r", builtins=row.builtins)
    start = time.perf_counter()
    if row.raises is not None:
        with pytest.raises(row.raises) as info:
            row.run(engine)
        assert isinstance(info.value, ch.CedarHitlError) and isinstance(info.value, ValueError)
        for k, v in (row.attrs or {}).items():
            assert getattr(info.value, k) == v, (k, info.value)
        assert str(info.value)
        return
    result = row.run(engine)
    if row.cause is not None:
        assert isinstance(result, ch.PolicyDecision)
        assert (result.outcome, result.fail_closed, result.fail_closed_cause, result.reason) == (
            Outcome.DENY, True, row.cause, f"fail-closed: {row.cause}",
        ), result
    if row.outcome is not None:
        assert isinstance(result, ch.PolicyDecision)
        assert (result.outcome, result.fail_closed) == (row.outcome, False), result
        if row.reason is not None:
            assert result.reason == row.reason
    if row.check is not None:
        row.check(result)
    assert time.perf_counter() - start < 20, "a hostile input must not take unbounded time"


def test_evaluate_never_raises_on_a_mixed_barrage() -> None:
    engine = PolicyEngine("new_task", "o/r")
    values: list[Any] = [None, 0, -1, 2**200, 1.5, float("nan"), "", "x", "\ud800", b"", [], {}, set(), Opaque(), nested(100), cyclic(), (1, 2), {1: 2},
                         {"command": None}, {"file_path": []}, MappingProxyType({}), BrokenMapping(), Decimal(1), sys, print]
    for tool in [None, 0, "Bash", "Write", "Edit", "Read", "NotebookEdit", "MultiEdit", "\ud800", "", "x" * 10_000]:
        for value in values:
            d = engine.evaluate_tool_use(tool, value)
            assert isinstance(d, ch.PolicyDecision)
            if d.outcome is Outcome.ALLOW:
                # ALLOW only for well-formed calls of tools whose subject needs no string.
                assert tool in ("Read", "", "x" * 10_000) and isinstance(value, (dict, MappingProxyType)) and d.reason == "permitted"


# One guard, one wording: the core's InputGuard counts and words every refusal of a tool input,
# so Python and Node (bindings-node/test/bad-input.test.js, the same table) refuse the same
# inputs for the same reason, in the same words (docs/boundary.md#one-guard).
MAX_BYTES = ch.CONSTANTS["tool_input_max_bytes"]
MAX_DEPTH = ch.CONSTANTS["tool_input_max_depth"]
NOT_JSON = "tool input holds a value that is not JSON: "


@pytest.mark.parametrize(
    "tool_input, detail",
    [
        ({"command": "ls", "x": nested(100)}, f"tool input nests deeper than {MAX_DEPTH} levels"),
        (nested_dict(MAX_DEPTH), f"tool input nests deeper than {MAX_DEPTH} levels"),
        ({"command": "echo \ud800"}, NOT_JSON + "a string with a lone surrogate"),
        ({"\udc00": 1}, NOT_JSON + "a string with a lone surrogate"),
        (cyclic(), NOT_JSON + "a cycle (a container that contains itself)"),
        # {"command": "<s>"}: 2 + 4 + 9 + len(s) + 2 bytes by the guard's count.
        ({"command": "x" * (MAX_BYTES - 17)}, None),
        ({"command": "x" * (MAX_BYTES - 16)}, f"tool input is larger than {MAX_BYTES} bytes"),
        ({"command": "ls", "when": set()}, NOT_JSON + "set"),
        ({1: "ls"}, NOT_JSON + "a dict key of type int"),
    ],
    ids=["deep-list", "deep-dict", "lone-surrogate-value", "lone-surrogate-key", "cycle",
         "size-at-limit", "size-one-past", "set", "int-key"],
)
def test_refusals_use_the_core_wording(tool_input: Any, detail: Optional[str]) -> None:
    d = PolicyEngine("new_task", "o/r").session.evaluate("Read", tool_input)
    if detail is None:
        assert (d.outcome, d.fail_closed) == ("allow", False), d
    else:
        assert (d.outcome, d.fail_closed_cause, d.fail_closed_detail) == (
            "deny", "unhashable_tool_input", detail,
        )
