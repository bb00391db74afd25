// What the Node binding adds to each decision, measured inside each call: the wall time of
// `PolicyEngine.evaluateToolUse` minus the decision's own `durationMs` (the core's time, taken
// inside `Session::evaluate`). What is left is converting the tool input, crossing into Rust and
// building the JS decision; both are read from the same call, so machine noise hits them alike.
//
//   node benches/node/overhead.mjs [path to the binding]     # PASSES=5 by default
//
// Prints one JSON line: median, mean, p99 and p99.9 of the overhead in µs over the corpus, and its
// slope per KB of tool input, from one `Write` whose `content` is 0 and then 100 KB (median
// overhead of each, difference / 100).
import { createRequire } from 'node:module'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import path from 'node:path'

const here = path.dirname(fileURLToPath(import.meta.url))
const require = createRequire(import.meta.url)
const hitl = require(process.argv[2] ?? path.join(here, '../../bindings-node'))
const corpus = readFileSync(path.join(here, '../data/corpus.jsonl'), 'utf8')
  .split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l))
const passes = Number(process.env.PASSES ?? 5)

const engine = new hitl.PolicyEngine({ taskType: 'new_task', repo: 'o/r' })
const overheadUs = (tool, input) => {
  const t = process.hrtime.bigint()
  const d = engine.evaluateToolUse(tool, input)
  return Number(process.hrtime.bigint() - t) / 1000 - d.durationMs * 1000
}
const overhead = []
for (let p = 0; p < passes; p++) {
  for (const c of corpus) overhead.push(overheadUs(c.tool_name, c.tool_input))
}
const sorted = (xs) => Float64Array.from(xs).sort()
const ordered = sorted(overhead)
const pick = (q) => ordered[Math.round((ordered.length - 1) * q)]
const median = (xs) => sorted(xs)[Math.floor(xs.length / 2)]
const sweep = {}
for (const kb of [0, 100]) {
  const write = { file_path: 'src/a.ts', content: 'x'.repeat(kb * 1024) }
  sweep[kb] = median(Array.from({ length: 2000 }, () => overheadUs('Write', write)))
}
console.log(JSON.stringify({
  binding: 'node', calls: overhead.length, median_us: pick(0.5),
  mean_us: overhead.reduce((a, b) => a + b, 0) / overhead.length,
  p99_us: pick(0.99), p999_us: pick(0.999), per_kb_us: (sweep[100] - sweep[0]) / 100,
}))
