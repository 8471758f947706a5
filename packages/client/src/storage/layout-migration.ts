import type { DocStore } from './doc-store.js'
import { IndexedDbDocStore } from './indexed-db-doc-store.js'
import type { StorageGuard } from './storage-guard.js'

/** What {@link migrateToSharedDatabase} needs. */
export interface LayoutMigrationOptions {
  factory: IDBFactory
  /** The user's `database-per-record` prefix: `briefcase:<userId>:doc:`. */
  prefix: string
  /** The user's `shared-database` store, which receives every record. */
  target: DocStore
  durability: 'strict' | 'relaxed'
  guard: StorageGuard
}

/**
 * Moves a user's records from the `database-per-record` layout into the shared database: each
 * record's stored updates are appended to `target` (committed) before its own database is
 * deleted, so nothing is lost at any point. A migration cut short runs again on the next open;
 * appending a record's updates twice changes nothing (Yjs updates are idempotent). The cache
 * index, with its pending changes, is the same in both layouts and is not touched.
 * Resolves with the records moved.
 */
export async function migrateToSharedDatabase(o: LayoutMigrationOptions): Promise<string[]> {
  const names = (await o.factory.databases()).flatMap((d) =>
    d.name?.startsWith(o.prefix) ? [d.name] : [],
  )
  if (names.length === 0) return []
  const source = new IndexedDbDocStore({
    factory: o.factory,
    prefix: o.prefix,
    durability: o.durability,
    guard: o.guard,
  })
  const moved: string[] = []
  try {
    for (const name of names) {
      const doc = name.slice(o.prefix.length)
      const { rows } = await source.load(doc)
      await Promise.all(rows.map((row) => o.target.append(doc, row)))
      await source.remove(doc)
      moved.push(doc)
    }
  } finally {
    source.close()
  }
  return moved
}
