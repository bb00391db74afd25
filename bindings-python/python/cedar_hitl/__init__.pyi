"""Type stub of cedar_hitl (façade in __init__.py, native API from the Rust extension)."""

import enum
import os
from typing import Any, Iterable, Literal, Mapping, NamedTuple, Optional, Sequence, Tuple, TypedDict, Union, final

from typing_extensions import Unpack

# The same list as the runtime __all__ (stubtest compares them).
__all__ = [
    "Outcome",
    "PolicyDecision",
    "PolicyEngine",
    "ApprovalAllowlist",
    "RecentDecisionCache",
    "CedarHitlError",
    "PolicyLoadError",
    "ScopeError",
    "ConfigError",
    "PolicyBundle",
    "Session",
    "ManualClock",
    "Decision",
    "Rule",
    "LoadWarning",
    "LoadErrorInfo",
    "CheckReport",
    "CacheEntry",
    "AllowlistView",
    "GateAdmission",
    "ResolutionEffect",
    "SessionConfig",
    "parse_rules",
    "parse_approval_scope",
    "is_degenerate_pattern",
    "redact_secrets",
    "scan_secrets",
    "strip_controls",
    "truncate",
    "scan_deny_reason",
    "agent_deny_reason",
    "denial_envelope",
    "tool_input_preview",
    "blocker_reason",
    "effective_timeout",
    "tool_input_sha256",
    "canonical_json",
    "cedar_parity_evaluate",
    "parse_command",
    "append_audit_record",
    "BUILTIN_HARD_DENY_POLICIES",
    "BUILTIN_SOFT_DENY_POLICIES",
    "UPSTREAM_HARD_DENY_POLICIES",
    "UPSTREAM_SOFT_DENY_POLICIES",
    "CONSTANTS",
    "Redaction",
    "APPROVAL_GATE_CAP_MIN",
    "APPROVAL_GATE_CAP_MAX",
    "DEFAULT_APPROVAL_GATE_CAP",
    "FLOOR_TIMEOUT_S",
    "DEFAULT_TASK_TIMEOUT_S",
    "WARN_TIMEOUT_S",
    "CACHE_MAX_ENTRIES",
    "CACHE_TTL_S",
    "POLICIES_MAX_BYTES",
    "APPROVAL_RATE_LIMIT",
    "APPROVAL_RATE_WINDOW_S",
    "TOOL_GROUPS",
    "DENY_RETRY_INSTRUCTION",
    "FILE_WRITE_GROUP",
    "VALID_TOOL_TYPES",
    "__version__",
]

__version__: str

# ---------------------------------------------------------------------------------------------
# Data
# ---------------------------------------------------------------------------------------------

#: Every shared number, parsed from the core's embedded contracts/constants.json (read-only).
CONSTANTS: Mapping[str, Any]
CONSTANTS_JSON: str
BUILTIN_HARD_DENY_POLICIES: str
BUILTIN_SOFT_DENY_POLICIES: str
#: The upstream built-in rules (the ``builtins="upstream"`` profile).
UPSTREAM_HARD_DENY_POLICIES: str
UPSTREAM_SOFT_DENY_POLICIES: str
DENY_RETRY_INSTRUCTION: str
FILE_WRITE_GROUP: str
VALID_TOOL_TYPES: Tuple[str, ...]
#: The upstream engine's module-level names (values from contracts/constants.json).
APPROVAL_GATE_CAP_MIN: int
APPROVAL_GATE_CAP_MAX: int
DEFAULT_APPROVAL_GATE_CAP: int
FLOOR_TIMEOUT_S: int
DEFAULT_TASK_TIMEOUT_S: int
WARN_TIMEOUT_S: int
CACHE_MAX_ENTRIES: int
CACHE_TTL_S: int
POLICIES_MAX_BYTES: int
APPROVAL_RATE_LIMIT: int
APPROVAL_RATE_WINDOW_S: int
#: Tool group name → the tools it covers.
TOOL_GROUPS: Mapping[str, frozenset[str]]

