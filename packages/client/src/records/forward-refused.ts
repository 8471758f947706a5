import type { SchemaResponse } from '@briefcase/protocol'
import { decodeBulkResponse, encodeBulkRequest, parseSyncName } from '@briefcase/protocol'
import type { HeldTexts } from '@briefcase/record'
import {
  PayloadKind,
  RecordDocument,
  YjsEngineDoc,
  isTextField,
  parseDocName,
  yjsEngine,
} from '@briefcase/record'
import * as Y from 'yjs'
import { BriefcaseClientError, BriefcaseClientErrorCode } from '../errors.js'
import { withDerived } from '../pending/pending-state.js'
import { docState, withDocState } from '../storage/index-record.js'
import { unseal } from '../sync/state-vectors.js'
import type { UserSpace } from '../user-space.js'
import { mergedSchema, schemaOfDoc } from './record-parts.js'

/** How long forwarding waits for other work to let go of the refused document. */
const UNLOAD_WAIT_MS = 5_000

/**
 * A document the relay refused, read as the user's current view of its record (every field they
 * read): its unsent edits of those fields, to forward; and, per long text, what of it the relay
 * acknowledged (the items its last state vector covers that the document still shows).
 */
export interface RefusedSource {
  /** Its wire and storage name. */
  name: string
  document: RecordDocument
  held: HeldTexts
}

/** Reads a stored document the relay refused (see {@link RefusedSource}). */
export async function readRefused(
  space: UserSpace,
  name: string,
  schema: SchemaResponse,
): Promise<RefusedSource> {
  const { record } = parseSyncName(name)
  const loaded = space.docs.get(name)
  if (loaded) await loaded.flushed()
  const document = RecordDocument.open({
    engine: yjsEngine,
    name: record,
    schema: mergedSchema(schema).schema,
    actor: space.actor,
    clock: space.clock,
  })
  const engineDoc = document.engineDoc
  if (!(engineDoc instanceof YjsEngineDoc)) throw new Error('Only Yjs documents are stored.')
  // Text deleted since the relay's acknowledgement is kept (from the rows that still carry it),
  // so that forwarding deletes it where the relay forwarded it.
  engineDoc.ydoc.gc = false
  const { rows } = await space.store.load(name)
  if (rows.length > 0) Y.applyUpdate(engineDoc.ydoc, Y.mergeUpdates(rows))
  const entry = await space.index.get(record)
  const relaySV = entry ? docState(entry, name)?.relaySV : null
  const held: Record<string, string> = {}
  if (relaySV) {
    for (const [field, f] of Object.entries(document.schema.fields)) {
      if (isTextField(f)) held[field] = engineDoc.heldText(field, relaySV)
    }
  }
  return { name, document, held }
}

/**
 * Forwards a refused document's unsent edits (of fields the user still reads) into its record's
 * current documents, and drops it; its rows stay stored until its edits are durable in them, so
 * neither a crash nor a failed request loses them (forwarding again is idempotent: each edit
 * carries its entry). Current documents under other names must be fetched already (a bulk sync
 * of the record): they take the edits first. The current document under the refused one's own
 * name (a main partition keeps its name) is fetched into memory, takes the edits and replaces
 * the refused rows in one transaction. Resolves `false`, changing nothing more, when a current
 * document is missing or another tab wrote the refused one meanwhile: the next sync tries again.
 */
export async function forwardRefused(
  space: UserSpace,
  source: RefusedSource,
  signal?: AbortSignal,
): Promise<boolean> {
  const record = source.document.name
  const names = await space.recordNames(record)
  const entry = await space.index.get(record)
  const others = names.filter((n) => n !== source.name)
  if (!entry || others.some((n) => !docState(entry, n)?.relaySV)) return false
  for (const name of others) {
    await space.docs.with(name, (l) => void l.document.forwardFrom(source.document, source.held))
  }
  if (!names.includes(source.name)) {
    if ((await storedKey(space, source)) === undefined) return false
    await space.store.remove(source.name)
    await updateIndex(space, record, source.name, null)
    return true
  }
  const current = await fetchCurrent(space, source.name, signal)
  try {
    current.document.forwardFrom(source.document, source.held)
    const state = Y.encodeStateAsUpdate(current.ydoc)
    const lastKey = await storedKey(space, source)
    if (lastKey === undefined) return false
    if (lastKey === null) await space.store.append(source.name, state)
    else if (!(await space.store.compact(source.name, state, lastKey))) return false
  } finally {
    current.document.destroy()
  }
  await updateIndex(space, record, source.name, { relaySV: current.relaySV })
  // Its summary (pending change, state vector, fields) as the stored document says.
  await space.docs.with(source.name, (l) => space.docs.refreshSummary(l))
  return true
}

/**
 * The key of the refused document's last stored row once nothing holds it (`null`: no row), or
 * undefined when it is held still or holds something the read copy lacks (another tab's edit).
 */
export async function storedKey(
  space: UserSpace,
  source: RefusedSource,
): Promise<number | null | undefined> {
  if (!(await space.docs.whenUnloaded(source.name, UNLOAD_WAIT_MS))) return undefined
  const { rows, lastKey } = await space.store.load(source.name)
  if (rows.length === 0) return lastKey
  const stored = Y.decodeStateVector(Y.encodeStateVectorFromUpdate(Y.mergeUpdates(rows)))
  const read = Y.decodeStateVector(source.document.engineDoc.encodeStateVector())
  return [...stored].every(([client, clock]) => (read.get(client) ?? 0) >= clock)
    ? lastKey
    : undefined
}

async function updateIndex(
  space: UserSpace,
  record: string,
  name: string,
  state: { relaySV: Uint8Array } | null,
): Promise<void> {
  const changes = await space.index.update(
    [record],
    (r) =>
      r
        ? withDerived({ ...withDocState(r, name, state), syncError: null }, space.viewer)
        : undefined,
    { durable: true },
  )
  space.indexChanged(changes)
}

/** A current document as the relay has it, in memory (not stored), with the relay's vector. */
async function fetchCurrent(
  space: UserSpace,
  name: string,
  signal?: AbortSignal,
): Promise<{ document: RecordDocument; ydoc: Y.Doc; relaySV: Uint8Array }> {
  const { record } = parseSyncName(name)
  const request = encodeBulkRequest([
    { name, stateVector: new Uint8Array(), update: new Uint8Array() },
  ])
  const answer = decodeBulkResponse(await space.o.api.bulkSync(request, signal)).find(
    (a) => a.name === name,
  )
  if (!answer?.ok) {
    throw new BriefcaseClientError(
      BriefcaseClientErrorCode.relayError,
      answer?.message ?? `The relay did not answer for ${name}.`,
      { relayCode: answer?.code ?? 'BRIEFCASE_INTERNAL' },
    )
  }
  const schema = await space.schema(parseDocName(record).sobject)
  const document = RecordDocument.open({
    engine: yjsEngine,
    name: record,
    schema: schemaOfDoc(name, schema),
    actor: space.actor,
    clock: space.clock,
  })
  const engineDoc = document.engineDoc
  if (!(engineDoc instanceof YjsEngineDoc)) throw new Error('Only Yjs documents are stored.')
  Y.applyUpdate(engineDoc.ydoc, unseal(record, answer.update, PayloadKind.update))
  return {
    document,
    ydoc: engineDoc.ydoc,
    relaySV: unseal(record, answer.stateVector, PayloadKind.stateVector),
  }
}
