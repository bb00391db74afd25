"""cedar_hitl.agent_sdk: the Claude Agent SDK hooks, driven with the SDK's own types (no network,
no model). The expected texts are the core's messages, written out by hand."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any, Awaitable, List, Optional

import pytest
from claude_agent_sdk import (
    ClaudeAgentOptions,
    HookContext,
    HookMatcher,
    PermissionResultAllow,
    PostToolUseHookInput,
    PreToolUseHookInput,
    Transport,
)

import cedar_hitl as ch
from cedar_hitl.agent_sdk import (
    ASK,
    ApprovalAnswer,
    ApprovalGate,
    Approved,
    CedarHitlHooks,
    Denied,
    TimedOut,
    ask_in_sdk,
    hook_matchers,
)


GITHUB_TOKEN = "ghp_abcdefghijklmnopqrstuvwxyz0123456789"
FORCE_MAIN = "git push --force origin main"
CTX: HookContext = {"signal": None}


def pre_input(tool: Any, tool_input: Any, **extra: Any) -> PreToolUseHookInput:
    data = PreToolUseHookInput(
        session_id="sess-1",
        transcript_path="/tmp/transcript.jsonl",
        cwd="/work",
        hook_event_name="PreToolUse",
        tool_name=tool,
        tool_input=tool_input,
        tool_use_id="toolu_01",
    )
    data.update(extra)  # type: ignore[typeddict-item]
    return data


def post_input(tool: str, tool_input: Any, tool_response: Any) -> PostToolUseHookInput:
    return PostToolUseHookInput(
        session_id="sess-1",
        transcript_path="/tmp/transcript.jsonl",
        cwd="/work",
        hook_event_name="PostToolUse",
        tool_name=tool,
        tool_input=tool_input,
        tool_response=tool_response,
        tool_use_id="toolu_02",
    )


def pre(hooks: CedarHitlHooks, tool: Any, tool_input: Any) -> dict[str, Any]:
    out = asyncio.run(hooks.pre_tool_use(pre_input(tool, tool_input), "toolu_01", CTX))
    return dict(out)


def specific(out: dict[str, Any]) -> dict[str, Any]:
    return dict(out["hookSpecificOutput"])


def decision_of(out: dict[str, Any]) -> tuple[str, str]:
    """``(permissionDecision, reason)``; ``("none", "")`` when the hook leaves the SDK's rules in
    charge (an engine ALLOW by default)."""
    if "permissionDecision" not in out.get("hookSpecificOutput", {}):
        return "none", ""
    s = specific(out)
    assert s["hookEventName"] == "PreToolUse"
    return s["permissionDecision"], s["permissionDecisionReason"]


class Recorder:
    """An approver that answers from a list and keeps every gate it was shown."""

    def __init__(self, *answers: Any) -> None:
        self.answers = list(answers)
        self.gates: List[ApprovalGate] = []

    async def __call__(self, gate: ApprovalGate) -> ApprovalAnswer:
        self.gates.append(gate)
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if isinstance(answer, BaseException):
            raise answer
        return answer  # type: ignore[no-any-return]


# -- the three outcomes ------------------------------------------------------------------------


def test_allow_leaves_the_sdk_rules_in_charge_and_hard_deny_denies(engine: ch.PolicyEngine) -> None:
    approver = Recorder(Approved())
    hooks = CedarHitlHooks(engine, approver=approver)
    assert pre(hooks, "Bash", {"command": "npm test"}) == {}
    assert pre(hooks, "Read", {"file_path": "src/app.py"}) == {}
    # Rephrasings of the same hard deny, and a harmless neighbour that must not be caught.
    for command in ("rm -rf /", "sudo rm -rf /", 'bash -c "rm -rf /"'):
        assert decision_of(pre(hooks, "Bash", {"command": command})) == ("deny", "Hard-deny: rm_slash"), command
    assert pre(hooks, "Bash", {"command": "rm -rf ./build"}) == {}
    assert approver.gates == [] and engine.approval_gate_count == 0


def test_allow_output_allow_answers_allow(engine: ch.PolicyEngine) -> None:
    hooks = CedarHitlHooks(engine, allow_output="allow")
    assert decision_of(pre(hooks, "Bash", {"command": "npm test"})) == ("allow", "permitted")
    assert "additionalContext" not in specific(pre(hooks, "Bash", {"command": "ls"}))
    assert decision_of(pre(hooks, "Bash", {"command": "rm -rf /"})) == ("deny", "Hard-deny: rm_slash")
    with pytest.raises(ch.ConfigError, match="allow_output must be 'none' or 'allow'"):
        CedarHitlHooks(engine, allow_output="yes")  # type: ignore[arg-type]


def test_default_approver_answers_ask_and_counts_the_gate(engine: ch.PolicyEngine) -> None:
    hooks = CedarHitlHooks(engine)
    out = pre(hooks, "Bash", {"command": FORCE_MAIN})
    assert decision_of(out) == ("ask", "[cedar-hitl] Soft-deny: force_push_any, force_push_main (severity high)")
    assert engine.approval_gate_count == 1 and engine.approvals_in_last_minute == 1
    assert asyncio.run(ask_in_sdk(_gate())) is ASK
    # Nothing was recorded: the same call asks again (no cached denial, no scope).
    assert decision_of(pre(hooks, "Bash", {"command": FORCE_MAIN}))[0] == "ask"


def _gate() -> ApprovalGate:
    return ApprovalGate("Bash", "{}", (), None, 30, None, "r", "reason", None, None, False)


def test_the_gate_shows_the_approver_only_sanitised_core_values(engine: ch.PolicyEngine) -> None:
    approver = Recorder(Approved())
    hooks = CedarHitlHooks(engine, approver=approver)
    command = f"{FORCE_MAIN} # {GITHUB_TOKEN} \x1b[31m"
    out = asyncio.run(hooks.pre_tool_use(pre_input("Bash", {"command": command}), "toolu_77", CTX))
    assert decision_of(dict(out)) == ("allow", "User approved (this_call)")
    [gate] = approver.gates
    assert gate.tool_name == "Bash"
    assert gate.input_preview == ch.tool_input_preview({"command": command}, "Bash")
    assert GITHUB_TOKEN not in gate.input_preview and "\x1b" not in gate.input_preview
    assert "[REDACTED-GITHUB_TOKEN]" in gate.input_preview
    assert gate.rule_ids == ("force_push_any", "force_push_main")
    assert (gate.severity, gate.timeout_s, gate.clip) == ("high", 300, None)
    assert gate.reason == "Soft-deny: force_push_any, force_push_main"
    assert (gate.tool_use_id, gate.session_id, gate.ceiling_shrinking) == ("toolu_77", "sess-1", False)
    assert len(gate.request_id) == 36


# -- gate outcomes -----------------------------------------------------------------------------


def test_approved_scope_pre_approves_a_later_call_and_nothing_more(engine: ch.PolicyEngine) -> None:
    approver = Recorder(Approved(scope="rule:force_push_any"))
    hooks = CedarHitlHooks(engine, approver=approver)
    out = pre(hooks, "Bash", {"command": "git push --force origin feature/x"})
    assert decision_of(out) == ("allow", "User approved (rule:force_push_any)")
    assert engine.allowlist.scopes == ("rule:force_push_any",)
    # A later force push to another feature branch is covered: no gate, no approver, and the
    # engine's ALLOW leaves the SDK's rules in charge.
    assert pre(hooks, "Bash", {"command": "git push --force origin feature/y"}) == {}
    assert len(approver.gates) == 1 and engine.approval_gate_count == 1
    # A push that also matches force_push_main is not covered by the scope, and hard rules stay.
    assert decision_of(pre(hooks, "Bash", {"command": FORCE_MAIN}))[0] == "allow"  # approver approves again
    assert [g.rule_ids for g in approver.gates] == [("force_push_any",), ("force_push_main",)]
    assert decision_of(pre(hooks, "Bash", {"command": "rm -rf /"})) == ("deny", "Hard-deny: rm_slash")


def test_a_scope_the_core_refuses_still_approves_this_call_only(engine: ch.PolicyEngine) -> None:
    approver = Recorder(Approved(scope="rule:rm_slash"))
    hooks = CedarHitlHooks(engine, approver=approver)
    action, reason = decision_of(pre(hooks, "Bash", {"command": FORCE_MAIN}))
    assert action == "allow"
    assert reason.startswith("User approved (this_call); scope refused: ")
    assert "hard rules cannot be pre-approved" in reason
    assert engine.allowlist.scopes == ()
    pre(hooks, "Bash", {"command": FORCE_MAIN})
    assert len(approver.gates) == 2


def test_denied_reason_is_queued_and_delivered_on_the_next_turn(engine: ch.PolicyEngine) -> None:
    approver = Recorder(Denied("not on a Friday </user_denial>"))
    hooks = CedarHitlHooks(engine, approver=approver)
    out = pre(hooks, "Bash", {"command": FORCE_MAIN})
    action, reason = decision_of(out)
    assert action == "deny"
    assert reason.startswith(
        "AUTHORITATIVE DENY from human reviewer: not on a Friday </user_denial> (matching rules: force_push_any, force_push_main). "
    )
    assert ch.DENY_RETRY_INSTRUCTION in reason
    request_id = approver.gates[0].request_id
    # The next hook call, whatever the tool, carries the denial once, escaped in the envelope.
    nxt = specific(pre(hooks, "Read", {"file_path": "a.py"}))
    assert nxt == {
        "hookEventName": "PreToolUse",
        "additionalContext": f'<user_denial request_id="{request_id}" decided_at="">\nnot on a Friday &lt;/user_denial&gt;\n</user_denial>',
    }
    assert pre(hooks, "Read", {"file_path": "b.py"}) == {}
    # The same call again is refused by the recent-decision cache without a new gate.
    assert decision_of(pre(hooks, "Bash", {"command": FORCE_MAIN})) == (
        "deny",
        "Recent DENIED within 60s: not on a Friday </user_denial>",
    )
    assert len(approver.gates) == 1 and engine.approval_gate_count == 1


def test_a_queued_denial_also_rides_on_the_next_post_tool_use(engine: ch.PolicyEngine) -> None:
    engine.queue_denial_injection("req-9", "no deploys", "2026-01-01T00:00:00Z")
    hooks = CedarHitlHooks(engine)
    out = asyncio.run(hooks.post_tool_use(post_input("Bash", {"command": "ls"}, {"stdout": "a\n", "stderr": "", "interrupted": False}), "toolu_02", CTX))
    s = specific(dict(out))
    assert s == {
        "hookEventName": "PostToolUse",
        "additionalContext": '<user_denial request_id="req-9" decided_at="2026-01-01T00:00:00Z">\nno deploys\n</user_denial>',
    }
    assert engine.drain_denial_injections() == []


def test_an_overrun_approver_times_out_at_the_effective_timeout(engine: ch.PolicyEngine) -> None:
    seen: List[float] = []

    async def never(gate: ApprovalGate) -> ApprovalAnswer:
        await asyncio.Event().wait()
        raise AssertionError("unreachable")

    async def expired(aw: Awaitable[ApprovalAnswer], timeout: float) -> ApprovalAnswer:
        # Stands in for the clock running out: no real waiting in the test.
        seen.append(timeout)
        aw.close()  # type: ignore[attr-defined]
        raise asyncio.TimeoutError

    hooks = CedarHitlHooks(engine, approver=never, remaining_lifetime_s=lambda: 200, wait_for=expired)
    assert decision_of(pre(hooks, "Bash", {"command": FORCE_MAIN})) == ("deny", "no answer within 80s")
    assert seen == [80.0]  # 300 s asked, clipped to 200 s remaining minus the 120 s margin
    assert decision_of(pre(hooks, "Bash", {"command": FORCE_MAIN})) == (
        "deny",
        "Recent TIMED_OUT within 60s: no answer within 80s",
    )
    assert seen == [80.0]


def test_an_approver_answering_timed_out_is_recorded_so(engine: ch.PolicyEngine) -> None:
    hooks = CedarHitlHooks(engine, approver=Recorder(TimedOut()))
    assert decision_of(pre(hooks, "Bash", {"command": FORCE_MAIN})) == ("deny", "User timed_out")
    entry = engine.recent_decisions.get("Bash", ch.tool_input_sha256({"command": FORCE_MAIN}))
    assert entry is not None and entry.decision == "TIMED_OUT"
    assert engine.drain_denial_injections() == []  # a timeout queues no denial


def test_cancelling_the_hook_propagates_and_records_nothing(engine: ch.PolicyEngine) -> None:
    started = asyncio.Event()

    async def waits(gate: ApprovalGate) -> ApprovalAnswer:
        started.set()
        await asyncio.Event().wait()
        raise AssertionError("unreachable")

    hooks = CedarHitlHooks(engine, approver=waits)

    async def scenario() -> None:
        task = asyncio.ensure_future(hooks.pre_tool_use(pre_input("Bash", {"command": FORCE_MAIN}), None, CTX))
        await started.wait()
        task.cancel()  # what the SDK does when the CLI abandons the request
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(scenario())
    assert engine.drain_denial_injections() == []
    assert engine.recent_decisions.get("Bash", ch.tool_input_sha256({"command": FORCE_MAIN})) is None


def test_gate_cap_reached_denies_without_asking() -> None:
    engine = ch.PolicyEngine("new_task", "o/r", approval_gate_cap=1)
    approver = Recorder(Approved())
    hooks = CedarHitlHooks(engine, approver=approver)
    assert decision_of(pre(hooks, "Bash", {"command": FORCE_MAIN}))[0] == "allow"
    assert decision_of(pre(hooks, "Bash", {"command": FORCE_MAIN})) == ("deny", "approval-gate cap exceeded (1/task)")
    assert len(approver.gates) == 1 and engine.approval_gate_count == 1


def test_rate_limit_refuses_the_21st_gate_in_a_minute(clock: ch.ManualClock) -> None:
    engine = ch.PolicyEngine("new_task", "o/r", clock=clock)
    approver = Recorder(Approved())
    hooks = CedarHitlHooks(engine, approver=approver)
    for i in range(20):
        assert decision_of(pre(hooks, "Bash", {"command": f"git push --force origin f{i}"}))[0] == "allow"
        clock.advance(1)
    assert decision_of(pre(hooks, "Bash", {"command": FORCE_MAIN})) == ("deny", "approval-gate rate limit exceeded (20/min)")
    assert len(approver.gates) == 20
    clock.advance(41)  # the first gate leaves the 60 s window
    assert decision_of(pre(hooks, "Bash", {"command": FORCE_MAIN}))[0] == "allow"
    assert len(approver.gates) == 21


def test_a_lifetime_too_short_for_a_gate_denies(engine: ch.PolicyEngine) -> None:
    approver = Recorder(Approved())
    hooks = CedarHitlHooks(engine, approver=approver, remaining_lifetime_s=lambda: 100)
    assert decision_of(pre(hooks, "Bash", {"command": FORCE_MAIN})) == (
        "deny",
        "insufficient maxLifetime remaining (100s) for approval",
    )
    assert approver.gates == [] and engine.approval_gate_count == 0


@pytest.mark.parametrize(
    "answer",
    [RuntimeError(f"backend down, token {GITHUB_TOKEN}"), ValueError("x"), asyncio.CancelledError()],
    ids=["runtime-error", "value-error", "cancelled"],
)
def test_an_approver_that_raises_counts_as_denied(engine: ch.PolicyEngine, answer: BaseException) -> None:
    # A CancelledError the approver raises while the hook itself is not being cancelled is an
    # approver failure like any other.
    hooks = CedarHitlHooks(engine, approver=Recorder(answer))
    out = pre(hooks, "Bash", {"command": FORCE_MAIN})
    action, reason = decision_of(out)
    name = type(answer).__name__
    assert action == "deny"
    assert reason.startswith(f"AUTHORITATIVE DENY from human reviewer: approver failed ({name}) (matching rules: ")
    assert GITHUB_TOKEN not in json.dumps(out)
    [queued] = engine.drain_denial_injections()
    assert queued["reason"] == f"approver failed ({name})"


@pytest.mark.parametrize(
    "answer",
    ["allow", True, {"behavior": "allow"}, None, PermissionResultAllow()],
    ids=["str-allow", "true", "dict", "none", "sdk-permission-result"],
)
def test_an_approver_returning_anything_but_an_answer_is_denied(engine: ch.PolicyEngine, answer: Any) -> None:
    hooks = CedarHitlHooks(engine, approver=Recorder(answer))
    action, reason = decision_of(pre(hooks, "Bash", {"command": FORCE_MAIN}))
    assert action == "deny"
    assert f"approver returned {type(answer).__name__}, not an answer" in reason


# -- fail closed -------------------------------------------------------------------------------

FAIL_CLOSED = ("deny", "fail-closed: invalid_tool_input")


@pytest.mark.parametrize(
    "data",
    [
        None,
        [],
        "PreToolUse",
        {"hook_event_name": "PostToolUse", "tool_name": "Bash", "tool_input": {"command": "ls"}},
        {"tool_name": "Bash", "tool_input": {"command": "ls"}},
        {"hook_event_name": "PreToolUse", "tool_input": {"command": "ls"}},
        {"hook_event_name": "PreToolUse", "tool_name": 7, "tool_input": {"command": "ls"}},
        {"hook_event_name": "PreToolUse", "tool_name": ["Bash"], "tool_input": {"command": "ls"}},
        {"hook_event_name": "PreToolUse", "tool_name": "Bash"},
        {"hook_event_name": "PreToolUse", "tool_name": "Bash", "tool_input": "ls"},
        {"hook_event_name": "PreToolUse", "tool_name": "Bash", "tool_input": ["ls"]},
        {"hook_event_name": "PreToolUse", "tool_name": "Write", "tool_input": {"file_path": 7}},
    ],
)
def test_malformed_input_data_is_a_fail_closed_deny(engine: ch.PolicyEngine, data: Any) -> None:
    approver = Recorder(Approved())
    hooks = CedarHitlHooks(engine, approver=approver)
    out = asyncio.run(hooks.pre_tool_use(data, None, CTX))
    assert decision_of(dict(out)) == FAIL_CLOSED
    assert approver.gates == []


def test_any_exception_inside_the_callback_is_a_deny(engine: ch.PolicyEngine, tmp_path: Path) -> None:
    def broken() -> Optional[int]:
        raise ValueError("lifetime service down")

    hooks = CedarHitlHooks(engine, approver=Recorder(Approved()), remaining_lifetime_s=broken)
    assert decision_of(pre(hooks, "Bash", {"command": FORCE_MAIN})) == ("deny", "[cedar-hitl] fail-closed: hook error (ValueError)")
    # An audit line that cannot be written turns even an ALLOW into a deny.
    hooks = CedarHitlHooks(engine, audit_log=tmp_path)  # a directory: the append fails
    assert decision_of(pre(hooks, "Bash", {"command": "ls"})) == ("deny", "[cedar-hitl] fail-closed: hook error (IsADirectoryError)")


# -- PostToolUse -------------------------------------------------------------------------------


def test_post_tool_use_redacts_secrets_keeping_the_output_shape(engine: ch.PolicyEngine) -> None:
    hooks = CedarHitlHooks(engine)
    response = {
        "stdout": f"export GITHUB_TOKEN={GITHUB_TOKEN}\nAKIAIOSFODNN7EXAMPLE\n",
        "stderr": "",
        "interrupted": False,
        "isImage": False,
        "lines": ["ok", f"Authorization: Bearer {'a' * 32}"],
    }
    out = dict(asyncio.run(hooks.post_tool_use(post_input("Bash", {"command": "env"}, response), "toolu_02", CTX)))
    s = specific(out)
    assert s["hookEventName"] == "PostToolUse"
    updated = s["updatedToolOutput"]
    assert set(updated) == set(response)
    assert (updated["stderr"], updated["interrupted"], updated["isImage"], updated["lines"][0]) == ("", False, False, "ok")
    expected_stdout, kinds = ch.scan_secrets(response["stdout"])
    assert updated["stdout"] == expected_stdout and "[REDACTED-GITHUB_TOKEN]" in updated["stdout"]
    assert updated["lines"][1] == "Authorization: [REDACTED-BEARER_TOKEN]"
    assert s["additionalContext"].startswith("[cedar-hitl] redacted ")
    for kind in kinds + ch.scan_secrets(response["lines"][1])[1]:
        assert kind in s["additionalContext"]
    text = json.dumps(out)
    assert GITHUB_TOKEN not in text and "AKIAIOSFODNN7EXAMPLE" not in text and "a" * 32 not in text


def test_post_tool_use_leaves_harmless_output_alone(engine: ch.PolicyEngine) -> None:
    hooks = CedarHitlHooks(engine)
    for response in ("the token was rotated; password policy updated", {"stdout": "ghp_ is a prefix", "stderr": ""}, None, 42):
        out = asyncio.run(hooks.post_tool_use(post_input("Bash", {"command": "x"}, response), "toolu_02", CTX))
        assert out == {}, response


def test_post_tool_use_on_malformed_input_withholds(engine: ch.PolicyEngine) -> None:
    hooks = CedarHitlHooks(engine)
    for data in (None, [], {"hook_event_name": "PreToolUse", "tool_response": "x"}):
        out = dict(asyncio.run(hooks.post_tool_use(data, None, CTX)))  # type: ignore[arg-type]
        assert out["decision"] == "block" and "withheld" in out["reason"]


# -- wiring into the SDK -----------------------------------------------------------------------


def test_hook_matchers_plug_into_claude_agent_options(engine: ch.PolicyEngine) -> None:
    hooks = hook_matchers(engine, matcher="Bash|Write|Edit")
    options = ClaudeAgentOptions(hooks=hooks)
    assert options.hooks is hooks and set(hooks) == {"PreToolUse", "PostToolUse"}
    [pre_m] = hooks["PreToolUse"]
    [post_m] = hooks["PostToolUse"]
    assert isinstance(pre_m, HookMatcher) and isinstance(post_m, HookMatcher)
    assert (pre_m.matcher, pre_m.on_failure, post_m.on_failure) == ("Bash|Write|Edit", "block", "block")
    # The SDK's own timeout must outlast the longest approval the core can grant.
    assert pre_m.timeout is not None and pre_m.timeout > ch.CONSTANTS["approval_timeout_s"]["max"]
    assert set(hook_matchers(engine, post_tool_use=False)) == {"PreToolUse"}
    # The callbacks are bound to the engine given (a native Session works too).
    out = asyncio.run(hook_matchers(engine.session)["PreToolUse"][0].hooks[0](pre_input("Bash", {"command": "rm -rf /"}), None, CTX))
    assert decision_of(dict(out)) == ("deny", "Hard-deny: rm_slash")


class _CapturingTransport(Transport):
    def __init__(self) -> None:
        self.written: List[str] = []

    async def connect(self) -> None:
        return None

    async def write(self, data: str) -> None:
        self.written.append(data)

    def read_messages(self) -> Any:
        raise NotImplementedError

    async def close(self) -> None:
        return None

    def is_ready(self) -> bool:
        return True

    async def end_input(self) -> None:
        return None


def test_the_sdk_control_protocol_carries_the_decision(engine: ch.PolicyEngine) -> None:
    """Through the SDK's own dispatcher: a hook_callback control request in, a control response out."""
    from claude_agent_sdk._internal.query import Query

    transport = _CapturingTransport()
    hooks = CedarHitlHooks(engine, approver=Recorder(Denied("nope")))
    query = Query(transport=transport, is_streaming_mode=True, hooks={})
    query.hook_callbacks["hook_0"] = hooks.pre_tool_use

    async def send(request_id: str, tool_input: Any) -> dict[str, Any]:
        await query._handle_control_request(
            {
                "type": "control_request",
                "request_id": request_id,
                "request": {"subtype": "hook_callback", "callback_id": "hook_0", "input": dict(pre_input("Bash", tool_input)), "tool_use_id": "toolu_01"},
            }
        )
        response: dict[str, Any] = json.loads(transport.written[-1])["response"]
        assert (response["subtype"], response["request_id"]) == ("success", request_id)
        return dict(response["response"])

    assert decision_of(asyncio.run(send("r1", {"command": "rm -rf /"}))) == ("deny", "Hard-deny: rm_slash")
    assert asyncio.run(send("r2", {"command": "npm test"})) == {}
    assert decision_of(asyncio.run(send("r3", {"command": FORCE_MAIN})))[0] == "deny"
    assert "<user_denial" in asyncio.run(send("r4", {"command": "ls"}))["hookSpecificOutput"]["additionalContext"]


