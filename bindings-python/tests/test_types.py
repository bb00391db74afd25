"""The ``Literal`` aliases in ``cedar_hitl._types`` are held to the core's string enums (the one
list in cedar-hitl-core's wire module): a variant added in the core and missing here fails, as
does an alias listing a value the core does not have, or a stub that copies an enum's values
inline instead of naming the alias."""

from __future__ import annotations

import pathlib
import typing

import cedar_hitl._types as types
from cedar_hitl import _cedar_hitl

# Core enum → the alias the Python package gives it.
ALIASES = {
    "Outcome": "OutcomeValue",
    "Tier": "TierValue",
    "Severity": "SeverityValue",
    "FailClosedCause": "FailClosedCauseValue",
    "CachedDecision": "CachedDecisionValue",
    "ClipReason": "ClipValue",
    "GateRefusal": "GateRefusalValue",
    "RuleEffect": "RuleEffectValue",
    "BuiltinProfile": "BuiltinsValue",
    "LoadErrorKind": "LoadErrorKindValue",
}
# Core enums no Python result carries (resolutions are taken as plain strings, case-folded).
NOT_EXPOSED = {"ResolutionKind", "LintLevel"}


def test_every_core_enum_is_mapped_or_declared_not_exposed() -> None:
    core = set(_cedar_hitl._STRING_ENUMS)
    assert len(core) >= 12
    assert core == set(ALIASES) | NOT_EXPOSED


def test_each_alias_lists_exactly_the_core_values_in_order() -> None:
    for name, alias in ALIASES.items():
        assert typing.get_args(getattr(types, alias)) == _cedar_hitl._STRING_ENUMS[name], alias


def test_the_stub_names_aliases_instead_of_copying_values() -> None:
    stub = (pathlib.Path(types.__file__).parent / "__init__.pyi").read_text()
    for name, values in _cedar_hitl._STRING_ENUMS.items():
        if len(values) < 2:
            continue
        inline = ", ".join(f'"{v}"' for v in values)
        assert f"Literal[{inline}]" not in stub, name
