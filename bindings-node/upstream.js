'use strict'
// `cedar-hitl/upstream`: the names and shapes of the upstream Lambda helper modules (policy
// parsing, approval scopes, deny-reason scanning) over the same engine as the main export, so a
// Lambda written against those modules changes only its imports (README.md, "Upstream drop-in").
// Every answer comes from the native binding; this file renames and reshapes only.
const native = require('./index.js')

/** Thrown by `parseRules` when the policy text is refused; `errors` holds the details. */
class CedarPolicyParseError extends Error {
  constructor(message, errors) {
    super(message)
    this.name = 'CedarPolicyParseError'
    this.errors = errors
  }
}

function parseRules(policiesText) {
  try {
    return native.__upstreamParseRules(policiesText)
  } catch (e) {
    if (e && e.code === 'POLICY_LOAD') {
      const { kind, field, ruleId, line, message } = e
      throw new CedarPolicyParseError(message, [{ message, kind, field, ruleId, line }])
    }
    throw e
  }
}

function parseApprovalScope(scope) {
  try {
    return { ok: true, scope: native.parseApprovalScope(scope) }
  } catch (e) {
    if (e && (e.code === 'SCOPE' || e.code === 'CONFIG')) return { ok: false, message: e.message }
    throw e
  }
}

const frozen = (items) => Object.freeze([...items])

module.exports = {
  CedarPolicyParseError,
  parseRules,
  isHardDenyRule: native.isHardDenyRule,
  isValidRuleId: (rules, ruleId) => native.__upstreamIsValidRuleId(rules, ruleId),
  matchingRuleIds: (rules, policyIds) => native.__upstreamMatchingRuleIds(rules, policyIds),
  concatPolicies: native.concatPolicies,
  parseApprovalScope,
  isDegeneratePattern: native.isDegeneratePattern,
  scanDenyReason: native.scanDenyReason,
  VALID_TOOL_TYPES: frozen(native.VALID_TOOL_TYPES),
  VALID_TOOL_GROUPS: frozen([native.FILE_WRITE_GROUP]),
  VALID_APPROVAL_SCOPE_PREFIXES: frozen(native.__upstreamScopePrefixes()),
  DENY_REASON_SECRET_NAMES: frozen(native.__upstreamSecretNames()),
  // The upstream built-in rules, under the names the upstream modules give them.
  BUILTIN_HARD_DENY_POLICIES: native.UPSTREAM_HARD_DENY_POLICIES,
  BUILTIN_SOFT_DENY_POLICIES: native.UPSTREAM_SOFT_DENY_POLICIES,
}
