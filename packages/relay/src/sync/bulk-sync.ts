import type { BulkRequestDoc, BulkResponseDoc } from '@briefcase/protocol'
import {
  BulkFormatError,
  RelayErrorCode,
  decodeBulkRequest,
  encodeBulkResponse,
  parseSyncName,
} from '@briefcase/protocol'
import { PayloadKind, isDraftKey, openEnvelope } from '@briefcase/record'
import type { Logger } from 'pino'
import type { RelaySession } from '../auth/sessions.js'
import { applyDeviceUpdate, parentIdsOf } from '../docs/device-writes.js'
import { deviceWriter } from '../docs/device-writer.js'
import { recordIdOf } from '../docs/record-id.js'
import type { DocHub } from '../docs/doc-hub.js'
import type { DocResolver, ResolvedDoc } from '../docs/doc-resolver.js'
import type { HotDoc } from '../docs/hot-doc.js'
import type { RetiredDocs } from '../docs/retired-docs.js'
import { RelayError, toRelayError } from '../errors.js'
import type { RelayMetrics } from '../metrics/relay-metrics.js'
import type { RecordRight, RecordRights } from '../salesforce/record-rights.js'

/** What a bulk sync needs. */
export interface BulkSyncDeps {
  hub: DocHub
  resolver: DocResolver
  retired: RetiredDocs
  metrics: RelayMetrics
  /** Record-level rights, checked before any update of an existing record is accepted. */
  rights: RecordRights
  logger?: Logger
}

/** The engine payload of a sealed update for `name` (throws the record package's errors). */
function payloadOf(sealed: Uint8Array, name: string, kind: PayloadKind): Uint8Array {
  const envelope = openEnvelope(sealed)
  if (envelope.engine !== 'yjs') {
    throw new RelayError(
      RelayErrorCode.engineMismatch,
      `The relay syncs Yjs documents; got ${envelope.engine}.`,
    )
  }
  if (envelope.name !== name) {
    throw new RelayError(
      RelayErrorCode.foreignUpdate,
      `An update for ${envelope.name} was sent as ${name}.`,
    )
  }
  if (envelope.kind !== kind) {
    throw new RelayError(RelayErrorCode.malformedUpdate, `Wrong payload kind for ${name}.`)
  }
  return envelope.payload
}

/**
 * Applies one document's update and answers what the device lacks (synchronous). A device whose
 * replica descends from a retired document (`lineage`) has its update applied there (it is
 * forwarded after) and is told the document moved.
 */
function syncOne(
  hub: DocHub,
  session: RelaySession,
  req: BulkRequestDoc,
  doc: ResolvedDoc,
  origin: unknown,
  right: RecordRight | undefined,
  parents: ReadonlyMap<string, RecordRight>,
  lineage: HotDoc | undefined,
): BulkResponseDoc {
  const record = doc.hot.doc
  if (req.stateVector.length > 0) payloadOf(req.stateVector, record.name, PayloadKind.stateVector)
  const target = lineage ?? doc.hot
  if (req.update.length > 0) {
    const payload = payloadOf(req.update, record.name, PayloadKind.update)
    const creating = isDraftKey(record.key) && record.salesforceId() === null
    const writer = deviceWriter(
      { user: session.userId, device: session.device },
      doc.view,
      creating,
      right,
      parents,
    )
    applyDeviceUpdate(hub, target, payload, writer, origin)
  } else {
    hub.noteUser(doc.hot, session.userId)
  }
  if (lineage) {
    const e = movedError()
    return { name: req.name, ok: false, code: e.code, message: e.message }
  }
  const update =
    req.stateVector.length > 0 ? record.encodeUpdate(req.stateVector) : record.encodeState()
  return { name: req.name, ok: true, update, stateVector: record.encodeStateVector() }
}

/**
 * The raw state vector of a document the device sends nothing for (it may be one the relay and
 * the device agree on); undefined otherwise, and for a vector that does not open (its document
 * is answered with the error when synced in full).
 */
function quietVector(req: BulkRequestDoc): Uint8Array | undefined {
  if (req.update.length > 0 || req.stateVector.length === 0) return undefined
  try {
    return payloadOf(req.stateVector, parseSyncName(req.name).record, PayloadKind.stateVector)
  } catch {
    return undefined
  }
}

/** The answer to a device holding a retired document: drop it, fetch the current ones. */
export function movedError(): RelayError {
  return new RelayError(
    RelayErrorCode.documentMoved,
    'This document was replaced (its fields moved to other documents): drop it and fetch it again; its edits were kept.',
  )
}

/**
 * One bulk sync round: decodes the request, then {@link syncDocs}. Throws `BRIEFCASE_BAD_REQUEST`
 * for bytes that are not a bulk request.
 */
export async function bulkSync(
  deps: BulkSyncDeps,
  session: RelaySession,
  body: Uint8Array,
): Promise<Uint8Array> {
  const { metrics } = deps
  const stop = metrics.bulkSeconds.startTimer()
  metrics.bulkRequests.inc()
  metrics.bulkBytes.inc({ direction: 'in' }, body.byteLength)
  let docs: BulkRequestDoc[]
  try {
    docs = decodeBulkRequest(body)
  } catch (error) {
    const message = error instanceof BulkFormatError ? error.message : 'Malformed bulk request.'
    throw new RelayError(RelayErrorCode.badRequest, message, { cause: error })
  }
  const answers = await syncDocs(deps, session, docs)
  const out = encodeBulkResponse(answers)
  metrics.bulkBytes.inc({ direction: 'out' }, out.byteLength)
  stop()
  return out
}

