"""The tool-input hash equals hashlib.sha256(json.dumps(x, sort_keys=True).encode()).hexdigest()
for every JSON-compatible input (hypothesis)."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import cedar_hitl as ch

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),  # unbounded: includes ints beyond i64
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(),  # hypothesis never generates lone surrogates here
    st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x7F)),
    st.sampled_from(["", "\x00", "\u2028", "é", "😀", '"\\/', "\x7f", "\ud7ff\ue000"]),
)
json_values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=6),
        st.tuples(children, children),
        st.dictionaries(st.text(max_size=8), children, max_size=6),
    ),
    max_leaves=40,
)


BUILTIN = ch.PolicyBundle.builtin()


def reference(x: Any) -> str:
    return hashlib.sha256(json.dumps(x, sort_keys=True).encode()).hexdigest()


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(json_values)
def test_hash_matches_json_dumps(x: Any) -> None:
    assert ch.canonical_json(x) == json.dumps(x, sort_keys=True)
    assert ch.tool_input_sha256(x) == reference(x)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.text(max_size=12), json_values, max_size=8))
def test_cache_key_is_the_same_hash(tool_input: dict[str, Any]) -> None:
    """A DENIED recorded under json.dumps' hash fast-denies the same call."""
    engine = ch.PolicyEngine("new_task", "o/r", bundle=BUILTIN)
    engine.recent_decisions.record("Read", reference(tool_input), "DENIED", "seen")
    d = engine.evaluate_tool_use("Read", tool_input)
    assert d.reason == "Recent DENIED within 60s: seen"
    assert d.cache_hit_metadata is not None and d.cache_hit_metadata["tool_input_sha256"] == reference(tool_input)


@settings(max_examples=300, deadline=None)
@given(st.floats(allow_nan=False, allow_infinity=False) | st.integers())
def test_numbers_render_like_python(n: Any) -> None:
    assert ch.canonical_json({"n": n}) == json.dumps({"n": n})
