'use strict'
// `cedar-hitl/upstream`: the upstream Lambda helper modules' names and shapes (README.md,
// "Upstream drop-in"). Expected values come from the upstream modules' documented behaviour and
// the built-in rule text, not from the code under test.

const { test } = require('node:test')
const assert = require('node:assert/strict')
const up = require('cedar-hitl/upstream')
const main = require('cedar-hitl')

const SOFT = '@tier("soft") @rule_id("plain")\nforbid (principal, action, resource) when { context.command like "*x*" };'

test('the subpath exports exactly the upstream helper names', () => {
  assert.deepEqual(Object.keys(up).sort(), [
    'BUILTIN_HARD_DENY_POLICIES', 'BUILTIN_SOFT_DENY_POLICIES', 'CedarPolicyParseError', 'DENY_REASON_SECRET_NAMES',
    'VALID_APPROVAL_SCOPE_PREFIXES', 'VALID_TOOL_GROUPS', 'VALID_TOOL_TYPES', 'concatPolicies', 'isDegeneratePattern',
    'isHardDenyRule', 'isValidRuleId', 'matchingRuleIds', 'parseApprovalScope', 'parseRules', 'scanDenyReason',
  ])
})

test('parseRules: snake_case plain objects, absent annotations left out (not null)', () => {
  const rules = up.parseRules(up.BUILTIN_SOFT_DENY_POLICIES)
  assert.deepEqual(rules.map((r) => [r.policy_id, r.rule_id, r.tier]), [
    ['policy1', 'force_push_any', 'soft'], ['policy2', 'force_push_main', 'soft'], ['policy3', 'push_to_protected_branch', 'soft'],
    ['policy4', 'write_env_files', 'soft'], ['policy5', 'write_credentials', 'soft'],
  ])
  const r = rules[1]
  assert.deepEqual(Object.keys(r).sort(), ['approval_timeout_s', 'category', 'policy_id', 'rule_id', 'severity', 'summary', 'tier'])
  assert.deepEqual([r.severity, r.approval_timeout_s, r.category], ['high', 600, 'destructive'])
  assert.deepEqual(JSON.parse(JSON.stringify(r)), { ...r }, 'plain data')
  const [plain] = up.parseRules(SOFT)
  assert.deepEqual(Object.keys(plain).sort(), ['policy_id', 'rule_id', 'summary', 'tier'])
  assert.ok(!('severity' in plain) && !('approval_timeout_s' in plain) && !('category' in plain))
  assert.deepEqual(up.parseRules('  \n '), [])
})

test('parseRules: refused text throws CedarPolicyParseError carrying .errors', () => {
  for (const [text, detail] of [
    ['forbid (', { kind: 'parse' }],
    ['@rule_id("x") forbid (principal, action, resource);', { field: 'tier' }],
    ['@tier("soft") forbid (principal, action, resource);', { field: 'rule_id' }],
  ]) {
    assert.throws(() => up.parseRules(text), (e) => {
      assert.ok(e instanceof up.CedarPolicyParseError && e instanceof Error)
      assert.equal(e.name, 'CedarPolicyParseError')
      assert.ok(Array.isArray(e.errors) && e.errors.length === 1)
      for (const [k, v] of Object.entries(detail)) assert.equal(e.errors[0][k], v, text)
      assert.equal(e.errors[0].message, e.message)
      return true
    })
  }
})

test('rule-id lookups take the upstream objects, hand-built ones included', () => {
  const rules = up.parseRules(up.BUILTIN_SOFT_DENY_POLICIES)
  assert.equal(up.isValidRuleId(rules, 'write_env_files'), true)
  assert.equal(up.isValidRuleId(rules, 'rm_slash'), false)
  assert.deepEqual(up.matchingRuleIds(rules, ['policy2', 'policy99', 'policy1']), ['force_push_main', 'force_push_any'])
  const handMade = [{ policy_id: 'policy0', rule_id: 'a', tier: 'soft', summary: '' }, { policy_id: 'policy1', rule_id: 'b', tier: 'hard', summary: '' }]
  assert.deepEqual(up.matchingRuleIds(handMade, ['policy1']), ['b'])
  assert.equal(up.isValidRuleId(handMade, 'a'), true)
  assert.equal(up.isHardDenyRule(up.BUILTIN_HARD_DENY_POLICIES, 'rm_slash'), true)
  assert.equal(up.isHardDenyRule(up.BUILTIN_SOFT_DENY_POLICIES, 'force_push_any'), false)
  assert.equal(up.concatPolicies('A', '  '), 'A')
  assert.equal(up.concatPolicies('A', 'B'), 'A\nB')
})

test('parseApprovalScope: { ok, scope } | { ok, message }, never throws', () => {
  assert.deepEqual(up.parseApprovalScope('  tool_type: Read '), { ok: true, scope: 'tool_type:Read' })
  assert.deepEqual(up.parseApprovalScope('all_session'), { ok: true, scope: 'all_session' })
  for (const [input, msg] of [
    ['', /non-empty/],
    ['tool_type', /missing prefix/],
    ['weird:', /missing value/],
    ['tool_type :Read', /unknown prefix/],
    ['tool_group:net', /unknown tool_group net/],
    [42, /must be a string/],
    [undefined, /must be a string/],
    ['tool_type:\ud800', /lone surrogate/],
  ]) {
    const r = up.parseApprovalScope(input)
    assert.deepEqual(Object.keys(r).sort(), ['message', 'ok'], String(input))
    assert.equal(r.ok, false)
    assert.match(r.message, msg)
  }
})

test('constants and texts: the upstream lists, the upstream built-in rules', () => {
  assert.deepEqual(up.VALID_APPROVAL_SCOPE_PREFIXES, ['tool_type:', 'tool_group:', 'bash_pattern:', 'write_path:', 'rule:'])
  assert.deepEqual(up.VALID_TOOL_GROUPS, ['file_write'])
  assert.deepEqual(up.VALID_TOOL_TYPES, ['Bash', 'Read', 'Write', 'Edit', 'Glob', 'Grep', 'WebFetch', 'Task'])
  // The upstream six, in their order, within the engine's wider set.
  const upstreamSix = ['PRIVATE_KEY', 'AWS_KEY', 'AWS_SECRET', 'GITHUB_TOKEN', 'SLACK_TOKEN', 'BEARER_TOKEN']
  assert.deepEqual(up.DENY_REASON_SECRET_NAMES.filter((n) => upstreamSix.includes(n)), upstreamSix)
  for (const n of up.DENY_REASON_SECRET_NAMES) assert.match(n, /^[A-Z_]+$/)
  assert.ok(Object.isFrozen(up.VALID_APPROVAL_SCOPE_PREFIXES) && Object.isFrozen(up.DENY_REASON_SECRET_NAMES))
  assert.equal(up.BUILTIN_HARD_DENY_POLICIES, main.UPSTREAM_HARD_DENY_POLICIES)
  assert.equal(up.BUILTIN_SOFT_DENY_POLICIES, main.UPSTREAM_SOFT_DENY_POLICIES)
  assert.equal(up.scanDenyReason('token ghp_abcdefghijklmnopqrstuvwxyz0123456789'), 'token [REDACTED-GITHUB_TOKEN]')
  assert.equal(up.isDegeneratePattern('**'), true)
})

test('ESM import of the subpath gives the same objects', async () => {
  const esm = await import('cedar-hitl/upstream')
  assert.equal(esm.parseRules, up.parseRules)
  assert.equal(esm.CedarPolicyParseError, up.CedarPolicyParseError)
  assert.equal(esm.default, up)
})
