// Time per call of a few fixed Node binding calls, repeated (no corpus variety): a no-op getter,
// reading an empty input, and one `Read` decision. For comparing two builds side by side.
//
//   node benches/node/single-call.mjs [path to the binding]     # CALLS=500000 by default
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import path from 'node:path'

const here = path.dirname(fileURLToPath(import.meta.url))
const require = createRequire(import.meta.url)
const hitl = require(process.argv[2] ?? path.join(here, '../../bindings-node'))
const calls = Number(process.env.CALLS ?? 500000)

const engine = new hitl.PolicyEngine({ taskType: 'new_task', repo: 'o/r' })
const read = { file_path: 'src/components/Button.tsx' }
const cases = {
  'approvalGateCount (getter)': () => engine.approvalGateCount,
  "allowlistMatches('Read', {})": () => engine.allowlistMatches('Read', {}),
  "evaluateToolUse('Read', {file_path})": () => engine.evaluateToolUse('Read', read),
}
const out = {}
for (const [name, f] of Object.entries(cases)) {
  for (let i = 0; i < 20000; i++) f()
  const t = process.hrtime.bigint()
  for (let i = 0; i < calls; i++) f()
  out[name] = Number(process.hrtime.bigint() - t) / 1000 / calls
}
console.log(JSON.stringify({ binding: 'node', calls, us_per_call: out }))
