"""cedar-hitl: ALLOW / DENY / REQUIRE_APPROVAL for AI-agent tool calls, decided by two Cedar tiers.

Two layers, one engine:

* the upstream-compatible façade — ``PolicyEngine``, ``PolicyDecision``, ``Outcome``,
  ``ApprovalAllowlist``, ``RecentDecisionCache`` — so code written against the cedarpy-based
  engine runs after changing one import;
* the native API — ``PolicyBundle``, ``Session``, ``ManualClock`` and the module functions —
  re-exported from the Rust extension ``cedar_hitl._cedar_hitl``.

Every decision, validation, message and number comes from the Rust core; this file only names
and converts.
"""

from __future__ import annotations

import enum
import json
from types import MappingProxyType
from typing import Any, Iterable, Mapping, NamedTuple, Optional, Sequence, Tuple, Union

from ._cedar_hitl import _RECORD_FIELDS, _register_facade
from ._cedar_hitl import scan_secrets as _scan_secrets
from ._cedar_hitl import (
    BUILTIN_HARD_DENY_POLICIES,
    BUILTIN_SOFT_DENY_POLICIES,
    CONSTANTS_JSON,
    DENY_RETRY_INSTRUCTION,
    FILE_WRITE_GROUP,
    UPSTREAM_HARD_DENY_POLICIES,
    UPSTREAM_SOFT_DENY_POLICIES,
    VALID_TOOL_TYPES,
    AllowlistView,
    CacheEntry,
    CedarHitlError,
    CheckReport,
    ConfigError,
    Decision,
    GateAdmission,
    LoadErrorInfo,
    LoadWarning,
    ManualClock,
    PolicyBundle,
    PolicyLoadError,
    ResolutionEffect,
    Rule,
    ScopeError,
    Session,
    SessionConfig,
    __version__,
    agent_deny_reason,
    append_audit_record,
    blocker_reason,
    canonical_json,
    cedar_parity_evaluate,
    denial_envelope,
    effective_timeout,
    is_degenerate_pattern,
    parse_approval_scope,
    parse_command,
    parse_rules,
    redact_secrets,
    scan_deny_reason,
    strip_controls,
    tool_input_preview,
    tool_input_sha256,
    truncate,
)
# Typed shapes of returned dicts (TypedDicts, Literal aliases): importable for annotations,
# deliberately outside __all__ (types, not API to call).
from ._types import (
    BuiltinsValue,
    CacheHitMetadata,
    CacheLookupStep,
    CachedDecisionValue,
    CedarEvaluationStep,
    ClipValue,
    DecisionDict,
    DenialEntry,
    DenialEntryInput,
    DisableFilterStep,
    EffectiveTimeout,
    ExplainStep,
    Explanation,
    FailClosedCauseValue,
    GateRefusalValue,
    InputChecksStep,
    JsonValue,
    LoadErrorKindValue,
    MergeStep,
    OutcomeValue,
    ParityResult,
    RuleEffectValue,
    RuleListing,
    PolicyBundleOptions,
    SessionSettings,
    RuleScopesStep,
    RuleSummary,
    SeverityValue,
    TierValue,
    ToolScopesStep,
)

__all__ = [
    # façade
    "Outcome",
    "PolicyDecision",
    "PolicyEngine",
    "ApprovalAllowlist",
    "RecentDecisionCache",
    # errors
    "CedarHitlError",
    "PolicyLoadError",
    "ScopeError",
    "ConfigError",
    # native classes
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
    # functions
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
    "Redaction",
    # upstream module-level names (values from contracts/constants.json)
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
    # data
    "BUILTIN_HARD_DENY_POLICIES",
    "BUILTIN_SOFT_DENY_POLICIES",
    "UPSTREAM_HARD_DENY_POLICIES",
    "UPSTREAM_SOFT_DENY_POLICIES",
    "CONSTANTS",
    "DENY_RETRY_INSTRUCTION",
    "FILE_WRITE_GROUP",
    "VALID_TOOL_TYPES",
    "__version__",
]


def _freeze(value: Any) -> Any:
    if isinstance(value, dict):
        return MappingProxyType({k: _freeze(v) for k, v in value.items()})
    if isinstance(value, list):
        return tuple(_freeze(v) for v in value)
    return value


#: Every shared number, parsed from the core's embedded ``contracts/constants.json``.
CONSTANTS: Mapping[str, Any] = _freeze(json.loads(CONSTANTS_JSON))

