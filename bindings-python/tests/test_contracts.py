"""Runs every shared contract fixture (contracts/README.md) against the Python binding.

* ``cedar-parity/*.json`` — raw Cedar through ``cedar_parity_evaluate``;
* ``decisions/*.json`` — pipeline scenarios through the native ``Session`` (every evaluation is
  also checked through the façade's ``PolicyDecision`` and every cache seed goes through the
  façade's ``RecentDecisionCache``; ``explain`` steps go through ``Session.explain``);
* ``functions/*.json`` — helper-function vectors (``fingerprints_equal`` builds both bundles and
  compares ``PolicyBundle.fingerprint``);
* ``shell/*.json`` — shell command → simple commands, facts and writes through ``parse_command``.

A folder without fixtures fails; an unknown step, expect key or function name fails; every
failing expectation is reported with file / scenario / step index.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable, Optional

import pytest

import cedar_hitl as ch

from conftest import CONTRACTS_DIR, FIXTURE_EPOCH_UNIX_S

FOLDERS = ("cedar-parity", "decisions", "functions", "shell")


def fixture_files(folder: str) -> list[Path]:
    d = CONTRACTS_DIR / folder
    return sorted(d.glob("*.json")) if d.is_dir() else []


def params(folder: str) -> list[Any]:
    files = fixture_files(folder)
    # An empty folder must fail, never skip: one sentinel parameter that fails.
    return [pytest.param(f, id=f.stem) for f in files] or [pytest.param(None, id=f"{folder}-EMPTY")]


def load(path: Optional[Path], folder: str) -> Any:
    if path is None:
        pytest.fail(f"no fixture files in {CONTRACTS_DIR / folder}")
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


class Checks:
    def __init__(self) -> None:
        self.failures: list[str] = []
        self.checked = 0

    def fail(self, at: str, message: str) -> None:
        self.failures.append(f"{at}: {message}")

    def eq(self, at: str, what: str, got: Any, want: Any) -> None:
        self.checked += 1
        if got != want or type(got) is bool and type(want) is not bool and want is not None:
            self.failures.append(f"{at}: {what}: got {got!r}, want {want!r}")

    def done(self, label: str) -> None:
        if self.checked == 0:
            self.failures.append(f"{label}: no expectation was checked")
        if self.failures:
            pytest.fail(f"{len(self.failures)} failing expectation(s):\n  " + "\n  ".join(self.failures), pytrace=False)


@pytest.mark.parametrize("folder", FOLDERS)
def test_folder_has_fixtures(folder: str) -> None:
    assert fixture_files(folder), f"{CONTRACTS_DIR / folder} has no *.json fixture"


# --------------------------------------------------------------------------------------------
# cedar-parity
# --------------------------------------------------------------------------------------------

PARITY_EXPECTED_KEYS = {"decision", "matching_rule_ids", "errors"}


def test_parity_names_are_unique() -> None:
    names = [load(p, "cedar-parity")["name"] for p in fixture_files("cedar-parity")]
    assert names and len(names) == len(set(names))


@pytest.mark.parametrize("path", params("cedar-parity"))
def test_cedar_parity(path: Optional[Path]) -> None:
    f = load(path, "cedar-parity")
    assert path is not None
    c = Checks()
    at = path.name
    c.eq(at, "name", f.get("name"), path.stem)
    inp, exp = f.get("input", {}), f.get("expected", {})
    for key in ("principal", "action", "resource"):
        if key not in inp:
            c.fail(at, f"missing input.{key}")
    for key in sorted(PARITY_EXPECTED_KEYS - set(exp)):
        c.fail(at, f"missing expected.{key}")
    for key in sorted(set(exp) - PARITY_EXPECTED_KEYS):
        c.fail(at, f"unknown expected key {key!r}")
    if "policies" not in f:
        c.fail(at, "missing policies")
    if not c.failures:
        got = ch.cedar_parity_evaluate(f["policies"], inp["principal"], inp["action"], inp["resource"], inp.get("context", {}))
        c.eq(at, "decision", got["decision"], exp["decision"])
        c.eq(at, "matching_rule_ids", sorted(got["matching_rule_ids"]), sorted(exp["matching_rule_ids"]))
        c.eq(at, "errors", got["errors"], exp["errors"])
    c.done(at)


# --------------------------------------------------------------------------------------------
# decisions
# --------------------------------------------------------------------------------------------

BUNDLE_KEYS = {"blueprint_hard", "blueprint_soft", "disable", "extra_policies", "write_tools", "shell_tools", "builtins"}
SESSION_KEYS = {"principal", "repo", "read_only", "initial_approvals", "approval_gate_cap", "initial_approval_gate_count", "task_default_timeout_s", "cache_max_entries", "cache_ttl_s"}
SCENARIO_KEYS = {"name", "spec", "description", "bundle", "session", "expect_error", "expect_warnings", "steps"}
DECISION_KEYS = {"outcome", "reason", "tier", "matching_rule_ids", "timeout_s", "severity", "fail_closed", "fail_closed_cause", "cache_hit"}
CACHE_HIT_KEYS = {"cached_decision", "cached_reason", "original_decision_ts", "matched_rule_ids"}
GATE_KEYS = {"admitted", "reason", "effective_timeout_s", "clip", "ceiling_shrinking"}
EXPLAIN_KEYS = {"outcome", "steps", "evaluations"}
ERROR_TYPES: dict[str, type[Exception]] = {"load": ch.PolicyLoadError, "scope": ch.ScopeError, "config": ch.ConfigError}


def error_type(e: BaseException) -> str:
    for name, cls in ERROR_TYPES.items():
        if isinstance(e, cls):
            return name
    return type(e).__name__


def check_error(c: Checks, at: str, err: BaseException, want: dict[str, Any]) -> None:
    c.checked += 1
    if not isinstance(err, ch.CedarHitlError):
        c.fail(at, f"expected a cedar_hitl error, got {type(err).__name__}: {err}")
        return
    for k, v in want.items():
        if k == "message_contains":
            for frag in v:
                c.checked += 1
                if frag not in str(err):
                    c.fail(at, f"error message {str(err)!r} lacks {frag!r}")
        elif k == "type":
            c.eq(at, "error.type", error_type(err), v)
        elif k in ("kind", "rule_id", "field"):
            c.eq(at, f"error.{k}", getattr(err, k, None), v)
        elif k != "description":
            c.fail(at, f"unknown expect_error key {k!r}")


def state_of(session: ch.Session) -> dict[str, Any]:
    return {
        "gate_count": session.gate_count(),
        "approvals_in_window": session.approvals_in_window(),
        "input_cache_len": session.input_cache_len(),
        "rule_cache_len": session.rule_cache_len(),
        "rule_scope_ids": sorted(session.allowlist().rule_ids),
        "scopes": session.allowlist().scopes,
        "denials_snapshot": json.loads(session.snapshot())["denials"],
    }


class Scenario:
    def __init__(self, c: Checks, at: str, sc: dict[str, Any]) -> None:
        self.c, self.at, self.sc = c, at, sc
        self.clock = ch.ManualClock(FIXTURE_EPOCH_UNIX_S)

    def build(self) -> Optional[tuple[ch.PolicyBundle, ch.Session]]:
        c, at, sc = self.c, self.at, self.sc
        for k in set(sc) - SCENARIO_KEYS:
            c.fail(at, f"unknown scenario key {k!r}")
        bundle_in = dict(sc.get("bundle", {}))
        session_in = {"repo": "o/r", **sc.get("session", {})}
        for k in set(bundle_in) - BUNDLE_KEYS:
            c.fail(at, f"unknown bundle key {k!r}")
        for k in set(session_in) - SESSION_KEYS:
            c.fail(at, f"unknown session key {k!r}")
        try:
            bundle = ch.PolicyBundle(**bundle_in)
            session = ch.Session(bundle, clock=self.clock, **session_in)
        except Exception as err:  # noqa: BLE001 - compared below
            if "expect_error" in sc:
                check_error(c, at, err, sc["expect_error"])
            else:
                c.fail(at, f"construction failed: {type(err).__name__}: {err}")
            return None
        if "expect_error" in sc:
            c.fail(at, "construction succeeded, expected an error")
            return None
        if "expect_warnings" in sc:
            got = [{"rule_id": w.rule_id, "field": w.field} for w in bundle.warnings]
            c.eq(at, "warnings", got, sc["expect_warnings"])
        return bundle, session

    def run(self) -> None:
        built = self.build()
        if built is None:
            return
        self.bundle, self.session = built
        for n, step in enumerate(self.sc.get("steps", [])):
            self.step(f"{self.at} step {n}", step)

    def step(self, at: str, step: dict[str, Any]) -> None:
        c = self.c
        actions = [k for k in step if k not in ("expect", "expect_error", "description")]
        if len(actions) != 1:
            c.fail(at, f"a step needs exactly one action key, got {actions}")
            return
        action = actions[0]
        arg, expect, expect_error = step[action], step.get("expect"), step.get("expect_error")
        handler: Optional[Callable[[str, Any, Any], None]] = getattr(self, f"do_{action}", None)
        if handler is None:
            c.fail(at, f"unknown step {action!r}")
            return
        if expect_error is None:
            try:
                handler(at, arg, expect)
            except Exception as err:  # noqa: BLE001 - reported as a failure
                c.fail(at, f"unexpected error {type(err).__name__}: {err}")
            return
        before = state_of(self.session)
        try:
            handler(at, arg, expect)
        except Exception as err:  # noqa: BLE001 - compared below
            check_error(c, at, err, expect_error)
            c.eq(at, "state after a refused step", state_of(self.session), before)
        else:
            c.fail(at, "succeeded, expected an error")

    # -- steps ------------------------------------------------------------------------------
    def do_evaluate(self, at: str, arg: dict[str, Any], expect: Any) -> None:
        c = self.c
        if not isinstance(expect, dict):
            c.fail(at, "evaluate step without expect")
            return
        native = self.session.evaluate(arg.get("tool_name", ""), arg.get("tool_input"))
        facade = ch.PolicyDecision._from_native(native)
        got = native.to_dict()
        for k, want in expect.items():
            if k not in DECISION_KEYS:
                c.fail(at, f"unknown expect key {k!r}")
            elif k == "cache_hit" and isinstance(want, dict):
                hit, fhit = got["cache_hit"], facade.cache_hit_metadata
                if hit is None or fhit is None:
                    c.fail(at, f"cache_hit: got None (reason {got['reason']!r})")
                    continue
                for hk, hv in want.items():
                    if hk not in CACHE_HIT_KEYS:
                        c.fail(at, f"unknown cache_hit key {hk!r}")
                    else:
                        c.eq(at, f"cache_hit.{hk}", hit[hk], hv)
                        c.eq(at, f"facade cache_hit_metadata.{hk}", fhit[hk], hv)  # type: ignore[literal-required]
            elif k == "cache_hit":
                c.eq(at, "cache_hit", got["cache_hit"], want)
                c.eq(at, "facade cache_hit_metadata", facade.cache_hit_metadata, want)
            else:
                c.eq(at, k, got[k], want)
                fv = getattr(facade, k)
                c.eq(at, f"facade {k}", fv.value if k == "outcome" else list(fv) if k == "matching_rule_ids" else fv, want)

    def do_explain(self, at: str, arg: dict[str, Any], expect: Any) -> None:
        # contracts/README.md §2.7; mirrors cli/src/contracts.rs `check_explanation`.
        c = self.c
        if not isinstance(expect, dict):
            c.fail(at, "explain step without expect")
            return
        got = self.session.explain(arg.get("tool_name", ""), arg.get("tool_input"))
        steps = got["steps"]
        for k, want in expect.items():
            if k == "outcome":
                c.eq(at, "explain.outcome", got["decision"]["outcome"], want)
            elif k == "steps":
                c.eq(at, "explain.steps", [s["step"] for s in steps], want)
            elif k == "evaluations":
                evals = [[s["tier"], s["action"], s["subject"], s["matched"]] for s in steps if s["step"] == "cedar_evaluation"]
                c.eq(at, "explain.evaluations", evals, want)
            else:
                c.fail(at, f"unknown explain expect key {k!r}")

    def do_record_outcome(self, at: str, arg: dict[str, Any], expect: Any) -> None:
        kw = {k: arg[k] for k in ("scope", "reason", "request_id", "decided_at") if k in arg}
        effect = self.session.record_outcome(arg.get("tool_name", ""), arg.get("tool_input"), arg.get("matching_rule_ids", []), arg.get("resolution", ""), **kw)
        for k, v in (expect or {}).items():
            if k == "agent_reason":
                self.c.eq(at, k, effect.agent_reason, v)
            elif k == "agent_reason_starts_with":
                self.c.checked += 1
                if not effect.agent_reason.startswith(v):
                    self.c.fail(at, f"agent_reason {effect.agent_reason!r} does not start with {v!r}")
            else:
                self.c.fail(at, f"unknown expect key {k!r}")

    def do_add_scope(self, at: str, arg: str, expect: Any) -> None:
        self.session.add_scope(arg)

    def do_record_input_decision(self, at: str, arg: dict[str, Any], expect: Any) -> None:
        sha = ch.tool_input_sha256(arg.get("tool_input"))
        ch.RecentDecisionCache(session=self.session).record(arg["tool_name"], sha, arg["decision"], arg.get("reason"), arg.get("decided_at"))

    def do_record_rule_decision(self, at: str, arg: dict[str, Any], expect: Any) -> None:
        ch.RecentDecisionCache(session=self.session).record_rule_decision(arg["tool_name"], arg["rule_ids"], "DENIED", arg.get("reason"), arg.get("decided_at"))

    def do_advance_clock(self, at: str, arg: float, expect: Any) -> None:
        self.clock.advance(arg)

    def do_snapshot_restore(self, at: str, arg: Any, expect: Any) -> None:
        self.session = ch.Session.restore(self.bundle, self.session.snapshot(), clock=self.clock)

    def do_increment_gate_count(self, at: str, arg: Any, expect: Any) -> None:
        self.session.increment_gate_count()

    def do_record_gate_timestamp(self, at: str, arg: Any, expect: Any) -> None:
        self.session.record_gate_timestamp()

    def do_mark_ceiling_shrinking(self, at: str, arg: Any, expect: Any) -> None:
        got = self.session.mark_ceiling_shrinking()
        if expect is not None:
            self.c.eq(at, "mark_ceiling_shrinking", got, expect)

    def do_drain_denials(self, at: str, arg: Any, expect: Any) -> None:
        got = self.session.drain_denials()
        if expect is not None:
            self.c.eq(at, "drain_denials", got, expect)

    def do_begin_gate(self, at: str, arg: dict[str, Any], expect: Any) -> None:
        g = self.session.begin_gate(arg.get("timeout_s"), arg.get("remaining_lifetime_s"))
        got = {"admitted": g.admitted, "reason": g.reason, "effective_timeout_s": g.effective_timeout_s, "clip": g.clip, "ceiling_shrinking": g.ceiling_shrinking}
        for k, v in (expect or {}).items():
            if k in GATE_KEYS:
                self.c.eq(at, k, got[k], v)
            else:
                self.c.fail(at, f"unknown expect key {k!r}")

    def do_expect_state(self, at: str, arg: dict[str, Any], expect: Any) -> None:
        got = state_of(self.session)
        for k, v in arg.items():
            if k == "rule_scope_ids":
                self.c.eq(at, k, got[k], sorted(v))
            elif k in ("gate_count", "approvals_in_window", "input_cache_len", "rule_cache_len"):
                self.c.eq(at, k, got[k], v)
            else:
                self.c.fail(at, f"unknown state key {k!r}")


def test_decision_scenario_names_are_unique() -> None:
    names = [sc.get("name") for p in fixture_files("decisions") for sc in load(p, "decisions").get("scenarios", [])]
    assert names and all(names) and len(names) == len(set(names)), [n for n in names if names.count(n) > 1]


@pytest.mark.parametrize("path", params("decisions"))
def test_decisions(path: Optional[Path]) -> None:
    f = load(path, "decisions")
    assert path is not None
    c = Checks()
    c.eq(path.name, "name", f.get("name"), path.stem)
    for i, sc in enumerate(f.get("scenarios", [])):
        Scenario(c, f"{path.name} / {sc.get('name', i)}", sc).run()
    c.done(path.name)


# --------------------------------------------------------------------------------------------
# functions
# --------------------------------------------------------------------------------------------

def bundle_of(spec: dict[str, Any]) -> ch.PolicyBundle:
    """A §2.2 bundle object → a ``PolicyBundle`` (an unknown key fails)."""
    unknown = set(spec) - BUNDLE_KEYS
    if unknown:
        raise KeyError(f"unknown bundle key(s) {sorted(unknown)}")
    return ch.PolicyBundle(**spec)


def fingerprints_equal(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return bundle_of(a).fingerprint == bundle_of(b).fingerprint


FUNCTIONS: dict[str, Callable[..., Any]] = {
    "tool_input_sha256": ch.tool_input_sha256,
    "canonical_json": ch.canonical_json,
    "truncate": ch.truncate,
    "is_degenerate_pattern": ch.is_degenerate_pattern,
    "parse_approval_scope": ch.parse_approval_scope,
    "effective_timeout": ch.effective_timeout,
    "strip_controls": ch.strip_controls,
    "denial_envelope": ch.denial_envelope,
    "redact_secrets": ch.redact_secrets,
    "scan_secrets": lambda t: dict(zip(("text", "findings"), ch.scan_secrets(t))),
    "tool_input_preview": lambda tool, v: ch.tool_input_preview(v, tool),
    "scan_deny_reason": ch.scan_deny_reason,
    "fingerprints_equal": fingerprints_equal,
}


@pytest.mark.parametrize("path", params("functions"))
def test_functions(path: Optional[Path]) -> None:
    f = load(path, "functions")
    assert path is not None
    c = Checks()
    name = f.get("function")
    fn = FUNCTIONS.get(name or "")
    if fn is None:
        pytest.fail(f"{path.name}: unknown function {name!r}")
    for i, case in enumerate(f.get("cases", [])):
        at = f"{path.name} case {i}"
        for k in set(case) - {"args", "expect", "expect_error", "description"}:
            c.fail(at, f"unknown case key {k!r}")
        try:
            got = fn(*case.get("args", []))
        except Exception as err:  # noqa: BLE001 - compared below
            if "expect_error" in case:
                c.checked += 1
                for frag in case["expect_error"].get("message_contains", []):
                    c.checked += 1
                    if frag not in str(err):
                        c.fail(at, f"error message {str(err)!r} lacks {frag!r}")
            else:
                c.fail(at, f"unexpected error {type(err).__name__}: {err}")
            continue
        if "expect_error" in case:
            c.fail(at, f"expected an error, got {got!r}")
        elif "expect" in case:
            c.eq(at, "result", got, case["expect"])
        else:
            c.fail(at, "case has neither expect nor expect_error")
    c.done(path.name)


# --------------------------------------------------------------------------------------------
# shell (contracts/README.md §4)
# --------------------------------------------------------------------------------------------

SHELL_CASE_KEYS = {"command", "expect", "description"}
SHELL_LISTS = ("commands", "writes")
_MISSING = object()


def shell_opaque(line: dict[str, Any]) -> bool:
    """The line's ``opaque`` is set, or any of its commands is opaque."""
    return line.get("opaque") is not None or any(cmd.get("opaque") is True for cmd in line.get("commands", []))


