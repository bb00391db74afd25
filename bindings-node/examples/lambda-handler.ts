// Example approval-API Lambda (API Gateway proxy integration) on cedar-hitl.
//
// Routes:
//   GET  /policies                  → enforced hard/soft rules of this deployment's blueprint
//   POST /approvals/{id}/approve    → body { scope? }: validate the scope, mark the row APPROVED
//   POST /approvals/{id}/deny       → body { reason? }: redact + cap the reason, mark the row DENIED
//   POST /tasks/validate            → body { initialApprovals }: validate pending scopes of a task
//
// Every rule, limit and message comes from the Rust core through the binding; this file only does
// HTTP plumbing. Type-checked with `tsc --noEmit -p examples` against the generated index.d.ts.

import {
  PolicyBundle,
  Session,
  parseApprovalScope,
  scanDenyReason,
  constants,
  type BuiltinProfile,
  type CedarHitlError,
  type RuleListing,
  type LoadWarning,
} from 'cedar-hitl'

export interface ApiEvent {
  httpMethod: string
  path: string
  pathParameters?: Record<string, string | undefined> | null
  body: string | null
}

export interface ApiResult {
  statusCode: number
  headers: Record<string, string>
  body: string
}

export type ApprovalStatus = 'PENDING' | 'APPROVED' | 'DENIED'

export interface ApprovalRow {
  requestId: string
  status: ApprovalStatus
  scope?: string
  denyReason?: string
}

/** Persistence is the host's business; DynamoDB in production, a Map here. */
export interface ApprovalStore {
  get(requestId: string): ApprovalRow | undefined
  put(row: ApprovalRow): void
}

export class MemoryStore implements ApprovalStore {
  readonly rows = new Map<string, ApprovalRow>()
  get(requestId: string): ApprovalRow | undefined {
    return this.rows.get(requestId)
  }
  put(row: ApprovalRow): void {
    this.rows.set(row.requestId, row)
  }
}

// Cold start: parse and validate the blueprint once per container. A bad blueprint throws a
// POLICY_LOAD error here, so the deployment fails loudly instead of serving a wrong listing.
const bundle = new PolicyBundle({
  // 'hardened' (default) or 'upstream'; any other value fails the cold start with CONFIG.
  builtins: (process.env['CEDAR_HITL_BUILTINS'] as BuiltinProfile | undefined) ?? null,
  blueprintHard: process.env['BLUEPRINT_HARD_POLICIES'] ?? null,
  blueprintSoft: process.env['BLUEPRINT_SOFT_POLICIES'] ?? null,
  disable: process.env['BLUEPRINT_DISABLE'] ? process.env['BLUEPRINT_DISABLE'].split(',') : null,
})
const warnings: LoadWarning[] = bundle.warnings
for (const w of warnings) console.warn(`cedar-hitl: ${w.message}`)

export function isCedarHitlError(e: unknown): e is CedarHitlError {
  return e instanceof Error && typeof (e as { code?: unknown }).code === 'string'
}

const json = (statusCode: number, body: unknown): ApiResult => ({
  statusCode,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
})

function parseBody(event: ApiEvent): Record<string, unknown> | ApiResult {
  if (!event.body) return {}
  try {
    const parsed: unknown = JSON.parse(event.body)
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>
  } catch {
    // fall through
  }
  return json(400, { error: 'body must be a JSON object' })
}

function listPolicies(): ApiResult {
  const listing: RuleListing = bundle.listPolicies()
  return json(200, listing)
}

/** The normalised scope, or the validator's message (`SCOPE` for a bad scope, `CONFIG` for a
 *  value that is not a string); anything else is a bug and propagates. */
function checkScope(scope: unknown): { ok: true; scope: string } | { ok: false; message: string } {
  try {
    return { ok: true, scope: parseApprovalScope(scope as string) }
  } catch (e) {
    if (isCedarHitlError(e) && (e.code === 'SCOPE' || e.code === 'CONFIG')) return { ok: false, message: e.message }
    throw e
  }
}

function approve(store: ApprovalStore, requestId: string, body: Record<string, unknown>): ApiResult {
  const row = store.get(requestId)
  if (!row) return json(404, { error: `no approval request ${requestId}` })
  if (row.status !== 'PENDING') return json(409, { error: `request ${requestId} is already ${row.status}` })
  // An absent scope means "this call only"; any other value goes through the one validator
  // (prefix, tool type, length, degenerate patterns — docs/behaviour.md#differences-from-upstream).
  const parsed = checkScope(body['scope'] ?? 'this_call')
  if (!parsed.ok) return json(400, { error: parsed.message })
  store.put({ ...row, status: 'APPROVED', scope: parsed.scope })
  return json(200, { requestId, status: 'APPROVED', scope: parsed.scope })
}

function deny(store: ApprovalStore, requestId: string, body: Record<string, unknown>): ApiResult {
  const row = store.get(requestId)
  if (!row) return json(404, { error: `no approval request ${requestId}` })
  if (row.status !== 'PENDING') return json(409, { error: `request ${requestId} is already ${row.status}` })
  const raw = body['reason']
  if (raw !== undefined && raw !== null && typeof raw !== 'string') return json(400, { error: 'reason must be a string' })
  // Secrets redacted, controls stripped, capped at constants.deny_reason_max_chars.
  const reason = scanDenyReason(raw)
  store.put({ ...row, status: 'DENIED', denyReason: reason })
  return json(200, { requestId, status: 'DENIED', reason })
}

function validatePendingScopes(body: Record<string, unknown>): ApiResult {
  const pending = body['initialApprovals'] ?? []
  if (!Array.isArray(pending)) return json(400, { error: 'initialApprovals must be an array' })
  const normalised: string[] = []
  const errors: { index: number; message: string }[] = []
  pending.forEach((entry: unknown, index: number) => {
    const r = checkScope(entry)
    if (r.ok) normalised.push(r.scope)
    else errors.push({ index, message: r.message })
  })
  if (errors.length > 0) return json(400, { errors })
  // The engine's own checks for a task start: at most constants.initial_approvals_max_entries
  // scopes, no *_session forms, and `rule:` ids that name soft rules of *this* blueprint.
  try {
    new Session(bundle, { repo: 'validation/only', initialApprovals: normalised })
  } catch (e) {
    if (isCedarHitlError(e) && e.code === 'SCOPE') return json(400, { errors: [{ field: e.field, message: e.message }] })
    throw e
  }
  return json(200, { initialApprovals: normalised, maxEntries: constants.initial_approvals_max_entries })
}

export function makeHandler(store: ApprovalStore): (event: ApiEvent) => Promise<ApiResult> {
  return async (event: ApiEvent): Promise<ApiResult> => {
    const id = event.pathParameters?.['id']
    if (event.httpMethod === 'GET' && event.path === '/policies') return listPolicies()
    if (event.httpMethod !== 'POST') return json(405, { error: 'method not allowed' })
    const body = parseBody(event)
    if ('statusCode' in body) return body as ApiResult
    if (id && event.path === `/approvals/${id}/approve`) return approve(store, id, body)
    if (id && event.path === `/approvals/${id}/deny`) return deny(store, id, body)
    if (event.path === '/tasks/validate') return validatePendingScopes(body)
    return json(404, { error: 'no such route' })
  }
}

export const handler = makeHandler(new MemoryStore())
