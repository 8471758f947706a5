import { BriefcaseClientErrorCode, isBriefcaseClientError } from '../errors.js'
import type { PendingChangeView } from '../pending-view.js'
import { unsyncedRecords, unsyncedViews } from '../pending/pending-actions.js'
import { databaseNames, deleteDatabase } from '../storage/idb-request.js'
import type { SessionRegistry } from '../storage/session-registry.js'
import type { StorageGuard } from '../storage/storage-guard.js'
import type { UserSpace } from '../user-space.js'
import { userPrefix } from '../storage/open-doc-store.js'

/** What a flush before logout left behind. */
export interface FlushOutcome {
  /** Changes the relay does not hold: deleting the data now would lose them. */
  unsynced: PendingChangeView[]
  /** Why the flush could not finish, when it could not. */
  code: string | null
}

/**
 * Pushes every record holding something the relay lacks (pending changes, but also discards and
 * dismissals: losing those would resurrect what they undid) and reports what is still unsynced.
 */
export async function flushForLogout(space: UserSpace): Promise<FlushOutcome> {
  let code: string | null = null
  const dirty = await unsyncedRecords(space)
  if (dirty.length > 0) {
    if (!space.o.online()) code = BriefcaseClientErrorCode.offline
    else {
      try {
        const result = await space.sync(
          dirty.map((r) => r.doc),
          'push',
        )
        if (result.failed.length > 0) code = result.failed[0]?.code ?? null
      } catch (error) {
        code = isBriefcaseClientError(error) ? error.code : BriefcaseClientErrorCode.relayError
      }
    }
  }
  const left = await unsyncedRecords(space)
  return {
    unsynced: unsyncedViews(space, left),
    code: left.length > 0 ? (code ?? 'BRIEFCASE_OFFLINE') : null,
  }
}

/**
 * Deletes every IndexedDB database of the user: the cache index, each record document (from the
 * index, and any other database under the user's prefix where the browser lists databases) and
 * the user's session entry. Other tabs are told first and close their connections.
 */
export async function wipeUser(options: {
  factory: IDBFactory
  user: string
  space: UserSpace | null
  registry: SessionRegistry
  guard: StorageGuard
}): Promise<void> {
  const { factory, user, space, registry, guard } = options
  const prefix = userPrefix(user)
  const names = new Set<string>([`${prefix}index`])
  if (space) {
    for (const r of await space.index.all()) names.add(space.store.databaseName(r.doc))
    space.channel.post({ type: 'logout' })
    await space.close()
  }
  const listed = await guard.run('list', prefix, () => databaseNames(factory))
  for (const name of listed ?? []) if (name.startsWith(prefix)) names.add(name)
  for (const name of names) {
    await guard.run('delete', name, () => deleteDatabase(factory, name))
  }
  await registry.remove(user)
}
