/** Stable codes of the store's errors. */
export const StoreErrorCode = {
  /** The store did not answer when the relay started (the relay exits). */
  unreachable: 'BRIEFCASE_STORE_UNREACHABLE',
  /** The store stopped answering while the relay runs: the operation was not made durable. */
  unavailable: 'BRIEFCASE_STORE_UNAVAILABLE',
} as const

/** One of {@link StoreErrorCode}. */
export type StoreErrorCode = (typeof StoreErrorCode)[keyof typeof StoreErrorCode]

/**
 * A store that cannot be reached: at start (`BRIEFCASE_STORE_UNREACHABLE`, naming the URL without
 * its password) or at run time (`BRIEFCASE_STORE_UNAVAILABLE`: a commit that rejects with it wrote
 * nothing, and the caller must not acknowledge it). Match it with {@link isStoreError}.
 *
 * @example
 * ```ts
 * try {
 *   await store.commit(writes)
 * } catch (error) {
 *   if (isStoreError(error, StoreErrorCode.unavailable)) refuseForNow()
 * }
 * ```
 */
export class StoreError extends Error {
  override readonly name = 'StoreError' as const
  readonly code: StoreErrorCode

  constructor(code: StoreErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.code = code
  }
}

/** True when `error` is a {@link StoreError}, optionally with the given code. */
export function isStoreError(error: unknown, code?: StoreErrorCode): error is StoreError {
  if (typeof error !== 'object' || error === null) return false
  const e = error as { name?: unknown; code?: unknown }
  return e.name === 'StoreError' && typeof e.code === 'string' && (!code || e.code === code)
}

/** A connection URL with its password replaced by `***`, for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url)
    if (parsed.password) parsed.password = '***'
    return parsed.toString()
  } catch {
    return url.replace(/\/\/([^:/@]*):[^@]*@/, '//$1:***@')
  }
}
