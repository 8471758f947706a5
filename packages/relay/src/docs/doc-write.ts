import type { PendingChange } from '@briefcase/record'
import type { DocMeta, DocMetaInput, DocWrite, PendingInput } from '../store/relay-store.js'
import type { QueuedDoc } from './commit-batch.js'
import type { HotDoc } from './hot-doc.js'

/** The pending-index row of a pending change (`null`: nothing for Salesforce). */
export function pendingInput(sobject: string, pc: PendingChange | null): PendingInput | null {
  if (!pc || pc.operation === null) return null
  return {
    sobject,
    operation: pc.operation,
    firstChangeAt: pc.firstChangeAt,
    dependsOn: [...pc.dependsOn],
    status: pc.status?.state ?? null,
  }
}

/** The metadata a document's write carries: what the store shows of it. */
export function metaInput(hot: HotDoc, engine: string): DocMetaInput {
  const field = hot.group.nameField
  const name = field && Object.hasOwn(hot.group.schema.fields, field) ? hot.doc.get(field) : null
  return {
    sobject: hot.doc.sobject,
    key: hot.doc.key,
    engine,
    ...(hot.meta === null ? { owner: hot.owner } : {}),
    displayName: typeof name === 'string' && name !== '' ? name : null,
    salesforceId: hot.doc.salesforceId(),
  }
}

/** Whether two pending rows are the same (`undefined`: not known, never the same). */
function samePending(a: PendingInput | null | undefined, b: PendingInput | null | undefined) {
  return a !== undefined && b !== undefined && JSON.stringify(a) === JSON.stringify(b)
}

/** Whether an update came from a live connection (LiveSync's connections are `kind: 'live'`). */
export function isLiveOrigin(origin: unknown): boolean {
  return (
    typeof origin === 'object' && origin !== null && (origin as { kind?: unknown }).kind === 'live'
  )
}

/**
 * The metadata fields of `input` that differ from what the store holds (`hot.meta`); the rest
 * are left out (unchanged), so that an edit rewrites no index it does not change.
 */
function changedMeta(hot: HotDoc, input: DocMetaInput): DocMetaInput {
  const held = hot.meta
  if (held === null) return input
  const { displayName, salesforceId, ...rest } = input
  return {
    ...rest,
    ...(displayName !== held.displayName ? { displayName } : {}),
    ...(salesforceId !== held.salesforceId ? { salesforceId } : {}),
  }
}

/** What one queued document contributes to a commit (see {@link docWriteOf}). */
export interface QueuedWrite {
  write: DocWrite
  /**
   * The document's pending row (for the commit's listeners; undefined: not recomputed, no
   * updates); when `deferred`, the row last written.
   */
  pending: PendingInput | null | undefined
  /** The pending row was not recomputed (live edits of a pending document): recheck it soon. */
  deferred: boolean
}

/**
 * What one queued document contributes to a commit: its updates, metadata and pending row
 * (recomputed from the document), and its new users. Undefined when there is nothing to write
 * (a document that never changed is not stored).
 *
 * `alone`: no other relay writes this store, so what the hub last committed is what the store
 * holds. Then a pending row or metadata field equal to it is not written again (a live edit
 * touches the update log and the document row only), and live edits of a document whose pending
 * row exists recompute neither that row nor the display name (`deferred`; the hub rechecks both
 * shortly after): the projector finds the document by its row and reads the document itself, so
 * the row only has to exist, and a device never changes the Salesforce Id.
 */
export function docWriteOf(q: QueuedDoc, engine: string, alone = false): QueuedWrite | undefined {
  const { hot } = q
  if (hot.broken || (q.updates.length === 0 && hot.meta === null)) return undefined
  const deferred =
    alone &&
    q.repend !== true &&
    q.recheck !== true &&
    q.updates.length > 0 &&
    hot.writtenPending !== undefined &&
    hot.writtenPending !== null &&
    q.updates.every((u) => isLiveOrigin(u.origin))
  const recompute = !deferred && (q.updates.length > 0 || q.recheck === true)
  const pending = deferred
    ? hot.writtenPending
    : recompute || q.repend === true
      ? pendingInput(hot.group.sobject, hot.doc.pending())
      : undefined
  const unchanged =
    deferred || (alone && q.repend !== true && samePending(hot.writtenPending, pending))
  // Deferred too: the display name (a device may rename the record; Salesforce Ids are the relay's).
  const full = recompute || hot.meta === null ? metaInput(hot, engine) : undefined
  const meta = full && alone ? changedMeta(hot, full) : full
  const metaChanged =
    meta !== undefined &&
    (hot.meta === null ||
      !alone ||
      meta.displayName !== undefined ||
      meta.salesforceId !== undefined)
  if (
    q.updates.length === 0 &&
    q.users.size === 0 &&
    q.repend !== true &&
    unchanged &&
    !metaChanged
  ) {
    return undefined // a recheck that found the row as it was
  }
  const write: DocWrite = {
    key: hot.key,
    ...(meta ? { meta } : {}),
    updates: q.updates.map((u) => u.payload),
    ...(pending === undefined || unchanged ? {} : { pending }),
    users: [...q.users],
  }
  return { write, pending, deferred }
}

/** The document's metadata once `write` is committed. */
export function committedMeta(hot: HotDoc, write: DocWrite, now: number): DocMeta | null {
  const m = write.meta
  if (!m) return hot.meta
  return {
    name: hot.key.name,
    group: hot.key.group,
    sobject: m.sobject,
    key: m.key,
    engine: m.engine,
    owner: hot.meta ? hot.meta.owner : hot.owner,
    displayName: m.displayName !== undefined ? m.displayName : (hot.meta?.displayName ?? null),
    salesforceId: m.salesforceId !== undefined ? m.salesforceId : (hot.meta?.salesforceId ?? null),
    createdAt: hot.meta?.createdAt ?? now,
    updatedAt: now,
  }
}
