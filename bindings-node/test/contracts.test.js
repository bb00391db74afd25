'use strict'
// Runs every shared contract fixture (contracts/README.md) through the Node binding, so Rust,
// Python and Node must agree. A folder that is missing or empty fails; an unknown step, expect
// key, option or function name fails (fixtures can never go silently unchecked). Every decision
// scenario runs twice: on the native `Session` and on the `PolicyEngine` façade (`explain` steps
// through `explain` and `explainToolUse`). Shell fixtures
// (`shell/*.json`, README §4) run through `parseCommand`.

const { test, describe } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const { isDeepStrictEqual, inspect } = require('node:util')
const h = require('..')

const CONTRACTS = process.env.CEDAR_HITL_CONTRACTS || path.resolve(__dirname, '..', '..', 'contracts')
const FIXTURE_EPOCH_UNIX_S = 1700000000

function fixtureFiles(sub) {
  const dir = path.join(CONTRACTS, sub)
  assert.ok(fs.existsSync(dir), `${dir} does not exist`)
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort()
  assert.ok(files.length > 0, `${dir}: no fixture files`)
  return files.map((f) => path.join(dir, f))
}

function load(file) {
  return JSON.parse(fs.readFileSync(file, 'utf8'))
}

const show = (v) => inspect(v, { depth: 6, breakLength: Infinity, maxStringLength: 200 })

/** Collects every failing expectation of one file, each with its location. */
class Checks {
  constructor() {
    this.checked = 0
    this.failures = []
  }
  eq(at, what, got, want) {
    this.checked++
    if (!isDeepStrictEqual(got, want)) this.failures.push(`${at}: ${what}: got ${show(got)}, want ${show(want)}`)
  }
  fail(at, msg) {
    this.checked++
    this.failures.push(`${at}: ${msg}`)
  }
  assertClean(label) {
    assert.ok(this.checked > 0, `${label}: no expectations were checked`)
    assert.deepEqual(this.failures, [], `${label}: ${this.failures.length} failing expectation(s):\n  ${this.failures.join('\n  ')}`)
  }
}

const ERROR_TYPES = { POLICY_LOAD: 'load', SCOPE: 'scope', CONFIG: 'config' }

function errorJson(e) {
  if (!e || typeof e !== 'object' || !(e.code in ERROR_TYPES)) {
    return { type: 'unexpected', message: String(e && e.stack ? e.stack : e) }
  }
  return { type: ERROR_TYPES[e.code], kind: e.kind ?? null, rule_id: e.ruleId ?? null, field: e.field ?? null, message: e.message }
}

function checkError(c, at, got, want) {
  if (got.type === 'unexpected') return c.fail(at, `not a typed cedar-hitl error: ${got.message}`)
  for (const [k, v] of Object.entries(want)) {
    if (k === 'message_contains') {
      for (const frag of v) {
        c.checked++
        if (!got.message.includes(frag)) c.failures.push(`${at}: error message ${show(got.message)} lacks ${show(frag)}`)
      }
    } else if (['type', 'kind', 'rule_id', 'field'].includes(k)) {
      c.eq(at, `error.${k}`, got[k], v)
    } else {
      c.fail(at, `unknown expect_error key ${show(k)}`)
    }
  }
}

// ------------------------------------------------------------------------------------------------
// cedar-parity
// ------------------------------------------------------------------------------------------------

function runParity(file, f, names) {
  const c = new Checks()
  const at = path.basename(file)
  for (const req of ['name', 'policies', 'input', 'expected']) if (!(req in f)) c.fail(at, `missing ${req}`)
  for (const req of ['principal', 'action', 'resource']) if (!f.input || !(req in f.input)) c.fail(at, `missing input.${req}`)
  for (const req of ['decision', 'matching_rule_ids', 'errors']) if (!f.expected || !(req in f.expected)) c.fail(at, `missing expected.${req}`)
  if (c.failures.length) return c
  c.eq(at, 'name equals file stem', f.name, path.basename(file, '.json'))
  c.eq(at, 'name is unique', names.has(f.name), false)
  names.add(f.name)
  c.eq(at, 'expected.decision is lower-case', f.expected.decision, f.expected.decision.toLowerCase())
  let r
  try {
    r = h.cedarParityEvaluate(f.policies, f.input.principal, f.input.action, f.input.resource, f.input.context ?? {})
  } catch (e) {
    c.fail(at, `evaluation failed: ${e.message}`)
    return c
  }
  c.eq(at, 'decision', r.decision, f.expected.decision)
  c.eq(at, 'matching_rule_ids (sorted)', [...r.matchingRuleIds].sort(), [...f.expected.matching_rule_ids].sort())
  c.eq(at, 'errors', r.errors, f.expected.errors)
  return c
}