def compare_shell(c: Checks, at: str, got: dict[str, Any], want: Any) -> None:
    if not isinstance(want, dict):
        c.fail(at, f"expect must be an object, got {want!r}")
        return
    for k, v in want.items():
        if k == "opaque":
            c.eq(at, "opaque", shell_opaque(got), v)
        elif k in SHELL_LISTS:
            got_list, want_list = got.get(k, []), v
            if not isinstance(want_list, list):
                c.fail(at, f"{k} must be a list, got {want_list!r}")
                continue
            c.eq(at, f"{k}.length", len(got_list), len(want_list))
            for j, (g, w) in enumerate(zip(got_list, want_list)):
                if not isinstance(w, dict):
                    c.fail(at, f"{k}[{j}] must be an object, got {w!r}")
                    continue
                for field, wv in w.items():
                    if k == "writes" and field == "classes":
                        gv = g.get("facts", {}).get("classes", _MISSING)
                    else:
                        gv = g.get(field, _MISSING)
                    if gv is _MISSING:
                        c.fail(at, f"{k}[{j}].{field}: the parse has no such key")
                    else:
                        c.eq(at, f"{k}[{j}].{field}", gv, wv)
        else:
            c.fail(at, f"unknown expect key {k!r}")


@pytest.mark.parametrize("path", params("shell"))
def test_shell(path: Optional[Path]) -> None:
    f = load(path, "shell")
    assert path is not None
    c = Checks()
    name = f.get("name", path.stem)
    cases = f.get("cases")
    if not isinstance(cases, list) or not cases:
        pytest.fail(f"{path.name}: no cases")
    for i, case in enumerate(cases):
        at = f"{path.name} ({name}) case {i}"
        for k in sorted(set(case) - SHELL_CASE_KEYS):
            c.fail(at, f"unknown case key {k!r}")
        command = case.get("command")
        if not isinstance(command, str):
            c.fail(at, f"missing or non-string command: {command!r}")
            continue
        if "expect" not in case:
            c.fail(at, "case has no expect")
            continue
        at = f"{at} {command!r}"
        got = ch.parse_command(command)
        compare_shell(c, at, got, case["expect"])
    c.done(path.name)


