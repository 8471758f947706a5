import { RelayErrorCode } from '@briefcase/protocol'
import { isRecordError } from '@briefcase/record'
import { StoreErrorCode, isStoreError } from './store/store-errors.js'

/** HTTP status of each error code. */
const STATUS: Record<RelayErrorCode, 400 | 401 | 403 | 404 | 405 | 409 | 413 | 500 | 502 | 503> = {
  BRIEFCASE_UNAUTHENTICATED: 401,
  BRIEFCASE_SESSION_EXPIRED: 401,
  BRIEFCASE_FORBIDDEN: 403,
  BRIEFCASE_IDENTITY_MISMATCH: 403,
  BRIEFCASE_ACCESS_LOST: 403,
  BRIEFCASE_PARENT_FORBIDDEN: 403,
  BRIEFCASE_SIGN_IN_NOT_BOUND: 403,
  BRIEFCASE_NOT_FOUND: 404,
  BRIEFCASE_METHOD_NOT_ALLOWED: 405,
  BRIEFCASE_BAD_REQUEST: 400,
  BRIEFCASE_INVALID_NAME: 400,
  BRIEFCASE_MALFORMED_UPDATE: 400,
  BRIEFCASE_ENGINE_MISMATCH: 400,
  BRIEFCASE_FOREIGN_UPDATE: 400,
  BRIEFCASE_UNKNOWN_FIELD: 400,
  BRIEFCASE_DOCUMENT_MOVED: 409,
  BRIEFCASE_TOO_MANY_PREFERENCES: 400,
  BRIEFCASE_PAYLOAD_TOO_LARGE: 413,
  BRIEFCASE_SALESFORCE_UNAVAILABLE: 503,
  BRIEFCASE_SALESFORCE_ERROR: 502,
  BRIEFCASE_STORE_UNAVAILABLE: 503,
  BRIEFCASE_INTERNAL: 500,
}

/**
 * An error the relay reports to a device: a stable {@link RelayErrorCode}, the HTTP status it
 * maps to, and optional details. Route handlers throw it; one `onError` turns it into
 * `{ error: { code, message, details? } }`. Match it with {@link isRelayError}.
 *
 * @example
 * ```ts
 * throw new RelayError('BRIEFCASE_FORBIDDEN', 'You may not read Opportunity/006…')
 * ```
 */
export class RelayError extends Error {
  override readonly name = 'RelayError' as const
  readonly code: RelayErrorCode
  readonly status: 400 | 401 | 403 | 404 | 405 | 409 | 413 | 500 | 502 | 503
  readonly details: unknown

  constructor(
    code: RelayErrorCode,
    message: string,
    options: { details?: unknown; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.code = code
    this.status = STATUS[code]
    this.details = options.details
  }
}

/** True when `error` is a {@link RelayError}, optionally with the given code. */
export function isRelayError(error: unknown, code?: RelayErrorCode): error is RelayError {
  if (typeof error !== 'object' || error === null) return false
  const e = error as { name?: unknown; code?: unknown }
  return e.name === 'RelayError' && typeof e.code === 'string' && (!code || e.code === code)
}

const RECORD_CODES = new Set<string>(Object.values(RelayErrorCode))

/**
 * The relay error for anything thrown while handling a device's request: relay errors stay,
 * record-model errors keep their code where the protocol knows it, a store that stopped answering
 * is `BRIEFCASE_STORE_UNAVAILABLE` (503: devices keep their changes and retry), the rest is
 * internal.
 */
export function toRelayError(error: unknown): RelayError {
  if (isRelayError(error)) return error
  if (isStoreError(error, StoreErrorCode.unavailable)) {
    return new RelayError(
      RelayErrorCode.storeUnavailable,
      'The relay cannot store changes right now: keep them and send them again later.',
      { cause: error },
    )
  }
  if (isRecordError(error)) {
    const code = RECORD_CODES.has(error.code)
      ? (error.code as RelayErrorCode)
      : RelayErrorCode.badRequest
    return new RelayError(code, error.message, { cause: error })
  }
  return new RelayError(RelayErrorCode.internal, 'Internal error.', { cause: error })
}