from ._types import (
    JsonValue as JsonValue,
    OutcomeValue as OutcomeValue,
    TierValue as TierValue,
    SeverityValue as SeverityValue,
    FailClosedCauseValue as FailClosedCauseValue,
    CachedDecisionValue as CachedDecisionValue,
    ClipValue as ClipValue,
    BuiltinsValue as BuiltinsValue,
    GateRefusalValue as GateRefusalValue,
    RuleEffectValue as RuleEffectValue,
    LoadErrorKindValue as LoadErrorKindValue,
    CacheHitMetadata as CacheHitMetadata,
    DenialEntry as DenialEntry,
    DenialEntryInput as DenialEntryInput,
    EffectiveTimeout as EffectiveTimeout,
    ParityResult as ParityResult,
    RuleSummary as RuleSummary,
    RuleListing as RuleListing,
    PolicyBundleOptions as PolicyBundleOptions,
    SessionSettings as SessionSettings,
    DecisionDict as DecisionDict,
    InputChecksStep as InputChecksStep,
    CedarEvaluationStep as CedarEvaluationStep,
    ToolScopesStep as ToolScopesStep,
    CacheLookupStep as CacheLookupStep,
    DisableFilterStep as DisableFilterStep,
    RuleScopesStep as RuleScopesStep,
    MergeStep as MergeStep,
    ExplainStep as ExplainStep,
    Explanation as Explanation,
)

# ---------------------------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------------------------

class CedarHitlError(ValueError):
    """Base class of every error cedar-hitl raises for bad policies, scopes or settings."""

class PolicyLoadError(CedarHitlError):
    kind: Optional[LoadErrorKindValue]
    tier: Optional[TierValue]
    rule_id: Optional[str]
    field: Optional[str]
    source: Optional[str]
    """builtin, blueprint_hard, blueprint_soft, extra_policies[i] or text (parse_rules)."""
    line: Optional[int]

class ScopeError(CedarHitlError):
    scope: Optional[str]
    field: Optional[str]

class ConfigError(CedarHitlError):
    field: Optional[str]

# ---------------------------------------------------------------------------------------------
# Upstream-compatible façade
# ---------------------------------------------------------------------------------------------

class Outcome(str, enum.Enum):
    # The runtime class is a plain enum: Outcome("allow"), not str's (object, encoding, errors).
    def __new__(cls, value: str) -> Outcome: ...
    ALLOW = "allow"
    DENY = "deny"
    REQUIRE_APPROVAL = "require_approval"

