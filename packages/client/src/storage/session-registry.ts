import type { SessionInfo } from '@briefcase/protocol'
import { deleteDatabase, openDatabase, requestResult, transactionDone } from './idb-request.js'
import type { StorageGuard } from './storage-guard.js'

/** The database that remembers who is signed in on this browser profile. */
export const REGISTRY_DATABASE = 'briefcase:sessions'

const SESSIONS = 'sessions'
const CURRENT = 'current'

/** A signed-in user's session, as remembered. */
export interface StoredSession {
  user: string
  token: string
  info: SessionInfo
  signedInAt: number
}

/**
 * Remembers the sessions of this browser profile (`briefcase:sessions`), so a reload finds the
 * signed-in user and their cache. A user's entry is deleted at logout, and the database with the
 * last one, so nothing of a logged-out user remains.
 */
export class SessionRegistry {
  readonly #factory: IDBFactory
  readonly #guard: StorageGuard

  constructor(factory: IDBFactory, guard: StorageGuard) {
    this.#factory = factory
    this.#guard = guard
  }

  /** The session completed last (or the one holding `token`), if any. */
  async find(token?: string): Promise<StoredSession | null> {
    const names = await this.#guard.run('list', REGISTRY_DATABASE, async () => {
      if (typeof this.#factory.databases !== 'function') return null
      return (await this.#factory.databases()).map((d) => d.name)
    })
    if (names !== null && !names.includes(REGISTRY_DATABASE)) return null
    return this.#with(async (db) => {
      const store = db.transaction(SESSIONS, 'readonly').objectStore(SESSIONS)
      const all = (await requestResult(store.getAll())) as (StoredSession & { key?: string })[]
      const sessions = all.filter((s) => s.key !== CURRENT)
      if (token !== undefined) return sessions.find((s) => s.token === token) ?? null
      const current = all.find((s) => s.key === CURRENT) as { user?: string } | undefined
      return sessions.find((s) => s.user === current?.user) ?? null
    })
  }

  /** Remembers a session and makes it the current one. */
  save(session: StoredSession): Promise<void> {
    return this.#with(async (db) => {
      const tx = db.transaction(SESSIONS, 'readwrite')
      const store = tx.objectStore(SESSIONS)
      store.put({ ...session, key: session.user })
      store.put({ key: CURRENT, user: session.user })
      await transactionDone(tx)
    })
  }

  /** Forgets a user; deletes the database when no session remains. */
  async remove(user: string): Promise<void> {
    const left = await this.#with(async (db) => {
      const tx = db.transaction(SESSIONS, 'readwrite')
      const store = tx.objectStore(SESSIONS)
      store.delete(user)
      let remaining = 0
      const current = store.get(CURRENT)
      current.onsuccess = () => {
        const pointer = current.result as { user?: string } | undefined
        const pointsElsewhere = pointer !== undefined && pointer.user !== user
        if (!pointsElsewhere) store.delete(CURRENT)
        const count = store.count()
        count.onsuccess = () => {
          remaining = count.result - (pointsElsewhere ? 1 : 0)
        }
      }
      await transactionDone(tx)
      return remaining
    })
    if (left <= 0) {
      await this.#guard.run('delete', REGISTRY_DATABASE, () =>
        deleteDatabase(this.#factory, REGISTRY_DATABASE),
      )
    }
  }

  async #with<T>(work: (db: IDBDatabase) => Promise<T>): Promise<T> {
    return this.#guard.run('session', REGISTRY_DATABASE, async () => {
      const db = await openDatabase(this.#factory, REGISTRY_DATABASE, 1, (d) => {
        d.createObjectStore(SESSIONS, { keyPath: 'key' })
      })
      try {
        return await work(db)
      } finally {
        db.close()
      }
    })
  }
}
