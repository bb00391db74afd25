"""Shared helpers for the cedar_hitl test suite."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

import cedar_hitl as ch

BINDING_DIR = Path(__file__).resolve().parents[1]
REPO_ROOT = BINDING_DIR.parent
CONTRACTS_DIR = Path(os.environ.get("CEDAR_HITL_CONTRACTS", REPO_ROOT / "contracts"))

#: The fixture clock's wall time (contracts/README: fresh manual clock at 1700000000).
FIXTURE_EPOCH_UNIX_S = 1_700_000_000.0


@pytest.fixture
def engine() -> ch.PolicyEngine:
    return ch.PolicyEngine("new_task", "o/r")


@pytest.fixture
def clock() -> ch.ManualClock:
    return ch.ManualClock(FIXTURE_EPOCH_UNIX_S)


def assert_fail_closed(decision: Any, cause: str) -> None:
    """A fail-closed DENY with the given cause, in either decision shape."""
    outcome = decision.outcome
    assert str(outcome) == "deny", decision
    assert decision.fail_closed is True, decision
    assert decision.fail_closed_cause == cause, decision
    assert decision.reason == f"fail-closed: {cause}", decision
    assert decision.allowed is False