@final
class PolicyDecision:
    @property
    def outcome(self) -> Outcome: ...
    @property
    def allowed(self) -> bool: ...
    @property
    def reason(self) -> str: ...
    @property
    def timeout_s(self) -> Optional[int]: ...
    @property
    def severity(self) -> Optional[str]: ...
    @property
    def matching_rule_ids(self) -> Tuple[str, ...]: ...
    @property
    def tier(self) -> Optional[str]: ...
    @property
    def duration_ms(self) -> float: ...
    @property
    def fail_closed(self) -> bool: ...
    @property
    def fail_closed_cause(self) -> Optional[str]: ...
    @property
    def fail_closed_detail(self) -> Optional[str]: ...
    @property
    def cache_hit_metadata(self) -> Optional[CacheHitMetadata]: ...
    @property
    def policy_fingerprint(self) -> Optional[str]:
        """SHA-256 (hex) of the bundle that decided; not part of equality or hash."""
        ...
    @property
    def shadow_outcome(self) -> Optional[Outcome]:
        """The shadow bundle's outcome (not enforced); not part of equality or hash."""
        ...
    @property
    def shadow_rule_ids(self) -> Optional[Tuple[str, ...]]:
        """The shadow bundle's rule ids; not part of equality or hash."""
        ...
    def __init__(
        self,
        *,
        outcome: Union[Outcome, OutcomeValue, None] = None,
        allowed: Optional[bool] = None,
        reason: str = "",
        timeout_s: Optional[int] = None,
        severity: Optional[str] = None,
        matching_rule_ids: Iterable[str] = (),
        tier: Optional[str] = None,
        duration_ms: float = 0.0,
        fail_closed: bool = False,
        fail_closed_cause: Optional[str] = None,
        fail_closed_detail: Optional[str] = None,
        cache_hit_metadata: Optional[Mapping[str, Any]] = None,
        policy_fingerprint: Optional[str] = None,
        shadow_outcome: Union[Outcome, OutcomeValue, None] = None,
        shadow_rule_ids: Optional[Iterable[str]] = None,
    ) -> None: ...
    @classmethod
    def allow(
        cls,
        reason: str = "permitted",
        duration_ms: float = 0.0,
        *,
        tier: Optional[str] = None,
        matching_rule_ids: Iterable[str] = (),
    ) -> PolicyDecision: ...
    @classmethod
    def deny(
        cls,
        reason: str,
        duration_ms: float = 0.0,
        fail_closed: bool = False,
        *,
        tier: Optional[str] = None,
        matching_rule_ids: Iterable[str] = (),
        fail_closed_cause: Optional[str] = None,
        cache_hit_metadata: Optional[Mapping[str, Any]] = None,
    ) -> PolicyDecision: ...
    @classmethod
    def require_approval(
        cls,
        reason: str,
        timeout_s: Optional[int] = None,
        severity: str = "medium",
        matching_rule_ids: Iterable[str] = (),
        duration_ms: float = 0.0,
        *,
        tier: Optional[str] = "soft",
    ) -> PolicyDecision: ...
    def to_dict(self) -> dict[str, Any]: ...
    def __eq__(self, other: object) -> bool: ...
    def __hash__(self) -> int: ...

@final
class ApprovalAllowlist:
    def __init__(self, session: Optional[Session] = None) -> None: ...
    def add(self, scope: str) -> None: ...
    def matches(self, tool_name: str, tool_input: Mapping[str, object]) -> bool: ...
    @property
    def rule_ids(self) -> frozenset[str]: ...
    @property
    def scopes(self) -> Tuple[str, ...]: ...

@final
class RecentDecisionCache:
    def __init__(
        self,
        max_entries: int = ...,
        ttl_s: int = ...,
        clock: Optional[ManualClock] = None,
        *,
        session: Optional[Session] = None,
    ) -> None: ...
    @property
    def max_entries(self) -> int: ...
    @property
    def ttl_s(self) -> int: ...
    def record(
        self,
        tool_name: str,
        tool_input_sha256: str,
        decision: str,
        reason: Optional[str] = None,
        original_decision_ts: Optional[str] = None,
    ) -> None: ...
    def record_rule_decision(
        self,
        tool_name: str,
        rule_id_or_ids: Union[str, Sequence[str]],
        decision: str,
        reason: Optional[str] = None,
        original_decision_ts: Optional[str] = None,
    ) -> None: ...
    def get(self, tool_name: str, tool_input_sha256: str) -> Optional[CacheEntry]: ...
    def get_rule_decision(self, tool_name: str, rule_ids: Union[str, Sequence[str]]) -> Optional[Tuple[str, CacheEntry]]: ...
    def len(self) -> int: ...
    def rule_len(self) -> int: ...
    def __len__(self) -> int: ...

