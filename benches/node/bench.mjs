// cedar-hitl's evaluateToolUse side by side with @cedar-policy/cedar-wasm on the 2,000-call
// corpus, in one process: `bash benches/run.sh` (or `node benches/node/bench.mjs` after builds).
// The references decide the way Lambdas do today: docs/behaviour.md#cedar-requests routing (invoke_tool always,
// write_file / execute_bash when the path / command is truthy, first Deny ends a tier), no
// entities, policy text per call (stateless) or a pre-parsed set (statefulIsAuthorized).
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const hitl = require(path.join(here, '../../bindings-node'));
const wasm = require('@cedar-policy/cedar-wasm/nodejs');

const corpus = readFileSync(path.join(here, '../data/corpus.jsonl'), 'utf8')
  .split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
const passes = Number(process.env.PASSES ?? 5);

function measure(fn, calls, n) {
  const samples = new Float64Array(calls.length * n);
  let k = 0;
  const start = process.hrtime.bigint();
  for (let p = 0; p < n; p++) {
    for (const c of calls) {
      const t = process.hrtime.bigint();
      fn(c);
      samples[k++] = Number(process.hrtime.bigint() - t) / 1000;
    }
  }
  const totalS = Number(process.hrtime.bigint() - start) / 1e9;
  samples.sort();
  const pick = (q) => samples[Math.round((samples.length - 1) * q)];
  const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
  return { median: pick(0.5), mean, p99: pick(0.99), p999: pick(0.999), perSecond: samples.length / totalS };
}

const truthy = (v) => !(v === undefined || v === null || v === false || v === 0 || v === '' ||
  (Array.isArray(v) && v.length === 0) || (typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0));

function routes(call) {
  const out = [['invoke_tool', { type: 'Agent::Tool', id: call.tool_name }, {}]];
  const i = call.tool_input;
  if ((call.tool_name === 'Write' || call.tool_name === 'Edit') && truthy(i.file_path)) {
    out.push(['write_file', { type: 'Agent::File', id: 'file' }, { file_path: i.file_path }]);
  }
  if (call.tool_name === 'Bash' && truthy(i.command)) {
    out.push(['execute_bash', { type: 'Agent::BashCommand', id: 'command' }, { command: i.command }]);
  }
  return out;
}

function wasmEngine(authorize) {
  const tier = (name, call) => {
    for (const [action, resource, extra] of routes(call)) {
      const answer = authorize(name, {
        principal: { type: 'Agent::TaskAgent', id: 'new_task' },
        action: { type: 'Agent::Action', id: action },
        resource,
        context: { task_type: 'new_task', repo: 'o/r', read_only: false, ...extra },
        entities: [],
      });
      if (answer.type !== 'success') return { error: true };
      if (answer.response.decision === 'deny') return { ids: answer.response.diagnostics.reason };
    }
    return null;
  };
  return (call) => tier('hard', call) ?? tier('soft', call) ?? 'allow';
}

const texts = { hard: hitl.BUILTIN_HARD_DENY_POLICIES, soft: hitl.BUILTIN_SOFT_DENY_POLICIES };
const stateless = wasmEngine((name, req) => wasm.isAuthorized({ ...req, policies: { staticPolicies: texts[name] } }));
for (const name of ['hard', 'soft']) {
  const r = wasm.preparsePolicySet(name, { staticPolicies: texts[name] });
  if (r.type !== 'success') throw new Error(`preparse ${name} failed`);
}
const stateful = wasmEngine((name, req) => wasm.statefulIsAuthorized({ ...req, preparsedPolicySetId: name }));

const engine = new hitl.PolicyEngine({ taskType: 'new_task', repo: 'o/r' });
const hitlEval = (c) => engine.evaluateToolUse(c.tool_name, c.tool_input);

// Agreement on allow vs not-allow (the pipeline also merges more actions and write tools, §15.2-3).
let disagree = 0;
for (const c of corpus) {
  if ((stateful(c) === 'allow') !== (hitlEval(c).outcome === 'allow')) disagree++;
}

const rows = [
  ['cedar-hitl `evaluateToolUse`', measure(hitlEval, corpus, passes)],
  ['cedar-wasm pre-parsed (`statefulIsAuthorized`)', measure(stateful, corpus, Math.max(1, Math.ceil(passes / 5)))],
  ['cedar-wasm stateless (`isAuthorized`, policy text per call)', measure(stateless, corpus, 1)],
];
console.log(`node ${process.version}, corpus ${corpus.length} calls; outcome disagreements with cedar-wasm: ${disagree}\n`);
console.log('| engine | median µs | mean µs | p99 µs | p99.9 µs | decisions/s |\n| --- | --- | --- | --- | --- | --- |');
for (const [name, s] of rows) console.log(`| ${name} | ${s.median.toFixed(2)} | ${s.mean.toFixed(2)} | ${s.p99.toFixed(2)} | ${s.p999.toFixed(2)} | ${Math.round(s.perSecond)} |`);
const base = rows[0][1].median;
console.log(`\nratio (median): pre-parsed ${(rows[1][1].median / base).toFixed(1)}x, stateless ${(rows[2][1].median / base).toFixed(1)}x slower than cedar-hitl`);
