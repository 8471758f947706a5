import { ApiError } from '../errors.js'
import type { RecordStore } from '../store/store.js'

/** A per-item error in sObject Collections results (`statusCode`, not `errorCode`). */
export interface ItemError {
  statusCode: string
  message: string
  fields: string[]
}

/** One item's result in sObject Collections. */
export interface ItemResult {
  id?: string
  success: boolean
  errors: ItemError[]
  created?: boolean
}

/** The per-item error for a failure (ApiError entries; anything else is rethrown). */
export function itemError(error: unknown): ItemError[] {
  if (!(error instanceof ApiError)) throw error
  return error.errors.map((e) => ({
    statusCode: e.errorCode,
    message: e.message,
    fields: e.fields ?? [],
  }))
}

const ROLLED_BACK: ItemError = {
  statusCode: 'ALL_OR_NONE_OPERATION_ROLLED_BACK',
  message:
    'Record rolled back because not all records were valid and the request was using AllOrNone header',
  fields: [],
}

/**
 * Runs items in order, each in its own savepoint. With `allOrNone`, one failure rolls back
 * every item and the others report ALL_OR_NONE_OPERATION_ROLLED_BACK (keeping `keepId` ids).
 */
export function runItems<T>(
  store: RecordStore,
  items: readonly T[],
  allOrNone: boolean,
  run: (item: T) => ItemResult,
  inputId: (item: T) => string | undefined = () => undefined,
): ItemResult[] {
  const outer = store.begin()
  const results: ItemResult[] = []
  for (const item of items) {
    const tx = store.begin()
    try {
      results.push(run(item))
      tx.commit()
    } catch (error) {
      tx.rollback()
      const id = inputId(item)
      results.push({
        ...(id === undefined ? {} : { id }),
        success: false,
        errors: itemError(error),
      })
    }
  }
  if (allOrNone && results.some((r) => !r.success)) {
    outer.rollback()
    return results.map((r, i) => {
      if (!r.success) return r
      const item = items[i]
      const id = item === undefined ? undefined : inputId(item)
      return { ...(id === undefined ? {} : { id }), success: false, errors: [ROLLED_BACK] }
    })
  }
  outer.commit()
  return results
}