@final
class PolicyEngine:
    def __init__(
        self,
        task_type: str,
        repo: str,
        *,
        read_only: bool = False,
        extra_policies: Optional[Sequence[str]] = None,
        blueprint_hard_policies: Optional[str] = None,
        blueprint_soft_policies: Optional[str] = None,
        blueprint_disable: Optional[Sequence[str]] = None,
        write_tools: Union[Mapping[str, str], Iterable[Tuple[str, str]], None] = None,
        shell_tools: Union[Mapping[str, str], Iterable[Tuple[str, str]], None] = None,
        initial_approvals: Optional[Sequence[str]] = None,
        approval_gate_cap: int = ...,
        initial_approval_gate_count: int = 0,
        task_default_timeout_s: int = ...,
        cache_max_entries: int = ...,
        cache_ttl_s: int = ...,
        bundle: Optional[PolicyBundle] = None,
        clock: Optional[ManualClock] = None,
        builtins: Optional[str] = None,
        shadow_bundle: Optional[PolicyBundle] = None,
    ) -> None: ...
    def evaluate_tool_use(self, tool_name: str, tool_input: Mapping[str, object]) -> PolicyDecision: ...
    def explain(self, tool_name: str, tool_input: Mapping[str, object]) -> Explanation:
        """The decision ``evaluate_tool_use`` would make, with the steps that produced it. Never raises."""
        ...
    def explain_text(self, tool_name: str, tool_input: Mapping[str, object]) -> str:
        """``explain`` rendered for people, one line a step."""
        ...
    @property
    def task_type(self) -> str: ...
    @property
    def repo(self) -> str: ...
    @property
    def read_only(self) -> bool: ...
    @property
    def approval_gate_cap(self) -> int: ...
    @property
    def task_default_timeout_s(self) -> int: ...
    @property
    def bundle(self) -> PolicyBundle: ...
    @property
    def shadow_bundle(self) -> Optional[PolicyBundle]: ...
    @property
    def session(self) -> Session: ...
    @property
    def allowlist(self) -> ApprovalAllowlist: ...
    @property
    def recent_decisions(self) -> RecentDecisionCache: ...
    @property
    def approval_gate_count(self) -> int: ...
    def increment_approval_gate_count(self) -> int: ...
    def record_approval_gate_timestamp(self, now: Optional[float] = None) -> None: ...
    @property
    def approvals_in_last_minute(self) -> int: ...
    def queue_denial_injection(self, request_id: str, reason: str, decided_at: Optional[str] = None) -> None: ...
    def drain_denial_injections(self) -> list[DenialEntry]: ...
    def mark_ceiling_shrinking_emitted(self) -> bool: ...

# ---------------------------------------------------------------------------------------------
# Native API
# ---------------------------------------------------------------------------------------------

@final
class Decision:
    @property
    def outcome(self) -> OutcomeValue: ...
    @property
    def allowed(self) -> bool: ...
    @property
    def reason(self) -> str: ...
    @property
    def tier(self) -> Optional[TierValue]: ...
    @property
    def matching_rule_ids(self) -> Tuple[str, ...]: ...
    @property
    def timeout_s(self) -> Optional[int]: ...
    @property
    def severity(self) -> Optional[SeverityValue]: ...
    @property
    def duration_ms(self) -> float: ...
    @property
    def fail_closed(self) -> bool: ...
    @property
    def fail_closed_cause(self) -> Optional[FailClosedCauseValue]: ...
    @property
    def fail_closed_detail(self) -> Optional[str]: ...
    @property
    def cache_hit(self) -> Optional[CacheHitMetadata]: ...
    @property
    def policy_fingerprint(self) -> Optional[str]:
        """SHA-256 (hex) of the bundle that decided (``PolicyBundle.fingerprint``)."""
        ...
    @property
    def shadow_outcome(self) -> Optional[OutcomeValue]:
        """The shadow bundle's outcome (not enforced); ``None`` without a shadow."""
        ...
    @property
    def shadow_rule_ids(self) -> Optional[Tuple[str, ...]]:
        """The shadow bundle's rule ids, positional order; ``None`` without a shadow."""
        ...
    def to_dict(self) -> DecisionDict: ...
    def _facade_fields(
        self,
    ) -> Tuple[
        OutcomeValue,
        bool,
        str,
        Optional[TierValue],
        Tuple[str, ...],
        Optional[int],
        Optional[SeverityValue],
        float,
        bool,
        Optional[FailClosedCauseValue],
        Optional[str],
        Optional[CacheHitMetadata],
        Optional[str],
        Optional[OutcomeValue],
        Optional[Tuple[str, ...]],
    ]: ...

