'use strict'
// The audit log from Node: Session.evaluateAudited writes the core's record (docs/hosts.md,
// "Audit log"); an unwritable log fails closed.

const { test } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const h = require('..')

const session = () => new h.Session(new h.PolicyBundle(), { principal: 'new_task', repo: 'o/r' })
const tmpLog = () => path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cedar-hitl-audit-')), 'audit.jsonl')

test('one JSON line per decision with the record fields, and never the raw secret', () => {
  const log = tmpLog()
  const s = session()
  const d1 = s.evaluateAudited('Bash', { command: 'rm -rf /' }, { path: log, sessionId: 'sess-9' })
  assert.equal(d1.outcome, 'deny')
  assert.equal(d1.reason, 'Hard-deny: rm_slash')
  const d2 = s.evaluateAudited('Bash', { command: 'echo AKIAIOSFODNN7EXAMPLE' }, { path: log })
  assert.equal(d2.outcome, 'allow')
  const text = fs.readFileSync(log, 'utf8')
  assert.ok(!text.includes('AKIAIOSFODNN7EXAMPLE'), text)
  const lines = text.trimEnd().split('\n').map((l) => JSON.parse(l))
  assert.equal(lines.length, 2)
  const [a, b] = lines
  assert.equal(a.session, 'sess-9')
  assert.equal(a.tool, 'Bash')
  assert.equal(a.outcome, 'deny')
  assert.equal(a.tier, 'hard')
  assert.deepEqual(a.rule_ids, ['rm_slash'])
  assert.equal(a.tool_input_sha256, h.toolInputSha256({ command: 'rm -rf /' }))
  assert.equal(a.tool_input_preview, '{"command": "rm -rf /"}')
  assert.equal(a.fail_closed_cause, null)
  assert.equal(a.cache_hit, false)
  assert.equal(a.builtin_profile, 'hardened')
  assert.match(a.policy_fingerprint, /^[0-9a-f]{64}$/)
  assert.match(a.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/)
  assert.equal(b.session, '')
  assert.equal(b.tool_input_preview, '{"command": "echo [REDACTED-AWS_KEY]"}')
})

test('the decision is the one evaluate gives', () => {
  const s = session()
  const call = ['Bash', { command: 'git push --force origin main' }]
  const audited = s.evaluateAudited(...call, { path: tmpLog() })
  const plain = session().evaluate(...call)
  assert.equal(audited.outcome, plain.outcome)
  assert.deepEqual(audited.matchingRuleIds, plain.matchingRuleIds)
})

test('an unwritable log is a fail-closed DENY naming the file; a malformed log option throws CONFIG', () => {
  const bad = path.join(os.tmpdir(), 'cedar-hitl-no-such-dir', 'x', 'audit.jsonl')
  const d = session().evaluateAudited('Read', { file_path: 'a.txt' }, { path: bad })
  assert.equal(d.outcome, 'deny')
  assert.equal(d.failClosed, true)
  assert.equal(d.failClosedCause, 'internal_error')
  assert.ok(d.failClosedDetail.includes(bad), d.failClosedDetail)
  for (const log of [null, {}, { path: 5 }, { path: 'x', extra: 1 }]) {
    assert.throws(() => session().evaluateAudited('Read', {}, log), (e) => e.code === 'CONFIG', JSON.stringify(log))
  }
})
