#!/usr/bin/env bash
# Build the Python binding and run its checks: mypy --strict on the example hook, then pytest.
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
"$PY" -m pip install --quiet --disable-pip-version-check "maturin>=1.9,<2" "pytest>=7" "hypothesis>=6" "mypy>=1.8"

echo "==> building and installing cedar_hitl (release, abi3 wheel)"
# A previous `maturin develop` leaves the extension inside the source tree; drop it so the wheel
# and the installed package carry exactly the freshly built module.
rm -f "$HERE"/python/cedar_hitl/_cedar_hitl*.so "$HERE"/python/cedar_hitl/_cedar_hitl*.pyd
"$PY" -m pip install --quiet --disable-pip-version-check --no-build-isolation --force-reinstall --no-deps "$HERE"

echo "==> mypy --strict examples/agent_hook.py"
(cd "$HERE/examples" && "$PY" -m mypy --strict agent_hook.py)

echo "==> pytest"
cd "$HERE"
"$PY" -m pytest -q -p no:cacheprovider
