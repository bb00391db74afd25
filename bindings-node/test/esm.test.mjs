// ESM `import` and CommonJS `require('cedar-hitl')` both work and expose the same objects.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import binding, { PolicyEngine, PolicyBundle, parseApprovalScope, constants, BUILTIN_HARD_DENY_POLICIES } from 'cedar-hitl'
import * as ns from 'cedar-hitl'

const require = createRequire(import.meta.url)

test('named and default ESM imports resolve through the package exports map', () => {
  const e = new PolicyEngine({ taskType: 'new_task', repo: 'o/r' })
  assert.equal(e.evaluateToolUse('Bash', { command: 'rm -rf /' }).reason, 'Hard-deny: rm_slash')
  assert.equal(parseApprovalScope('all_session'), 'all_session')
  assert.equal(typeof constants.approval_rate_limit, 'number')
  assert.ok(BUILTIN_HARD_DENY_POLICIES.includes('rm_slash'))
  assert.ok(PolicyBundle.builtin() instanceof PolicyBundle)
  assert.equal(binding.PolicyEngine, PolicyEngine)
})

test('require by package name gives the very same objects as import', () => {
  const cjs = require('cedar-hitl')
  assert.equal(cjs.PolicyEngine, PolicyEngine)
  assert.equal(cjs.constants, constants)
  assert.equal(require.resolve('cedar-hitl'), require.resolve('../index.js'))
})

test('every CommonJS export is a named ESM export', () => {
  const cjs = require('cedar-hitl')
  const missing = Object.keys(cjs).filter((k) => !k.startsWith('__') && !(k in ns))
  assert.deepEqual(missing, [], `add to index.mjs: ${missing.join(', ')}`)
})
