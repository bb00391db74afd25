"""Typed shapes of what cedar_hitl returns as plain dicts and strings (TypedDicts and
``Literal`` aliases). Real runtime objects, so ``from cedar_hitl import DecisionDict`` works
wherever it type-checks; re-exported by the package."""

from __future__ import annotations

from typing import Any, Iterable, Literal, Mapping, Optional, Sequence, Tuple, TypedDict, Union

__all__ = [
    "JsonValue",
    "OutcomeValue",
    "TierValue",
    "SeverityValue",
    "FailClosedCauseValue",
    "CachedDecisionValue",
    "ClipValue",
    "BuiltinsValue",
    "GateRefusalValue",
    "RuleEffectValue",
    "LoadErrorKindValue",
    "CacheHitMetadata",
    "DenialEntry",
    "DenialEntryInput",
    "EffectiveTimeout",
    "ParityResult",
    "RuleSummary",
    "RuleListing",
    "PolicyBundleOptions",
    "SessionSettings",
    "DecisionDict",
    "InputChecksStep",
    "CedarEvaluationStep",
    "ToolScopesStep",
    "CacheLookupStep",
    "DisableFilterStep",
    "RuleScopesStep",
    "MergeStep",
    "ExplainStep",
    "Explanation",
]

#: A JSON value as a tool input carries it.
JsonValue = Union[None, bool, int, float, str, Sequence["JsonValue"], Mapping[str, "JsonValue"]]

OutcomeValue = Literal["allow", "deny", "require_approval"]
TierValue = Literal["hard", "soft"]
SeverityValue = Literal["low", "medium", "high"]
FailClosedCauseValue = Literal["unhashable_tool_input", "invalid_tool_input", "cedar_evaluation_error", "internal_error"]
CachedDecisionValue = Literal["DENIED", "TIMED_OUT"]
ClipValue = Literal["rule_annotation", "maxLifetime_ceiling"]
#: The built-in profile a bundle starts from (``hardened`` is the default).
BuiltinsValue = Literal["hardened", "upstream"]
GateRefusalValue = Literal["cap_exceeded", "rate_limit", "insufficient_lifetime"]
RuleEffectValue = Literal["permit", "forbid"]
#: Kind of a ``PolicyLoadError``.
LoadErrorKindValue = Literal[
    "parse", "annotation", "duplicate_rule_id", "cross_tier_duplicate", "size_cap", "legacy",
    "disable", "schema", "tool_map", "example",
]

class CacheHitMetadata(TypedDict):
    tool_name: str
    tool_input_sha256: str
    cached_decision: CachedDecisionValue
    cached_reason: Optional[str]
    original_decision_ts: str
    matched_rule_ids: Optional[list[str]]

class DenialEntry(TypedDict):
    request_id: str
    reason: str
    decided_at: Optional[str]

class DenialEntryInput(TypedDict, total=False):
    request_id: str
    reason: Optional[str]
    decided_at: Optional[str]

class EffectiveTimeout(TypedDict):
    effective_s: int
    clip: Optional[ClipValue]
    requested_s: int

class ParityResult(TypedDict):
    decision: Literal["allow", "deny"]
    matching_rule_ids: list[str]
    errors: bool

class _RuleSummaryBase(TypedDict):
    rule_id: str
    summary: str
    source: str

class RuleSummary(_RuleSummaryBase, total=False):
    category: str
    severity: SeverityValue
    approval_timeout_s: int

class RuleListing(TypedDict):
    profile: BuiltinsValue
    hard: list[RuleSummary]
    soft: list[RuleSummary]

class PolicyBundleOptions(TypedDict, total=False):
    """The keyword arguments of ``PolicyBundle(...)`` and ``PolicyBundle.check(...)``: the core's
    bundle options record. An option left out, or ``None``, takes the core's default."""

    builtins: Optional[str]
    blueprint_hard: Optional[str]
    blueprint_soft: Optional[str]
    disable: Optional[Iterable[str]]
    extra_policies: Optional[Iterable[str]]
    write_tools: Union[Mapping[str, str], Iterable[Tuple[str, str]], None]
    shell_tools: Union[Mapping[str, str], Iterable[Tuple[str, str]], None]

class SessionSettings(TypedDict, total=False):
    """The settings keywords of ``Session(...)``: the core's ``SessionConfig`` record (what
    ``Session.config`` returns). A setting left out takes the core's default; ``None`` is refused
    except for ``initial_approvals``."""

    principal: str
    repo: str
    read_only: bool
    initial_approvals: Optional[Sequence[str]]
    approval_gate_cap: int
    initial_approval_gate_count: int
    task_default_timeout_s: int
    cache_max_entries: int
    cache_ttl_s: int

class DecisionDict(TypedDict):
    outcome: OutcomeValue
    allowed: bool
    reason: str
    tier: Optional[TierValue]
    matching_rule_ids: list[str]
    timeout_s: Optional[int]
    severity: Optional[SeverityValue]
    duration_ms: float
    fail_closed: bool
    fail_closed_cause: Optional[FailClosedCauseValue]
    fail_closed_detail: Optional[str]
    cache_hit: Optional[CacheHitMetadata]
    #: SHA-256 (hex) of the bundle that decided (``PolicyBundle.fingerprint``).
    policy_fingerprint: Optional[str]
    #: The shadow bundle's outcome and rule ids (``Session(shadow=...)``); ``None`` without one.
    shadow_outcome: Optional[OutcomeValue]
    shadow_rule_ids: Optional[list[str]]

# One thing the pipeline did (``Session.explain``), tagged by ``step``, in pipeline order.
class InputChecksStep(TypedDict):
    step: Literal["input_checks"]
    passed: bool
    classification: Literal["write", "shell", "other"]

class CedarEvaluationStep(TypedDict):
    step: Literal["cedar_evaluation"]
    tier: TierValue
    action: Literal["invoke_tool", "write_file", "execute_bash"]
    #: The tool name, the simple command's normalised text, or the written path.
    subject: str
    #: Rule ids that matched, positional order.
    matched: list[str]

class ToolScopesStep(TypedDict):
    step: Literal["tool_scopes"]
    granted: list[str]
    matched: bool

class CacheLookupStep(TypedDict):
    step: Literal["cache_lookup"]
    cache: Literal["input", "rule"]
    hit: bool

class DisableFilterStep(TypedDict):
    step: Literal["disable_filter"]
    disabled: list[str]
    active: list[str]

class RuleScopesStep(TypedDict):
    step: Literal["rule_scopes"]
    covered: list[str]
    outstanding: list[str]

class MergeStep(TypedDict):
    step: Literal["merge"]
    rules: list[str]
    timeout_s: int
    severity: SeverityValue
    task_default_timeout_s: int

ExplainStep = Union[InputChecksStep, CedarEvaluationStep, ToolScopesStep, CacheLookupStep, DisableFilterStep, RuleScopesStep, MergeStep]

class Explanation(TypedDict):
    """What ``Session.explain`` / ``PolicyEngine.explain`` return."""

    #: The decision, identical to what ``evaluate`` returns (``Decision.to_dict()`` keys).
    decision: DecisionDict
    #: Shell tools: how the command was read (as ``parse_command`` returns it), else ``None``.
    command: Optional[dict[str, Any]]
    #: Write tools: the path facts (``path``, ``classes``, ...), else ``None``.
    path: Optional[dict[str, Any]]
    steps: list[ExplainStep]
