'use strict'
const assert = require('node:assert/strict')

/** Assert `fn` throws a typed cedar-hitl error with `code` and the given properties. A RegExp
 *  value is matched against the property; anything else is compared strictly. */
function throwsTyped(fn, code, props = {}) {
  let caught
  try {
    fn()
  } catch (e) {
    caught = e
  }
  assert.ok(caught, `expected a ${code} error, nothing was thrown`)
  assert.ok(caught instanceof Error, `expected an Error, got ${caught}`)
  assert.equal(caught.code, code, `code of: ${caught.message}`)
  for (const [k, v] of Object.entries(props)) {
    if (v instanceof RegExp) assert.match(String(caught[k]), v, `${k} of: ${caught.message}`)
    else assert.deepEqual(caught[k], v, `${k} of: ${caught.message}`)
  }
  return caught
}

/** Assert a decision is a fail-closed DENY with the given cause. */
function failsClosed(d, cause, detail) {
  assert.equal(d.outcome, 'deny', d.reason)
  assert.equal(d.allowed, false)
  assert.equal(d.failClosed, true, d.reason)
  assert.equal(d.failClosedCause, cause, d.failClosedDetail)
  assert.equal(d.reason, `fail-closed: ${cause}`)
  if (detail) assert.match(d.failClosedDetail, detail)
}

const EPOCH = 1700000000

module.exports = { throwsTyped, failsClosed, EPOCH }