@final
class Rule:
    @property
    def policy_id(self) -> str: ...
    @property
    def rule_id(self) -> str: ...
    @property
    def tier(self) -> Optional[TierValue]: ...
    @property
    def effect(self) -> RuleEffectValue: ...
    @property
    def severity(self) -> Optional[SeverityValue]: ...
    @property
    def approval_timeout_s(self) -> Optional[int]: ...
    @property
    def category(self) -> Optional[str]: ...
    @property
    def summary(self) -> str: ...
    @property
    def source(self) -> str: ...
    @property
    def line(self) -> Optional[int]: ...

@final
class LoadWarning:
    @property
    def tier(self) -> TierValue: ...
    @property
    def rule_id(self) -> str: ...
    @property
    def field(self) -> str: ...
    @property
    def source(self) -> str: ...
    @property
    def line(self) -> Optional[int]: ...
    @property
    def message(self) -> str: ...

@final
class LoadErrorInfo:
    """One load error as data (``PolicyBundle.check``): the fields ``PolicyLoadError`` carries."""
    @property
    def kind(self) -> LoadErrorKindValue: ...
    @property
    def tier(self) -> Optional[TierValue]: ...
    @property
    def rule_id(self) -> Optional[str]: ...
    @property
    def field(self) -> Optional[str]: ...
    @property
    def source(self) -> Optional[str]: ...
    @property
    def line(self) -> Optional[int]: ...
    @property
    def message(self) -> str: ...

@final
class CheckReport:
    """Every error and warning of a blueprint (``PolicyBundle.check``); loading refuses on the first error."""
    @property
    def errors(self) -> list[LoadErrorInfo]: ...
    @property
    def warnings(self) -> list[LoadWarning]: ...

@final
class PolicyBundle:
    def __new__(cls, **options: Unpack[PolicyBundleOptions]) -> PolicyBundle:
        """Build and validate; raises ``PolicyLoadError`` (or ``ConfigError`` for a wrong option type)."""
        ...
    @staticmethod
    def check(**options: Unpack[PolicyBundleOptions]) -> CheckReport:
        """Every error and warning of these options as data, without raising for policy problems."""
        ...
    @staticmethod
    def builtin() -> PolicyBundle: ...
    @staticmethod
    def _for_engine(bundle: Optional[PolicyBundle], **options: Unpack[PolicyBundleOptions]) -> PolicyBundle:
        """``bundle`` when given (only ``builtins`` naming its profile may stand beside it), else one built from ``options``."""
        ...
    @property
    def profile(self) -> BuiltinsValue: ...
    def rules(self) -> list[Rule]: ...
    def listing(self) -> RuleListing: ...
    @property
    def warnings(self) -> list[LoadWarning]: ...
    @property
    def disabled(self) -> Tuple[str, ...]: ...
    @property
    def write_tools(self) -> dict[str, str]: ...
    @property
    def shell_tools(self) -> dict[str, str]: ...
    @property
    def fingerprint(self) -> str:
        """SHA-256 (hex, 64 characters) over what decides: both tiers' policies in normalised
        form (whitespace and comments do not matter), the disable list, the tool maps, the
        built-in profile and the schema. Equal in Rust, Python and Node."""
        ...

@final
class ManualClock:
    def __new__(cls, unix_s: Optional[float] = None) -> ManualClock: ...
    def advance(self, seconds: float) -> None: ...
    @property
    def monotonic_s(self) -> float: ...
    @property
    def unix_s(self) -> float: ...

@final
class CacheEntry:
    @property
    def decision(self) -> CachedDecisionValue: ...
    @property
    def reason(self) -> Optional[str]: ...
    @property
    def original_decision_ts(self) -> str: ...
    @property
    def rule_ids(self) -> Optional[list[str]]: ...

@final
class AllowlistView:
    @property
    def all_session(self) -> bool: ...
    @property
    def tool_types(self) -> list[str]: ...
    @property
    def tool_groups(self) -> list[str]: ...
    @property
    def bash_patterns(self) -> list[str]: ...
    @property
    def write_paths(self) -> list[str]: ...
    @property
    def rule_ids(self) -> list[str]: ...
    @property
    def scopes(self) -> list[str]: ...

