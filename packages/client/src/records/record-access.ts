import type { LookupResult, SchemaResponse } from '@briefcase/protocol'
import { syncName } from '@briefcase/protocol'
import type { DocName, DraftKey, ObjectSchema } from '@briefcase/record'
import {
  RecordDocument,
  YjsEngineDoc,
  newDraftKey,
  parseDocName,
  toSalesforceId,
  yjsEngine,
} from '@briefcase/record'
import * as Y from 'yjs'
import {
  BriefcaseClientError,
  BriefcaseClientErrorCode,
  isBriefcaseClientError,
} from '../errors.js'
import { withDerived } from '../pending/pending-state.js'
import type { OpenOptions } from '../record-handle.js'
import type { IndexRecord } from '../storage/index-record.js'
import { docState, newIndexRecord, withDocState } from '../storage/index-record.js'
import type { UserSpace } from '../user-space.js'
import type { LoadedDoc } from './loaded-doc.js'
import { OpenRecordHandle } from './open-record-handle.js'
import { recordName } from './record-name.js'
import { partitionNames } from './record-parts.js'

/** The record joins (or stays in) the cache as opened in this session; its expiry restarts. */
function touched(record: IndexRecord, now: number, expiryMs: number): IndexRecord {
  const sources = record.sources.includes('session')
    ? record.sources
    : [...record.sources, 'session' as const]
  return { ...record, sources, lastAccess: now, lastOpened: now, expiresAt: now + expiryMs }
}

/**
 * Opens a record: from the cache at once, or (online) from the relay, which marks it viewed; it
 * joins the cache as opened in this session. Offline and not cached: `BRIEFCASE_NOT_CACHED`.
 */
export async function openRecord(
  space: UserSpace,
  name: string,
  options: OpenOptions = {},
): Promise<OpenRecordHandle> {
  const parts = parseDocName(name)
  const doc = parts.name
  const now = space.o.now()
  const expiryMs = space.o.timings.expiryMs
  let record = await space.index.get(doc)
  if (!record || record.deviceSV === null) {
    if (!space.o.online()) {
      throw new BriefcaseClientError(
        BriefcaseClientErrorCode.notCached,
        `${doc} is not in the offline cache and the client is offline.`,
      )
    }
    const view = await space.o.api.view(doc)
    // A record created offline lives in its draft-key document for life: the relay names it.
    if (view.doc !== doc) return openRecord(space, view.doc, options)
    await space.schema(parts.sobject)
    const fresh = newIndexRecord({
      doc,
      sobject: parts.sobject,
      key: parts.key,
      name: view.name,
      sources: ['session'],
      now,
      expiryMs,
      opened: true,
    })
    space.indexChanged(
      await space.index.update([doc], (r) => r ?? withDerived(fresh, space.viewer)),
    )
    const result = await space.sync([doc], 'push')
    record = await space.index.get(doc)
    if (!record || record.deviceSV === null) {
      const failure = result.failed[0]
      throw new BriefcaseClientError(
        BriefcaseClientErrorCode.relayError,
        failure ? `${doc}: ${failure.message}` : `The relay sent nothing for ${doc}.`,
        failure ? { relayCode: failure.code } : {},
      )
    }
  } else if (space.o.online()) {
    space.o.api.view(doc).catch((e: unknown) => space.o.onIgnoredError(e, `mark ${doc} viewed`))
    // A partition the user reads now but the device never fetched (a readability change).
    const names = partitionNames(doc, await space.schema(parts.sobject))
    if (names.some((n) => docState(record as IndexRecord, n)?.deviceSV == null)) {
      await space.sync([doc], 'push')
    }
  }
  space.indexChanged(
    await space.index.update([doc], (r) => (r ? touched(r, now, expiryMs) : undefined)),
  )
  return new OpenRecordHandle(
    space,
    await space.acquireRecord(doc),
    options.live ?? space.o.autoSync,
  )
}

/** A draft's document over `schema` (one partition's fields) with its initial values. */
export function draftDocument(
  space: UserSpace,
  schema: ObjectSchema,
  values: Readonly<Record<string, unknown>>,
  draftKey: DraftKey,
): { document: RecordDocument; ydoc: Y.Doc } {
  const document = RecordDocument.createDraft({
    engine: yjsEngine,
    schema,
    clock: space.clock,
    actor: space.actor,
    values,
    draftKey,
  })
  const engineDoc = document.engineDoc
  if (!(engineDoc instanceof YjsEngineDoc)) throw new Error('Only Yjs documents are stored.')
  return { document, ydoc: engineDoc.ydoc }
}

/**
 * A new record's documents (ADR 0005): the main partition's, then one per other partition the
 * user reads, each holding the values of its own fields under the same draft key (a field no
 * partition holds goes to the main one, which refuses it). Nothing is stored yet.
 */