// ------------------------------------------------------------------------------------------------
// decisions
// ------------------------------------------------------------------------------------------------

const BUNDLE_KEYS = { builtins: 'builtins', blueprint_hard: 'blueprintHard', blueprint_soft: 'blueprintSoft', disable: 'disable', extra_policies: 'extraPolicies', write_tools: 'writeTools', shell_tools: 'shellTools' }
const SESSION_KEYS = {
  principal: 'principal',
  repo: 'repo',
  read_only: 'readOnly',
  initial_approvals: 'initialApprovals',
  approval_gate_cap: 'approvalGateCap',
  initial_approval_gate_count: 'initialApprovalGateCount',
  task_default_timeout_s: 'taskDefaultTimeoutS',
  cache_max_entries: 'cacheMaxEntries',
  cache_ttl_s: 'cacheTtlS',
}
const ENGINE_POLICY_KEYS = { builtins: 'builtins', blueprint_hard: 'blueprintHardPolicies', blueprint_soft: 'blueprintSoftPolicies', disable: 'blueprintDisable', extra_policies: 'extraPolicies' }

function translate(obj, map, what, c, at) {
  const out = {}
  for (const [k, v] of Object.entries(obj || {})) {
    if (!(k in map)) c.fail(at, `unknown ${what} key ${show(k)}`)
    else out[map[k]] = v
  }
  return out
}

/** One API over the native Session. */
function sessionAdapter(s) {
  return {
    evaluate: (n, i) => s.evaluate(n, i),
    explain: (n, i) => s.explain(n, i),
    recordOutcome: (n, i, ids, r) => s.recordOutcome(n, i, ids, r),
    addScope: (x) => s.addScope(x),
    recordInput: (n, sha, d, r, ts) => s.recordInputDecision(n, sha, d, r, ts),
    recordRule: (n, ids, r, ts) => s.recordRuleDecision(n, ids, 'DENIED', r, ts),
    incrementGate: () => s.incrementGateCount(),
    recordGateTs: () => s.recordGateTimestamp(),
    markCeiling: () => s.markCeilingShrinking(),
    drain: () => s.drainDenials(),
    beginGate: (t, r) => s.beginGate(t, r),
    state: () => ({ gate_count: s.gateCount, approvals_in_window: s.approvalsInWindow, input_cache_len: s.inputCacheLen, rule_cache_len: s.ruleCacheLen, rule_scope_ids: s.allowlist.ruleIds }),
    snapshot: () => s.snapshot(),
  }
}

/** The same API over the upstream-compatible PolicyEngine façade. */
function engineAdapter(e) {
  return {
    evaluate: (n, i) => e.evaluateToolUse(n, i),
    explain: (n, i) => e.explainToolUse(n, i),
    recordOutcome: (n, i, ids, r) => e.recordOutcome(n, i, ids, r),
    addScope: (x) => e.allowlistAdd(x),
    recordInput: (n, sha, d, r, ts) => e.recordDecision(n, sha, d, r, ts),
    recordRule: (n, ids, r, ts) => e.recordRuleDecision(n, ids, 'DENIED', r, ts),
    incrementGate: () => e.incrementApprovalGateCount(),
    recordGateTs: () => e.recordApprovalGateTimestamp(),
    markCeiling: () => e.markCeilingShrinkingEmitted(),
    drain: () => e.drainDenialInjections(),
    beginGate: (t, r) => e.beginGate(t, r),
    state: () => ({ gate_count: e.approvalGateCount, approvals_in_window: e.approvalsInLastMinute, input_cache_len: e.recentDecisionsLen, rule_cache_len: e.recentRuleDecisionsLen, rule_scope_ids: e.allowlistRuleIds }),
    snapshot: () => e.session.snapshot(),
  }
}