# --------------------------------------------------------------------------------------------
# The runner itself can fail (so a green run means something)
# --------------------------------------------------------------------------------------------


def run_decisions_text(tmp_path: Path, doc: dict[str, Any]) -> None:
    p = tmp_path / f"{doc['name']}.json"
    p.write_text(json.dumps(doc), encoding="utf-8")
    test_decisions(p)


def test_runner_fails_on_a_wrong_expectation_an_unknown_step_and_an_unknown_key(tmp_path: Path) -> None:
    base = {"name": "probe", "scenarios": [{"name": "p", "spec": [], "steps": [
        {"evaluate": {"tool_name": "Bash", "tool_input": {"command": "rm -rf /"}}, "expect": {"reason": "Hard-deny: rm_slash"}}]}]}
    run_decisions_text(tmp_path, base)  # sanity: the correct fixture passes
    wrong = json.loads(json.dumps(base))
    wrong["scenarios"][0]["steps"][0]["expect"]["reason"] = "permitted"
    unknown_step = json.loads(json.dumps(base))
    unknown_step["scenarios"][0]["steps"].append({"teleport": True})
    unknown_key = json.loads(json.dumps(base))
    unknown_key["scenarios"][0]["steps"][0]["expect"]["vibes"] = "good"
    no_error = json.loads(json.dumps(base))
    no_error["scenarios"][0]["steps"].append({"add_scope": "tool_type:Read", "expect_error": {}})
    for doc, fragment in [(wrong, "got 'Hard-deny: rm_slash', want 'permitted'"), (unknown_step, "unknown step 'teleport'"),
                          (unknown_key, "unknown expect key 'vibes'"), (no_error, "succeeded, expected an error")]:
        with pytest.raises(pytest.fail.Exception) as info:
            run_decisions_text(tmp_path, doc)
        assert fragment in str(info.value) and "probe.json / p step" in str(info.value)


