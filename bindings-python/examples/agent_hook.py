"""A PreToolUse hook for an AI coding agent, written against the upstream-style names.

Reads hook events as JSON lines on stdin and writes one JSON line per ``PreToolUse`` event:

    {"hook_event_name": "PreToolUse", "tool_name": "Bash", "tool_input": {"command": "ls"}}
        -> {"action": "allow" | "deny" | "approval", "reason": ..., "approval": {...} | null,
            "denials": "<user_denial ...>" | null}

``HumanDenied`` events (``{"hook_event_name": "HumanDenied", "request_id", "reason",
"decided_at"}``) stand in for the host's approval poller: they queue a denial, and the next
``PreToolUse`` response carries every queued denial as one XML envelope for the agent's next turn.

Settings come from the environment: ``CEDAR_HITL_TASK_TYPE`` (default ``new_task``),
``CEDAR_HITL_REPO`` (default ``""``), ``CEDAR_HITL_READ_ONLY`` (``1`` = read-only) and
``CEDAR_HITL_INITIAL_APPROVALS`` (comma-separated scopes).

Porting from the cedarpy-based engine: only the import line changes.
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any, Dict, List, Literal, Mapping, Optional, TextIO, TypedDict

from cedar_hitl import (
    Outcome,
    PolicyDecision,
    PolicyEngine,
    agent_deny_reason,
    denial_envelope,
)

Action = Literal["allow", "deny", "approval"]


class Approval(TypedDict):
    timeout_s: Optional[int]
    severity: Optional[str]
    matching_rule_ids: List[str]


class HookResponse(TypedDict):
    tool_name: str
    action: Action
    reason: str
    approval: Optional[Approval]
    denials: Optional[str]


def build_engine(env: Mapping[str, str]) -> PolicyEngine:
    scopes = [s for s in env.get("CEDAR_HITL_INITIAL_APPROVALS", "").split(",") if s.strip()]
    return PolicyEngine(
        env.get("CEDAR_HITL_TASK_TYPE", "new_task"),
        env.get("CEDAR_HITL_REPO", ""),
        read_only=env.get("CEDAR_HITL_READ_ONLY", "0") == "1",
        initial_approvals=scopes,
    )


def to_response(tool_name: str, decision: PolicyDecision, denials: Optional[str]) -> HookResponse:
    """Map the three outcomes onto the hook's three actions."""
    if decision.outcome is Outcome.ALLOW:
        return {"tool_name": tool_name, "action": "allow", "reason": decision.reason, "approval": None, "denials": denials}
    if decision.outcome is Outcome.REQUIRE_APPROVAL:
        approval: Approval = {
            "timeout_s": decision.timeout_s,
            "severity": decision.severity,
            "matching_rule_ids": list(decision.matching_rule_ids),
        }
        return {"tool_name": tool_name, "action": "approval", "reason": decision.reason, "approval": approval, "denials": denials}
    # DENY: the agent sees a sanitised, length-capped reason.
    return {
        "tool_name": tool_name,
        "action": "deny",
        "reason": agent_deny_reason(decision.reason),
        "approval": None,
        "denials": denials,
    }


def pending_denials(engine: PolicyEngine) -> Optional[str]:
    """Drain queued human denials into one envelope for the agent's next turn."""
    drained = engine.drain_denial_injections()
    return denial_envelope(drained) if drained else None


def handle(engine: PolicyEngine, event: Dict[str, Any]) -> Optional[HookResponse]:
    kind = event.get("hook_event_name")
    if kind == "HumanDenied":
        engine.queue_denial_injection(str(event.get("request_id", "")), str(event.get("reason", "")), event.get("decided_at"))
        return None
    if kind != "PreToolUse":
        return None
    tool_name = event.get("tool_name")
    tool_input: Any = event.get("tool_input")
    name = tool_name if isinstance(tool_name, str) else "unknown"
    # Malformed input is not refused here: the engine fails closed on it (DENY, fail_closed).
    decision = engine.evaluate_tool_use(name, tool_input)
    return to_response(name, decision, pending_denials(engine))


def main(stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout) -> int:
    engine = build_engine(os.environ)
    for line in stdin:
        if not line.strip():
            continue
        try:
            event = json.loads(line)
        except json.JSONDecodeError:
            response: Optional[HookResponse] = {
                "tool_name": "unknown",
                "action": "deny",
                "reason": "unparseable hook input",
                "approval": None,
                "denials": None,
            }
        else:
            response = handle(engine, event) if isinstance(event, dict) else None
        if response is not None:
            stdout.write(json.dumps(response) + "\n")
            stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
