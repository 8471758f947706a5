/** Stable codes of every error the client throws (record-model errors keep their own codes). */
export const BriefcaseClientErrorCode = {
  /** An 8th offline preference, refused before any network call. */
  tooManyPreferences: 'BRIEFCASE_TOO_MANY_PREFERENCES',
  /** The call needs the relay and the client is offline (or `goOffline()` was called). */
  offline: 'BRIEFCASE_OFFLINE',
  /** No session, or the relay refused it (expired or revoked): sign in again. */
  unauthenticated: 'BRIEFCASE_UNAUTHENTICATED',
  /** The relay refused the request for another reason (its code is in `relayCode`). */
  relayError: 'BRIEFCASE_RELAY_ERROR',
  /** The record is not in the cache and the client is offline. */
  notCached: 'BRIEFCASE_NOT_CACHED',
  /** The browser refused to store more (IndexedDB `QuotaExceededError`). */
  storageQuota: 'BRIEFCASE_STORAGE_QUOTA',
  /** IndexedDB failed (blocked, aborted, unavailable, corrupted). */
  storageFailed: 'BRIEFCASE_STORAGE_FAILED',
  /** The relay's documents use an engine this client cannot persist or sync (Automerge). */
  unsupportedEngine: 'BRIEFCASE_UNSUPPORTED_ENGINE',
  /** The operation cannot be done on this record (e.g. discarding a delete: deletes win). */
  invalidOperation: 'BRIEFCASE_INVALID_OPERATION',
  /** The handle or the client was closed. */
  closed: 'BRIEFCASE_CLOSED',
  /** Bad input (not a document name, not a sign-in return URL, …). */
  badRequest: 'BRIEFCASE_BAD_REQUEST',
  /**
   * A record document's fields moved to other documents (a readability change, ADR 0005): the
   * client fetches the record's current documents.
   */
  documentMoved: 'BRIEFCASE_DOCUMENT_MOVED',
} as const

/** One of {@link BriefcaseClientErrorCode}'s values. */
export type BriefcaseClientErrorCode =
  (typeof BriefcaseClientErrorCode)[keyof typeof BriefcaseClientErrorCode]

/** Options of {@link BriefcaseClientError}. */
export interface BriefcaseClientErrorOptions {
  cause?: unknown
  /** The relay's error code (`BRIEFCASE_FORBIDDEN`, …) when the relay answered with an error. */
  relayCode?: string
  /** HTTP status of the relay's answer. */
  status?: number
}

/**
 * The error the client throws for anything a caller can act on. Match it with
 * {@link isBriefcaseClientError} (works across bundles, unlike `instanceof`).
 *
 * @example
 * ```ts
 * try {
 *   await client.savePreferences(eightItems)
 * } catch (e) {
 *   if (isBriefcaseClientError(e, 'BRIEFCASE_TOO_MANY_PREFERENCES')) showLimit(e.message)
 * }
 * ```
 */
export class BriefcaseClientError extends Error {
  override readonly name = 'BriefcaseClientError' as const
  readonly code: BriefcaseClientErrorCode
  readonly relayCode: string | undefined
  readonly status: number | undefined

  constructor(
    code: BriefcaseClientErrorCode,
    message: string,
    options: BriefcaseClientErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.code = code
    this.relayCode = options.relayCode
    this.status = options.status
  }
}

/**
 * True when `error` is a {@link BriefcaseClientError}, optionally with the given code.
 *
 * @example
 * ```ts
 * if (isBriefcaseClientError(e, 'BRIEFCASE_OFFLINE')) showOfflineBanner()
 * ```
 */
export function isBriefcaseClientError(
  error: unknown,
  code?: BriefcaseClientErrorCode,
): error is BriefcaseClientError {
  if (typeof error !== 'object' || error === null) return false
  const e = error as { name?: unknown; code?: unknown }
  return (
    e.name === 'BriefcaseClientError' && typeof e.code === 'string' && (!code || e.code === code)
  )
}
