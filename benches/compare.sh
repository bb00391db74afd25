#!/usr/bin/env bash
# Every Rust figure of benches/RESULTS.md in one run, side by side: the core (upstream and
# hardened profiles) against a parse-once and a naive cedar-policy reference, caches x threads x
# shared/separate sessions, Bash command facts, blueprint scaling, bundle build, exact heap and
# RSS. Prints the Markdown tables RESULTS.md quotes. Not part of the test run; nothing here
# asserts speed.
#
#   ROUNDS=3 PASSES=5 BUILDS=20 bash benches/compare.sh
#
# ROUNDS interleaved rounds (figures are the median round, [lowest–highest] beside it), PASSES
# passes over the 2,000-call corpus per round, BUILDS bundle builds per round.
# BINDINGS=1 also runs the Python and Node binding benches (benches/run.sh installs what they need).
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'), $(date -u +%Y-%m-%dT%H:%MZ), load $(cut -d' ' -f1-3 /proc/loadavg)"
cargo build --locked --release -q -p cedar-hitl-benches --features grammar-row --bin compare
./target/release/compare

if [[ "${BINDINGS:-0}" == 1 ]]; then
  echo; echo "== Python"
  .venv/bin/python benches/python/bench.py
  echo; echo "== Node"
  node benches/node/bench.mjs
fi
