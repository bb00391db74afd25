"""cedar-hitl for agents built on the Claude Agent SDK: PreToolUse and PostToolUse hooks bound to
one engine.

    from claude_agent_sdk import ClaudeAgentOptions
    from cedar_hitl import PolicyEngine
    from cedar_hitl.agent_sdk import hook_matchers

    engine = PolicyEngine("new_task", "octo/app")
    options = ClaudeAgentOptions(hooks=hook_matchers(engine, approver=my_approver))

Before each tool call the engine decides. DENY answers ``deny`` with the sanitised reason; ALLOW
gives no decision, so the SDK's own permission rules still apply (``allow_output="allow"``
answers ``allow`` instead). REQUIRE_APPROVAL opens a gate with the core's ``begin_gate`` (gate cap,
rate window, remaining lifetime); a refused gate is a ``deny``. An admitted gate calls the
``approver`` with an :class:`ApprovalGate` under the effective timeout, then hands the answer to
the core's ``record_outcome`` (scope widening, recent-decision caches, denial queue). The default
approver answers :data:`ASK`: the hook answers ``ask`` and the SDK's own permission flow asks the
person. Queued human denials reach the agent on its next hook call as one ``<user_denial>``
envelope in ``additionalContext``. After each tool call, secrets in the output are redacted by
the core's ``scan_secrets``.

Fail closed: an exception inside a callback answers ``deny`` (never ``allow``); an approver that
raises counts as denied and one that overruns the effective timeout as timed out, and both are
recorded so. Every rule, number and message comes from the Rust core; this module only maps the
SDK's hook protocol onto it. Needs the ``claude-agent-sdk`` package (Python >= 3.10).
"""

from __future__ import annotations

import asyncio
import os
import uuid
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Dict, List, Literal, Mapping, Optional, Tuple, Union

from claude_agent_sdk import HookContext, HookMatcher
from claude_agent_sdk.types import (
    HookEvent,
    HookInput,
    HookJSONOutput,
    PostToolUseHookSpecificOutput,
    PreToolUseHookSpecificOutput,
    SyncHookJSONOutput,
)

from . import (
    CONSTANTS,
    ConfigError,
    Decision,
    PolicyEngine,
    ScopeError,
    Session,
    agent_deny_reason,
    append_audit_record,
    denial_envelope,
    scan_secrets,
    tool_input_preview,
)

__all__ = [
    "ASK",
    "ApprovalAnswer",
    "ApprovalGate",
    "Approved",
    "Approver",
    "Ask",
    "CedarHitlHooks",
    "Denied",
    "TimedOut",
    "ask_in_sdk",
    "hook_matchers",
]


@dataclass(frozen=True)
class ApprovalGate:
    """What the approver is shown for one REQUIRE_APPROVAL call. Every text is the core's."""

    #: The tool the agent wants to call.
    tool_name: str
    #: The input, rendered by the core's ``tool_input_preview``: controls stripped, secrets
    #: redacted, truncated. The raw input is never handed to the approver.
    input_preview: str
    #: The soft rules that asked for approval, positional order.
    rule_ids: Tuple[str, ...]
    #: ``low`` / ``medium`` / ``high`` (the highest of the matching rules).
    severity: Optional[str]
    #: The effective timeout in seconds (``begin_gate``: the rule's or task default, clipped to
    #: the remaining lifetime, floored at the minimum); the approver is cancelled after it.
    timeout_s: int
    #: Why the timeout was clipped (``rule_annotation``, ``maxLifetime_ceiling``) or ``None``.
    clip: Optional[str]
    #: Unique per gate; keys the denial queue.
    request_id: str
    #: The engine's reason (``Soft-deny: ...``).
    reason: str
    #: The SDK's ids, when it sent them.
    tool_use_id: Optional[str]
    session_id: Optional[str]
    #: ``True`` on the first gate whose timeout the remaining lifetime is shrinking.
    ceiling_shrinking: bool


@dataclass(frozen=True)
class Approved:
    """A person approved. ``scope`` widens the allowlist (``None`` = ``this_call`` only)."""

    scope: Optional[str] = None


@dataclass(frozen=True)
class Denied:
    """A person denied, with a reason the agent will read (the core sanitises it)."""

    reason: str = ""


@dataclass(frozen=True)
class TimedOut:
    """Nobody answered in time."""

    reason: Optional[str] = None


@dataclass(frozen=True)
class Ask:
    """Leave the answer to the SDK's own permission flow (the hook answers ``ask``)."""


#: The one :class:`Ask` value.
ASK = Ask()

