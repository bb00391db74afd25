'use strict'
// Threads: a bundle is built in each worker thread; instances never cross isolates; evaluation is
// synchronous and correct under concurrency (4 workers × 10,000 decisions). This file is both the
// test (main thread) and the worker script (worker threads).

const { isMainThread, parentPort, workerData, Worker } = require('node:worker_threads')

if (!isMainThread) {
  // One worker: its own bundle and session (napi classes are per isolate), 10,000 decisions.
  const h = require('..')

  const { id, decisions } = workerData
  const bundle = new h.PolicyBundle({
    blueprintSoft: `@tier("soft") @rule_id("worker_${id}") @severity("low")\nforbid (principal, action == Agent::Action::"execute_bash", resource) when { context.command like "*worker-${id}*" };`,
  })
  const session = new h.Session(bundle, { principal: `worker_${id}`, repo: 'o/r' })

  const calls = [
    ['Bash', { command: 'git push --force origin main' }, 'require_approval', 'Soft-deny: force_push_any, force_push_main'],
    ['Bash', { command: 'rm -rf /' }, 'deny', 'Hard-deny: rm_slash'],
    ['Bash', { command: 'npm test' }, 'allow', 'permitted'],
    ['Write', { file_path: 'app/.env' }, 'require_approval', 'Soft-deny: write_env_files'],
    ['Read', { file_path: 'README.md' }, 'allow', 'permitted'],
    ['Bash', { command: `echo worker-${id}` }, 'require_approval', `Soft-deny: worker_${id}`],
    ['Bash', { command: `echo worker-${(id + 1) % 4}` }, 'allow', 'permitted'],
    ['Edit', {}, 'deny', 'fail-closed: invalid_tool_input'],
  ]

  let mismatches = 0
  const outcomes = { allow: 0, deny: 0, require_approval: 0 }
  for (let i = 0; i < decisions; i++) {
    const [tool, input, outcome, reason] = calls[i % calls.length]
    const d = session.evaluate(tool, input)
    outcomes[d.outcome]++
    if (d.outcome !== outcome || d.reason !== reason) mismatches++
  }

  let crossIsolate = null
  parentPort.once('message', (msg) => {
    // A bundle posted from another thread arrives as a plain clone without its native object.
    try {
      new h.Session(msg.bundle)
      crossIsolate = 'accepted'
    } catch (e) {
      crossIsolate = e.code
    }
    parentPort.postMessage({ id, decisions, mismatches, outcomes, crossIsolate, threadId: require('node:worker_threads').threadId })
  })
  parentPort.postMessage({ ready: true })
} else {

  const { test } = require('node:test')
  const assert = require('node:assert/strict')
  const path = require('node:path')
  const h = require('..')

  const WORKERS = 4
  const DECISIONS = 10000

  function run(id, bundleToPost) {
    return new Promise((resolve, reject) => {
      const w = new Worker(__filename, { workerData: { id, decisions: DECISIONS } })
      w.on('message', (m) => {
        if (m.ready) w.postMessage({ bundle: bundleToPost })
        else resolve(m)
      })
      w.on('error', reject)
      w.on('exit', (code) => code !== 0 && reject(new Error(`worker ${id} exited with ${code}`)))
    })
  }

  test(`${WORKERS} workers × ${DECISIONS} decisions, each worker with its own bundle`, async () => {
    const mainBundle = h.PolicyBundle.builtin()
    const results = await Promise.all(Array.from({ length: WORKERS }, (_, i) => run(i, mainBundle)))
    const threads = new Set()
    for (const r of results) {
      assert.equal(r.decisions, DECISIONS)
      assert.equal(r.mismatches, 0, `worker ${r.id}: ${r.mismatches} wrong decisions`)
      assert.equal(r.outcomes.allow + r.outcomes.deny + r.outcomes.require_approval, DECISIONS)
      assert.equal(r.crossIsolate, 'CONFIG', 'a PolicyBundle from another thread is refused (napi classes are per isolate)')
      threads.add(r.threadId)
    }
    assert.equal(threads.size, WORKERS)
    // The main thread's objects still work after the workers exit.
    assert.equal(new h.Session(mainBundle).evaluate('Bash', { command: 'rm -rf /' }).reason, 'Hard-deny: rm_slash')
  })
}
