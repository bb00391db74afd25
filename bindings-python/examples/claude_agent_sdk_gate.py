"""Gate every tool call of a Claude Agent SDK agent with cedar-hitl.

    python claude_agent_sdk_gate.py "fix the failing test in tests/test_app.py"

Each call the agent wants to make is decided by the engine before it runs. ALLOW runs; DENY is
refused with the reason the agent reads. REQUIRE_APPROVAL opens a gate (cap, rate limit and
remaining lifetime are the core's). On a terminal the person answers at the console:

    y            allow this call
    s SCOPE      allow it and pre-approve SCOPE (e.g. ``rule:force_push_any``, ``tool_type_session``)
    n REASON     deny; the reason reaches the agent now and again on its next turn
    (anything else, or no terminal)  leave it to the SDK's own permission flow ("ask")

After each call, secrets in the tool's output are redacted before the agent sees them.

Settings come from the environment: ``CEDAR_HITL_TASK_TYPE`` (default ``new_task``),
``CEDAR_HITL_REPO`` (default ``""``), ``CEDAR_HITL_READ_ONLY`` (``1`` = read-only),
``CEDAR_HITL_INITIAL_APPROVALS`` (comma-separated scopes), ``CEDAR_HITL_MAX_LIFETIME_S`` (the
task's lifetime; gates are clipped to what remains) and ``CEDAR_HITL_AUDIT_LOG`` (a path: one JSON
line per decision).

Running an agent needs the Claude Code CLI and credentials; building the options does not.
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
from typing import Callable, List, Mapping, Optional, TextIO

from claude_agent_sdk import AssistantMessage, ClaudeAgentOptions, ResultMessage, TextBlock, query

from cedar_hitl import PolicyEngine
from cedar_hitl.agent_sdk import ASK, ApprovalAnswer, ApprovalGate, Approved, Approver, Denied, ask_in_sdk, hook_matchers


def build_engine(env: Mapping[str, str]) -> PolicyEngine:
    scopes = [s.strip() for s in env.get("CEDAR_HITL_INITIAL_APPROVALS", "").split(",") if s.strip()]
    return PolicyEngine(
        env.get("CEDAR_HITL_TASK_TYPE", "new_task"),
        env.get("CEDAR_HITL_REPO", ""),
        read_only=env.get("CEDAR_HITL_READ_ONLY", "0") == "1",
        initial_approvals=scopes,
    )


def lifetime(env: Mapping[str, str], now: Callable[[], float] = time.monotonic) -> Optional[Callable[[], Optional[int]]]:
    """The task's remaining lifetime, counted from now, when ``CEDAR_HITL_MAX_LIFETIME_S`` is set."""
    raw = env.get("CEDAR_HITL_MAX_LIFETIME_S")
    if not raw:
        return None
    end = now() + int(raw)
    return lambda: int(end - now())


def console_approver(stdin: TextIO, out: TextIO) -> Approver:
    """Ask the person at the console. The gate holds only sanitised text (no raw input)."""

    async def approve(gate: ApprovalGate) -> ApprovalAnswer:
        out.write(
            f"\n[cedar-hitl] {gate.tool_name} wants to run: {gate.input_preview}\n"
            f"  {gate.reason} (severity {gate.severity}; {gate.timeout_s}s to answer)\n"
            "  y = allow once, s SCOPE = allow and pre-approve, n REASON = deny, else ask in the SDK\n> "
        )
        out.flush()
        # readline blocks, so it runs in a worker thread; the engine's timeout still applies.
        line = await asyncio.get_running_loop().run_in_executor(None, stdin.readline)
        word, _, rest = line.strip().partition(" ")
        if word == "y":
            return Approved()
        if word == "s" and rest.strip():
            return Approved(scope=rest.strip())
        if word == "n":
            return Denied(rest.strip() or "denied at the console")
        return ASK

    return approve


def build_options(env: Mapping[str, str], approver: Approver = ask_in_sdk) -> ClaudeAgentOptions:
    engine = build_engine(env)
    hooks = hook_matchers(
        engine,
        approver=approver,
        remaining_lifetime_s=lifetime(env),
        audit_log=env.get("CEDAR_HITL_AUDIT_LOG") or None,
    )
    return ClaudeAgentOptions(hooks=hooks)


async def run(prompt: str, options: ClaudeAgentOptions, out: TextIO) -> int:
    async for message in query(prompt=prompt, options=options):
        if isinstance(message, AssistantMessage):
            for block in message.content:
                if isinstance(block, TextBlock):
                    out.write(block.text + "\n")
        elif isinstance(message, ResultMessage):
            return 1 if message.is_error else 0
    return 0


def main(argv: List[str]) -> int:
    prompt = " ".join(argv[1:]) or "List the files in this directory."
    approver = console_approver(sys.stdin, sys.stderr) if sys.stdin.isatty() else ask_in_sdk
    return asyncio.run(run(prompt, build_options(os.environ, approver), sys.stdout))


if __name__ == "__main__":
    sys.exit(main(sys.argv))