function draftDocuments(
  space: UserSpace,
  schema: SchemaResponse,
  values: Readonly<Record<string, unknown>>,
  draftKey: DraftKey,
): { name: string; document: RecordDocument; ydoc: Y.Doc }[] {
  const parts = schema.partitions ?? []
  const split = new Map<string | null, Record<string, unknown>>()
  for (const [field, value] of Object.entries(values)) {
    const part = parts.find((p) => Object.hasOwn(p.schema.fields, field))?.id ?? null
    split.set(part, { ...split.get(part), [field]: value })
  }
  const main = draftDocument(space, schema.schema, split.get(null) ?? {}, draftKey)
  return [
    { name: main.document.name, ...main },
    ...parts.map((p) => {
      const made = draftDocument(space, p.schema, split.get(p.id) ?? {}, draftKey)
      return { name: syncName(made.document.name, p.id), ...made }
    }),
  ]
}

/**
 * Creates a record under a new draft key, with a document per partition the user reads; stored
 * (documents and index) before it returns.
 */
export async function createRecord(
  space: UserSpace,
  sobject: string,
  values: Readonly<Record<string, unknown>>,
): Promise<OpenRecordHandle> {
  const schema = await space.schema(sobject)
  const random = space.o.random
  const key = newDraftKey((bytes) => bytes.map(() => Math.floor(random() * 256)))
  const [main, ...parts] = draftDocuments(space, schema, values, key)
  if (!main) throw new Error('A draft has a main document.')
  const made = [main, ...parts]
  for (const m of made) await space.store.append(m.name, Y.encodeStateAsUpdate(m.ydoc))
  const { document, ydoc } = main
  const doc = document.name
  const now = space.o.now()
  let record: IndexRecord = {
    ...newIndexRecord({
      doc,
      sobject,
      key: document.key,
      name: recordName(document.values(), schema.nameField, document.key),
      sources: ['session'],
      now,
      expiryMs: space.o.timings.expiryMs,
      opened: true,
    }),
    draft: true,
    pending: document.pending(),
    deviceSV: Y.encodeStateVector(ydoc),
    fields: Object.keys(document.schema.fields),
  }
  for (const p of parts) {
    record = withDocState(record, p.name, {
      pending: p.document.pending(),
      deviceSV: Y.encodeStateVector(p.ydoc),
      fields: Object.keys(p.document.schema.fields),
    })
  }
  const indexed = record
  space.indexChanged(
    await space.index.update([doc], () => withDerived(indexed, space.viewer), { durable: true }),
  )
  space.schedulePush(doc)
  const loaded: LoadedDoc[] = []
  for (const m of made) loaded.push(await space.docs.acquire(m.name, m.document))
  return new OpenRecordHandle(space, loaded, space.o.autoSync)
}

/**
 * Lookup matches: the relay's (online) and the cached records of the object whose name contains
 * the query (drafts answer with their draft key, so a lookup may point at a draft).
 */
export async function lookupRecords(
  space: UserSpace,
  sobject: string,
  query: string,
): Promise<LookupResult[]> {
  const q = query.trim().toLowerCase()
  const cached = (await space.index.list({ sobject }))
    .filter((r) => !r.deleted && r.name.toLowerCase().includes(q))
    .map((r) => ({ id: r.key, name: r.name }))
  let remote: LookupResult[] = []
  if (space.o.online()) {
    try {
      remote = await space.o.api.lookup(sobject, query)
    } catch (error) {
      if (!isBriefcaseClientError(error, BriefcaseClientErrorCode.offline)) throw error
    }
  }
  const seen = new Set(remote.map((r) => r.id))
  return [...remote, ...cached.filter((r) => !seen.has(r.id))]
}

/** The name of a record a lookup holds: cached (by Id or draft key), else the relay's. */
export async function nameOfRecord(
  space: UserSpace,
  sobject: string,
  id: string,
): Promise<string | null> {
  const cached = (await space.index.list({ sobject })).find((r) => r.key === id)
  if (cached) return cached.name
  const salesforceId = toSalesforceId(id)
  if (salesforceId === undefined || !space.o.online()) return null
  try {
    return (await space.o.api.lookupId(sobject, salesforceId))?.name ?? null
  } catch (error) {
    if (isBriefcaseClientError(error, BriefcaseClientErrorCode.offline)) return null
    throw error
  }
}

/** The document name of `doc`, or a `BRIEFCASE_BAD_REQUEST`. */
export function docNameOf(doc: string): DocName {
  try {
    return parseDocName(doc).name
  } catch (cause) {
    throw new BriefcaseClientError(BriefcaseClientErrorCode.badRequest, `Not a record: ${doc}`, {
      cause,
    })
  }
}