@final
class GateAdmission:
    @property
    def admitted(self) -> bool: ...
    @property
    def reason(self) -> Optional[str]: ...
    @property
    def refusal(self) -> Optional[GateRefusalValue]: ...
    @property
    def effective_timeout_s(self) -> Optional[int]: ...
    @property
    def clip(self) -> Optional[ClipValue]: ...
    @property
    def requested_timeout_s(self) -> Optional[int]: ...
    @property
    def ceiling_shrinking(self) -> bool: ...
    @property
    def gate_count(self) -> Optional[int]: ...

@final
class ResolutionEffect:
    @property
    def outcome(self) -> OutcomeValue: ...
    @property
    def agent_reason(self) -> str: ...
    @property
    def scope_added(self) -> Optional[str]: ...

@final
class SessionConfig:
    """The settings a session was built with (``Session.config``)."""
    @property
    def principal(self) -> str: ...
    @property
    def repo(self) -> str: ...
    @property
    def read_only(self) -> bool: ...
    @property
    def initial_approvals(self) -> list[str]: ...
    @property
    def approval_gate_cap(self) -> int: ...
    @property
    def initial_approval_gate_count(self) -> int: ...
    @property
    def task_default_timeout_s(self) -> int: ...
    @property
    def cache_max_entries(self) -> int: ...
    @property
    def cache_ttl_s(self) -> int: ...

@final
class Session:
    def __new__(
        cls,
        bundle: Optional[PolicyBundle] = None,
        *,
        clock: Optional[ManualClock] = None,
        shadow: Optional[PolicyBundle] = None,
        **settings: Unpack[SessionSettings],
    ) -> Session: ...
    @staticmethod
    def restore(bundle: PolicyBundle, snapshot: str, clock: Optional[ManualClock] = None, *, shadow: Optional[PolicyBundle] = None) -> Session: ...
    def snapshot(self) -> str: ...
    def evaluate(self, tool_name: str, tool_input: Mapping[str, object]) -> Decision: ...
    def evaluate_audited(
        self,
        tool_name: str,
        tool_input: Mapping[str, object],
        path: Union[str, "os.PathLike[str]"],
        session_id: Optional[str] = None,
    ) -> Decision: ...
    def explain(self, tool_name: str, tool_input: Mapping[str, object]) -> Explanation:
        """The decision for the call (the same as ``evaluate``'s) with the path that produced
        it. Never raises for bad input."""
        ...
    def explain_text(self, tool_name: str, tool_input: Mapping[str, object]) -> str:
        """``explain`` rendered for people: the outcome and reason, then one line a step."""
        ...
    def add_scope(self, scope: str) -> str: ...
    def allowlist(self) -> AllowlistView: ...
    def allowlist_matches(self, tool_name: str, tool_input: Mapping[str, object]) -> bool: ...
    def record_outcome(
        self,
        tool_name: str,
        tool_input: Mapping[str, object],
        matching_rule_ids: Iterable[str],
        resolution: str,
        *,
        scope: Optional[str] = None,
        request_id: Optional[str] = None,
        reason: Optional[str] = None,
        decided_at: Optional[str] = None,
    ) -> ResolutionEffect: ...
    def record_input_decision(
        self,
        tool_name: str,
        tool_input_sha256: str,
        decision: str,
        reason: Optional[str] = None,
        original_decision_ts: Optional[str] = None,
    ) -> None: ...
    def record_rule_decision(
        self,
        tool_name: str,
        rule_ids: Iterable[str],
        decision: Optional[str] = None,
        reason: Optional[str] = None,
        original_decision_ts: Optional[str] = None,
    ) -> None: ...
    def cached_input_decision(self, tool_name: str, tool_input_sha256: str) -> Optional[CacheEntry]: ...
    def cached_rule_decision(self, tool_name: str, rule_ids: Iterable[str]) -> Optional[Tuple[Tuple[str, ...], CacheEntry]]: ...
    def input_cache_len(self) -> int: ...
    def rule_cache_len(self) -> int: ...
    def gate_count(self) -> int: ...
    def increment_gate_count(self) -> int: ...
    def record_gate_timestamp(self, now: Optional[float] = None) -> None: ...
    def approvals_in_window(self) -> int: ...
    def queue_denial(self, request_id: str, reason: str, decided_at: Optional[str] = None) -> None: ...
    def drain_denials(self) -> list[DenialEntry]: ...
    def mark_ceiling_shrinking(self) -> bool: ...
    def begin_gate(self, timeout_s: Optional[int] = None, remaining_lifetime_s: Optional[int] = None) -> GateAdmission: ...
    @property
    def bundle(self) -> PolicyBundle: ...
    @property
    def shadow(self) -> Optional[PolicyBundle]: ...
    @property
    def config(self) -> SessionConfig:
        """The settings the session was built with, as one record."""
    @property
    def principal(self) -> str: ...
    @property
    def repo(self) -> str: ...
    @property
    def read_only(self) -> bool: ...
    @property
    def initial_approvals(self) -> Tuple[str, ...]: ...
    @property
    def approval_gate_cap(self) -> int: ...
    @property
    def initial_approval_gate_count(self) -> int: ...
    @property
    def task_default_timeout_s(self) -> int: ...
    @property
    def cache_max_entries(self) -> int: ...
    @property
    def cache_ttl_s(self) -> int: ...

