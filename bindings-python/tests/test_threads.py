"""One engine used from many threads at once: no error, every decision correct, gate counter,
rate window and caches consistent."""

from __future__ import annotations

import threading
import time
from typing import Any

import cedar_hitl as ch
from cedar_hitl import Outcome, PolicyEngine

THREADS = 8
DECISIONS = 10_000
INCREMENTS = 250
TIMESTAMPS = 5

def run_in_threads(worker: Any) -> None:
    """Run `worker(t)` for t in range(THREADS) concurrently and wait for all of them."""
    threads = [threading.Thread(target=worker, args=(t,)) for t in range(THREADS)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()


CALLS: list[tuple[str, dict[str, Any], Outcome, str]] = [
    ("Bash", {"command": "git push --force origin main"}, Outcome.REQUIRE_APPROVAL, "Soft-deny: force_push_any, force_push_main"),
    ("Bash", {"command": "rm -rf /"}, Outcome.DENY, "Hard-deny: rm_slash"),
    ("Read", {"file_path": "src/app.py"}, Outcome.ALLOW, "permitted"),
    ("Write", {"file_path": "app/.env"}, Outcome.REQUIRE_APPROVAL, "Soft-deny: write_env_files"),
    ("Bash", {"command": "npm test"}, Outcome.ALLOW, "permitted"),
    ("Bash", {"command": ["not", "a", "string"]}, Outcome.DENY, "fail-closed: invalid_tool_input"),
]


def test_one_engine_many_threads() -> None:
    engine = PolicyEngine("new_task", "o/r")
    cache_cap = ch.CONSTANTS["cache_max_entries"]
    errors: list[BaseException] = []
    wrong: list[str] = []
    barrier = threading.Barrier(THREADS)

    def worker(t: int) -> None:
        try:
            barrier.wait()
            for i in range(DECISIONS):
                tool, tool_input, outcome, reason = CALLS[(i + t) % len(CALLS)]
                d = engine.evaluate_tool_use(tool, tool_input)
                if d.outcome is not outcome or d.reason != reason:
                    wrong.append(f"thread {t} call {i}: {d!r}")
                if i % (DECISIONS // INCREMENTS) == 0:
                    engine.increment_approval_gate_count()
                if i % (DECISIONS // TIMESTAMPS) == 0:
                    engine.record_approval_gate_timestamp()
                if i % 50 == 0:
                    # Cache traffic on keys no evaluated call uses, so decisions stay stable.
                    engine.recent_decisions.record(f"Tool{t}", f"hash{i}", "DENIED", "x")
                    engine.recent_decisions.record_rule_decision(f"Tool{t}", f"rule{i}", "DENIED")
                    engine.queue_denial_injection(f"t{t}-{i}", "no", None)
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)

    run_in_threads(worker)

    assert errors == []
    assert wrong == []
    assert engine.approval_gate_count == THREADS * INCREMENTS
    assert engine.approvals_in_last_minute == THREADS * TIMESTAMPS
    assert len(engine.recent_decisions) == cache_cap
    assert engine.recent_decisions.rule_len() == cache_cap
    drained = engine.drain_denial_injections()
    assert len(drained) == THREADS * DECISIONS // 50
    for t in range(THREADS):  # per-thread FIFO order survives interleaving
        mine = [int(d["request_id"].split("-")[1]) for d in drained if d["request_id"].startswith(f"t{t}-")]
        assert mine == sorted(mine) and len(mine) == DECISIONS // 50


def test_bundle_shared_between_threads_and_sessions() -> None:
    bundle = ch.PolicyBundle()
    results: list[str] = []
    lock = threading.Lock()

    def worker(n: int) -> None:
        s = ch.Session(bundle, principal=f"task{n}", repo="o/r")
        reasons = {s.evaluate("Bash", {"command": "rm -rf /"}).reason for _ in range(200)}
        with lock:
            results.extend(reasons)

    run_in_threads(worker)
    assert results == ["Hard-deny: rm_slash"] * THREADS


def test_the_gil_is_released_while_the_core_decides() -> None:
    """A Python thread keeps running while the core evaluates a 10 MB command (~tens of ms).
    With the GIL held it could not run at all inside that window. Upstream profile: its `like`
    rules scan the whole command (the hardened rules refuse to parse past the size cap)."""
    session = ch.Session(ch.PolicyBundle(builtins="upstream"))
    command = "x" * (10 * 1024 * 1024) + "; rm -rf /"
    ticks: list[float] = []
    stop = threading.Event()

    def ticker() -> None:
        while not stop.is_set():
            ticks.append(time.perf_counter())

    th = threading.Thread(target=ticker)
    th.start()
    try:
        windows_with_progress = 0
        for _ in range(3):
            d = session.evaluate("Bash", {"command": command})
            end = time.perf_counter()
            assert d.reason == "Hard-deny: rm_slash"
            core_s = d.duration_ms / 1000
            # The middle of the core's own run (the GIL is held before it, for input conversion).
            lo, hi = end - 0.8 * core_s, end - 0.2 * core_s
            if any(lo <= t <= hi for t in ticks[-200_000:]):
                windows_with_progress += 1
    finally:
        stop.set()
        th.join()
    assert windows_with_progress >= 2


HEAVY_DECISIONS = 100_000
HARD = {("Bash", "rm -rf /tmp/x"), ("Write", ".git/config")}
HEAVY_CALLS: list[tuple[str, dict[str, Any]]] = [
    ("Bash", {"command": "git push --force origin main"}),
    ("Bash", {"command": "rm -rf /tmp/x"}),
    ("Bash", {"command": "npm test"}),
    ("Write", {"file_path": "app/.env"}),
    ("Write", {"file_path": ".git/config"}),
    ("Read", {"file_path": "README.md"}),
    ("Edit", {"file_path": "config/credentials.yml"}),
    ("Bash", {"command": "git push origin release/1"}),
]


def test_one_session_8_threads_100k_with_outcomes_grants_and_snapshots() -> None:
    """Engine invariants under contention (issue 6): no error or deadlock, hard calls always
    denied, caches bounded, the gate counter exact, and snapshots restore to identical deciders.
    Upstream profile: HARD pins its `like` rules (`rm -rf /tmp/x` is a hard deny there)."""
    bundle = ch.PolicyBundle(builtins="upstream")
    session = ch.Session(bundle, approval_gate_cap=500)
    cache_cap = ch.CONSTANTS["cache_max_entries"]
    errors: list[BaseException] = []
    admitted = [0] * THREADS
    snapshots: list[str] = []
    barrier = threading.Barrier(THREADS)

    def worker(t: int) -> None:
        try:
            barrier.wait()
            for i in range(HEAVY_DECISIONS):
                tool, tool_input = HEAVY_CALLS[(i + t) % len(HEAVY_CALLS)]
                d = session.evaluate(tool, tool_input)
                subject = tool_input.get("command") or tool_input.get("file_path")
                if (tool, subject) in HARD:
                    assert (d.outcome, d.tier) == ("deny", "hard"), d
                assert not d.fail_closed, d
                step = i % 5_000
                if step == 0 and d.outcome == "require_approval":
                    if session.begin_gate(d.timeout_s).admitted:
                        admitted[t] += 1
                    session.record_outcome(tool, tool_input, d.matching_rule_ids, "denied", request_id=f"{t}-{i}", reason="no")
                elif step == 1:
                    session.record_outcome(tool, tool_input, (), "timed_out")
                elif step == 2:
                    session.add_scope(f"bash_pattern:npm test --shard={t}*")
                elif step == 3:
                    snapshots.append(session.snapshot())
                assert session.input_cache_len() <= cache_cap and session.rule_cache_len() <= cache_cap
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)

    run_in_threads(worker)

    assert errors == []
    assert session.gate_count() == sum(admitted)
    assert len(session.allowlist().bash_patterns) == THREADS
    for snap in snapshots:
        ch.Session.restore(bundle, snap)
    restored = ch.Session.restore(bundle, session.snapshot())
    for tool, tool_input in HEAVY_CALLS:
        a, b = session.evaluate(tool, tool_input), restored.evaluate(tool, tool_input)
        assert (a.outcome, a.reason, a.matching_rule_ids) == (b.outcome, b.reason, b.matching_rule_ids)
    assert restored.gate_count() == session.gate_count()
