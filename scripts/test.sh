#!/usr/bin/env bash
# Every test of cedar-hitl, from a fresh clone: Rust (unit, doc, property, contract fixtures,
# CLI), then the Python binding and the Node binding (each builds itself and runs the same
# contract fixtures). Installs what it needs: a Python venv in .venv, Node dev dependencies.
set -euo pipefail
cd "$(dirname "$0")/.."

section() { printf '\n=== %s ===\n' "$1"; }

section "Rust: format and lint"
# One style (rustfmt.toml); the fuzz crate is its own workspace, so it is checked separately.
cargo fmt --all --check
cargo fmt --manifest-path fuzz/Cargo.toml --check
# Every crate, the bindings included (one invocation, so the core is checked once).
cargo clippy --locked --all-targets -p cedar-hitl-core -p cedar-hitl-cli -p cedar-hitl-benches \
  -p cedar-hitl-python -p cedar-hitl-node --features cedar-hitl-core/test-hooks,cedar-hitl-benches/grammar-row -- -D warnings

section "Rust: engine, CLI and contract fixtures"
# test-hooks adds a forced-panic trigger used to prove panics never cross an FFI boundary.
cargo test --locked -p cedar-hitl-core -p cedar-hitl-cli --features cedar-hitl-core/test-hooks

section "Rust: the published crates package and build from their packaged sources"
# Each crate must carry what it embeds (cedar-hitl-core/data/); verification builds the packaged
# core and CLI on their own, reusing the dependencies compiled above.
# Cargo unpacks the packaged core for the CLI's verification under
# $CARGO_HOME/registry/src/<hash of the temporary registry's path>/ and keeps using a copy an
# earlier run left there (same clone path, same version), which then verifies the CLI against an
# old core. Remove our own unpacked copies first.
rm -rf "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/cedar-hitl-core-*
cargo package --locked --allow-dirty -p cedar-hitl-core -p cedar-hitl-cli

section "Rust: fuzz corpus replay and fuzz regressions (stable; no fuzzing here)"
# The fuzz crate is its own workspace (cargo-fuzz needs its own profile); share the build cache.
CARGO_TARGET_DIR="$PWD/target" cargo test --locked --manifest-path fuzz/Cargo.toml

section "Python binding"
bash bindings-python/test.sh

section "Node binding"
bash bindings-node/test.sh

section "All suites passed"
