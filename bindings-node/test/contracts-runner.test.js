'use strict'
// The contract runner must fail loudly: on an empty or missing folder, on a wrong expectation
// (naming file / scenario / step, or file / case for shell fixtures), and on an unknown step,
// expect key or function name.

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
// contracts/README.md §4's example.
const GOOD_SHELL = {
  name: 'mini-shell',
  cases: [
    {
      command: 'sudo rm -fr /',
      expect: {
        opaque: false,
        commands: [{ program: 'rm', wrappers: ['sudo'], effects: ['fs.delete', 'fs.delete.recursive'] }],
        writes: [{ path: '/', via: 'rm', classes: ['root'] }],
      },
    },
    { command: '$CMD -rf /', expect: { opaque: true } },
  ],
}
// `bundle.builtins` reaches the bundle: the upstream rm_slash is `like "*rm -rf /*"`, the hardened
// one reads path classes (/tmp is not root, system or home).
const PROFILE_DECISIONS = {
  name: 'profiles',
  scenarios: [
    { name: 'tmp-upstream', spec: ['15.1'], bundle: { builtins: 'upstream' }, steps: [{ evaluate: { tool_name: 'Bash', tool_input: { command: 'rm -rf /tmp/build' } }, expect: { outcome: 'deny', reason: 'Hard-deny: rm_slash' } }] },
    { name: 'tmp-hardened', spec: ['15.1'], bundle: { builtins: 'hardened' }, steps: [{ evaluate: { tool_name: 'Bash', tool_input: { command: 'rm -rf /tmp/build' } }, expect: { outcome: 'allow', reason: 'permitted' } }] },
    { name: 'tmp-default', spec: ['15.1'], steps: [{ evaluate: { tool_name: 'Bash', tool_input: { command: 'rm -rf /tmp/build' } }, expect: { outcome: 'allow' } }] },
    {
      name: 'tmp-upstream-tools',
      spec: ['15.1'],
      bundle: { builtins: 'upstream', shell_tools: { Shell: 'cmd' } },
      steps: [{ evaluate: { tool_name: 'Shell', tool_input: { cmd: 'rm -rf /tmp/build' } }, expect: { reason: 'Hard-deny: rm_slash' } }],
    },
    { name: 'bad-profile', spec: ['15.1'], bundle: { builtins: 'strict' }, expect_error: { type: 'config', field: 'builtins', message_contains: ['hardened, upstream'] } },
  ],
}

function tree({ decisions = [GOOD_DECISIONS], functions = [GOOD_FUNCTIONS], shell = [GOOD_SHELL], parity = true } = {}) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cedar-hitl-contracts-'))
  for (const sub of ['cedar-parity', 'decisions', 'functions', 'shell']) fs.mkdirSync(path.join(root, sub))
  if (parity) fs.copyFileSync(path.join(REAL, 'cedar-parity', 'hard-deny-rm-slash.json'), path.join(root, 'cedar-parity', 'hard-deny-rm-slash.json'))
  for (const d of decisions) fs.writeFileSync(path.join(root, 'decisions', `${d.name}.json`), JSON.stringify(d))
  functions.forEach((f, i) => fs.writeFileSync(path.join(root, 'functions', `f${i}.json`), JSON.stringify(f)))
  for (const f of shell) fs.writeFileSync(path.join(root, 'shell', `${f.name}.json`), JSON.stringify(f))
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

test('bundle.builtins is passed through (Session and PolicyEngine)', () => {
  const r = run(tree({ decisions: [GOOD_DECISIONS, PROFILE_DECISIONS] }))
  assert.equal(r.status, 0, r.out)
  const flipped = structuredClone(PROFILE_DECISIONS)
  flipped.scenarios[0].bundle.builtins = 'hardened'
  const bad = run(tree({ decisions: [flipped] }))
  assert.notEqual(bad.status, 0)
  assert.match(bad.out, /tmp-upstream \[Session\] step 0: outcome: got 'allow', want 'deny'/)
  assert.match(bad.out, /tmp-upstream \[PolicyEngine\] step 0: outcome: got 'allow', want 'deny'/)
})

test('an empty folder fails', () => {
  for (const opts of [{ decisions: [] }, { functions: [] }, { shell: [] }, { parity: false }]) {
    const r = run(tree(opts))
    assert.notEqual(r.status, 0)
    assert.match(r.out, /no fixture files/)
  }
})

test('a missing folder fails', () => {
  for (const sub of ['functions', 'shell']) {
    const root = tree()
    fs.rmSync(path.join(root, sub), { recursive: true })
    const r = run(root)
    assert.notEqual(r.status, 0, sub)
    assert.match(r.out, new RegExp(`${sub} does not exist`))
  }
})

