// Types of `cedar-hitl/upstream` (upstream.js): the upstream Lambda helper modules' shapes.

/** A rule as the upstream `parseRules` returns it; absent annotations are left out. */
export interface ParsedRule {
  readonly policy_id: string
  readonly rule_id: string
  readonly tier: 'hard' | 'soft'
  readonly severity?: 'low' | 'medium' | 'high'
  readonly approval_timeout_s?: number
  readonly category?: string
  readonly summary: string
}

/** What a rule-id lookup reads of a rule (other members are ignored). */
export interface RuleIdsLike {
  readonly policy_id?: string
  readonly rule_id: string
}

/** Thrown by `parseRules` when the policy text is refused. */
export declare class CedarPolicyParseError extends Error {
  constructor(message: string, errors: readonly unknown[])
  readonly errors: readonly unknown[]
}

export type ScopeParseResult = { ok: true; scope: string } | { ok: false; message: string }

/** Parse policy text into rules (blank text → `[]`); throws `CedarPolicyParseError`. */
export declare function parseRules(policiesText: string): ParsedRule[]
/** Whether `policiesText` holds a hard rule with this id (`false` when it does not parse). */
export declare function isHardDenyRule(policiesText: string, ruleId: string): boolean
/** Whether any rule has this id. */
export declare function isValidRuleId(rules: readonly RuleIdsLike[], ruleId: string): boolean
/** Positional policy ids → rule ids, in input order; unknown ids dropped. */
export declare function matchingRuleIds(rules: readonly RuleIdsLike[], matchingPolicyIds: readonly string[]): string[]
/** The built-in text, a newline and the blueprint text; or whichever is non-blank. */
export declare function concatPolicies(builtin: string, blueprint: string): string
/** Validate and normalise a scope; never throws. */
export declare function parseApprovalScope(scope: unknown): ScopeParseResult
/** Whether a glob is too broad to pre-approve. */
export declare function isDegeneratePattern(pattern: string): boolean
/** A deny reason with controls stripped, secrets redacted and the length capped. */
export declare function scanDenyReason(text: string | null | undefined): string

export declare const VALID_TOOL_TYPES: readonly string[]
export declare const VALID_TOOL_GROUPS: readonly string[]
export declare const VALID_APPROVAL_SCOPE_PREFIXES: readonly string[]
export declare const DENY_REASON_SECRET_NAMES: readonly string[]
/** The upstream built-in hard-tier rules. */
export declare const BUILTIN_HARD_DENY_POLICIES: string
/** The upstream built-in soft-tier rules. */
export declare const BUILTIN_SOFT_DENY_POLICIES: string
