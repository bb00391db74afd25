'use strict'
// The string unions in index.d.ts are held to the core's string enums (the one list in
// cedar-hitl-core's wire module): a variant added in the core and missing here fails, as does an
// alias that lists a value the core does not have.

const { test } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const h = require('..')

// Core enums the Node API does not expose (no option takes them, no result carries them).
const NOT_EXPOSED = new Set(['LintLevel'])

const dts = fs.readFileSync(path.join(__dirname, '..', 'index.d.ts'), 'utf8')

function unionOf(name) {
  const m = dts.match(new RegExp(`^export type ${name} = (.+)$`, 'm'))
  if (!m) return null
  return m[1].split('|').map((part) => {
    const lit = part.trim().match(/^'([^']*)'$/)
    assert.ok(lit, `${name}: '${part.trim()}' is not a string literal`)
    return lit[1]
  })
}

test('every core string enum is an index.d.ts union with exactly its values, in order', () => {
  const enums = h.__stringEnums()
  const names = Object.keys(enums)
  assert.ok(names.length >= 11, `the core lists ${names.length} enums`)
  for (const name of names) {
    if (NOT_EXPOSED.has(name)) {
      assert.equal(unionOf(name), null, `${name} is declared not exposed but index.d.ts has it`)
      continue
    }
    assert.deepEqual(unionOf(name), enums[name], `index.d.ts union ${name}`)
  }
})

test('record fields are typed with the enum aliases, not inline copies of their values', () => {
  const enums = h.__stringEnums()
  for (const [name, values] of Object.entries(enums)) {
    if (values.length < 2) continue
    const inline = values.map((v) => `'${v}'`).join(' | ')
    const hits = dts.split('\n').filter((l) => l.includes(inline) && !l.startsWith(`export type ${name} =`))
    assert.deepEqual(hits, [], `inline copies of ${name}`)
  }
})

const camel = (name) => name.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase())

function interfaceKeys(name) {
  const m = dts.match(new RegExp(`^export interface ${name} \\{\\n([\\s\\S]*?)^\\}`, 'm'))
  if (!m) return null
  return [...m[1].matchAll(/^  (\w+)\??:/gm)].map((k) => k[1])
}

test('every core record is an index.d.ts interface with exactly its fields, in camelCase and in order', () => {
  const records = h.__recordFields()
  assert.ok(Object.keys(records).length >= 7)
  for (const [name, fields] of Object.entries(records)) {
    assert.deepEqual(interfaceKeys(name), fields.map(camel), `interface ${name}`)
  }
})

test('records come back with exactly the core fields', () => {
  const records = h.__recordFields()
  const s = new h.Session(new h.PolicyBundle(), { approvalGateCap: 1 })
  const samples = {
    Decision: s.evaluate('Bash', { command: 'rm -rf /' }),
    AllowlistView: s.allowlist,
    SessionConfig: s.config,
    GateAdmission: s.beginGate(null, null),
    EffectiveTimeout: h.effectiveTimeout(60, 300, null),
    Rule: new h.PolicyBundle().rules()[0],
    LoadWarning: new h.PolicyBundle({
      blueprintSoft: '@tier("soft") @rule_id("quick") @approval_timeout_s("90")\nforbid (principal, action == Agent::Action::"invoke_tool", resource == Agent::Tool::"WebFetch");',
    }).warnings[0],
    LoadErrorInfo: h.PolicyBundle.check({ blueprintSoft: 'forbid (principal, action, resource);' }).errors[0],
    Redaction: h.scanSecrets('key AKIAIOSFODNN7EXAMPLE'),
    RuleSummary: new h.PolicyBundle().listPolicies().soft[0],
    RuleListing: new h.PolicyBundle().listPolicies(),
    CheckReport: h.PolicyBundle.check({ blueprintSoft: 'forbid (principal, action, resource);' }),
    ParityResult: h.cedarParityEvaluate('@rule_id("p") permit (principal, action, resource);', { type: 'A::P', id: 'p' }, { type: 'A::Action', id: 'go' }, { type: 'A::R', id: 'r' }),
  }
  for (const [name, value] of Object.entries(samples)) {
    assert.deepEqual(Object.keys(value), records[name].map(camel), name)
  }
  // A summary leaves out the keys a rule has no value for (hard rules: category, severity and
  // approval timeout), where other records say null.
  const hard = new h.PolicyBundle().listPolicies().hard[0]
  assert.deepEqual(Object.keys(hard), ['ruleId', 'summary', 'source'])
  // Both caches hand out the one CacheEntry record.
  s.recordInputDecision('Bash', 'h', 'DENIED', null)
  s.recordRuleDecision('Bash', ['force_push_any'], 'DENIED', null)
  for (const entry of [s.cachedInputDecision('Bash', 'h'), s.cachedRuleDecision('Bash', ['force_push_any'])]) {
    assert.deepEqual(Object.keys(entry), records.CacheEntry.map(camel))
  }
})

