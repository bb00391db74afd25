// ESM entry point: the same native binding as `require('cedar-hitl')` (one instance per thread).
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const binding = require('./index.js')

export const {
  // classes
  PolicyEngine,
  PolicyBundle,
  Session,
  ManualClock,
  // Lambda-side helpers
  parseRules,
  matchingRuleIds,
  isHardDenyRule,
  isValidRuleId,
  isWellFormedRuleId,
  concatPolicies,
  parseApprovalScope,
  isDegeneratePattern,
  scanDenyReason,
  scanSecrets,
  redactSecrets,
  stripControls,
  truncate,
  agentDenyReason,
  denialEnvelope,
  toolInputPreview,
  blockerReason,
  effectiveTimeout,
  toolInputSha256,
  canonicalJson,
  cedarParityEvaluate,
  parseCommand,
  // constants and policy texts
  constants,
  CONSTANTS_JSON,
  VALID_TOOL_TYPES,
  FILE_WRITE_GROUP,
  DENY_RETRY_INSTRUCTION,
  BUILTIN_HARD_DENY_POLICIES,
  BUILTIN_SOFT_DENY_POLICIES,
  UPSTREAM_HARD_DENY_POLICIES,
  UPSTREAM_SOFT_DENY_POLICIES,
} = binding

export default binding