def test_runner_fails_on_an_empty_folder_and_a_wrong_function_result(tmp_path: Path) -> None:
    with pytest.raises(pytest.fail.Exception, match="no fixture files"):
        load(None, "decisions")
    p = tmp_path / "truncate.json"
    p.write_text(json.dumps({"function": "truncate", "cases": [{"args": ["abcdefghij", 8], "expect": "abcdefgh"}]}), encoding="utf-8")
    with pytest.raises(pytest.fail.Exception, match="got 'abcde...', want 'abcdefgh'"):
        test_functions(p)
    p.write_text(json.dumps({"function": "frobnicate", "cases": []}), encoding="utf-8")
    with pytest.raises(pytest.fail.Exception, match="unknown function 'frobnicate'"):
        test_functions(p)
    q = tmp_path / "probe.json"
    q.write_text(json.dumps({"name": "probe", "policies": '@rule_id("p") permit (principal, action, resource);',
                             "input": {"principal": {"type": "A", "id": "a"}, "action": {"type": "A", "id": "b"}, "resource": {"type": "A", "id": "c"}},
                             "expected": {"decision": "deny", "matching_rule_ids": [], "errors": False}}), encoding="utf-8")
    with pytest.raises(pytest.fail.Exception, match="decision: got 'allow', want 'deny'"):
        test_cedar_parity(q)


