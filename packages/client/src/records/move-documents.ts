import type { SchemaResponse } from '@briefcase/protocol'
import { parseSyncName } from '@briefcase/protocol'
import type { DocName } from '@briefcase/record'
import { isDraftKey, parseDocName } from '@briefcase/record'
import type { SyncResult } from '../briefcase-client.js'
import { withDerived } from '../pending/pending-state.js'
import type { IndexRecord } from '../storage/index-record.js'
import { docState, withDocState } from '../storage/index-record.js'
import type { BulkSyncResult } from '../sync/bulk-sync.js'
import type { UserSpace } from '../user-space.js'
import type { LoadedDoc } from './loaded-doc.js'
import type { OpenRecordHandle } from './open-record-handle.js'
import type { RefusedSource } from './forward-refused.js'
import { forwardRefused, readRefused } from './forward-refused.js'
import { schemaOfDoc } from './record-parts.js'
import { replaceDraft } from './replace-draft.js'

/** Documents a bulk sync was told about: moved (relay-forwarded) and refused. */
export interface MoveRequest {
  moved: readonly string[]
  refused: readonly string[]
}

/**
 * Moves records whose documents changed layout (a readability change, ADR 0005) to their current
 * documents, one move at a time (a live close and a bulk sync about the same record must not
 * drop what the first move just fetched):
 * - a document the relay says moved (`BRIEFCASE_DOCUMENT_MOVED`, or a partition the user no
 *   longer reads): its unsent edits went with the request that was told so, and the relay
 *   forwarded those of fields the user still reads; the copy is dropped;
 * - a document the relay refused (`BRIEFCASE_FORBIDDEN`) that holds fields the user's current
 *   schema does not give it (an offline edit of a field the user lost, which the relay refuses
 *   whole): the device forwards its unsent edits of fields the user still reads into the
 *   current documents itself (scalar edits with their stamps and authors, long texts as a
 *   character diff from what the relay holds), then drops it; it stays stored until they are
 *   in them (see `forwardRefused`).
 * Open handles of those records let go of the old documents first and take the current ones
 * after (edits made meanwhile wait and go to the new ones). Resolves `null` when nothing moved
 * (a refusal for another reason stands), else the result of syncing the moved records again.
 */
export function moveDocuments(
  space: UserSpace,
  request: MoveRequest,
  signal?: AbortSignal,
): Promise<SyncResult | null> {
  const run = space.moving.then(() => moveNow(space, request, signal))
  space.moving = run.catch(() => undefined)
  return run
}

/** How long a move waits for other work to let go of a document it drops. */
const UNLOAD_WAIT_MS = 5_000

const recordOf = (name: string): string => parseSyncName(name).record

