#!/usr/bin/env bash
# Build the Python binding and run its checks: mypy --strict on the Agent SDK module and its
# example, then pytest.
# Self-contained and idempotent; works from any directory on a fresh clone. Exits non-zero on any
# failure. The virtualenv is <repo>/.venv (created with `python3 -m venv` when missing); set
# PYTHON to choose the interpreter that creates it.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
VENV="$ROOT/.venv"
PY="$VENV/bin/python"

if [ ! -x "$PY" ]; then
    echo "==> creating $VENV"
    "${PYTHON:-python3}" -m venv "$VENV"
fi

# The maturin build backend runs the `maturin` executable from PATH.
export VIRTUAL_ENV="$VENV"
export PATH="$VENV/bin:$PATH"

echo "==> installing build and test tools"
# claude-agent-sdk: cedar_hitl.agent_sdk and its example are tested against the SDK's own types
# (no CLI, no network). 0.2.189 is the release they were written against (HookMatcher.on_failure).
"$PY" -m pip install --quiet --disable-pip-version-check "maturin>=1.9,<2" "pytest>=7" "hypothesis>=6" "mypy>=1.8" \
    "claude-agent-sdk>=0.2.189,<0.3"

echo "==> building the sdist, then installing cedar_hitl from it (release, abi3 wheel)"
# The package under test is built from the sdist, exactly as on a platform without a prebuilt
# wheel: proof that the sdist is complete (the core carries its embedded rules). One build, not
# two. The licence shipped in the wheel and sdist is a copy of the repository's LICENSE.
cmp "$ROOT/LICENSE" "$HERE/LICENSE"
# A previous `maturin develop` leaves the extension inside the source tree; drop it so neither
# the sdist nor the installed package carries a stale module.
rm -f "$HERE"/python/cedar_hitl/_cedar_hitl*.so "$HERE"/python/cedar_hitl/_cedar_hitl*.pyd
SDIST_DIR="$(mktemp -d)"
trap 'rm -rf "$SDIST_DIR"' EXIT
maturin sdist --manifest-path "$HERE/Cargo.toml" --out "$SDIST_DIR" >/dev/null
# The workspace target dir keeps the dependencies cached across runs; naming the host triple
# puts them where the Node build (napi always passes --target) reuses them instead of compiling
# every dependency a second time.
HOST_TRIPLE="$(rustc -vV | sed -n 's/^host: //p')"
# maturin writes the sdist with one fixed timestamp (a reproducible archive, 2006 here), and cargo
# judges freshness by modification time: built straight from the archive, a target dir that holds
# an earlier build of the same crates is taken as up to date, and the tests would run stale code.
# So the sdist is unpacked and its files stamped now, then installed from that tree.
mkdir "$SDIST_DIR/tree"
tar -xzf "$SDIST_DIR"/cedar_hitl-*.tar.gz -C "$SDIST_DIR/tree"
find "$SDIST_DIR/tree" -type f -exec touch {} +
CARGO_TARGET_DIR="$ROOT/target" CARGO_BUILD_TARGET="$HOST_TRIPLE" \
    "$PY" -m pip install --quiet --disable-pip-version-check --no-build-isolation --force-reinstall \
    --no-deps "$SDIST_DIR"/tree/cedar_hitl-*/
"$PY" - <<'EOF'
from importlib.metadata import distribution

dist = distribution("cedar-hitl")
assert dist.metadata["License-Expression"] == "Apache-2.0", dist.metadata["License-Expression"]
licences = [f for f in dist.files or [] if f.name == "LICENSE"]
assert licences and "Apache License" in licences[0].read_text(), "LICENSE missing from the wheel"
EOF

echo "==> mypy --strict examples/claude_agent_sdk_gate.py and cedar_hitl/agent_sdk.py"
(cd "$HERE/examples" && "$PY" -m mypy --strict claude_agent_sdk_gate.py)
(cd "$HERE/python" && "$PY" -m mypy --strict cedar_hitl/agent_sdk.py)

echo "==> mypy.stubtest: the stub matches the installed module (no stub-only names)"
# Run outside python/ so the installed package is the one inspected.
(cd "$HERE" && "$PY" -m mypy.stubtest cedar_hitl --allowlist stubtest-allowlist.txt)

echo "==> pytest"
cd "$HERE"
"$PY" -m pytest -q -p no:cacheprovider