function construct(mode, sc, clock, c, at) {
  const bundleOpts = translate(sc.bundle, BUNDLE_KEYS, 'bundle', c, at)
  const sessionOpts = { repo: 'o/r', ...translate(sc.session, SESSION_KEYS, 'session', c, at) }
  if (mode === 'Session') {
    const bundle = new h.PolicyBundle(bundleOpts)
    return { bundle, api: sessionAdapter(new h.Session(bundle, sessionOpts, clock)) }
  }
  const { principal = 'new_task', ...rest } = sessionOpts
  const engineOpts = { taskType: principal, ...rest, clock }
  const needsBundle = 'write_tools' in (sc.bundle || {}) || 'shell_tools' in (sc.bundle || {})
  let bundle
  if (needsBundle) {
    bundle = new h.PolicyBundle(bundleOpts)
    engineOpts.bundle = bundle
  } else {
    for (const [k, v] of Object.entries(sc.bundle || {})) engineOpts[ENGINE_POLICY_KEYS[k]] = v
  }
  const engine = new h.PolicyEngine(engineOpts)
  return { bundle: bundle || engine.bundle, api: engineAdapter(engine) }
}

const DECISION_KEYS = {
  outcome: 'outcome',
  reason: 'reason',
  tier: 'tier',
  matching_rule_ids: 'matchingRuleIds',
  timeout_s: 'timeoutS',
  severity: 'severity',
  fail_closed: 'failClosed',
  fail_closed_cause: 'failClosedCause',
  cache_hit: 'cacheHit',
}
const CACHE_HIT_KEYS = { cached_decision: 'cachedDecision', cached_reason: 'cachedReason', original_decision_ts: 'originalDecisionTs', matched_rule_ids: 'matchedRuleIds' }
const GATE_KEYS = { admitted: 'admitted', reason: 'reason', effective_timeout_s: 'effectiveTimeoutS', clip: 'clip', ceiling_shrinking: 'ceilingShrinking' }

function checkDecision(c, at, d, want) {
  for (const [k, v] of Object.entries(want)) {
    if (!(k in DECISION_KEYS)) {
      c.fail(at, `unknown expect key ${show(k)}`)
    } else if (k === 'cache_hit' && v !== null && typeof v === 'object') {
      if (d.cacheHit === null) {
        c.fail(at, 'cache_hit: got null')
        continue
      }
      for (const [hk, hv] of Object.entries(v)) {
        if (!(hk in CACHE_HIT_KEYS)) c.fail(at, `unknown cache_hit key ${show(hk)}`)
        else c.eq(at, `cache_hit.${hk}`, d.cacheHit[CACHE_HIT_KEYS[hk]], hv)
      }
    } else {
      c.eq(at, k, d[DECISION_KEYS[k]], v)
    }
  }
}

/** An `explain` step (README §2.7): only the keys present in `expect`, like the Rust runner's
 *  `check_explanation`. */
function checkExplanation(c, at, ex, want) {
  const steps = Array.isArray(ex.steps) ? ex.steps : []
  for (const [k, v] of Object.entries(want)) {
    if (k === 'outcome') c.eq(at, 'explain.outcome', ex.decision.outcome, v)
    else if (k === 'steps') c.eq(at, 'explain.steps', steps.map((s) => s.step), v)
    else if (k === 'evaluations') {
      const evals = steps.filter((s) => s.step === 'cedar_evaluation').map((s) => [s.tier, s.action, s.subject, s.matched])
      c.eq(at, 'explain.evaluations', evals, v)
    } else c.fail(at, `unknown explain expect key ${show(k)}`)
  }
}

function only(c, at, obj, allowed, what) {
  for (const k of Object.keys(obj || {})) if (!allowed.includes(k)) c.fail(at, `unknown ${what} key ${show(k)}`)
}