def test_runner_passes_builtins_through_to_the_bundle(tmp_path: Path) -> None:
    # The same command under both profiles: upstream `like` rules hard-deny it, the hardened
    # rules read its facts and allow it (contracts/README.md §2.2).
    step = {"evaluate": {"tool_name": "Bash", "tool_input": {"command": "rm -rf /tmp/build"}}}
    doc = {"name": "probe", "scenarios": [
        {"name": "up", "spec": [], "bundle": {"builtins": "upstream"}, "steps": [{**step, "expect": {"outcome": "deny", "matching_rule_ids": ["rm_slash"]}}]},
        {"name": "hard", "spec": [], "bundle": {"builtins": "hardened"}, "steps": [{**step, "expect": {"outcome": "allow"}}]},
        {"name": "default", "spec": [], "steps": [{**step, "expect": {"outcome": "allow"}}]},
        {"name": "bogus", "spec": [], "bundle": {"builtins": "lenient"}, "expect_error": {"type": "config", "field": "builtins", "message_contains": ["hardened", "upstream"]}},
    ]}
    run_decisions_text(tmp_path, doc)
    doc["scenarios"][0]["bundle"] = {}
    with pytest.raises(pytest.fail.Exception, match="got 'allow', want 'deny'"):
        run_decisions_text(tmp_path, doc)