ApprovalAnswer = Union[Approved, Denied, TimedOut, Ask]
#: An async callable given the gate, returning the answer.
Approver = Callable[[ApprovalGate], Awaitable[ApprovalAnswer]]
#: ``asyncio.wait_for``'s shape: run the awaitable, raise ``TimeoutError`` after the seconds.
WaitFor = Callable[[Awaitable[ApprovalAnswer], float], Awaitable[ApprovalAnswer]]


async def ask_in_sdk(gate: ApprovalGate) -> ApprovalAnswer:
    """The default approver: let the SDK's permission flow ask the person."""
    return ASK


# The SDK's per-matcher hook timeout must outlast the longest approval the core can grant, or the
# SDK would end a gate before the approver's own timeout does.
_HOOK_TIMEOUT_S = float(CONSTANTS["approval_timeout_s"]["max"] + CONSTANTS["cleanup_margin_s"])
_NOTE = "[cedar-hitl]"


def _pre(decision: Literal["allow", "deny", "ask"], reason: str, context: Optional[str] = None) -> SyncHookJSONOutput:
    specific: PreToolUseHookSpecificOutput = {
        "hookEventName": "PreToolUse",
        "permissionDecision": decision,
        "permissionDecisionReason": reason,
    }
    if context:
        specific["additionalContext"] = context
    return {"hookSpecificOutput": specific}


def _no_decision(context: Optional[str]) -> SyncHookJSONOutput:
    """No permission decision: the SDK's own permission rules decide (queued denials still ride)."""
    if not context:
        return {}
    return {"hookSpecificOutput": {"hookEventName": "PreToolUse", "additionalContext": context}}


def _deny(reason: str, context: Optional[str] = None) -> SyncHookJSONOutput:
    return _pre("deny", agent_deny_reason(reason), context)


def _redact(value: Any, found: List[str]) -> Any:
    """``value`` with every string (keys too) passed through the core's ``scan_secrets``; the
    shape is kept so the SDK accepts it as the tool's output. Kinds found go to ``found``."""
    if isinstance(value, str):
        text, kinds = scan_secrets(value)
        for kind in kinds:
            if kind not in found:
                found.append(kind)
        return text
    if isinstance(value, Mapping):
        return {_redact(k, found) if isinstance(k, str) else k: _redact(v, found) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_redact(v, found) for v in value]
    return value


def _being_cancelled() -> bool:
    task = asyncio.current_task()
    cancelling = getattr(task, "cancelling", None)  # Python 3.11+; before it, assume cancelled
    return task is None or cancelling is None or bool(cancelling())