# The upstream engine's module-level names, read from the same constants (one source of truth).
APPROVAL_GATE_CAP_MIN: int = CONSTANTS["approval_gate_cap"]["min"]
APPROVAL_GATE_CAP_MAX: int = CONSTANTS["approval_gate_cap"]["max"]
DEFAULT_APPROVAL_GATE_CAP: int = CONSTANTS["approval_gate_cap"]["default"]
FLOOR_TIMEOUT_S: int = CONSTANTS["approval_timeout_s"]["min"]
DEFAULT_TASK_TIMEOUT_S: int = CONSTANTS["approval_timeout_s"]["default"]
WARN_TIMEOUT_S: int = CONSTANTS["warn_timeout_s"]
CACHE_MAX_ENTRIES: int = CONSTANTS["cache_max_entries"]
CACHE_TTL_S: int = CONSTANTS["cache_ttl_s"]
POLICIES_MAX_BYTES: int = CONSTANTS["policies_max_bytes"]
APPROVAL_RATE_LIMIT: int = CONSTANTS["approval_rate_limit"]
APPROVAL_RATE_WINDOW_S: int = CONSTANTS["approval_rate_window_s"]
#: Tool group name → the tools it covers (the core's default write-tool map).
TOOL_GROUPS: Mapping[str, frozenset[str]] = MappingProxyType({FILE_WRITE_GROUP: frozenset(PolicyBundle.builtin().write_tools)})


#: What :func:`scan_secrets` found: the cleaned, redacted ``text`` and the ``findings`` (labels of
#: the secret kinds, once each, in scan order). The core's ``Redaction`` record as a named tuple:
#: its fields come from the record list, and ``text, findings = scan_secrets(...)`` still unpacks
#: as upstream's pair does.
Redaction = NamedTuple("Redaction", [(f, Any) for f in _RECORD_FIELDS["Redaction"]])  # type: ignore[misc]
Redaction.__module__ = __name__


def scan_secrets(text: Optional[str]) -> Redaction:
    """Strip controls and invisible characters from ``text``, then find and redact secrets
    (docs/text.md). ``None`` reads as ``""``."""
    return Redaction._make(_scan_secrets(text))


class Outcome(str, enum.Enum):
    """The three answers (``StrEnum``-compatible: ``str(Outcome.ALLOW) == "allow"``)."""

    ALLOW = "allow"
    DENY = "deny"
    REQUIRE_APPROVAL = "require_approval"

    def __str__(self) -> str:
        return str(self.value)

    def __format__(self, format_spec: str) -> str:
        return format(str(self.value), format_spec)


_OUTCOMES = {o.value: o for o in Outcome}
# Field order of the tuple a PolicyDecision holds: the core's decision fields (the native
# `Decision._facade_fields()` order), with `cache_hit` under its upstream name.
_DECISION_FIELDS = tuple("cache_hit_metadata" if f == "cache_hit" else f for f in _RECORD_FIELDS["Decision"])
_AT = {name: i for i, name in enumerate(_DECISION_FIELDS)}


#: Left out of a decision's repr (``to_dict()`` has every field): ``allowed`` follows from the
#: outcome, the fingerprint is the bundle's, the detail is long.
_REPR_HIDDEN = frozenset({"allowed", "policy_fingerprint", "fail_closed_detail"})


def _decision_repr(name: str, values: Sequence[Any]) -> str:
    """The one repr of a decision, native ``Decision`` and ``PolicyDecision`` alike: the outcome
    and reason, then every other field in the core's order that is set (not None, False or
    empty)."""
    parts = []
    for field, value in zip(_DECISION_FIELDS, values):
        always = field in ("outcome", "reason", "duration_ms")
        unset = value is None or value is False or (isinstance(value, (list, tuple)) and not value)
        if field in _REPR_HIDDEN or (unset and not always):
            continue
        if isinstance(value, enum.Enum):
            value = value.value
        elif isinstance(value, tuple):
            value = list(value)
        parts.append(f"{field}={value:.3f}" if isinstance(value, float) else f"{field}={value!r}")
    return f"{name}({', '.join(parts)})"


def _field(name: str, doc: str) -> Any:
    index = _AT[name]

    def get(self: "PolicyDecision") -> Any:
        return self._f[index]

    return property(get, doc=doc)


