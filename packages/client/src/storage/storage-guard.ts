import {
  BriefcaseClientError,
  BriefcaseClientErrorCode,
  isBriefcaseClientError,
} from '../errors.js'

/** Receives every storage failure once (the client turns it into a `storage-error` event). */
export type StorageFailureListener = (
  error: BriefcaseClientError,
  operation: string,
  database: string,
) => void

function isQuotaError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false
  const { name, message } = error as { name?: unknown; message?: unknown }
  if (name === 'QuotaExceededError') return true
  return typeof message === 'string' && /quota/i.test(message)
}

/** The client error for an IndexedDB failure: quota, or anything else. */
export function toStorageError(
  error: unknown,
  operation: string,
  database: string,
): BriefcaseClientError {
  if (isBriefcaseClientError(error)) return error
  const quota = isQuotaError(error)
  const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error)
  return new BriefcaseClientError(
    quota ? BriefcaseClientErrorCode.storageQuota : BriefcaseClientErrorCode.storageFailed,
    quota
      ? `The device has no room left for offline data (${operation} in ${database}): ${detail}`
      : `IndexedDB failed (${operation} in ${database}): ${detail}`,
    { cause: error },
  )
}

/**
 * Runs IndexedDB work so that no failure is silent: every failure is reported to the listener
 * (once) and rethrown as a `BriefcaseClientError` with a storage code.
 */
export class StorageGuard {
  readonly #listener: StorageFailureListener

  constructor(listener: StorageFailureListener) {
    this.#listener = listener
  }

  async run<T>(operation: string, database: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work()
    } catch (error) {
      if (isBriefcaseClientError(error)) throw error
      const failure = toStorageError(error, operation, database)
      this.#listener(failure, operation, database)
      throw failure
    }
  }
}
