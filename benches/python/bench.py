"""cedar_hitl's evaluate_tool_use side by side with a cedarpy engine, in one process.

Run with `bash benches/run.sh`. The reference decides the corpus the way the upstream Python agent
does: both tiers' policy TEXT handed to cedarpy.is_authorized on every Cedar call, docs/behaviour.md#cedar-requests
routing (invoke_tool always; write_file / execute_bash when the path / command is truthy; the first
Deny ends a tier), principal and resource entities with no attributes.
"""

from __future__ import annotations

import json
import os
import pathlib
import statistics
import sys
import time

import cedarpy
import cedar_hitl

HERE = pathlib.Path(__file__).resolve().parent
CORPUS = [json.loads(line) for line in (HERE.parent / "data" / "corpus.jsonl").read_text().splitlines() if line.strip()]
PASSES = int(os.environ.get("PASSES", "5"))
TEXTS = {"hard": cedar_hitl.BUILTIN_HARD_DENY_POLICIES, "soft": cedar_hitl.BUILTIN_SOFT_DENY_POLICIES}


def routes(tool: str, tool_input: dict) -> list[tuple[str, str, dict]]:
    out = [("invoke_tool", f'Agent::Tool::"{tool}"', {})]
    if tool in ("Write", "Edit") and tool_input.get("file_path"):
        out.append(("write_file", 'Agent::File::"file"', {"file_path": tool_input["file_path"]}))
    if tool == "Bash" and tool_input.get("command"):
        out.append(("execute_bash", 'Agent::BashCommand::"command"', {"command": tool_input["command"]}))
    return out


def cedarpy_decide(tool: str, tool_input: dict) -> str:
    for tier in ("hard", "soft"):
        for action, resource, extra in routes(tool, tool_input):
            entities = [
                {"uid": {"type": "Agent::TaskAgent", "id": "new_task"}, "attrs": {}, "parents": []},
                {"uid": {"type": resource.rsplit("::", 1)[0], "id": resource.rsplit("::", 1)[1].strip('"')}, "attrs": {}, "parents": []},
            ]
            request = {
                "principal": 'Agent::TaskAgent::"new_task"',
                "action": f'Agent::Action::"{action}"',
                "resource": resource,
                "context": {"task_type": "new_task", "repo": "o/r", "read_only": False, **extra},
            }
            result = cedarpy.is_authorized(request, TEXTS[tier], entities)
            if not result.allowed:
                return "deny" if tier == "hard" else "require_approval"
    return "allow"


def measure(fn, passes: int) -> tuple[float, float, float, float, float]:
    samples = []
    start = time.perf_counter()
    for _ in range(passes):
        for c in CORPUS:
            t = time.perf_counter()
            fn(c["tool_name"], c["tool_input"])
            samples.append((time.perf_counter() - t) * 1e6)
    total = time.perf_counter() - start
    samples.sort()
    pick = lambda q: samples[round((len(samples) - 1) * q)]  # noqa: E731
    return statistics.median(samples), statistics.fmean(samples), pick(0.99), pick(0.999), len(samples) / total


def main() -> int:
    engine = cedar_hitl.PolicyEngine("new_task", "o/r")
    ours = lambda tool, inp: engine.evaluate_tool_use(tool, inp)  # noqa: E731
    disagree = sum(1 for c in CORPUS if (cedarpy_decide(c["tool_name"], c["tool_input"]) == "allow") != (ours(c["tool_name"], c["tool_input"]).outcome == "allow"))
    rows = [
        ("cedar_hitl `PolicyEngine.evaluate_tool_use`", measure(ours, PASSES)),
        ("cedarpy 4.8.4, policy text per call (upstream agent)", measure(cedarpy_decide, 1)),
    ]
    print(f"python {sys.version.split()[0]}, corpus {len(CORPUS)} calls; allow/not-allow disagreements with the cedarpy engine: {disagree}\n")
    print("| engine | median µs | mean µs | p99 µs | p99.9 µs | decisions/s |\n| --- | --- | --- | --- | --- | --- |")
    for name, (med, mean, p99, p999, dps) in rows:
        print(f"| {name} | {med:.2f} | {mean:.2f} | {p99:.2f} | {p999:.2f} | {dps:.0f} |")
    print(f"\nratio (median): cedarpy reference {rows[1][1][0] / rows[0][1][0]:.0f}x slower than cedar_hitl")
    return 0


if __name__ == "__main__":
    sys.exit(main())