function runStep(c, at, step, ctx) {
  const actions = Object.keys(step).filter((k) => k !== 'expect' && k !== 'expect_error')
  if (actions.length !== 1) return c.fail(at, `a step needs exactly one action key, got ${show(actions)}`)
  const action = actions[0]
  const arg = step[action]
  const expect = step.expect
  const expectError = step.expect_error
  const api = ctx.api
  // Run a fallible action: with expect_error it must fail and change nothing.
  const fallible = (fn) => {
    const before = expectError ? api.snapshot() : null
    let result
    try {
      result = fn()
    } catch (e) {
      const got = errorJson(e)
      if (!expectError) c.fail(at, `unexpected error: ${got.message}`)
      else {
        checkError(c, at, got, expectError)
        c.eq(at, 'failed step changed nothing (snapshot)', api.snapshot(), before)
      }
      return { failed: true }
    }
    if (expectError) c.fail(at, 'succeeded, expected an error')
    return { failed: false, result }
  }
  if (expectError && !['record_outcome', 'add_scope', 'record_input_decision', 'record_rule_decision'].includes(action)) {
    c.fail(at, `expect_error is not supported on ${action}`)
  }
  switch (action) {
    case 'evaluate': {
      only(c, at, arg, ['tool_name', 'tool_input'], 'evaluate')
      if (!expect) return c.fail(at, 'evaluate step without expect')
      let d
      try {
        d = api.evaluate(arg.tool_name, arg.tool_input)
      } catch (e) {
        return c.fail(at, `evaluate threw (it must never throw): ${e.message}`)
      }
      return checkDecision(c, at, d, expect)
    }
    case 'explain': {
      only(c, at, arg, ['tool_name', 'tool_input'], 'explain')
      if (!expect) return c.fail(at, 'explain step without expect')
      let ex
      try {
        ex = api.explain(arg.tool_name, arg.tool_input)
      } catch (e) {
        return c.fail(at, `explain threw (it must never throw): ${e.message}`)
      }
      return checkExplanation(c, at, ex, expect)
    }
    case 'record_outcome': {
      only(c, at, arg, ['tool_name', 'tool_input', 'matching_rule_ids', 'resolution', 'scope', 'reason', 'request_id', 'decided_at'], 'record_outcome')
      const resolution = { kind: arg.resolution, scope: arg.scope, requestId: arg.request_id, reason: arg.reason, decidedAt: arg.decided_at }
      const r = fallible(() => api.recordOutcome(arg.tool_name, arg.tool_input, arg.matching_rule_ids ?? [], resolution))
      if (r.failed) return
      for (const [k, v] of Object.entries(expect || {})) {
        if (k === 'agent_reason') c.eq(at, k, r.result.agentReason, v)
        else if (k === 'agent_reason_starts_with') {
          c.checked++
          if (!r.result.agentReason.startsWith(v)) c.failures.push(`${at}: agent_reason ${show(r.result.agentReason)} does not start with ${show(v)}`)
        } else c.fail(at, `unknown expect key ${show(k)}`)
      }
      return
    }
    case 'add_scope':
      if (expect !== undefined) c.fail(at, 'add_scope takes no expect')
      fallible(() => api.addScope(arg))
      return
    case 'record_input_decision':
      only(c, at, arg, ['tool_name', 'tool_input', 'decision', 'reason', 'decided_at'], 'record_input_decision')
      fallible(() => api.recordInput(arg.tool_name, h.toolInputSha256(arg.tool_input), arg.decision, arg.reason, arg.decided_at))
      return
    case 'record_rule_decision':
      only(c, at, arg, ['tool_name', 'rule_ids', 'reason', 'decided_at'], 'record_rule_decision')
      fallible(() => api.recordRule(arg.tool_name, arg.rule_ids, arg.reason, arg.decided_at))
      return
    case 'advance_clock':
      ctx.clock.advance(arg)
      return
    case 'snapshot_restore': {
      const restored = h.Session.restore(ctx.bundle, api.snapshot(), ctx.clock)
      ctx.api = sessionAdapter(restored)
      return
    }
    case 'increment_gate_count':
      api.incrementGate()
      return
    case 'record_gate_timestamp':
      api.recordGateTs()
      return
    case 'mark_ceiling_shrinking': {
      const got = api.markCeiling()
      if (expect !== undefined) c.eq(at, 'mark_ceiling_shrinking', got, expect)
      return
    }
    case 'drain_denials': {
      const got = api.drain().map((d) => ({ request_id: d.requestId, reason: d.reason, decided_at: d.decidedAt }))
      if (expect !== undefined) c.eq(at, 'drain_denials', got, expect)
      return
    }
    case 'begin_gate': {
      only(c, at, arg, ['timeout_s', 'remaining_lifetime_s'], 'begin_gate')
      const got = api.beginGate(arg.timeout_s, arg.remaining_lifetime_s)
      for (const [k, v] of Object.entries(expect || {})) {
        if (!(k in GATE_KEYS)) c.fail(at, `unknown expect key ${show(k)}`)
        else c.eq(at, k, got[GATE_KEYS[k]], v)
      }
      return
    }
    case 'expect_state': {
      const got = api.state()
      for (const [k, v] of Object.entries(arg)) {
        if (!(k in got)) c.fail(at, `unknown state key ${show(k)}`)
        else if (k === 'rule_scope_ids') c.eq(at, k, [...got[k]].sort(), [...v].sort())
        else c.eq(at, k, got[k], v)
      }
      return
    }
    default:
      return c.fail(at, `unknown step ${show(action)}`)
  }
}

