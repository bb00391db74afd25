'use strict'
// The bad-input table: every row is hostile or malformed input with the one answer it must get —
// a typed error (construction / helpers) or a DENY with `failClosed` and its core cause
// (evaluation, which never throws). Expected values follow docs/behaviour.md#pipeline, docs/behaviour.md#loading

const { test } = require('node:test')
const assert = require('node:assert/strict')
const h = require('..')
const { throwsTyped, failsClosed } = require('./helpers')

const MB = 1024 * 1024
const engine = () => new h.PolicyEngine({ taskType: 'new_task', repo: 'o/r' })
const evaluate = (tool, input, opts = {}) => new h.PolicyEngine({ taskType: 'new_task', repo: 'o/r', ...opts }).evaluateToolUse(tool, input)
const nested = (depth) => {
  let o = { command: 'ls' }
  for (let i = 0; i < depth; i++) o = { o }
  return o
}
const pad = (n) => `//${'x'.repeat(n - 2)}`
// Rows that pin the upstream built-in rules (`like` on the raw command text).
const UPSTREAM = { builtins: 'upstream' }

function allow(d, reason = 'permitted') {
  assert.equal(d.outcome, 'allow', `${d.reason} ${d.failClosedDetail ?? ''}`)
  assert.equal(d.reason, reason)
  assert.equal(d.failClosed, false)
}

function hardDeny(d, id) {
  assert.equal(d.outcome, 'deny', d.reason)
  assert.equal(d.reason, `Hard-deny: ${id}`)
  assert.deepEqual(d.matchingRuleIds, [id])
  assert.equal(d.failClosed, false)
}

