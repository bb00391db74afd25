'use strict'
// Runs the TypeScript example Lambda (examples/lambda-handler.ts), transpiled in-process with the
// `typescript` dev dependency, through each of its routes. (Type checking is `tsc --noEmit -p
// examples`, run by test.sh and by the last test here.)

const { test } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const Module = require('node:module')
const { spawnSync } = require('node:child_process')
const ts = require('typescript')

const SRC = path.join(__dirname, '..', 'examples', 'lambda-handler.ts')

function loadExample(env = {}) {
  const saved = { ...process.env }
  Object.assign(process.env, env)
  try {
    const { outputText } = ts.transpileModule(fs.readFileSync(SRC, 'utf8'), { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 }, fileName: SRC })
    const m = new Module(SRC, module)
    m.filename = SRC
    m.paths = Module._nodeModulePaths(path.dirname(SRC))
    m._compile(outputText, SRC)
    return m.exports
  } finally {
    for (const k of Object.keys(env)) if (k in saved) process.env[k] = saved[k]
    else delete process.env[k]
  }
}

const post = (p, body, id) => ({ httpMethod: 'POST', path: p, pathParameters: id ? { id } : null, body: body === undefined ? null : JSON.stringify(body) })

test('GET /policies lists the enforced bundle, blueprint included', async () => {
  const ex = loadExample({
    CEDAR_HITL_BUILTINS: 'upstream',
    BLUEPRINT_SOFT_POLICIES: '@tier("soft") @rule_id("no_curl") @severity("low")\nforbid (principal, action == Agent::Action::"execute_bash", resource) when { context.command like "*curl *" };',
    BLUEPRINT_DISABLE: 'write_credentials',
  })
  const r = await ex.makeHandler(new ex.MemoryStore())({ httpMethod: 'GET', path: '/policies', body: null })
  assert.equal(r.statusCode, 200)
  const listing = JSON.parse(r.body)
  assert.ok(listing.soft.some((x) => x.ruleId === 'no_curl' && x.severity === 'low'))
  assert.ok(!listing.soft.some((x) => x.ruleId === 'write_credentials'))
  assert.equal(listing.hard.length, 6)
  assert.equal(listing.profile, 'upstream')
  const exDefault = loadExample()
  const def = await exDefault.makeHandler(new exDefault.MemoryStore())({ httpMethod: 'GET', path: '/policies', body: null })
  assert.equal(JSON.parse(def.body).profile, 'hardened', 'the default profile')
})

test('a bad CEDAR_HITL_BUILTINS fails the cold start with CONFIG', () => {
  assert.throws(() => loadExample({ CEDAR_HITL_BUILTINS: 'strict' }), (e) => e.code === 'CONFIG' && e.field === 'builtins')
})

test('a bad blueprint fails the cold start with POLICY_LOAD', () => {
  assert.throws(() => loadExample({ BLUEPRINT_SOFT_POLICIES: 'forbid (' }), (e) => e.code === 'POLICY_LOAD')
})

test('approve validates the scope; deny redacts the reason; rows change once', async () => {
  const ex = loadExample()
  const store = new ex.MemoryStore()
  const handler = ex.makeHandler(store)
  for (const id of ['a', 'b', 'c', 'd']) store.put({ requestId: id, status: 'PENDING' })
  let r = await handler(post('/approvals/a/approve', { scope: ' tool_type: Read ' }, 'a'))
  assert.deepEqual([r.statusCode, JSON.parse(r.body).scope], [200, 'tool_type:Read'])
  r = await handler(post('/approvals/a/approve', {}, 'a'))
  assert.equal(r.statusCode, 409)
  r = await handler(post('/approvals/b/approve', undefined, 'b'))
  assert.equal(JSON.parse(r.body).scope, 'this_call')
  r = await handler(post('/approvals/c/approve', { scope: 'bash_pattern:*' }, 'c'))
  assert.equal(r.statusCode, 400)
  assert.match(JSON.parse(r.body).error, /too broad/)
  assert.equal(store.get('c').status, 'PENDING')
  r = await handler(post('/approvals/d/deny', { reason: 'leaks ghp_abcdefghijklmnopqrstuvwxyz0123456789\u001b[2J' }, 'd'))
  assert.deepEqual(JSON.parse(r.body), { requestId: 'd', status: 'DENIED', reason: 'leaks [REDACTED-GITHUB_TOKEN]' })
  assert.equal(store.get('d').denyReason, 'leaks [REDACTED-GITHUB_TOKEN]')
  r = await handler(post('/approvals/zz/deny', {}, 'zz'))
  assert.equal(r.statusCode, 404)
})

test('pending-scope validation uses the REST validator and the engine limits', async () => {
  const ex = loadExample()
  const handler = ex.makeHandler(new ex.MemoryStore())
  let r = await handler(post('/tasks/validate', { initialApprovals: [' tool_type: Read', 'rule:force_push_any', 'this_call'] }))
  assert.deepEqual(JSON.parse(r.body).initialApprovals, ['tool_type:Read', 'rule:force_push_any', 'this_call'])
  r = await handler(post('/tasks/validate', { initialApprovals: ['tool_type:read', 'write_path:**', 7] }))
  assert.deepEqual(JSON.parse(r.body).errors.map((e) => e.index), [0, 1, 2])
  r = await handler(post('/tasks/validate', { initialApprovals: ['rule:rm_slash'] }))
  assert.equal(r.statusCode, 400)
  assert.match(JSON.parse(r.body).errors[0].message, /hard rule/)
  r = await handler(post('/tasks/validate', { initialApprovals: ['tool_type_session'] }))
  assert.equal(JSON.parse(r.body).errors[0].field, 'initial_approvals[0]')
  r = await handler(post('/tasks/validate', { initialApprovals: Array(21).fill('tool_type:Read') }))
  assert.match(JSON.parse(r.body).errors[0].message, /at most 20/)
  r = await handler({ httpMethod: 'POST', path: '/tasks/validate', body: '[1]' })
  assert.equal(r.statusCode, 400)
})

test('the example type-checks against the generated index.d.ts (tsc --noEmit)', () => {
  const tsc = require.resolve('typescript/bin/tsc')
  const r = spawnSync(process.execPath, [tsc, '--noEmit', '-p', path.join(__dirname, '..', 'examples')], { encoding: 'utf8' })
  assert.equal(r.status, 0, r.stdout + r.stderr)
})
