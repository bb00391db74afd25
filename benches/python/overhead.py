"""What the Python binding adds to each decision, measured inside each call: the wall time of
`PolicyEngine.evaluate_tool_use` minus the decision's own `duration_ms` (the core's time, taken
inside `Session::evaluate`). What is left is converting the tool input, crossing into Rust and
building the Python decision. Both are read from the same call, so machine noise hits them alike.

    .venv/bin/python benches/python/overhead.py            # PASSES=5 by default

Prints one JSON line: median, mean, p99 and p99.9 of the overhead in µs over the corpus, and its
slope per KB of tool input, from one `Write` whose `content` is 0 and then 100 KB (median
overhead of each, difference / 100).
"""

from __future__ import annotations

import json
import os
import pathlib
import statistics
import time

import cedar_hitl

HERE = pathlib.Path(__file__).resolve().parent
CORPUS = [json.loads(line) for line in (HERE.parent / "data" / "corpus.jsonl").read_text().splitlines() if line.strip()]
PASSES = int(os.environ.get("PASSES", "5"))


def main() -> None:
    engine = cedar_hitl.PolicyEngine("new_task", "o/r")
    clock = time.perf_counter_ns

    def overhead_us(tool: str, tool_input: dict) -> float:
        t = clock()
        d = engine.evaluate_tool_use(tool, tool_input)
        return (clock() - t) / 1000 - d.duration_ms * 1000

    overhead = [overhead_us(c["tool_name"], c["tool_input"]) for _ in range(PASSES) for c in CORPUS]
    ordered = sorted(overhead)
    pick = lambda q: ordered[round((len(ordered) - 1) * q)]  # noqa: E731
    sweep = {}
    for kb in (0, 100):
        write = {"file_path": "src/a.ts", "content": "x" * (kb * 1024)}
        sweep[kb] = statistics.median(overhead_us("Write", write) for _ in range(2000))
    slope = (sweep[100] - sweep[0]) / 100
    print(json.dumps({
        "binding": "python", "calls": len(overhead), "median_us": statistics.median(ordered),
        "mean_us": statistics.fmean(ordered), "p99_us": pick(0.99), "p999_us": pick(0.999),
        "per_kb_us": slope,
    }))


if __name__ == "__main__":
    main()