class PolicyDecision:
    """One decision in the upstream shape. Immutable. Equality and hash cover the enforced
    decision only: they ignore ``duration_ms``, ``fail_closed_detail``, ``cache_hit_metadata``,
    ``policy_fingerprint`` and the shadow fields (``shadow_outcome``, ``shadow_rule_ids``), so a
    decision equals the one built with the factories whichever bundle made it."""

    __slots__ = ("_f",)
    _f: Tuple[Any, ...]

    outcome = _field("outcome", "ALLOW, DENY or REQUIRE_APPROVAL.")
    allowed = _field("allowed", "``True`` iff the outcome is ALLOW (REQUIRE_APPROVAL is not allowed).")
    reason = _field("reason", "The reason, in the upstream catalogue's wording.")
    tier = _field("tier", "'hard', 'soft' or None: the tier whose rules decided.")
    matching_rule_ids = _field("matching_rule_ids", "Rule ids that decided, positional order (tuple).")
    timeout_s = _field("timeout_s", "Approval timeout in seconds (REQUIRE_APPROVAL only).")
    severity = _field("severity", "low / medium / high (REQUIRE_APPROVAL only).")
    duration_ms = _field("duration_ms", "Time spent deciding, in milliseconds.")
    fail_closed = _field("fail_closed", "True when the engine denied because something went wrong.")
    fail_closed_cause = _field("fail_closed_cause", "unhashable_tool_input, invalid_tool_input, cedar_evaluation_error or internal_error.")
    fail_closed_detail = _field("fail_closed_detail", "Fail-closed only: what went wrong, sanitised.")
    cache_hit_metadata = _field("cache_hit_metadata", "For cache-hit denies: tool_name, tool_input_sha256, cached_decision, cached_reason, original_decision_ts, matched_rule_ids.")
    policy_fingerprint = _field("policy_fingerprint", "SHA-256 (hex) of the bundle that decided (PolicyBundle.fingerprint); None when built by hand.")
    shadow_outcome = _field("shadow_outcome", "What the shadow bundle decided (an Outcome, not enforced); None without a shadow.")
    shadow_rule_ids = _field("shadow_rule_ids", "The shadow bundle's rule ids (tuple, positional order); None without a shadow.")

    def __init__(
        self,
        *,
        outcome: Union[Outcome, str, None] = None,
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
        shadow_outcome: Union[Outcome, str, None] = None,
        shadow_rule_ids: Optional[Iterable[str]] = None,
    ) -> None:
        if outcome is None and allowed is None:
            raise TypeError("PolicyDecision requires either outcome= or allowed=")
        if outcome is not None and allowed is not None:
            raise TypeError("PolicyDecision takes outcome= or allowed=, not both")
        if outcome is None:
            resolved = Outcome.ALLOW if allowed else Outcome.DENY
        else:
            resolved = Outcome(outcome)
        given = {
            "outcome": resolved,
            "allowed": resolved is Outcome.ALLOW,
            "reason": reason,
            "tier": tier,
            "matching_rule_ids": tuple(matching_rule_ids),
            "timeout_s": timeout_s,
            "severity": severity,
            "duration_ms": float(duration_ms),
            "fail_closed": bool(fail_closed),
            "fail_closed_cause": fail_closed_cause,
            "fail_closed_detail": fail_closed_detail,
            "cache_hit_metadata": None if cache_hit_metadata is None else dict(cache_hit_metadata),
            "policy_fingerprint": policy_fingerprint,
            "shadow_outcome": None if shadow_outcome is None else Outcome(shadow_outcome),
            "shadow_rule_ids": None if shadow_rule_ids is None else tuple(shadow_rule_ids),
        }
        object.__setattr__(self, "_f", tuple(given[name] for name in _DECISION_FIELDS))

    @classmethod
    def _from_native(cls, decision: Decision) -> "PolicyDecision":
        # Built natively in one step: the class and the Outcome members are registered below.
        made: PolicyDecision = decision._to_facade()
        return made

    # The factories take the upstream positional parameters; the rest are keyword-only.
    @classmethod
    def allow(
        cls,
        reason: str = "permitted",
        duration_ms: float = 0.0,
        *,
        tier: Optional[str] = None,
        matching_rule_ids: Iterable[str] = (),
    ) -> "PolicyDecision":
        return cls(outcome=Outcome.ALLOW, reason=reason, duration_ms=duration_ms, tier=tier, matching_rule_ids=matching_rule_ids)

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
    ) -> "PolicyDecision":
        return cls(
            outcome=Outcome.DENY,
            reason=reason,
            duration_ms=duration_ms,
            tier=tier,
            matching_rule_ids=matching_rule_ids,
            fail_closed=fail_closed,
            fail_closed_cause=fail_closed_cause,
            cache_hit_metadata=cache_hit_metadata,
        )

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
    ) -> "PolicyDecision":
        return cls(
            outcome=Outcome.REQUIRE_APPROVAL,
            reason=reason,
            timeout_s=DEFAULT_TASK_TIMEOUT_S if timeout_s is None else timeout_s,
            severity=severity,
            matching_rule_ids=matching_rule_ids,
            duration_ms=duration_ms,
            tier=tier,
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict (``outcome`` as its string value)."""
        d = dict(zip(_DECISION_FIELDS, self._f))
        d["outcome"] = d["outcome"].value
        d["matching_rule_ids"] = list(d["matching_rule_ids"])
        if d["shadow_outcome"] is not None:
            d["shadow_outcome"] = d["shadow_outcome"].value
        if d["shadow_rule_ids"] is not None:
            d["shadow_rule_ids"] = list(d["shadow_rule_ids"])
        return d

    def _key(self) -> Tuple[Any, ...]:
        # The enforced decision: timing, the fail-closed detail, the cache entry, the fingerprint
        # and the shadow fields are provenance, not the decision.
        return tuple(self._f[i] for i in _KEY)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, PolicyDecision):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"PolicyDecision is immutable (cannot set {name!r})")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"PolicyDecision is immutable (cannot delete {name!r})")

    def __reduce__(self) -> Any:
        kwargs = dict(zip(_DECISION_FIELDS, self._f))
        del kwargs["allowed"]  # follows from the outcome; the constructor takes one of them
        return (_rebuild_decision, (kwargs,))

    def __repr__(self) -> str:
        return _decision_repr("PolicyDecision", self._f)


_PROVENANCE = {"duration_ms", "fail_closed_detail", "cache_hit_metadata", "policy_fingerprint", "shadow_outcome", "shadow_rule_ids"}
_KEY = tuple(i for i, name in enumerate(_DECISION_FIELDS) if name not in _PROVENANCE)


def _rebuild_decision(kwargs: dict[str, Any]) -> PolicyDecision:
    return PolicyDecision(**kwargs)


class ApprovalAllowlist:
    """A session's approval allowlist. ``ApprovalAllowlist()`` on its own (as upstream) owns a
    private session over the built-in rules; ``PolicyEngine.allowlist`` is the engine's."""

    __slots__ = ("_session",)

    def __init__(self, session: Optional[Session] = None) -> None:
        self._session = Session(PolicyBundle.builtin()) if session is None else session

    def add(self, scope: str) -> None:
        """Validate and add a scope (raises :class:`ScopeError`)."""
        self._session.add_scope(scope)

    def matches(self, tool_name: str, tool_input: Mapping[str, object]) -> bool:
        """Whether a tool scope pre-approves the call (rule scopes are not consulted here)."""
        return self._session.allowlist_matches(tool_name, tool_input)

    @property
    def rule_ids(self) -> frozenset[str]:
        """The ``rule:`` scope ids granted so far."""
        return frozenset(self._session.allowlist().rule_ids)

    @property
    def scopes(self) -> Tuple[str, ...]:
        """Every granted scope, normalised, in grant order."""
        return tuple(self._session.allowlist().scopes)

    def __repr__(self) -> str:
        return f"ApprovalAllowlist(scopes={list(self.scopes)!r})"


class RecentDecisionCache:
    """A session's two recent-decision caches (input-hash and rule level).

    ``RecentDecisionCache(max_entries=50, ttl_s=60, clock=None)`` on its own (as upstream) owns a
    private session with those limits; ``PolicyEngine.recent_decisions`` is the engine's. Out of
    range limits raise :class:`ConfigError` naming the field and range."""

    __slots__ = ("_session",)

    def __init__(
        self,
        max_entries: int = CACHE_MAX_ENTRIES,
        ttl_s: int = CACHE_TTL_S,
        clock: Optional[ManualClock] = None,
        *,
        session: Optional[Session] = None,
    ) -> None:
        if session is None:
            session = Session(PolicyBundle.builtin(), cache_max_entries=max_entries, cache_ttl_s=ttl_s, clock=clock)
        elif (max_entries, ttl_s, clock) != (CACHE_MAX_ENTRIES, CACHE_TTL_S, None):
            raise _config_error("session", "pass either session= or max_entries=/ttl_s=/clock=, not both")
        self._session = session

    @property
    def max_entries(self) -> int:
        """Capacity of each cache."""
        return self._session.cache_max_entries

    @property
    def ttl_s(self) -> int:
        """Lifetime of an entry in seconds, from record time."""
        return self._session.cache_ttl_s

    def record(
        self,
        tool_name: str,
        tool_input_sha256: str,
        decision: str,
        reason: Optional[str] = None,
        original_decision_ts: Optional[str] = None,
    ) -> None:
        """Remember ``DENIED`` or ``TIMED_OUT`` for ``(tool_name, hash)`` (other values raise :class:`ConfigError`)."""
        self._session.record_input_decision(tool_name, tool_input_sha256, decision, reason, original_decision_ts)

    def record_rule_decision(
        self,
        tool_name: str,
        rule_id_or_ids: Union[str, Sequence[str]],
        decision: str,
        reason: Optional[str] = None,
        original_decision_ts: Optional[str] = None,
    ) -> None:
        """Remember that a human denied these rule ids (``DENIED`` only). A single id stores a one-id set."""
        ids = [rule_id_or_ids] if isinstance(rule_id_or_ids, str) else rule_id_or_ids
        self._session.record_rule_decision(tool_name, ids, decision, reason, original_decision_ts)

    def get(self, tool_name: str, tool_input_sha256: str) -> Optional[CacheEntry]:
        """The live input-hash entry, or ``None`` (reads do not refresh the TTL)."""
        return self._session.cached_input_decision(tool_name, tool_input_sha256)

    def get_rule_decision(self, tool_name: str, rule_ids: Union[str, Sequence[str]]) -> Optional[Tuple[str, CacheEntry]]:
        """``(rule_id, entry)`` for the most recent live entry whose ids are all among
        ``rule_ids``; the full id set of that entry is ``entry.rule_ids``."""
        ids = [rule_ids] if isinstance(rule_ids, str) else rule_ids
        hit = self._session.cached_rule_decision(tool_name, ids)
        if hit is None:
            return None
        matched, entry = hit
        return matched[0], entry

    def len(self) -> int:
        """Entries in the input-hash cache."""
        return self._session.input_cache_len()

    def rule_len(self) -> int:
        """Entries in the rule-level cache."""
        return self._session.rule_cache_len()

    def __len__(self) -> int:
        return self._session.input_cache_len()

    def __repr__(self) -> str:
        return f"RecentDecisionCache(len={self.len()}, rule_len={self.rule_len()})"




def _config_error(field: str, message: str) -> ConfigError:
    err = ConfigError(message)
    err.field = field
    return err


# Native parameter names → the façade's (only the binding's own type errors carry these).
_FACADE_NAMES = {
    "principal": "task_type",
    "blueprint_hard": "blueprint_hard_policies",
    "blueprint_soft": "blueprint_soft_policies",
    "disable": "blueprint_disable",
    "shadow": "shadow_bundle",
}


def _facade_named(err: ConfigError) -> ConfigError:
    field = err.field or ""
    head = field.split("[", 1)[0].split(".", 1)[0]
    name = _FACADE_NAMES.get(head)
    if name is None or not str(err).startswith(head):
        return err
    renamed = _config_error(name + field[len(head) :], name + str(err)[len(head) :])
    return renamed


# Decisions reach Python as PolicyDecision in one native step (`Decision._to_facade`), holding the
# same tuple `_facade_fields()` gives, with outcomes as Outcome members.
_register_facade(PolicyDecision, _OUTCOMES, _decision_repr)


class PolicyEngine:
    """The upstream-compatible engine: one task's session over a policy bundle.

    Thread-safe: ``evaluate_tool_use`` may be called from many threads at once (the GIL is
    released while the core decides).
    """

    __slots__ = ("_bundle", "_session", "_allowlist", "_recent")

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
        approval_gate_cap: int = DEFAULT_APPROVAL_GATE_CAP,
        initial_approval_gate_count: int = 0,
        task_default_timeout_s: int = DEFAULT_TASK_TIMEOUT_S,
        cache_max_entries: int = CACHE_MAX_ENTRIES,
        cache_ttl_s: int = CACHE_TTL_S,
        bundle: Optional[PolicyBundle] = None,
        clock: Optional[ManualClock] = None,
        builtins: Optional[str] = None,
        shadow_bundle: Optional[PolicyBundle] = None,
    ) -> None:
        try:
            # The bundle options (the core's BundleOptions record) under the upstream names.
            policy = {
                "blueprint_hard": blueprint_hard_policies,
                "blueprint_soft": blueprint_soft_policies,
                "disable": blueprint_disable,
                "extra_policies": extra_policies,
                "write_tools": write_tools,
                "shell_tools": shell_tools,
            }
            # A prebuilt bundle beside policy options, or beside another profile, is refused
            # by the core's rule (BundleOptions::into_bundle), as in Node.
            bundle = PolicyBundle._for_engine(bundle, builtins=builtins, **policy)
            session = Session(
                bundle,
                principal=task_type,
                repo=repo,
                read_only=read_only,
                initial_approvals=initial_approvals,
                approval_gate_cap=approval_gate_cap,
                initial_approval_gate_count=initial_approval_gate_count,
                task_default_timeout_s=task_default_timeout_s,
                cache_max_entries=cache_max_entries,
                cache_ttl_s=cache_ttl_s,
                clock=clock,
                shadow=shadow_bundle,
            )
        except ConfigError as err:
            renamed = _facade_named(err)
            if renamed is err:
                raise
            raise renamed from err
        self._bundle = bundle
        self._session = session
        self._allowlist = ApprovalAllowlist(self._session)
        self._recent = RecentDecisionCache(session=self._session)

    def evaluate_tool_use(self, tool_name: str, tool_input: Mapping[str, object]) -> PolicyDecision:
        """Decide one tool call. Never raises: malformed input is a fail-closed DENY."""
        made: PolicyDecision = self._session._evaluate_facade(tool_name, tool_input)
        return made

    def explain(self, tool_name: str, tool_input: Mapping[str, object]) -> dict[str, Any]:
        """The decision ``evaluate_tool_use`` would make, with the path that produced it:
        ``{"decision", "command", "path", "steps"}`` (see ``Session.explain``). Never raises."""
        return self._session.explain(tool_name, tool_input)

    def explain_text(self, tool_name: str, tool_input: Mapping[str, object]) -> str:
        """``explain`` rendered for people, one line a step."""
        return self._session.explain_text(tool_name, tool_input)

    # -- configuration ------------------------------------------------------------------------
    @property
    def task_type(self) -> str:
        return self._session.principal

    @property
    def repo(self) -> str:
        return self._session.repo

    @property
    def read_only(self) -> bool:
        return self._session.read_only

    @property
    def approval_gate_cap(self) -> int:
        return self._session.approval_gate_cap

    @property
    def task_default_timeout_s(self) -> int:
        return self._session.task_default_timeout_s

    @property
    def bundle(self) -> PolicyBundle:
        """The native bundle (share it with other engines via ``bundle=``)."""
        return self._bundle

    @property
    def shadow_bundle(self) -> Optional[PolicyBundle]:
        """The shadow bundle every call is also decided against (not enforced), or ``None``."""
        return self._session.shadow

    @property
    def session(self) -> Session:
        """The native session (``record_outcome``, ``begin_gate``, ``snapshot``, ...)."""
        return self._session

    # -- allowlist and caches -----------------------------------------------------------------
    @property
    def allowlist(self) -> ApprovalAllowlist:
        return self._allowlist

    @property
    def recent_decisions(self) -> RecentDecisionCache:
        return self._recent

    # -- gate accounting ----------------------------------------------------------------------
    @property
    def approval_gate_count(self) -> int:
        return self._session.gate_count()

    def increment_approval_gate_count(self) -> int:
        """Add one gate; returns the new count."""
        return self._session.increment_gate_count()

    def record_approval_gate_timestamp(self, now: Optional[float] = None) -> None:
        """Record a gate in the rate window (``now``: session monotonic seconds; default now)."""
        self._session.record_gate_timestamp(now)

    @property
    def approvals_in_last_minute(self) -> int:
        return self._session.approvals_in_window()

    def queue_denial_injection(self, request_id: str, reason: str, decided_at: Optional[str] = None) -> None:
        self._session.queue_denial(request_id, reason, decided_at)

    def drain_denial_injections(self) -> list[dict[str, Optional[str]]]:
        """Every queued denial, oldest first; the queue is emptied."""
        return self._session.drain_denials()

    def mark_ceiling_shrinking_emitted(self) -> bool:
        """``True`` on the first call of the session only."""
        return self._session.mark_ceiling_shrinking()

    def __repr__(self) -> str:
        return f"PolicyEngine(task_type={self.task_type!r}, repo={self.repo!r}, read_only={self.read_only!r})"