// The properties of an exported type of index.d.ts as the TypeScript checker resolves them
// (inherited and mapped ones included): name → { optional, type }.
let checked = null
function typeProperties(name) {
  const ts = require('typescript')
  if (!checked) {
    const file = path.join(__dirname, '..', 'index.d.ts')
    const program = ts.createProgram([file], { strict: true, noEmit: true, skipLibCheck: false })
    assert.deepEqual(ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n')), [])
    checked = { program, checker: program.getTypeChecker(), source: program.getSourceFile(file) }
  }
  const { checker, source } = checked
  const decl = source.statements.find((s) => (ts.isInterfaceDeclaration(s) || ts.isTypeAliasDeclaration(s)) && s.name.text === name)
  assert.ok(decl, `index.d.ts declares ${name}`)
  const props = {}
  for (const p of checker.getPropertiesOfType(checker.getTypeAtLocation(decl.name))) {
    const type = checker.typeToString(checker.getTypeOfSymbolAtLocation(p, decl))
    props[p.name] = { optional: (p.flags & ts.SymbolFlags.Optional) !== 0, type }
  }
  return props
}

// The keys a constructor accepts, as its error for an unknown key lists them.
function acceptedKeys(make, owner) {
  try {
    make({ notAnOption: 1 })
  } catch (e) {
    const m = e.message.match(new RegExp(`^unknown ${owner} option 'notAnOption'; allowed: (.*)$`))
    assert.ok(m, e.message)
    return m[1].split(', ')
  }
  assert.fail(`${owner} accepted an unknown option`)
}

test('option types are the keys the constructors accept, derived from the core records', () => {
  const bundle = new h.PolicyBundle()
  const cases = [
    ['SessionOptions', acceptedKeys((o) => new h.Session(bundle, o), 'Session')],
    ['PolicyBundleOptions', acceptedKeys((o) => new h.PolicyBundle(o), 'PolicyBundle')],
    ['PolicyEngineOptions', acceptedKeys((o) => new h.PolicyEngine({ taskType: 't', repo: 'r', ...o }), 'PolicyEngine')],
  ]
  for (const [name, accepted] of cases) {
    assert.deepEqual(Object.keys(typeProperties(name)).sort(), [...accepted].sort(), name)
  }
  const session = typeProperties('SessionOptions')
  assert.ok(Object.values(session).every((p) => p.optional))
  assert.equal(session.initialApprovals.type, 'readonly string[] | null | undefined')
  assert.equal(session.approvalGateCap.type, 'number | undefined')
  const engine = typeProperties('PolicyEngineOptions')
  assert.deepEqual(Object.keys(engine).filter((k) => !engine[k].optional).sort(), ['repo', 'taskType'])
  assert.equal(engine.blueprintDisable.type, 'readonly string[] | null | undefined')
  assert.equal(engine.writeTools.type, 'Readonly<Record<string, string>> | null | undefined')
})

test('the keys the constructors accept come from the SessionConfig record', () => {
  const fields = h.__recordFields().SessionConfig
  const engineKeys = Object.keys(typeProperties('PolicyEngineOptions'))
  for (const key of fields.map((f) => (f === 'principal' ? 'taskType' : camel(f)))) {
    assert.ok(engineKeys.includes(key), `PolicyEngineOptions.${key}`)
  }
  assert.deepEqual(Object.keys(typeProperties('SessionOptions')).sort(), [...fields.map(camel), 'shadow'].sort())
  // Every setting is read, and a value of the wrong type names its field.
  const bundle = new h.PolicyBundle()
  for (const field of fields) {
    const key = camel(field)
    assert.throws(() => new h.Session(bundle, { [key]: Symbol('x') }), (e) => e.code === 'CONFIG' && e.field === field, key)
  }
  assert.throws(() => new h.Session(bundle, { approvalGateCapp: 1 }), /unknown Session option 'approvalGateCapp'; allowed: principal, repo, readOnly/)
  // PolicyEngine reads the principal as taskType, and needs it and repo.
  assert.throws(() => new h.PolicyEngine({ repo: 'o/r' }), (e) => e.code === 'CONFIG' && e.field === 'task_type' && e.message === 'task_type (taskType) is required')
  assert.throws(() => new h.PolicyEngine({ taskType: 't' }), (e) => e.code === 'CONFIG' && e.field === 'repo' && e.message === 'repo is required')
  assert.equal(new h.PolicyEngine({ taskType: 'pr_review', repo: 'o/r' }).session.config.principal, 'pr_review')
  assert.throws(() => new h.PolicyEngine({ taskType: 't', repo: 'r', principal: 'x' }), /unknown PolicyEngine option 'principal'; allowed: taskType, repo/)
})

test('PolicyBundle options are the BundleOptions record; PolicyEngine reads them under upstream names', () => {
  const fields = h.__recordFields().PolicyBundleOptions
  assert.deepEqual(fields, ['builtins', 'blueprint_hard', 'blueprint_soft', 'disable', 'extra_policies', 'write_tools', 'shell_tools'])
  const base = new h.PolicyBundle().fingerprint
  // field → [key on PolicyEngine, the name its errors give]
  const upstream = {
    blueprint_hard: ['blueprintHardPolicies', 'blueprint_hard_policies'],
    blueprint_soft: ['blueprintSoftPolicies', 'blueprint_soft_policies'],
    disable: ['blueprintDisable', 'blueprint_disable'],
  }
  const engineKeys = Object.keys(typeProperties('PolicyEngineOptions'))
  // A value for each option that changes the bundle.
  const changing = {
    builtins: 'upstream',
    blueprint_hard: '@tier("hard") @rule_id("no_fetch")\nforbid (principal, action == Agent::Action::"invoke_tool", resource == Agent::Tool::"WebFetch");',
    blueprint_soft: '@tier("soft") @rule_id("ask_fetch")\nforbid (principal, action == Agent::Action::"invoke_tool", resource == Agent::Tool::"WebFetch");',
    disable: ['write_env_files'],
    extra_policies: ['forbid (principal, action == Agent::Action::"invoke_tool", resource == Agent::Tool::"WebFetch");'],
    write_tools: { Write: 'file_path' },
    shell_tools: { Bash: 'command', Shell: 'cmd' },
  }
  assert.deepEqual(Object.keys(changing).sort(), [...fields].sort())
  for (const field of fields) {
    const key = camel(field)
    // null is an absent option: the core's default; a value is read (the bundle changes).
    assert.equal(new h.PolicyBundle({ [key]: null }).fingerprint, base, key)
    assert.notEqual(new h.PolicyBundle({ [key]: changing[field] }).fingerprint, base, key)
    // A value of the wrong type names the field.
    assert.throws(() => new h.PolicyBundle({ [key]: Symbol('x') }), (e) => e.code === 'CONFIG' && e.field === field, key)
    const [engineKey, label] = upstream[field] ?? [key, field]
    assert.ok(engineKeys.includes(engineKey), `PolicyEngineOptions.${engineKey}`)
    assert.throws(
      () => new h.PolicyEngine({ taskType: 't', repo: 'o/r', [engineKey]: Symbol('x') }),
      (e) => e.code === 'CONFIG' && e.field === label,
      engineKey,
    )
    // A prebuilt bundle excludes every policy option but a builtins naming its own profile.
    if (field === 'builtins') continue
    const set = field.endsWith('tools') ? { Bash: 'command' } : field.startsWith('blueprint') ? '' : []
    assert.throws(
      () => new h.PolicyEngine({ taskType: 't', repo: 'o/r', bundle: new h.PolicyBundle(), [engineKey]: set }),
      (e) => e.code === 'CONFIG' && e.field === 'bundle' && /not both/.test(e.message),
      engineKey,
    )
  }
  assert.throws(() => new h.PolicyBundle({ blueprintHardd: '' }), /unknown PolicyBundle option 'blueprintHardd'; allowed: builtins, blueprintHard, blueprintSoft, disable, extraPolicies, writeTools, shellTools/)
  // The engine builds its bundle from the same record: a tool map given to it decides.
  const e = new h.PolicyEngine({ taskType: 'new_task', repo: 'o/r', shellTools: { Shell: 'cmd' } })
  assert.equal(e.evaluateToolUse('Shell', { cmd: 'rm -rf /' }).outcome, 'deny')
  assert.equal(new h.PolicyEngine({ taskType: 'new_task', repo: 'o/r' }).evaluateToolUse('Shell', { cmd: 'rm -rf /' }).outcome, 'allow')
})

test('options and tool maps must be plain objects: a Map is refused, not read as empty', () => {
  const map = new Map([['Bash', 'command']])
  for (const make of [
    () => new h.PolicyBundle({ shellTools: map }),
    () => new h.PolicyEngine({ taskType: 't', repo: 'o/r', shellTools: map }),
    () => new h.PolicyEngine({ taskType: 't', repo: 'o/r', writeTools: map }),
  ]) {
    assert.throws(make, (e) => e.code === 'CONFIG' && /must be a plain object mapping tool names/.test(e.message) && /not plain/.test(e.message))
  }
  class Opts { constructor() { this.readOnly = true } }
  assert.throws(() => new h.Session(new h.PolicyBundle(), new Opts()), (e) => e.code === 'CONFIG' && /Session must be a plain object/.test(e.message))
  assert.throws(() => new h.PolicyBundle(new Map([['builtins', 'upstream']])), (e) => e.code === 'CONFIG')
  // Plain objects, with or without a prototype, are read.
  const bare = Object.assign(Object.create(null), { Shell: 'cmd' })
  assert.deepEqual(new h.PolicyBundle({ shellTools: bare }).shellTools, { Shell: 'cmd' })
  assert.equal(new h.Session(new h.PolicyBundle(), Object.assign(Object.create(null), { readOnly: true })).config.readOnly, true)
})