/**
 * Syncs documents: resolves every one (access checked, missing records loaded from Salesforce in
 * batches), applies every device update, commits all of it in one durable transaction and
 * answers each document with what the device lacks and the relay's state vector. A document's
 * error never fails the others.
 */
export async function syncDocs(
  deps: BulkSyncDeps,
  session: RelaySession,
  docs: readonly BulkRequestDoc[],
): Promise<BulkResponseDoc[]> {
  const { hub, resolver, metrics } = deps
  const names = docs.map((d) => d.name)
  const creating = new Set(docs.filter((d) => d.update.length > 0).map((d) => d.name))
  const t0 = performance.now()
  const all = await resolver.resolveSync(
    session.userId,
    names,
    { createDrafts: (name) => creating.has(name), transient: true },
    docs.map(quietVector),
  )
  // Documents the device and the relay agree on are answered without being loaded.
  const resolved = all.map((r) => ('agreed' in r ? undefined : r))
  // Record-level rights of every existing record an update comes for, asked in one go.
  const writing = new Map<number, string>()
  resolved.forEach((r, i) => {
    const id = r?.ok && (docs[i]?.update.length ?? 0) > 0 ? recordIdOf(r.hot) : null
    if (id !== null) writing.set(i, id)
  })
  // …and of every Salesforce record a draft being created names in its lookups.
  const parentIds = resolved.map((r, i) => {
    const req = docs[i]
    if (!r?.ok || !req || req.update.length === 0) return []
    const record = r.hot.doc
    if (!isDraftKey(record.key) || record.salesforceId() !== null) return []
    const identity = { user: session.userId, device: session.device }
    try {
      const payload = payloadOf(req.update, record.name, PayloadKind.update)
      return parentIdsOf(hub, r.hot, payload, deviceWriter(identity, r.view, true, undefined))
    } catch {
      return [] // answered by syncOne
    }
  })
  let rights: Map<string, RecordRight> | RelayError = new Map()
  try {
    const ids = [...writing.values(), ...parentIds.flat()]
    if (ids.length > 0) rights = await deps.rights.of(session.userId, ids)
  } catch (error) {
    rights = toRelayError(error)
  }
  // Documents whose device may hold a retired document's clients, looked up together.
  const asked: { index: number; current: HotDoc; stateVector: Uint8Array }[] = []
  docs.forEach((req, i) => {
    const r = resolved[i]
    if (!r?.ok || req.stateVector.length === 0) return
    try {
      const stateVector = payloadOf(req.stateVector, r.hot.doc.name, PayloadKind.stateVector)
      asked.push({ index: i, current: r.hot, stateVector })
    } catch {
      // answered by syncOne
    }
  })
  const found = await deps.retired.lineagesOf(asked)
  const lineages: (HotDoc | undefined)[] = docs.map(() => undefined)
  asked.forEach((a, k) => {
    lineages[a.index] = found[k]
  })
  const t1 = performance.now()
  const origin = { kind: 'bulk', session: session.id }
  const answers: BulkResponseDoc[] = []
  const timing = { applied: t1 }
  try {
    docs.forEach((req, i) => {
      const r = resolved[i]
      if (!r) {
        // Agreed: nothing to send, and the relay's state vector is the device's.
        answers.push({
          name: req.name,
          ok: true,
          update: new Uint8Array(),
          stateVector: req.stateVector,
        })
        return
      }
      if (!r.ok) {
        const e = r.error
        answers.push({ name: req.name, ok: false, code: e.code, message: e.message })
        return
      }
      try {
        const id = writing.get(i)
        const asked = id !== undefined || (parentIds[i]?.length ?? 0) > 0
        if (asked && rights instanceof RelayError) throw rights
        r.init?.()
        const known = rights instanceof RelayError ? new Map<string, RecordRight>() : rights
        const right = id === undefined ? undefined : known.get(id)
        answers.push(syncOne(hub, session, req, r, origin, right, known, lineages[i]))
      } catch (error) {
        const e = toRelayError(error)
        answers.push({ name: req.name, ok: false, code: e.code, message: e.message })
      }
    })
    timing.applied = performance.now()
    await hub.flush()
    for (const l of lineages) if (l) await deps.retired.forward(l)
  } finally {
    for (const r of resolved) if (r?.ok) hub.release(r.hot)
    for (const l of lineages) if (l) hub.release(l)
  }
  // Counted per outcome and error code, not per document (a label lookup each).
  const outcomes = new Map<string, number>()
  const codes = new Map<string, number>()
  answers.forEach((a, i) => {
    const outcome = !a.ok ? 'error' : resolved[i] === undefined ? 'unchanged' : 'ok'
    outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1)
    if (!a.ok) codes.set(a.code, (codes.get(a.code) ?? 0) + 1)
  })
  for (const [outcome, n] of outcomes) metrics.bulkDocs.inc({ outcome }, n)
  for (const [code, n] of codes) metrics.errors.inc({ code }, n)
  deps.logger?.debug(
    {
      docs: docs.length,
      unchanged: resolved.filter((r) => r === undefined).length,
      resolveMs: Math.round(t1 - t0),
      applyMs: Math.round(timing.applied - t1),
      commitMs: Math.round(performance.now() - timing.applied),
    },
    'bulk sync',
  )
  return answers
}
