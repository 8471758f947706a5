import type { ObjectDef, StoredRecord } from '../schema/types.js'
import type { RecordStore } from '../store/store.js'
import { type FieldAccessOverrides, objectPermissions, type ProfileName } from './profiles.js'

/** The user a request runs as. */
export interface Caller {
  readonly userId: string
  readonly username: string
  readonly profile: ProfileName
  /** The org's field-level security changes (see `fieldAccess`). */
  readonly fls?: FieldAccessOverrides
}

/** Record access, weakest to strongest; `full` includes delete and transfer. */
export type RecordAccess = 'none' | 'read' | 'edit' | 'full'

const RANK: Record<RecordAccess, number> = { none: 0, read: 1, edit: 2, full: 3 }

/** True when `access` is at least `needed`. */
export function atLeast(access: RecordAccess, needed: RecordAccess): boolean {
  return RANK[access] >= RANK[needed]
}

/** True when `managerId` is above `userId` in the hierarchy (manager, or manager's manager...). */
export function isAbove(store: RecordStore, managerId: string, userId: string): boolean {
  let current = store.peek('User', userId)
  for (let depth = 0; current && depth < 20; depth++) {
    const next = current.ManagerId
    if (typeof next !== 'string') return false
    if (next === managerId) return true
    current = store.peek('User', next)
  }
  return false
}

/**
 * The caller's access to a record: owner and the owner's managers get full access; otherwise
 * the object's sharing model decides (Private: none, Public Read/Write: edit, Read: read),
 * capped by the profile's object permissions. Objects without owners (User, Profile, Dashboard)
 * are readable by all and editable by whoever the profile lets edit them.
 */
export function recordAccess(
  store: RecordStore,
  caller: Caller,
  object: ObjectDef,
  record: Readonly<StoredRecord>,
): RecordAccess {
  const perms = objectPermissions(caller.profile, object.name)
  if (!perms.read) return 'none'
  if (!object.owned) return perms.edit ? 'edit' : 'read'
  let access: RecordAccess
  const owner = typeof record.OwnerId === 'string' ? record.OwnerId : ''
  if (owner === caller.userId || isAbove(store, caller.userId, owner)) access = 'full'
  else if (object.sharing === 'Private') access = 'none'
  else if (object.sharing === 'Read') access = 'read'
  else access = 'edit'
  if (access === 'full' && !perms.delete) access = perms.edit ? 'edit' : 'read'
  if (access === 'edit' && !perms.edit) access = 'read'
  return access
}