test('shell fixtures: a wrong expectation fails and names file / case / command', () => {
  const variants = [
    [(f) => (f.cases[0].expect.commands[0].program = 'rmdir'), /mini-shell\.json \/ mini-shell case 0 \('sudo rm -fr \/'\): commands\[0\]\.program: got 'rm', want 'rmdir'/],
    [(f) => f.cases[0].expect.commands.push({ program: 'ls' }), /commands\.length: got 1, want 2/],
    [(f) => (f.cases[0].expect.writes[0].classes = ['system']), /writes\[0\]\.classes: got \[ 'root' \], want \[ 'system' \]/],
    [(f) => (f.cases[1].expect.opaque = false), /case 1 \('\$CMD -rf \/'\): opaque: got true, want false/],
    [(f) => (f.cases[0].expect.effects = []), /unknown expect key 'effects'/],
    [(f) => (f.cases[0].expect.commands[0].efects = []), /unknown commands key 'efects'/],
    [(f) => (f.cases[0].cmd = 'x'), /unknown case key 'cmd'/],
    [(f) => (f.cases = []), /no cases/],
  ]
  for (const [change, message] of variants) {
    const bad = structuredClone(GOOD_SHELL)
    change(bad)
    const r = run(tree({ shell: [bad] }))
    assert.notEqual(r.status, 0, JSON.stringify(bad))
    assert.match(r.out, message)
  }
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

// contracts/README.md §2.7 `explain` and the `fingerprints_equal` function.
const EXPLAIN_DECISIONS = {
  name: 'mini-explain',
  scenarios: [
    {
      name: 'mini-explain-rm',
      spec: ['issue-12'],
      steps: [
        {
          explain: { tool_name: 'Bash', tool_input: { command: 'rm -rf /' } },
          expect: {
            outcome: 'deny',
            steps: ['input_checks', 'cedar_evaluation', 'cedar_evaluation', 'cedar_evaluation'],
            evaluations: [
              ['hard', 'invoke_tool', 'Bash', []],
              ['hard', 'execute_bash', 'rm -rf /', ['rm_slash']],
              ['hard', 'write_file', '/', []],
            ],
          },
        },
      ],
    },
  ],
}
const FINGERPRINTS = {
  function: 'fingerprints_equal',
  cases: [
    { args: [{}, { builtins: 'hardened' }], expect: true },
    { args: [{}, { builtins: 'upstream' }], expect: false },
    { args: [{}, { shell_tools: { Shell: 'cmd' } }], expect: false },
    { args: [{ disable: ['write_credentials', 'write_env_files'] }, { disable: ['write_env_files', 'write_credentials'] }], expect: true },
  ],
}

test('explain steps: checked like the Rust runner, in both modes; a wrong one fails and names the step', () => {
  const r = run(tree({ decisions: [GOOD_DECISIONS, EXPLAIN_DECISIONS] }))
  assert.equal(r.status, 0, r.out)
  const variants = [
    [(st) => (st.expect.outcome = 'allow'), /mini-explain-rm \[Session\] step 0: explain\.outcome: got 'deny', want 'allow'/, /mini-explain-rm \[PolicyEngine\] step 0: explain\.outcome/],
    [(st) => st.expect.steps.pop(), /explain\.steps: got/],
    [(st) => (st.expect.evaluations[1][3] = []), /explain\.evaluations: got/],
    [(st) => (st.expect.colour = 'red'), /unknown explain expect key 'colour'/],
    [(st) => delete st.expect, /explain step without expect/],
    [(st) => (st.explain.toolName = 'Bash'), /unknown explain key 'toolName'/],
  ]
  for (const [change, ...messages] of variants) {
    const bad = structuredClone(EXPLAIN_DECISIONS)
    change(bad.scenarios[0].steps[0])
    const out = run(tree({ decisions: [bad] }))
    assert.notEqual(out.status, 0, JSON.stringify(bad))
    for (const m of messages) assert.match(out.out, m)
  }
})

test('fingerprints_equal: bundle objects with builtins and tool maps; a wrong expectation fails', () => {
  const r = run(tree({ functions: [GOOD_FUNCTIONS, FINGERPRINTS] }))
  assert.equal(r.status, 0, r.out)
  const bad = structuredClone(FINGERPRINTS)
  bad.cases[1].expect = true
  const out = run(tree({ functions: [bad] }))
  assert.notEqual(out.status, 0)
  assert.match(out.out, /fingerprints_equal case 1: result: got false, want true/)
  const unknown = structuredClone(FINGERPRINTS)
  unknown.cases[0].args[0] = { blueprintSoft: '' }
  const out2 = run(tree({ functions: [unknown] }))
  assert.notEqual(out2.status, 0)
  assert.match(out2.out, /unknown bundle key 'blueprintSoft'/)
})