def test_runner_checks_explain_steps(tmp_path: Path) -> None:
    good = {"name": "probe", "scenarios": [{"name": "p", "spec": [], "steps": [
        {"explain": {"tool_name": "Bash", "tool_input": {"command": "rm -rf /"}},
         "expect": {"outcome": "deny", "steps": ["input_checks", "cedar_evaluation", "cedar_evaluation", "cedar_evaluation"],
                    "evaluations": [["hard", "invoke_tool", "Bash", []], ["hard", "execute_bash", "rm -rf /", ["rm_slash"]], ["hard", "write_file", "/", []]]}}]}]}
    run_decisions_text(tmp_path, good)  # sanity: the correct fixture passes
    wrong_outcome = json.loads(json.dumps(good))
    wrong_outcome["scenarios"][0]["steps"][0]["expect"]["outcome"] = "allow"
    wrong_steps = json.loads(json.dumps(good))
    wrong_steps["scenarios"][0]["steps"][0]["expect"]["steps"].append("merge")
    wrong_eval = json.loads(json.dumps(good))
    wrong_eval["scenarios"][0]["steps"][0]["expect"]["evaluations"][1][3] = []
    unknown = json.loads(json.dumps(good))
    unknown["scenarios"][0]["steps"][0]["expect"]["vibes"] = "good"
    no_expect = json.loads(json.dumps(good))
    del no_expect["scenarios"][0]["steps"][0]["expect"]
    for doc, fragment in [(wrong_outcome, "explain.outcome: got 'deny', want 'allow'"), (wrong_steps, "explain.steps: got"),
                          (wrong_eval, "explain.evaluations: got"), (unknown, "unknown explain expect key 'vibes'"),
                          (no_expect, "explain step without expect")]:
        with pytest.raises(pytest.fail.Exception) as info:
            run_decisions_text(tmp_path, doc)
        assert fragment in str(info.value) and "probe.json / p step 0" in str(info.value)