function runScenario(c, at, sc, mode) {
  only(c, at, sc, ['name', 'spec', 'description', 'bundle', 'session', 'expect_error', 'expect_warnings', 'steps'], 'scenario')
  const clock = new h.ManualClock(FIXTURE_EPOCH_UNIX_S)
  let built
  try {
    built = construct(mode, sc, clock, c, at)
  } catch (e) {
    if (sc.expect_error) return checkError(c, at, errorJson(e), sc.expect_error)
    return c.fail(at, `construction failed: ${e.message}`)
  }
  if (sc.expect_error) return c.fail(at, 'construction succeeded, expected an error')
  if (sc.expect_warnings) {
    c.eq(at, 'warnings', built.bundle.warnings.map((w) => ({ rule_id: w.ruleId, field: w.field })), sc.expect_warnings)
  }
  const ctx = { bundle: built.bundle, api: built.api, clock }
  ;(sc.steps || []).forEach((step, i) => runStep(c, `${at} step ${i}`, step, ctx))
}

// ------------------------------------------------------------------------------------------------
// functions
// ------------------------------------------------------------------------------------------------

/** A README §2.2 bundle object (snake_case keys, `builtins` included) as a PolicyBundle. */
function bundleOf(b) {
  const opts = {}
  for (const [k, v] of Object.entries(b || {})) {
    if (!(k in BUNDLE_KEYS)) throw new Error(`unknown bundle key ${show(k)}`)
    opts[BUNDLE_KEYS[k]] = v
  }
  return new h.PolicyBundle(opts)
}

const FUNCTIONS = {
  tool_input_sha256: (input) => h.toolInputSha256(input),
  canonical_json: (input) => h.canonicalJson(input),
  truncate: (text, max) => h.truncate(text, max),
  is_degenerate_pattern: (p) => h.isDegeneratePattern(p),
  parse_approval_scope: (s) => h.parseApprovalScope(s),
  effective_timeout: (d, def, rem) => {
    const t = h.effectiveTimeout(d, def, rem)
    return { effective_s: t.effectiveS, clip: t.clip, requested_s: t.requestedS }
  },
  strip_controls: (t) => h.stripControls(t),
  redact_secrets: (t) => h.redactSecrets(t),
  scan_secrets: (t) => h.scanSecrets(t),
  tool_input_preview: (tool, v) => h.toolInputPreview(v, tool),
  scan_deny_reason: (t) => h.scanDenyReason(t),
  denial_envelope: (entries) => h.denialEnvelope(entries.map((e) => ({ requestId: e.request_id, reason: e.reason, decidedAt: e.decided_at }))),
  fingerprints_equal: (a, b) => bundleOf(a).fingerprint === bundleOf(b).fingerprint,
}

function runFunctions(file, f) {
  const c = new Checks()
  const name = f.function
  const fn = FUNCTIONS[name]
  if (!fn) {
    c.fail(path.basename(file), `unknown function ${show(name)}`)
    return c
  }
  if (!Array.isArray(f.cases) || f.cases.length === 0) c.fail(name, 'no cases')
  ;(f.cases || []).forEach((cs, i) => {
    const at = `${path.basename(file)} / ${name} case ${i}`
    only(c, at, cs, ['args', 'expect', 'expect_error', 'description'], 'case')
    let got
    let err
    try {
      got = fn(...cs.args)
    } catch (e) {
      err = e
    }
    if ('expect_error' in cs) {
      if (!err) return c.fail(at, `expected an error, got ${show(got)}`)
      checkError(c, at, { type: 'any', message: err.message }, cs.expect_error)
    } else if (err) {
      c.fail(at, `unexpected error: ${err.message}`)
    } else {
      c.eq(at, 'result', got, cs.expect)
    }
  })
  return c
}

// ------------------------------------------------------------------------------------------------
// shell (README §4)
// ------------------------------------------------------------------------------------------------

/** Compare one parsed list (`commands` / `writes`) with the expected one: same length, then
 *  element `i` key by key, only for the keys the expected element has. */
