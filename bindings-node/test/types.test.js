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
