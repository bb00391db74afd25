// Types of the ESM entry point of `cedar-hitl/upstream` (upstream.mjs).
import * as upstream from './upstream.js'

export * from './upstream.js'
export default upstream