function checkShellList(c, at, list, got, want) {
  if (!Array.isArray(want)) return c.fail(at, `${list}: expected a list, got ${show(want)}`)
  c.eq(at, `${list}.length`, got.length, want.length)
  want.forEach((w, j) => {
    if (j >= got.length) return
    const g = got[j]
    for (const [field, wv] of Object.entries(w || {})) {
      const gv = list === 'writes' && field === 'classes' ? g.facts.classes : g[field]
      if (gv === undefined) c.fail(at, `unknown ${list} key ${show(field)}`)
      else c.eq(at, `${list}[${j}].${field}`, gv, wv)
    }
  })
}

function runShell(file, f) {
  const c = new Checks()
  const label = path.basename(file)
  only(c, label, f, ['name', 'description', 'cases'], 'shell file')
  if (!Array.isArray(f.cases) || f.cases.length === 0) c.fail(label, 'no cases')
  ;(f.cases || []).forEach((cs, i) => {
    const at = `${label} / ${f.name ?? '?'} case ${i}`
    only(c, at, cs, ['command', 'expect', 'description'], 'case')
    if (typeof cs.command !== 'string') return c.fail(at, `command must be a string, got ${show(cs.command)}`)
    if (!cs.expect || typeof cs.expect !== 'object' || Array.isArray(cs.expect)) return c.fail(at, `expect must be an object, got ${show(cs.expect)}`)
    let line
    try {
      line = h.parseCommand(cs.command)
    } catch (e) {
      return c.fail(at, `parseCommand threw: ${e.message}`)
    }
    const at2 = `${at} (${show(cs.command)})`
    for (const [k, v] of Object.entries(cs.expect)) {
      if (k === 'opaque') c.eq(at2, 'opaque', line.opaque !== null || line.commands.some((cmd) => cmd.opaque === true), v)
      else if (k === 'commands' || k === 'writes') checkShellList(c, at2, k, line[k], v)
      else c.fail(at2, `unknown expect key ${show(k)}`)
    }
  })
  return c
}

// ------------------------------------------------------------------------------------------------

// Every folder is read before any suite is registered: a missing or empty folder must fail the
// run, and Node 22 does not fail a run whose describe callback throws.
const FIXTURES = Object.fromEntries(
  ['cedar-parity', 'decisions', 'functions', 'shell'].map((sub) => [sub, fixtureFiles(sub)]),
)

describe('contracts/cedar-parity', () => {
  const files = FIXTURES['cedar-parity']
  const names = new Set()
  test('folder has fixtures', () => assert.ok(files.length > 0))
  for (const file of files) {
    test(path.basename(file), () => runParity(file, load(file), names).assertClean(file))
  }
})

describe('contracts/decisions', () => {
  const files = FIXTURES['decisions']
  const scenarioNames = new Set()
  test('folder has fixtures', () => assert.ok(files.length > 0))
  for (const file of files) {
    const f = load(file)
    describe(path.basename(file), () => {
      test('file shape', () => {
        assert.equal(f.name, path.basename(file, '.json'), 'name equals file stem')
        assert.ok(Array.isArray(f.scenarios) && f.scenarios.length > 0, 'has scenarios')
        for (const sc of f.scenarios) {
          assert.ok(!scenarioNames.has(sc.name), `scenario name ${sc.name} is unique across files`)
          scenarioNames.add(sc.name)
          assert.ok(Array.isArray(sc.spec), `${sc.name}: spec list`)
        }
      })
      for (const mode of ['Session', 'PolicyEngine']) {
        test(`every scenario via ${mode}`, () => {
          const c = new Checks()
          for (const sc of f.scenarios) runScenario(c, `${path.basename(file)} / ${sc.name} [${mode}]`, sc, mode)
          c.assertClean(`${file} via ${mode}`)
        })
      }
    })
  }
})

describe('contracts/functions', () => {
  const files = FIXTURES['functions']
  test('folder has fixtures', () => assert.ok(files.length > 0))
  for (const file of files) {
    test(path.basename(file), () => runFunctions(file, load(file)).assertClean(file))
  }
})

describe('contracts/shell', () => {
  const files = FIXTURES['shell']
  test('folder has fixtures', () => assert.ok(files.length > 0))
  for (const file of files) {
    test(path.basename(file), () => runShell(file, load(file)).assertClean(file))
  }
})

module.exports = { fixtureFiles }
