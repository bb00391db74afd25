#!/usr/bin/env bash
# Build and test the Node binding from scratch: install (npm ci with the lock file), release
# build (.node + generated index.js / index.d.ts), type-check the TypeScript example against the
# generated types, then run every test with `node --test`. Idempotent; runs from any cwd; exits
# non-zero on the first failure.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

echo "== cedar-hitl (node): install"
if [[ -f package-lock.json ]]; then
  npm ci --no-audit --no-fund
else
  npm install --no-audit --no-fund
fi

echo "== cedar-hitl (node): release build"
npm run build

echo "== cedar-hitl (node): type-check examples against index.d.ts"
npx tsc --noEmit -p examples

echo "== cedar-hitl (node): tests"
node --test test/

echo "== cedar-hitl (node): OK"
