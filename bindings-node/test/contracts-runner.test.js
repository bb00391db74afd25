'use strict'
// The contract runner must fail loudly: on an empty or missing folder, on a wrong expectation
// (naming file / scenario / step), and on an unknown step, expect key or function name.

const { test } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { spawnSync } = require('node:child_process')

const RUNNER = path.join(__dirname, 'contracts.test.js')
const REAL = path.resolve(__dirname, '..', '..', 'contracts')

const GOOD_DECISIONS = {
  name: 'mini',
  scenarios: [{ name: 'mini-rm', spec: ['A.3'], steps: [{ evaluate: { tool_name: 'Bash', tool_input: { command: 'rm -rf /' } }, expect: { outcome: 'deny', reason: 'Hard-deny: rm_slash' } }] }],
}
const GOOD_FUNCTIONS = { function: 'truncate', cases: [{ args: ['abcdefghij', 8], expect: 'abcde...' }] }

function tree({ decisions = [GOOD_DECISIONS], functions = [GOOD_FUNCTIONS], parity = true } = {}) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cedar-hitl-contracts-'))
  for (const sub of ['cedar-parity', 'decisions', 'functions']) fs.mkdirSync(path.join(root, sub))
  if (parity) fs.copyFileSync(path.join(REAL, 'cedar-parity', 'hard-deny-rm-slash.json'), path.join(root, 'cedar-parity', 'hard-deny-rm-slash.json'))
  for (const d of decisions) fs.writeFileSync(path.join(root, 'decisions', `${d.name}.json`), JSON.stringify(d))
  functions.forEach((f, i) => fs.writeFileSync(path.join(root, 'functions', `f${i}.json`), JSON.stringify(f)))
  return root
}

function run(root) {
  // A nested `node --test` must not inherit the parent runner's NODE_TEST_CONTEXT.
  const { NODE_TEST_CONTEXT, ...env } = process.env
  const r = spawnSync(process.execPath, ['--test', RUNNER], { encoding: 'utf8', env: { ...env, CEDAR_HITL_CONTRACTS: root } })
  fs.rmSync(root, { recursive: true, force: true })
  return { status: r.status, out: r.stdout + r.stderr }
}

test('a minimal valid tree passes', () => {
  const r = run(tree())
  assert.equal(r.status, 0, r.out)
})

test('an empty folder fails', () => {
  for (const opts of [{ decisions: [] }, { functions: [] }, { parity: false }]) {
    const r = run(tree(opts))
    assert.notEqual(r.status, 0)
    assert.match(r.out, /no fixture files/)
  }
})

test('a missing folder fails', () => {
  const root = tree()
  fs.rmSync(path.join(root, 'functions'), { recursive: true })
  const r = run(root)
  assert.notEqual(r.status, 0)
  assert.match(r.out, /does not exist/)
})

test('a wrong expectation fails and names file / scenario / step', () => {
  const bad = structuredClone(GOOD_DECISIONS)
  bad.scenarios[0].steps[0].expect.reason = 'permitted'
  const r = run(tree({ decisions: [bad] }))
  assert.notEqual(r.status, 0)
  assert.match(r.out, /mini\.json \/ mini-rm \[Session\] step 0: reason: got 'Hard-deny: rm_slash', want 'permitted'/)
  assert.match(r.out, /mini-rm \[PolicyEngine\] step 0: reason/)
})

test('unknown step, expect key, scenario key and function name all fail', () => {
  const variants = [
    (d) => (d.scenarios[0].steps[0] = { teleport: true }),
    (d) => (d.scenarios[0].steps[0].expect.colour = 'red'),
    (d) => (d.scenarios[0].sesion = {}),
    (d) => (d.scenarios[0].session = { read_only: false, readonly: true }),
  ]
  for (const change of variants) {
    const bad = structuredClone(GOOD_DECISIONS)
    change(bad)
    const r = run(tree({ decisions: [bad] }))
    assert.notEqual(r.status, 0, JSON.stringify(bad))
    assert.match(r.out, /unknown/)
  }
  const r = run(tree({ functions: [{ function: 'frobnicate', cases: [{ args: [], expect: 1 }] }] }))
  assert.notEqual(r.status, 0)
  assert.match(r.out, /unknown function 'frobnicate'/)
})
