// ESM entry point of `cedar-hitl/upstream`: the same module as `require('cedar-hitl/upstream')`.
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const upstream = require('./upstream.js')

export const {
  CedarPolicyParseError,
  parseRules,
  isHardDenyRule,
  isValidRuleId,
  matchingRuleIds,
  concatPolicies,
  parseApprovalScope,
  isDegeneratePattern,
  scanDenyReason,
  VALID_TOOL_TYPES,
  VALID_TOOL_GROUPS,
  VALID_APPROVAL_SCOPE_PREFIXES,
  DENY_REASON_SECRET_NAMES,
  BUILTIN_HARD_DENY_POLICIES,
  BUILTIN_SOFT_DENY_POLICIES,
} = upstream

export default upstream
