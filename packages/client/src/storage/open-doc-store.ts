import type { DocStore } from './doc-store.js'
import { IndexedDbDocStore } from './indexed-db-doc-store.js'
import { IndexedDbSharedDocStore } from './indexed-db-shared-doc-store.js'
import type { StorageGuard } from './storage-guard.js'

/** Database names of a user: everything starts with this prefix. */
export function userPrefix(user: string): string {
  return `briefcase:${user}:`
}

/** Where a user's record documents live (see `BriefcaseClientOptions.storageLayout`). */
export type StorageLayout = 'database-per-record' | 'shared-database'

/**
 * The document store of a user in a layout: `briefcase:<user>:doc:<SObject>/<key>` databases
 * (y-indexeddb's layout), or every record in `briefcase:<user>:docs`.
 */
export function openDocStore(options: {
  factory: IDBFactory
  user: string
  layout: StorageLayout
  durability: 'strict' | 'relaxed'
  guard: StorageGuard
}): DocStore {
  const { factory, durability, guard } = options
  const prefix = userPrefix(options.user)
  return options.layout === 'shared-database'
    ? new IndexedDbSharedDocStore({ factory, name: `${prefix}docs`, durability, guard })
    : new IndexedDbDocStore({ factory, prefix: `${prefix}doc:`, durability, guard })
}
