// Types of the ESM entry point (index.mjs). Under node16/nodenext resolution an `import` must
// find ESM types, not the CommonJS `index.d.ts`; the names are the same, plus the default export
// (the whole binding object, as index.mjs exports it).
import * as binding from './index.js'

export * from './index.js'
export default binding
