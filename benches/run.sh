#!/usr/bin/env bash
# Every benchmark of benches/RESULTS.md in one run: the Rust core against the naive cedar-policy
# reference, the Python binding against cedarpy, the Node binding against cedar-wasm. Installs the
# reference engines itself (cedarpy==4.8.4 into .venv, cedar-wasm into benches/node). Not part of
# the test run. PASSES=N sets how many passes over the corpus the fast engines make (default 5).
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'), $(date -u +%Y-%m-%d)"

echo "== build: Python binding and Node binding (release)"
[[ -x .venv/bin/python ]] || python3 -m venv .venv
.venv/bin/pip install -q --upgrade pip maturin >/dev/null
.venv/bin/pip install -q ./bindings-python cedarpy==4.8.4
(cd bindings-node && npm ci --no-audit --no-fund >/dev/null && npm run build >/dev/null)
(cd benches/node && npm install --no-audit --no-fund >/dev/null)

echo; echo "== Rust core vs naive cedar-policy reference"
cargo run --locked --release -q -p cedar-hitl-benches --bin compare

echo; echo "== Python"
.venv/bin/python benches/python/bench.py

echo; echo "== Node"
node benches/node/bench.mjs