class CedarHitlHooks:
    """The two hook callbacks, bound to one engine (a :class:`~cedar_hitl.PolicyEngine` or a
    native :class:`~cedar_hitl.Session`).

    * ``approver``: async callable given an :class:`ApprovalGate`, returning :class:`Approved`,
      :class:`Denied`, :class:`TimedOut` or :data:`ASK` (default :func:`ask_in_sdk`).
    * ``remaining_lifetime_s``: called at each gate; the task's remaining lifetime in seconds (or
      ``None`` when unbounded). ``begin_gate`` clips the timeout to it and refuses a gate that
      cannot fit.
    * ``audit_log``: a file path; each PreToolUse decision appends one JSON line (the core's
      audit record, see :func:`cedar_hitl.append_audit_record`), with ``action`` saying how a
      gate ended: ``ask``, ``approved``, ``denied``, ``timed_out`` or the refusal
      (``cap_exceeded``, ``rate_limit``, ``insufficient_lifetime``). A line that cannot be
      written makes the call a ``deny``.
    * ``allow_output``: what an engine ALLOW answers. ``"none"`` (default, as the ``cedar-hitl
      hook`` command does): no decision, so the SDK's own permission rules (``allowed_tools``,
      ``permission_mode``, ``can_use_tool``) still apply. ``"allow"``: ``permissionDecision:
      "allow"``, which skips the SDK's prompt (its deny rules still apply). A person's approval
      at the gate always answers ``allow``.
    * ``wait_for``: how the effective timeout is enforced (default ``asyncio.wait_for``).
    """

    def __init__(
        self,
        engine: Union[PolicyEngine, Session],
        *,
        approver: Approver = ask_in_sdk,
        remaining_lifetime_s: Optional[Callable[[], Optional[int]]] = None,
        audit_log: Union[str, "os.PathLike[str]", None] = None,
        allow_output: Literal["none", "allow"] = "none",
        wait_for: WaitFor = asyncio.wait_for,
    ) -> None:
        if allow_output not in ("none", "allow"):
            raise ConfigError(f"allow_output must be 'none' or 'allow', got {allow_output!r}")
        self._allow_output = allow_output
        self._session: Session = engine.session if isinstance(engine, PolicyEngine) else engine
        self._audit_log = audit_log
        self._approver = approver
        self._remaining = remaining_lifetime_s
        self._wait_for = wait_for

    @property
    def session(self) -> Session:
        return self._session

    # -- the callbacks (the SDK's HookCallback signature) ------------------------------------
    async def pre_tool_use(self, input_data: HookInput, tool_use_id: Optional[str], context: HookContext) -> HookJSONOutput:
        """Decide one call. Any exception inside answers ``deny``."""
        try:
            return await self._pre_tool_use(input_data, tool_use_id)
        except Exception as err:  # fail closed: never let an error become the SDK's default
            return _deny(f"{_NOTE} fail-closed: hook error ({type(err).__name__})")

    async def post_tool_use(self, input_data: HookInput, tool_use_id: Optional[str], context: HookContext) -> HookJSONOutput:
        """Redact secrets from the tool's output and deliver queued denials."""
        try:
            return self._post_tool_use(input_data)
        except Exception as err:
            return {"decision": "block", "reason": agent_deny_reason(f"{_NOTE} output withheld: scan failed ({type(err).__name__})")}

    def matchers(self, *, matcher: Optional[str] = None, post_tool_use: bool = True) -> Dict[HookEvent, List[HookMatcher]]:
        """``ClaudeAgentOptions(hooks=...)`` for these callbacks. ``matcher`` limits them to some
        tools (the SDK's syntax, e.g. ``"Bash|Write|Edit"``); ``None`` = every tool. A callback
        that fails blocks the call (``on_failure="block"``)."""
        hooks: Dict[HookEvent, List[HookMatcher]] = {
            "PreToolUse": [HookMatcher(matcher=matcher, hooks=[self.pre_tool_use], timeout=_HOOK_TIMEOUT_S, on_failure="block")]
        }
        if post_tool_use:
            hooks["PostToolUse"] = [HookMatcher(matcher=matcher, hooks=[self.post_tool_use], on_failure="block")]
        return hooks

    # -- internals ---------------------------------------------------------------------------
    def _pending_denials(self) -> Optional[str]:
        drained = self._session.drain_denials()
        return denial_envelope(drained) if drained else None

    async def _pre_tool_use(self, data: object, tool_use_id: Optional[str]) -> HookJSONOutput:
        if isinstance(data, Mapping) and data.get("hook_event_name") == "PreToolUse":
            tool_name: Any = data.get("tool_name")
            tool_input: Any = data.get("tool_input")
            session_id = data.get("session_id")
        else:
            # Not a PreToolUse event: no name, so the core fails closed (invalid_tool_input) and
            # the refusal is audited like any other decision.
            tool_name, tool_input, session_id = None, None, None
        sid = session_id if isinstance(session_id, str) else None
        denials = self._pending_denials()
        # Nothing is refused here: a tool name that is not a str or an input that is not an
        # object makes the core fail closed.
        decision = self._session.evaluate(tool_name, tool_input)
        output, action = await self._decide(decision, tool_name, tool_input, tool_use_id, sid, denials)
        if self._audit_log is not None:
            # An audit line that cannot be written raises, and the callback answers deny.
            append_audit_record(self._audit_log, self._session, tool_name, tool_input, decision, session_id=sid, action=action)
        return output

    async def _decide(
        self, decision: Decision, tool_name: Any, tool_input: Any, tool_use_id: Optional[str], session_id: Optional[str], denials: Optional[str]
    ) -> Tuple[HookJSONOutput, Optional[str]]:
        """The hook's answer and, for a gate, how it ended (the audit record's ``action``)."""
        if decision.outcome == "allow":
            if self._allow_output == "allow":
                return _pre("allow", decision.reason, denials), None
            return _no_decision(denials), None
        if decision.outcome != "require_approval":
            return _deny(decision.reason, denials), None

        remaining = self._remaining() if self._remaining is not None else None
        admission = self._session.begin_gate(decision.timeout_s, remaining)
        if not admission.admitted or admission.effective_timeout_s is None:
            return _deny(admission.reason or "approval gate refused", denials), admission.refusal or "refused"
        gate = ApprovalGate(
            tool_name=tool_name,
            input_preview=tool_input_preview(tool_input, tool_name),
            rule_ids=decision.matching_rule_ids,
            severity=decision.severity,
            timeout_s=admission.effective_timeout_s,
            clip=admission.clip,
            request_id=str(uuid.uuid4()),
            reason=decision.reason,
            tool_use_id=tool_use_id if isinstance(tool_use_id, str) else None,
            session_id=session_id,
            ceiling_shrinking=admission.ceiling_shrinking,
        )
        answer = await self._ask(gate)
        if isinstance(answer, Ask):
            # The SDK's permission flow owns this answer; the gate is counted, nothing recorded.
            return _pre("ask", f"{_NOTE} {decision.reason} (severity {gate.severity})", denials), "ask"
        return self._record(gate, tool_input, answer, denials)

    async def _ask(self, gate: ApprovalGate) -> ApprovalAnswer:
        try:
            answer = await self._wait_for(self._approver(gate), float(gate.timeout_s))
        except asyncio.TimeoutError:  # the builtin TimeoutError on 3.11+
            return TimedOut(reason=f"no answer within {gate.timeout_s}s")
        except asyncio.CancelledError:
            # The SDK cancelling this hook propagates (it writes no answer, so nothing is allowed);
            # a CancelledError the approver raised on its own is an approver failure.
            if _being_cancelled():
                raise
            return Denied(reason="approver failed (CancelledError)")
        except Exception as err:
            # Only the type: an exception's text may quote the input.
            return Denied(reason=f"approver failed ({type(err).__name__})")
        if isinstance(answer, (Approved, Denied, TimedOut, Ask)):
            return answer
        return Denied(reason=f"approver returned {type(answer).__name__}, not an answer")

    def _record(self, gate: ApprovalGate, tool_input: Any, answer: ApprovalAnswer, denials: Optional[str]) -> Tuple[HookJSONOutput, str]:
        s = self._session
        ids = gate.rule_ids
        if isinstance(answer, Approved):
            try:
                effect = s.record_outcome(gate.tool_name, tool_input, ids, "approved", scope=answer.scope)
            except ScopeError as err:
                # The core refused the scope and changed nothing; the approval still stands for
                # this call (see Session.record_outcome).
                effect = s.record_outcome(gate.tool_name, tool_input, ids, "approved")
                return _pre("allow", f"{effect.agent_reason}; scope refused: {err}", denials), "approved"
            return _pre("allow", effect.agent_reason, denials), "approved"
        if isinstance(answer, Denied):
            effect = s.record_outcome(gate.tool_name, tool_input, ids, "denied", request_id=gate.request_id, reason=answer.reason)
            action = "denied"
        else:
            effect = s.record_outcome(gate.tool_name, tool_input, ids, "timed_out", reason=answer.reason if isinstance(answer, TimedOut) else None)
            action = "timed_out"
        # effect.agent_reason is already the core's agent-facing deny text.
        return _pre("deny", effect.agent_reason, denials), action

    def _post_tool_use(self, data: object) -> HookJSONOutput:
        if not isinstance(data, Mapping) or data.get("hook_event_name") != "PostToolUse":
            return {"decision": "block", "reason": f"{_NOTE} output withheld: malformed PostToolUse input"}
        denials = self._pending_denials()
        found: List[str] = []
        redacted = _redact(data.get("tool_response"), found)
        notes = []
        if found:
            notes.append(f"{_NOTE} redacted {', '.join(found)} from the tool output.")
        if denials:
            notes.append(denials)
        if not notes:
            return {}
        specific: PostToolUseHookSpecificOutput = {"hookEventName": "PostToolUse", "additionalContext": "\n".join(notes)}
        if found:
            specific["updatedToolOutput"] = redacted
        return {"hookSpecificOutput": specific}


def hook_matchers(
    engine: Union[PolicyEngine, Session],
    *,
    approver: Approver = ask_in_sdk,
    remaining_lifetime_s: Optional[Callable[[], Optional[int]]] = None,
    audit_log: Union[str, "os.PathLike[str]", None] = None,
    allow_output: Literal["none", "allow"] = "none",
    matcher: Optional[str] = None,
    post_tool_use: bool = True,
) -> Dict[HookEvent, List[HookMatcher]]:
    """The ``PreToolUse`` (and ``PostToolUse``) hook matchers for ``ClaudeAgentOptions(hooks=...)``,
    bound to ``engine``. See :class:`CedarHitlHooks` for the arguments."""
    hooks = CedarHitlHooks(engine, approver=approver, remaining_lifetime_s=remaining_lifetime_s, audit_log=audit_log, allow_output=allow_output)
    return hooks.matchers(
        matcher=matcher, post_tool_use=post_tool_use
    )