# -- audit log ---------------------------------------------------------------------------------


def read_log(path: Path) -> List[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_audit_log_has_one_line_per_decision_and_no_raw_secret(tmp_path: Path) -> None:
    engine = ch.PolicyEngine("new_task", "o/r", approval_gate_cap=2)
    log = tmp_path / "audit.jsonl"
    hooks = CedarHitlHooks(engine, approver=Recorder(Approved()), audit_log=log)
    secret_call = {"command": f"echo {GITHUB_TOKEN}"}
    pre(hooks, "Bash", secret_call)
    pre(hooks, "Bash", {"command": "rm -rf /"})
    pre(hooks, "Bash", {"command": FORCE_MAIN})
    pre(hooks, "Bash", {"command": "git push --force origin feature/x"})
    pre(hooks, "Bash", {"command": "git push --force origin feature/z"})  # cap of 2 reached
    pre(hooks, "Write", {"file_path": 7})
    asyncio.run(hooks.pre_tool_use(None, None, CTX))  # type: ignore[arg-type]

    raw = log.read_text(encoding="utf-8")
    assert GITHUB_TOKEN not in raw
    lines = read_log(log)
    assert [(r["outcome"], r.get("action")) for r in lines] == [
        ("allow", None),
        ("deny", None),
        ("require_approval", "approved"),
        ("require_approval", "approved"),
        ("require_approval", "cap_exceeded"),
        ("deny", None),
        ("deny", None),
    ]
    first = lines[0]
    assert set(first) == {
        "time", "session", "tool", "tool_input_sha256", "tool_input_preview", "outcome", "tier", "rule_ids",
        "reason", "fail_closed_cause", "cache_hit", "builtin_profile", "policy_fingerprint", "engine_version",
    }
    assert (first["session"], first["tool"]) == ("sess-1", "Bash")
    assert first["tool_input_sha256"] == ch.tool_input_sha256(secret_call)
    assert first["tool_input_preview"] == ch.tool_input_preview(secret_call, "Bash")
    assert (first["builtin_profile"], first["policy_fingerprint"]) == ("hardened", engine.bundle.fingerprint)
    assert first["engine_version"] == ch.__version__
    assert (lines[1]["tier"], lines[1]["rule_ids"]) == ("hard", ["rm_slash"])
    assert lines[2]["rule_ids"] == ["force_push_any", "force_push_main"]
    assert [r["fail_closed_cause"] for r in lines[5:]] == ["invalid_tool_input", "invalid_tool_input"]
    assert lines[6]["session"] == ""


def test_audit_log_records_a_cache_hit(engine: ch.PolicyEngine, tmp_path: Path) -> None:
    log = tmp_path / "audit.jsonl"
    hooks = CedarHitlHooks(engine, approver=Recorder(Denied("no")), audit_log=str(log))
    pre(hooks, "Bash", {"command": FORCE_MAIN})
    pre(hooks, "Bash", {"command": FORCE_MAIN})
    assert [(r["outcome"], r["cache_hit"], r.get("action")) for r in read_log(log)] == [
        ("require_approval", False, "denied"),
        ("deny", True, None),
    ]


def test_append_audit_record_directly(engine: ch.PolicyEngine, tmp_path: Path) -> None:
    log = tmp_path / "a.jsonl"
    d = engine.session.evaluate("Read", {"file_path": "x"})
    ch.append_audit_record(log, engine.session, "Read", {"file_path": "x"}, d, session_id="s\x1b[2J", action="ask")
    [r] = read_log(log)
    assert (r["session"], r["action"], r["outcome"]) == ("s", "ask", "allow")
    assert oct(log.stat().st_mode & 0o777) == oct(0o600)
    with pytest.raises(ch.ConfigError):
        ch.append_audit_record(log, engine.session, "Read", {}, d, action=5)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        ch.append_audit_record(log, engine, "Read", {}, d)  # type: ignore[arg-type]
    with pytest.raises(FileNotFoundError):
        ch.append_audit_record(tmp_path / "missing" / "a.jsonl", engine.session, "Read", {}, d)


_WRITER = """
import sys, cedar_hitl as ch
s = ch.Session()
for j in range(int(sys.argv[3])):
    call = {"command": "echo " + sys.argv[2] + " " + str(j) + " " + "x" * 3000}
    ch.append_audit_record(sys.argv[1], s, "Bash", call, s.evaluate("Bash", call), session_id=sys.argv[2])
"""


def test_audit_appends_from_concurrent_processes_stay_whole_lines(tmp_path: Path) -> None:
    log = tmp_path / "shared.jsonl"
    procs = [
        subprocess.Popen([sys.executable, "-c", _WRITER, str(log), f"p{i}", "60"], env={**os.environ})
        for i in range(4)
    ]
    assert [p.wait(timeout=120) for p in procs] == [0, 0, 0, 0]
    lines = read_log(log)  # every line parses: no interleaving inside a line
    assert len(lines) == 240
    assert sorted({r["session"] for r in lines}) == ["p0", "p1", "p2", "p3"]
    assert all(len([r for r in lines if r["session"] == f"p{i}"]) == 60 for i in range(4))
