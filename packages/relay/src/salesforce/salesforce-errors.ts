import { RelayErrorCode } from '@briefcase/protocol'
import { RelayError, isRelayError } from '../errors.js'

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
])

/** The Salesforce error code of a jsforce error (`NOT_FOUND`, `INVALID_SESSION_ID`, …). */
export function salesforceErrorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined
  const e = error as { errorCode?: unknown; name?: unknown; code?: unknown; cause?: unknown }
  if (typeof e.errorCode === 'string') return e.errorCode
  if (typeof e.code === 'string') return e.code
  if (e.cause !== undefined) return salesforceErrorCode(e.cause)
  return undefined
}

const NO_ACCESS_CODES: ReadonlySet<string> = new Set([
  'NOT_FOUND',
  'ENTITY_IS_DELETED',
  'INSUFFICIENT_ACCESS',
  'INSUFFICIENT_ACCESS_OR_READONLY',
  'INSUFFICIENT_ACCESS_ON_CROSS_REFERENCE_ENTITY',
  'INVALID_CROSS_REFERENCE_KEY',
])

/** True for a Salesforce error code saying a record is gone or not visible (404/403-like). */
export function isNoAccessCode(code: string | undefined): boolean {
  return code !== undefined && NO_ACCESS_CODES.has(code)
}

/** True when Salesforce says the record is gone or not visible to the user (404/403-like). */
export function isNoAccess(error: unknown): boolean {
  return isNoAccessCode(salesforceErrorCode(error))
}

/**
 * The relay error for a failed Salesforce call: unreachable or failing with 5xx or limits →
 * `BRIEFCASE_SALESFORCE_UNAVAILABLE`; a refused sign-in → `BRIEFCASE_UNAUTHENTICATED`; no access →
 * `BRIEFCASE_FORBIDDEN`; anything else → `BRIEFCASE_SALESFORCE_ERROR` with Salesforce's message.
 */
export function fromSalesforceError(error: unknown, what: string): RelayError {
  if (isRelayError(error)) return error
  const code = salesforceErrorCode(error) ?? ''
  const message = error instanceof Error ? error.message : String(error)
  if (
    NETWORK_CODES.has(code) ||
    /^ERROR_HTTP_5\d\d$/.test(code) ||
    code === 'REQUEST_LIMIT_EXCEEDED'
  ) {
    return new RelayError(
      RelayErrorCode.salesforceUnavailable,
      `Salesforce is not reachable (${what}): ${code || message}`,
      { cause: error },
    )
  }
  if (code === 'INVALID_SESSION_ID' || code === 'invalid_grant') {
    return new RelayError(
      RelayErrorCode.unauthenticated,
      'Salesforce refused your stored sign-in; sign in again.',
      { cause: error },
    )
  }
  if (isNoAccess(error)) {
    return new RelayError(RelayErrorCode.forbidden, `Salesforce refused access (${what}).`, {
      cause: error,
    })
  }
  return new RelayError(RelayErrorCode.salesforceError, `Salesforce error (${what}): ${message}`, {
    cause: error,
    details: { salesforceCode: code || null },
  })
}