async function moveNow(
  space: UserSpace,
  request: MoveRequest,
  signal?: AbortSignal,
): Promise<SyncResult | null> {
  const asked = [...request.moved, ...request.refused]
  const schemas = await refetchSchemas(space, asked)
  const entries = new Map(
    (await space.index.getMany([...new Set(asked.map(recordOf))])).map((r) => [r.doc, r]),
  )
  const stale = (name: string): boolean => isStale(name, entries.get(recordOf(name)), schemas)
  if (request.moved.length === 0 && !request.refused.some(stale)) return null
  // Ask again: a move that ran meanwhile may have answered this one already.
  const probe = await space.bulk.sync([...entries.keys()], () => undefined, signal)
  const local = probe.refused.filter(stale)
  const drop = [...probe.moved, ...local]
  if (drop.length === 0) return resultOf(probe)
  const byRecord = new Map<string, string[]>()
  for (const name of drop)
    byRecord.set(recordOf(name), [...(byRecord.get(recordOf(name)) ?? []), name])
  const records = [...byRecord.keys()]
  const handles = [...space.handles].filter((h) => byRecord.has(h.doc))
  await Promise.all(handles.map((h) => h.suspend()))
  let sources: RefusedSource[] = []
  try {
    // A sync still holding an old document would store into it again: wait, else try later.
    for (const name of drop) {
      if (!(await space.docs.whenUnloaded(name, UNLOAD_WAIT_MS))) return resultOf(probe)
    }
    const schemaOf = async (name: string): Promise<SchemaResponse> => {
      const { sobject } = parseDocName(recordOf(name))
      return schemas.get(sobject) ?? (await space.schema(sobject))
    }
    const isDraft = (name: string): boolean => isDraftKey(parseDocName(recordOf(name)).key)
    // A draft's document the relay never had: the relay forwarded none of its edits.
    const unsent = (name: string): boolean => {
      const entry = entries.get(recordOf(name))
      return isDraft(name) && !(entry && docState(entry, name)?.relaySV)
    }
    const movedDrafts = probe.moved.filter(unsent)
    // Read before anything loads them again (a load may compact away deleted text they hold).
    sources = await Promise.all(
      [...local, ...movedDrafts].map(async (name) =>
        readRefused(space, name, await schemaOf(name)),
      ),
    )
    const drafts = sources.filter((s) => isDraft(s.name))
    // What the relay holds (moved) goes at once.
    const dropNow = probe.moved.filter((name) => !movedDrafts.includes(name))
    for (const name of dropNow) await space.store.remove(name)
    const changes = await space.index.update(records, (record) => {
      if (!record) return undefined
      let next = record
      for (const name of dropNow) {
        if (recordOf(name) !== record.doc) continue
        next =
          name === record.doc
            ? { ...next, pending: null, deviceSV: null, relaySV: null, syncError: null }
            : withDocState(next, name, null)
      }
      return withDerived(next, space.viewer)
    })
    space.indexChanged(changes)
    // A draft the relay never had is stored again in the current layout, its values kept.
    for (const record of new Set(drafts.map((d) => recordOf(d.name)))) {
      const own = drafts.filter((d) => recordOf(d.name) === record)
      if (!(await replaceDraft(space, record, own))) {
        space.o.onIgnoredError(new Error(`${record} was written meanwhile`), `replace ${record}`)
      }
    }
    let fetched = await space.bulk.sync(records, () => undefined, signal)
    // A refused document stays stored until its edits are in the current documents (fetched
    // now), only those the relay lacks: it forwarded what it holds itself (ADR 0005).
    const refused = sources.filter((s) => !isDraft(s.name))
    for (const source of refused) await forwardRefused(space, source, signal)
    if (refused.length > 0) fetched = await space.bulk.sync(records, () => undefined, signal)
    const result = resultOf(fetched)
    for (const name of fetched.moved) {
      result.failed.push({
        doc: recordOf(name) as DocName,
        code: 'BRIEFCASE_DOCUMENT_MOVED',
        message: `${name} moved again while it was fetched.`,
      })
    }
    return result
  } finally {
    for (const source of sources) source.document.destroy()
    await Promise.all(handles.map((h) => reopen(space, h)))
  }
}

function resultOf(r: BulkSyncResult): SyncResult {
  return { total: r.total, changed: r.changed, failed: r.failed }
}

/** Fetches the schemas of the documents' objects afresh (kept); an object that fails keeps its. */
async function refetchSchemas(
  space: UserSpace,
  names: readonly string[],
): Promise<Map<string, SchemaResponse>> {
  const schemas = new Map<string, SchemaResponse>()
  for (const sobject of new Set(names.map((n) => parseDocName(recordOf(n)).sobject))) {
    try {
      schemas.set(sobject, await space.o.api.schema(sobject))
    } catch (error) {
      space.o.onIgnoredError(error, `schema of ${sobject}`)
    }
  }
  if (schemas.size > 0) await space.rememberSchemas([...schemas.values()])
  return schemas
}

/**
 * True when a stored document holds fields its name no longer gives the user (or its fields are
 * unknown: a cache from before ADR 0005).
 */
function isStale(
  name: string,
  record: IndexRecord | undefined,
  schemas: ReadonlyMap<string, SchemaResponse>,
): boolean {
  const { record: doc } = parseSyncName(name)
  const { sobject, key } = parseDocName(doc)
  const schema = schemas.get(sobject)
  if (!record || !schema) return false
  // A draft the relay holds is refused like any record; one it never had is only on the device.
  if (isDraftKey(key) && docState(record, name)?.relaySV) return false
  const fields = docState(record, name)?.fields
  if (!fields) return true
  try {
    const now = schemaOfDoc(name, schema).fields
    return fields.some((f) => !Object.hasOwn(now, f))
  } catch {
    return true
  }
}

/**
 * Hands open records of `sobjects` their current documents when the user's partitions of the
 * object changed (a partition gained or lost, after a full sync fetched it).
 */
export async function reopenChanged(
  space: UserSpace,
  sobjects: ReadonlySet<string>,
): Promise<void> {
  for (const handle of [...space.handles]) {
    if (!sobjects.has(handle.sobject)) continue
    const names = await space.recordNames(handle.doc)
    if (names.join('\n') === handle.docNames.join('\n')) continue
    await handle.suspend()
    await reopen(space, handle)
  }
}

/** Hands a suspended handle its record's current documents (none if they cannot load). */
async function reopen(space: UserSpace, handle: OpenRecordHandle): Promise<void> {
  let docs: LoadedDoc[] = []
  try {
    docs = await space.acquireRecord(handle.doc)
  } catch (error) {
    space.o.onIgnoredError(error, `reopen ${handle.doc}`)
  }
  handle.reopen(docs)
}