const TABLE = [
  // --- commands and paths: empty, huge, NUL -------------------------------------------------
  ['empty command is a string: evaluated, nothing matches', () => allow(evaluate('Bash', { command: '' }))],
  ['empty file path is a string: evaluated, nothing matches', () => allow(evaluate('Write', { file_path: '' }))],
  ['10 MB command ending in rm -rf / is still hard-denied (upstream profile)', () => hardDeny(evaluate('Bash', { command: `${'a'.repeat(10 * MB)} && rm -rf /` }, UPSTREAM), 'rm_slash')],
  ['10 MB harmless command is allowed (upstream profile)', () => allow(evaluate('Bash', { command: 'echo '.padEnd(10 * MB, 'x') }, UPSTREAM))],
  ['10 MB file path under .git/ is hard-denied', () => hardDeny(evaluate('Write', { file_path: `.git/${'d/'.repeat(5 * MB)}x` }), 'write_git_internals')],
  ['input over the 16 MiB size cap fails closed', () => failsClosed(evaluate('Bash', { command: 'x'.repeat(h.constants.tool_input_max_bytes + 1) }), 'unhashable_tool_input', /larger than/)],
  ['hardened: a command over the parser cap (16 KiB) or holding a NUL is opaque, so gated, never allowed', () => {
    for (const command of ['echo '.padEnd(10 * MB, 'x'), 'echo \u0000; rm -rf /tmp', 'echo a\u0000b']) {
      const d = evaluate('Bash', { command })
      assert.deepEqual([d.outcome, d.reason, d.matchingRuleIds, d.failClosed], ['require_approval', 'Soft-deny: opaque_shell_command', ['opaque_shell_command'], false])
      assert.notEqual(h.parseCommand(command).opaque, null)
    }
  }],
  ['hardened: padding past the cap or a NUL does not hide rm -rf / (first and last 16 KiB and each NUL-separated part are read)', () => {
    for (const command of [`${'a'.repeat(10 * MB)} && rm -rf /`, `${'a'.repeat(10 * MB)}; rm -rf /`, `rm -rf / #${'a'.repeat(10 * MB)}`, 'echo \u0000; rm -rf /']) {
      hardDeny(evaluate('Bash', { command }), 'rm_slash')
      assert.notEqual(h.parseCommand(command).opaque, null, 'still opaque')
    }
  }],
  ['NUL inside a command does not hide rm -rf / (upstream profile)', () => hardDeny(evaluate('Bash', { command: 'echo \u0000; rm -rf /tmp' }, UPSTREAM), 'rm_slash')],
  ['NUL inside a path does not hide .git/', () => hardDeny(evaluate('Edit', { file_path: '.git/\u0000config' }), 'write_git_internals')],
  // --- structure -------------------------------------------------------------------------------
  ['10,000-level nesting fails closed without recursing', () => failsClosed(evaluate('Bash', nested(10000)), 'unhashable_tool_input', /tool input nests deeper than 64 levels/)],
  ['nesting at exactly the depth limit is accepted', () => allow(evaluate('Read', nested(h.constants.tool_input_max_depth - 1)))],
  ['non-object input (string) → invalid_tool_input', () => failsClosed(evaluate('Bash', 'rm -rf /'), 'invalid_tool_input', /must be an object, got string/)],
  ['non-object input (array, null, number, boolean) → invalid_tool_input', () => {
    for (const input of [['rm', '-rf', '/'], null, 42, true]) failsClosed(evaluate('Read', input), 'invalid_tool_input')
  }],
  ['array root holding many plain objects: converted (handles stay valid), then invalid_tool_input', () => {
    const many = Array.from({ length: 5000 }, (_, i) => ({ i, nested: [{ ok: true }] }))
    failsClosed(evaluate('Read', many), 'invalid_tool_input', /got array/)
    assert.equal(h.canonicalJson([{ b: 1, a: [{ c: 2 }] }, { d: null }]), '[{"a": [{"c": 2}], "b": 1}, {"d": null}]')
    assert.match(h.toolInputSha256(many), /^[0-9a-f]{64}$/)
    failsClosed(evaluate('Read', [{ ok: 1 }, new Map()]), 'unhashable_tool_input', /non-plain object .*\(at tool_input\[1\]\)/)
  }],
  ['non-object input (undefined) → unhashable_tool_input', () => failsClosed(evaluate('Read', undefined), 'unhashable_tool_input', /undefined/)],
  ['non-string command (list; docs/behaviour.md#pipeline) → invalid_tool_input', () => failsClosed(evaluate('Bash', { command: ['rm', '-rf', '/'] }), 'invalid_tool_input', /string 'command'/)],
  ['non-string command / path (number, object, boolean, null) → invalid_tool_input', () => {
    for (const v of [1.5, 0, {}, false, null]) {
      failsClosed(evaluate('Bash', { command: v }), 'invalid_tool_input')
      failsClosed(evaluate('Write', { file_path: v }), 'invalid_tool_input')
    }
  }],
  ['missing path keys → invalid_tool_input (Write {}, Bash {}, Write {path}, NotebookEdit {file_path})', () => {
    failsClosed(evaluate('Write', {}), 'invalid_tool_input', /missing/)
    failsClosed(evaluate('Bash', {}), 'invalid_tool_input', /missing/)
    failsClosed(evaluate('Write', { path: '.git/config' }), 'invalid_tool_input')
    failsClosed(evaluate('NotebookEdit', { file_path: 'a.ipynb' }), 'invalid_tool_input', /notebook_path/)
  }],
  // --- values JSON cannot hold ------------------------------------------------------------------
  ['NaN / Infinity / -Infinity → unhashable_tool_input', () => {
    for (const v of [NaN, Infinity, -Infinity]) failsClosed(evaluate('Read', { n: v }), 'unhashable_tool_input', /non-finite|NaN|inf/i)
  }],
  ['BigInt (any size) → unhashable_tool_input', () => {
    failsClosed(evaluate('Read', { n: 1n }), 'unhashable_tool_input', /BigInt/)
    failsClosed(evaluate('Bash', { command: 2n ** 80n }), 'unhashable_tool_input', /BigInt/)
  }],
  ['functions, symbols, undefined values → unhashable_tool_input', () => {
    failsClosed(evaluate('Read', { f() {} }), 'unhashable_tool_input', /function/)
    failsClosed(evaluate('Read', { s: Symbol('x') }), 'unhashable_tool_input', /symbol/)
    failsClosed(evaluate('Read', { u: undefined }), 'unhashable_tool_input', /undefined/)
    failsClosed(evaluate('Read', { a: [1, undefined] }), 'unhashable_tool_input', /undefined \(at tool_input\.a\[1\]\)/)
    failsClosed(evaluate('Read', { a: new Array(1e6) }), 'unhashable_tool_input', /undefined/)
  }],
  ['symbol-keyed properties are ignored (as JSON.stringify does)', () => allow(evaluate('Read', { [Symbol('k')]: () => 1, file_path: 'x' }))],
  ['cycles → unhashable_tool_input; shared (acyclic) references are fine', () => {
    const o = { command: 'ls' }
    o.self = o
    failsClosed(evaluate('Bash', o), 'unhashable_tool_input', /cycle/)
    const arr = []
    arr.push({ arr })
    failsClosed(evaluate('Read', { arr }), 'unhashable_tool_input', /cycle/)
    const shared = { x: 1 }
    allow(evaluate('Read', { a: shared, b: shared, c: [shared, shared] }))
  }],
  ['non-plain objects without toJSON (Map, Set, RegExp, typed array, class instance, boxed string) → unhashable_tool_input', () => {
    class Cmd {
      constructor() {
        this.command = 'ls'
      }
    }
    for (const v of [new Map(), new Set(), /re/, new Uint8Array(2), new Cmd(), new String('ls'), Promise.resolve(1), new Error('e')]) {
      failsClosed(evaluate('Read', { v }), 'unhashable_tool_input')
    }
    failsClosed(evaluate('Bash', new Cmd()), 'unhashable_tool_input', /non-plain object/)
    allow(evaluate('Read', Object.assign(Object.create(null), { file_path: 'x' })))
  }],
  // --- toJSON: the engine judges what JSON.stringify will send -------------------------------
  ['a hidden toJSON that turns `ls` into `rm -rf /` is judged on rm -rf /', () => {
    const sneaky = { command: 'ls' }
    Object.defineProperty(sneaky, 'toJSON', { value: () => ({ command: 'rm -rf /' }), enumerable: false })
    assert.equal(JSON.stringify(sneaky), '{"command":"rm -rf /"}')
    hardDeny(evaluate('Bash', sneaky), 'rm_slash')
    // Inherited from a prototype: the object is not plain, but what toJSON returns is.
    const proto = { toJSON() { return { command: 'rm -rf /' } } }
    hardDeny(evaluate('Bash', Object.assign(Object.create(proto), { command: 'ls' })), 'rm_slash')
    // Nested: toJSON is called with the member's key, as JSON.stringify calls it.
    const keys = []
    const inner = { toJSON(k) { keys.push(k); return 'rm -rf /' } }
    hardDeny(evaluate('Bash', { command: inner }), 'rm_slash')
    const arr = [{ toJSON(k) { keys.push(k); return 1 } }]
    allow(evaluate('Read', { list: arr }))
    assert.deepEqual(keys, ['command', '0'])
  }],
  ['wide inputs read past the walk handle-scope chunks: every member, key and toJSON key kept', () => {
    const wide = {}
    for (let i = 0; i < 40; i++) wide[`k${i}`] = i % 2 ? `v${i}` : [i, { i }]
    assert.equal(h.canonicalJson(wide), h.canonicalJson(JSON.parse(JSON.stringify(wide))))
    const list = Array.from({ length: 50 }, (_, i) => ({ n: i }))
    assert.equal(h.canonicalJson({ list }), h.canonicalJson(JSON.parse(JSON.stringify({ list }))))
    // A toJSON in the third chunk gets its own key, and what it returns is judged.
    const keys = []
    const late = { ...wide, k37: { toJSON(k) { keys.push(k); return 'rm -rf /' } }, command: 'ls' }
    late.command = { toJSON(k) { keys.push(k); return 'rm -rf /' } }
    hardDeny(evaluate('Bash', late), 'rm_slash')
    assert.deepEqual(keys, ['k37', 'command'])
    // A bad value after the first chunk is refused with its path.
    failsClosed(evaluate('Read', { ...wide, k33: undefined }), 'unhashable_tool_input', /tool_input\.k33/)
    failsClosed(evaluate('Read', { list: [...list, () => 1] }), 'unhashable_tool_input', /tool_input\.list\[50\]/)
  }],
  ['toJSON results follow JSON.stringify: Date → ISO text, Buffer → {type, data}; a throwing toJSON fails closed', () => {
    const at = new Date(Date.UTC(2024, 0, 2, 3, 4, 5))
    const same = (v) => assert.equal(h.canonicalJson(v), h.canonicalJson(JSON.parse(JSON.stringify(v))))
    same({ at, buf: Buffer.from('hi'), nested: [{ at }] })
    assert.equal(h.canonicalJson({ at }), '{"at": "2024-01-02T03:04:05.000Z"}')
    allow(evaluate('Read', { file_path: 'x', at }))
    failsClosed(evaluate('Read', { v: { toJSON() { throw new Error('no') } } }), 'unhashable_tool_input', /toJSON call threw/)
    // toJSON returning undefined or a function is not JSON: refused, never dropped silently.
    failsClosed(evaluate('Read', { v: { toJSON: () => undefined } }), 'unhashable_tool_input', /undefined/)
    // A toJSON that keeps nesting is stopped by the depth limit.
    const deep = { toJSON() { return { d: deep } } }
    failsClosed(evaluate('Read', { deep }), 'unhashable_tool_input', /tool input nests deeper than 64 levels/)
  }],
  ['lone surrogates (value, key, tool name) fail closed and never crash', () => {
    failsClosed(evaluate('Bash', { command: 'echo \ud800 && rm -rf /' }), 'unhashable_tool_input', /lone surrogate/)
    failsClosed(evaluate('Read', { ['k\udc00']: 1 }), 'unhashable_tool_input', /lone surrogate/)
    failsClosed(evaluate('Bash\ud800', { command: 'ls' }), 'invalid_tool_input', /tool name/)
    allow(evaluate('Read', { emoji: '😀 paired surrogates are fine' }))
  }],
  ['throwing getters and proxy traps → unhashable_tool_input, nothing thrown', () => {
    const trap = new Proxy({}, { ownKeys: () => { throw new Error('x') } })
    failsClosed(evaluate('Bash', trap), 'unhashable_tool_input', /threw/)
    failsClosed(evaluate('Bash', { get command() { throw new Error('x') } }), 'unhashable_tool_input', /getter threw/)
    // The toJSON lookup itself runs getters and traps, as JSON.stringify's does.
    failsClosed(evaluate('Bash', { command: 'ls', get toJSON() { throw new Error('x') } }), 'unhashable_tool_input', /toJSON getter threw/)
    const getTrap = new Proxy({ command: 'ls' }, { get: (t, k) => { if (k === 'toJSON') throw new Error('x'); return t[k] } })
    failsClosed(evaluate('Bash', getTrap), 'unhashable_tool_input', /toJSON getter threw/)
  }],
  ['tool name that is not a string → fail-closed, nothing thrown', () => {
    for (const name of [42, null, undefined, {}, Symbol('Bash')]) failsClosed(evaluate(name, { command: 'ls' }), 'invalid_tool_input', /tool name must be a string/)
  }],
  // --- identifiers with quotes, backslashes, \u{74}, newlines (docs/behaviour.md#differences-from-upstream UIDs built structurally)
  ['tool names with quotes / backslashes / \\u{74} / newlines are exact ids, not Cedar syntax', () => {
    allow(evaluate('Wri\\u{74}e', { file_path: '.git/config' }), 'permitted')
    allow(evaluate('Write"', { file_path: '.git/config' }))
    allow(evaluate('Bash\n', { command: 'rm -rf /' }))
    allow(evaluate('Edit\\', { file_path: '.env' }))
  }],
  ['principals and repos with quotes / backslashes / \\u{74} / newlines evaluate normally', () => {
    for (const taskType of ['new"task', 'new\\task', 'new_\\u{74}ask', 'new\ntask', '']) {
      const e = new h.PolicyEngine({ taskType, repo: 'o/"r\\\n', readOnly: true, ...UPSTREAM })
      hardDeny(e.evaluateToolUse('Write', { file_path: 'docs/x' }), 'read_only_forbid_write')
      hardDeny(e.evaluateToolUse('Bash', { command: 'rm -rf /' }), 'rm_slash')
      allow(e.evaluateToolUse('Read', { file_path: 'x' }))
      assert.equal(e.taskType, taskType)
    }
  }],
  ['100,000-key object is converted and decided', () => {
    const big = {}
    for (let i = 0; i < 100000; i++) big[`k${i}`] = i
    allow(evaluate('Read', big))
    big.command = 'rm -rf /'
    hardDeny(evaluate('Bash', big), 'rm_slash')
    assert.match(h.toolInputSha256(big), /^[0-9a-f]{64}$/)
  }],
  // --- policy text and configuration --------------------------------------------------------------
  ['policy text of exactly 64 KB is accepted; 64 KB + 1 byte is refused (size_cap)', () => {
    const cap = h.constants.policies_max_bytes
    new h.PolicyEngine({ taskType: 't', repo: 'r', blueprintSoftPolicies: pad(cap) })
    throwsTyped(() => new h.PolicyEngine({ taskType: 't', repo: 'r', blueprintSoftPolicies: pad(cap + 1) }), 'POLICY_LOAD', { kind: 'size_cap', field: 'cedar_policies', message: `cedar_policies exceeds 64 KB cap (${cap + 1} bytes); allowed: at most ${cap} bytes of blueprint and extra policy text` })
    // All three inputs count, in UTF-8 bytes ('é' is 2 bytes).
    const extra = 'forbid (principal, action == Agent::Action::"invoke_tool", resource == Agent::Tool::"WebFetch");'
    const hard = `//é${'x'.repeat(cap / 2 - 4)}`
    assert.equal(Buffer.byteLength(hard), cap / 2)
    const soft = (n) => pad(cap - cap / 2 - extra.length + n)
    new h.PolicyEngine({ taskType: 't', repo: 'r', blueprintHardPolicies: hard, blueprintSoftPolicies: soft(0), extraPolicies: [extra] })
    throwsTyped(() => new h.PolicyEngine({ taskType: 't', repo: 'r', blueprintHardPolicies: hard, blueprintSoftPolicies: soft(1), extraPolicies: [extra] }), 'POLICY_LOAD', { kind: 'size_cap', message: new RegExp(`\\(${cap + 1} bytes\\)`) })
  }],
  ['a blueprint rule that would error at run time is refused at load (schema)', () => {
    throwsTyped(() => new h.PolicyEngine({ taskType: 't', repo: 'r', blueprintSoftPolicies: '@tier("soft") @rule_id("curl")\nforbid (principal, action, resource) when { context.command like "*curl*" };' }), 'POLICY_LOAD', { kind: 'schema', ruleId: 'curl', tier: 'soft', line: 1 })
    throwsTyped(() => new h.PolicyEngine({ taskType: 't', repo: 'r', blueprintHardPolicies: '@tier("hard") @rule_id("p")\nforbid (principal, action == Agent::Action::"write_file", resource) when { context.command like "*x*" };' }), 'POLICY_LOAD', { kind: 'schema', ruleId: 'p', tier: 'hard' })
  }],
  ['refused scope forms (SCOPE errors naming the entry)', () => {
    const cases = [
      ['tool_type_session', /needs a gated call/],
      ['tool_group_session', /needs a gated call/],
      ['bash_pattern:*', /too broad/],
      ['write_path:**', /too broad/],
      ['rule:rm_slash', /hard rule/],
      ['rule:no_such_rule', /names no soft rule/],
      ['weird:', /missing value/],
      ['tool_type :Read', /unknown prefix/],
      ['tool_group:network', /unknown tool_group/],
      ['nothing', /missing prefix/],
      [`rule:${'x'.repeat(130)}`, /128-char cap/],
    ]
    for (const [scope, msg] of cases) throwsTyped(() => new h.PolicyEngine({ taskType: 't', repo: 'r', initialApprovals: ['tool_type:Read', scope] }), 'SCOPE', { field: 'initial_approvals[1]', message: msg })
    throwsTyped(() => new h.PolicyEngine({ taskType: 't', repo: 'r', initialApprovals: Array(21).fill('tool_type:Read') }), 'SCOPE', { field: 'initial_approvals', message: /at most 20/ })
    throwsTyped(() => engine().allowlistAdd('bash_pattern:**'), 'SCOPE', { scope: 'bash_pattern:**' })
  }],
  ['wrong types and out-of-range numbers in settings → CONFIG naming the field', () => {
    const base = { taskType: 't', repo: 'r' }
    throwsTyped(() => new h.PolicyEngine({ ...base, readOnly: 'true' }), 'CONFIG', { field: 'read_only', message: /boolean, got string/ })
    throwsTyped(() => new h.PolicyEngine({ ...base, readOnly: null }), 'CONFIG', { field: 'read_only' })
    throwsTyped(() => new h.PolicyEngine({ ...base, approvalGateCap: '50' }), 'CONFIG', { field: 'approval_gate_cap', message: /integer, got string/ })
    throwsTyped(() => new h.PolicyEngine({ ...base, approvalGateCap: 50.5 }), 'CONFIG', { field: 'approval_gate_cap', message: /integer, got 50.5/ })
    throwsTyped(() => new h.PolicyEngine({ ...base, approvalGateCap: NaN }), 'CONFIG', { field: 'approval_gate_cap' })
    throwsTyped(() => new h.PolicyEngine({ ...base, approvalGateCap: 1e30 }), 'CONFIG', { field: 'approval_gate_cap', message: 'approval_gate_cap must be an integer in [1, 500], got 9223372036854775807' })
    throwsTyped(() => new h.PolicyEngine({ ...base, approvalGateCap: -Infinity }), 'CONFIG', { field: 'approval_gate_cap', message: /got -9223372036854775808/ })
    throwsTyped(() => new h.PolicyEngine({ ...base, taskDefaultTimeoutS: 10 }), 'CONFIG', { field: 'task_default_timeout_s', message: /\[30, 3600\], got 10/ })
    throwsTyped(() => new h.PolicyEngine({ ...base, taskDefaultTimeoutS: 3601 }), 'CONFIG', { field: 'task_default_timeout_s' })
    throwsTyped(() => new h.PolicyEngine({ ...base, initialApprovalGateCount: -1 }), 'CONFIG', { field: 'initial_approval_gate_count' })
    throwsTyped(() => new h.PolicyEngine({ ...base, initialApprovals: 'tool_type:Read' }), 'CONFIG', { field: 'initial_approvals' })
    throwsTyped(() => new h.PolicyEngine({ ...base, initialApprovals: [1] }), 'CONFIG', { field: 'initial_approvals[0]' })
    throwsTyped(() => new h.PolicyEngine({ ...base, blueprintDisable: [null] }), 'CONFIG', { field: 'blueprint_disable[0]' })
    throwsTyped(() => new h.PolicyEngine({ ...base, readonly: true }), 'CONFIG', { field: 'readonly', message: /unknown PolicyEngine option/ })
    throwsTyped(() => new h.PolicyEngine({ taskType: 5, repo: 'r' }), 'CONFIG', { field: 'task_type' })
    throwsTyped(() => new h.PolicyEngine({ taskType: 'a\ud800', repo: 'r' }), 'CONFIG', { field: 'task_type', message: /lone surrogate/ })
    throwsTyped(() => new h.PolicyEngine({ repo: 'r' }), 'CONFIG', { field: 'task_type' })
    throwsTyped(() => new h.PolicyEngine(), 'CONFIG', { field: 'task_type' })
    throwsTyped(() => new h.PolicyEngine({ taskType: 't', repo: 'r' }, 'extra'), 'CONFIG', { field: 'options' })
    new h.PolicyEngine({ ...base, approvalGateCap: 1 }) // bounds are inclusive
    new h.PolicyEngine({ ...base, approvalGateCap: 500, initialApprovalGateCount: 900 }) // count above the cap is accepted (docs/behaviour.md#differences-from-upstream)
  }],
  ['legacy extra policies that already declare annotations, or are empty, are refused', () => {
    throwsTyped(() => new h.PolicyEngine({ taskType: 't', repo: 'r', extraPolicies: ['@rule_id("x") forbid (principal, action, resource);'] }), 'POLICY_LOAD', { kind: 'legacy', field: 'extra_policies' })
    throwsTyped(() => new h.PolicyEngine({ taskType: 't', repo: 'r', extraPolicies: [''] }), 'POLICY_LOAD', { kind: 'legacy' })
  }],
]