def test_runner_checks_fingerprints_equal(tmp_path: Path) -> None:
    p = tmp_path / "fingerprints_equal.json"
    cases: list[dict[str, Any]] = [{"args": [{}, {"builtins": "hardened"}], "expect": True}, {"args": [{}, {"builtins": "upstream"}], "expect": False}]
    p.write_text(json.dumps({"function": "fingerprints_equal", "cases": cases}), encoding="utf-8")
    test_functions(p)  # sanity: the correct fixture passes
    cases[1]["expect"] = True
    p.write_text(json.dumps({"function": "fingerprints_equal", "cases": cases}), encoding="utf-8")
    with pytest.raises(pytest.fail.Exception, match="case 1: result: got False, want True"):
        test_functions(p)
    p.write_text(json.dumps({"function": "fingerprints_equal", "cases": [{"args": [{"colour": "red"}, {}], "expect": True}]}), encoding="utf-8")
    with pytest.raises(pytest.fail.Exception, match="unknown bundle key"):
        test_functions(p)


def run_shell_text(tmp_path: Path, doc: dict[str, Any]) -> None:
    p = tmp_path / f"{doc.get('name', 'probe')}.json"
    p.write_text(json.dumps(doc), encoding="utf-8")
    test_shell(p)


def test_shell_runner_passes_a_good_file_and_fails_on_bad_ones(tmp_path: Path) -> None:
    good = {"name": "probe", "cases": [
        {"command": "sudo rm -fr /", "expect": {"opaque": False,
                                                "commands": [{"program": "rm", "wrappers": ["sudo"], "effects": ["fs.delete", "fs.delete.recursive"]}],
                                                "writes": [{"path": "/", "via": "rm", "classes": ["root"]}]}},
        {"command": "$CMD -rf /", "expect": {"opaque": True}},
    ]}
    run_shell_text(tmp_path, good)  # sanity: the correct fixture passes
    wrong = json.loads(json.dumps(good))
    wrong["cases"][0]["expect"]["commands"][0]["program"] = "rmdir"
    longer = json.loads(json.dumps(good))
    longer["cases"][0]["expect"]["writes"].append({"path": "/etc"})
    unknown = json.loads(json.dumps(good))
    unknown["cases"][1]["expect"]["vibes"] = "good"
    no_such_field = json.loads(json.dumps(good))
    no_such_field["cases"][0]["expect"]["commands"][0]["colour"] = "red"
    flipped = json.loads(json.dumps(good))
    flipped["cases"][1]["expect"]["opaque"] = False
    for doc, fragment in [(wrong, "commands[0].program: got 'rm', want 'rmdir'"), (longer, "writes.length: got 1, want 2"),
                          (unknown, "unknown expect key 'vibes'"), (no_such_field, "commands[0].colour: the parse has no such key"),
                          (flipped, "opaque: got True, want False")]:
        with pytest.raises(pytest.fail.Exception) as info:
            run_shell_text(tmp_path, doc)
        assert fragment in str(info.value) and "probe.json (probe) case" in str(info.value)
    with pytest.raises(pytest.fail.Exception, match="no cases"):
        run_shell_text(tmp_path, {"name": "probe", "cases": []})
    with pytest.raises(pytest.fail.Exception, match="no fixture files"):
        load(None, "shell")
