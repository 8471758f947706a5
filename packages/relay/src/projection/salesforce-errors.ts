/** One error Salesforce reported for a record or a request. */
export interface SalesforceError {
  code: string
  message: string
  fields: string[]
}

/**
 * Errors that say nothing about the record itself: retried with backoff, in order. (Lock
 * contention, API limits, platform hiccups; a record rolled back because another failed.)
 */
const TRANSIENT: ReadonlySet<string> = new Set([
  'UNABLE_TO_LOCK_ROW',
  'REQUEST_LIMIT_EXCEEDED',
  'SERVER_UNAVAILABLE',
  'UNKNOWN_EXCEPTION',
  'QUERY_TIMEOUT',
  'ALL_OR_NONE_OPERATION_ROLLED_BACK',
  'INVALID_SESSION_ID',
  'API_CURRENTLY_DISABLED',
])

/** What devices show while Salesforce's daily API allowance is spent. */
export const LIMIT_REACHED_MESSAGE =
  "Salesforce's daily API limit is reached; changes are kept and will be sent."

/** The message a record's sync status shows for an error (the limit's in plain words). */
export function statusMessage(error: Pick<SalesforceError, 'code' | 'message'>): string {
  return error.code === 'REQUEST_LIMIT_EXCEEDED' ? LIMIT_REACHED_MESSAGE : error.message
}

/** Errors meaning the record is no longer in Salesforce. */
const GONE: ReadonlySet<string> = new Set(['ENTITY_IS_DELETED', 'NOT_FOUND'])

/** The errors in a Salesforce error body: reads both `statusCode` (Collections) and `errorCode`. */
export function readErrors(body: unknown): SalesforceError[] {
  const list = Array.isArray(body) ? body : body === null || body === undefined ? [] : [body]
  return list.map((raw: unknown) => {
    const e = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>
    const code = e.statusCode ?? e.errorCode
    return {
      code: typeof code === 'string' ? code : 'UNKNOWN_EXCEPTION',
      message: typeof e.message === 'string' ? e.message : 'Salesforce refused the request.',
      fields: Array.isArray(e.fields) ? e.fields.filter((f) => typeof f === 'string') : [],
    }
  })
}

/** What a per-record error means for the record. */
export type ItemErrorKind = 'retry' | 'halted' | 'gone' | 'refused'

/**
 * Classifies a per-record error: `halted` (a subrequest it depended on failed: plan it again),
 * `retry` (transient), `gone` (the record itself is deleted in Salesforce: the error names no
 * field; naming one, it is about a record a lookup points to), or `refused` (validation, access,
 * required or duplicate: the record is blocked until its document changes).
 */
export function itemErrorKind(error: SalesforceError): ItemErrorKind {
  if (error.code === 'PROCESSING_HALTED') return 'halted'
  if (TRANSIENT.has(error.code)) return 'retry'
  if (GONE.has(error.code) && error.fields.length === 0) return 'gone'
  return 'refused'
}

/** A failed call, classified. */
export interface CallFailure {
  /** `retry`: transient; `refused`: the request itself was refused (every record fails). */
  kind: 'retry' | 'refused'
  /**
   * True when Salesforce may have applied the request (no answer, or a 5xx): the outbox entry
   * stays in flight and is reconciled before anything else is sent.
   */
  ambiguous: boolean
  /** True when it concerns the whole org (API limits): everything waits. */
  orgWide: boolean
  error: SalesforceError
}

const SOCKET =
  /ECONNRESET|ECONNREFUSED|ETIMEDOUT|EPIPE|ENOTFOUND|EAI_AGAIN|UND_ERR|socket|fetch failed|network|terminated|aborted/i

/**
 * Classifies an error thrown by a call (jsforce's `HttpApiError` carries `errorCode`; socket
 * errors do not): limits, expired sessions and lock contention are transient and definite;
 * 5xx answers and lost connections are transient and ambiguous; other 4xx answers refuse the
 * request.
 */
export function classifyCallError(error: unknown): CallFailure {
  const e = (typeof error === 'object' && error !== null ? error : {}) as Record<string, unknown>
  const message = typeof e.message === 'string' ? e.message : String(error)
  const raw = typeof e.errorCode === 'string' ? e.errorCode : undefined
  const named = raw !== undefined && raw !== 'Error' && /^[A-Z][A-Z0-9_]+$/.test(raw)
  const code = named ? raw : 'CONNECTION_FAILED'
  const fail = (kind: CallFailure['kind'], ambiguous: boolean): CallFailure => ({
    kind,
    ambiguous,
    orgWide: code === 'REQUEST_LIMIT_EXCEEDED',
    error: { code, message, fields: [] },
  })
  if (!named) return fail('retry', true)
  if (
    /^ERROR_HTTP_5\d\d$/.test(code) ||
    code === 'UNKNOWN_EXCEPTION' ||
    code === 'SERVER_UNAVAILABLE'
  ) {
    return fail('retry', true)
  }
  if (code.startsWith('ERROR_HTTP_') && SOCKET.test(message)) return fail('retry', true)
  if (code === 'ERROR_HTTP_420' || code === 'ERROR_HTTP_429' || TRANSIENT.has(code)) {
    return fail('retry', false)
  }
  return fail('refused', false)
}