test('the bad-input table has at least 20 rows', () => assert.ok(TABLE.length >= 20, `${TABLE.length} rows`))

for (const [name, run] of TABLE) test(name, run)

// One guard, one wording: the core's InputGuard counts and words every refusal of a tool input, so
// Node and Python (bindings-python/tests/test_bad_input.py, the same table) refuse the same inputs
// for the same reason, in the same words; Node adds where the value sits (docs/boundary.md#one-guard).
const MAX_BYTES = h.constants.tool_input_max_bytes
const MAX_DEPTH = h.constants.tool_input_max_depth
const NOT_JSON = 'tool input holds a value that is not JSON: '
const deepList = (levels) => { let v = 'leaf'; for (let i = 0; i < levels; i++) v = [v]; return v }
const deepDict = (levels) => { let v = {}; for (let i = 0; i < levels; i++) v = { k: v }; return v }
const cyclic = () => { const d = { command: 'ls' }; d.self = d; return d }
const WORDING = [
  ['deep list', { command: 'ls', x: deepList(100) }, `tool input nests deeper than ${MAX_DEPTH} levels (at tool_input.x`],
  ['deep dict', deepDict(MAX_DEPTH), `tool input nests deeper than ${MAX_DEPTH} levels (at tool_input.k`],
  ['lone surrogate value', { command: 'echo \ud800' }, `${NOT_JSON}a string with a lone surrogate (at tool_input.command)`],
  ['lone surrogate key', { '\udc00': 1 }, `${NOT_JSON}a string with a lone surrogate`],
  ['cycle', cyclic(), `${NOT_JSON}a cycle (a container that contains itself) (at tool_input.self)`],
  // {"command": "<s>"}: 2 + 4 + 9 + s.length + 2 bytes by the guard's count.
  ['size at the limit', { command: 'x'.repeat(MAX_BYTES - 17) }, null],
  ['size one past the limit', { command: 'x'.repeat(MAX_BYTES - 16) }, `tool input is larger than ${MAX_BYTES} bytes (at tool_input.command)`],
]
for (const [name, input, detail] of WORDING) {
  test(`refusal wording is the core's: ${name}`, () => {
    const d = engine().evaluateToolUse('Read', input)
    if (detail === null) return allow(d)
    assert.equal(d.failClosedCause, 'unhashable_tool_input', d.failClosedDetail)
    assert.ok(d.failClosedDetail.startsWith(detail), `${d.failClosedDetail} !~ ${detail}`)
  })
}