# ---------------------------------------------------------------------------------------------
# Module functions
# ---------------------------------------------------------------------------------------------

def parse_rules(text: str) -> list[Rule]: ...
def parse_approval_scope(scope: str) -> str: ...
def is_degenerate_pattern(pattern: str) -> bool: ...
def redact_secrets(text: Optional[str]) -> str: ...
class Redaction(NamedTuple):
    """The cleaned, redacted text and the labels of the secret kinds found (a named tuple)."""
    text: str
    findings: list[str]

def scan_secrets(text: Optional[str]) -> Redaction: ...
def strip_controls(text: Optional[str]) -> str: ...
def truncate(text: Optional[str], max_chars: int) -> str: ...
def scan_deny_reason(text: Optional[str]) -> str: ...
def agent_deny_reason(reason: Optional[str] = None) -> str: ...
def denial_envelope(entries: Iterable[Union[DenialEntry, DenialEntryInput, Mapping[str, Optional[str]], Tuple[str, Optional[str], Optional[str]]]]) -> str: ...
def tool_input_preview(tool_input: object, tool_name: Optional[str] = None) -> str: ...
def blocker_reason(kind: str, detail: str, resource: Optional[str] = None) -> str: ...
def effective_timeout(decision_timeout_s: Optional[int], task_default_timeout_s: int, remaining_lifetime_s: Optional[int] = None) -> EffectiveTimeout: ...
def tool_input_sha256(tool_input: JsonValue) -> str: ...
def canonical_json(value: JsonValue) -> str: ...
def cedar_parity_evaluate(
    policies: str,
    principal: Mapping[str, str],
    action: Mapping[str, str],
    resource: Mapping[str, str],
    context: Optional[Mapping[str, JsonValue]] = None,
) -> ParityResult: ...
def append_audit_record(
    path: Union[str, "os.PathLike[str]"],
    session: Session,
    tool_name: str,
    tool_input: Mapping[str, object],
    decision: Decision,
    *,
    session_id: Optional[str] = None,
    action: Optional[str] = None,
) -> None:
    """Append the core's audit record for ``decision`` as one JSON line to ``path`` (one
    ``O_APPEND`` write: concurrent processes never interleave inside a line). The record holds the
    input's SHA-256 and redacted preview, never the raw input. ``action``: what the host was told
    when it differs from the outcome. Raises ``OSError`` when the line cannot be written."""
    ...
def parse_command(command: str) -> dict[str, Any]:
    """How the engine reads a shell command: the core's parsed ``CommandLine`` as JSON-shaped
    Python objects (``commands``, ``writes``, ``opaque``)."""
    ...
