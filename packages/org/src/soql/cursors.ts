import { makeId } from '../ids.js'

interface Cursor {
  readonly userId: string
  readonly rows: readonly unknown[]
  readonly batchSize: number
}

/** Query cursors: rows kept in memory behind `nextRecordsUrl` locators. */
export interface CursorStore {
  /** Keeps rows beyond the first page; returns the locator. */
  open(userId: string, rows: readonly unknown[], batchSize: number): string
  get(locator: string, userId: string): Cursor | undefined
  clear(): void
}

const MAX_CURSORS = 200

/** Creates a cursor store holding at most 200 open cursors (oldest dropped first). */
export function createCursorStore(): CursorStore {
  const cursors = new Map<string, Cursor>()
  let counter = 0
  return {
    open: (userId, rows, batchSize) => {
      counter += 1
      const locator = makeId('01g', counter)
      cursors.set(locator, { userId, rows, batchSize })
      while (cursors.size > MAX_CURSORS) {
        const oldest = cursors.keys().next().value
        if (oldest === undefined) break
        cursors.delete(oldest)
      }
      return locator
    },
    get: (locator, userId) => {
      const c = cursors.get(locator)
      return c && c.userId === userId ? c : undefined
    },
    clear: () => cursors.clear(),
  }
}