// Strings are read as UTF-8 straight from the engine, which writes a lone surrogate as U+FFFD; a
// U+FFFD in the result sends the string to the exact UTF-16 check, so a real U+FFFD is kept and a
// lone surrogate is still refused, wherever it sits.
test('U+FFFD in a string is text; a lone surrogate beside it is refused', () => {
  assert.equal(h.canonicalJson({ x: 'a\ufffdb' }), '{"x": "a\\ufffdb"}')
  assert.equal(h.canonicalJson({ x: 'a\u{1F600}é' }), '{"x": "a\\ud83d\\ude00\\u00e9"}')
  allow(engine().evaluateToolUse('Read', { x: '\ufffd' }))
  // Short strings (one UTF-8 read) and long ones (UTF-16 units, ASCII narrowed) alike.
  const long = 'a'.repeat(300)
  for (const s of ['\ufffd\ud800', '\ud800\ufffd', 'x\udfff', '\ud83d', `${long}\ud800`, `\udc00${long}`, `${long}\ufffd\ud83d`]) {
    failsClosed(engine().evaluateToolUse('Read', { x: s }), 'unhashable_tool_input', /lone surrogate/)
  }
  allow(engine().evaluateToolUse('Read', { x: `${long}\ufffd` }))
  assert.equal(JSON.parse(h.canonicalJson({ x: `${long}\0\u007f` })).x, `${long}\0\u007f`)
  // A long command is read whole whichever path reads it: the hard tier still sees its end.
  hardDeny(engine().evaluateToolUse('Bash', { command: `echo ${'日'.repeat(300)}; rm -rf /` }), 'rm_slash')
})

// Strings of up to 83 UTF-16 units are read as UTF-8 in one call into a 256-byte buffer, longer
// ones as UTF-16 units. Around both edges, with characters of every UTF-8 width, nothing is cut.
test('strings around the one-call read limit come through whole', () => {
  const lengths = [...Array(30).keys()].map((i) => 70 + i).concat([...Array(23).keys()].map((i) => 240 + i))
  for (const tail of ['', 'é', '日', '\u{1F600}', 'é\u{1F600}', '日'.repeat(30)]) {
    for (const n of lengths) {
      const s = 'a'.repeat(n) + tail
      assert.equal(JSON.parse(h.canonicalJson({ x: s })).x, s, `${n} + ${JSON.stringify(tail)}`)
      const d = engine().evaluateToolUse('Bash', { command: `echo ${'b'.repeat(n)}${tail}; rm -rf /` })
      assert.equal(d.reason, 'Hard-deny: rm_slash', `${n} + ${JSON.stringify(tail)}`)
    }
  }
})
