import type { BulkRequestDoc, BulkResponseDoc } from '@briefcase/protocol'
import {
  RelayErrorCode,
  decodeBulkResponse,
  encodeBulkRequest,
  encodeRequestFrame,
  encodeStreamEnd,
  encodeStreamHeader,
  parseSyncName,
  readAnswerStream,
} from '@briefcase/protocol'
import type { DocName } from '@briefcase/record'
import { PayloadKind, isRecordError } from '@briefcase/record'
import {
  BriefcaseClientError,
  BriefcaseClientErrorCode,
  isBriefcaseClientError,
} from '../errors.js'
import type { SyncFailure, SyncResult } from '../briefcase-client.js'
import type { Viewer } from '../pending/pending-state.js'
import { withDerived } from '../pending/pending-state.js'
import type { LoadedDoc } from '../records/loaded-doc.js'
import type { LoadedDocs } from '../records/loaded-docs.js'
import type { RelayApi } from '../relay/relay-api.js'
import type { CacheIndex, IndexChange } from '../storage/cache-index.js'
import type { IndexRecord } from '../storage/index-record.js'
import { docState, recordDocs, withDocState } from '../storage/index-record.js'
import type { DocStore } from '../storage/doc-store.js'
import {
  covers,
  insertsAnything,
  sealStateVector,
  storedRequestDoc,
  unseal,
} from './state-vectors.js'

/** Records per plain bulk request, for a relay without the streamed route. */
const BATCH = 250
/** Records read from the index, and answers applied, at a time in a streamed sync. */
const PAGE = 500
/** Pages of answers read ahead while one is applied. */
const AHEAD = 2
/** Documents applied at once (each is its own IndexedDB database). */
const CONCURRENCY = 16
/**
 * Documents stored (and their index entries written, in one transaction) before progress is
 * reported: a first download moves the progress bar as records arrive, not per request.
 */
const APPLY_CHUNK = 2 * CONCURRENCY

/** What {@link BulkSync} needs. */
export interface BulkSyncOptions {
  api: RelayApi
  index: CacheIndex
  docs: LoadedDocs
  viewer: Viewer
  /** The wire names of the documents of a record the user reads now (ADR 0005 partitions). */
  names: (record: IndexRecord) => Promise<string[]>
  /** Where the documents are stored (dirty ones nobody holds are encoded from their rows). */
  store: DocStore
  onIndexChanges: (changes: IndexChange[]) => void
}

/**
 * A sync's result, with the documents the relay said moved (`BRIEFCASE_DOCUMENT_MOVED`, or a
 * partition the user no longer reads): their edits went with the request; the caller drops them.
 */
export interface BulkSyncResult extends SyncResult {
  moved: string[]
  /**
   * Documents refused with `BRIEFCASE_FORBIDDEN` or `BRIEFCASE_UNKNOWN_FIELD` (also in `failed`,
   * by record).
   */
  refused: string[]
}

/**
 * Reconciles many record documents with the relay in few round trips (`POST /sync/bulk`): each
 * document goes with the device's state vector, plus the device's changes the relay lacks
 * (computed against the relay's last known state vector, so only dirty documents are loaded);
 * the relay answers with what the device lacks and its state vector after a durable commit.
 * Documents whose answer inserts nothing are not loaded.
 *
 * The whole sync is one streamed request (`/sync/bulk/stream`): the request is built page by
 * page from the index (only dirty documents are loaded, and released once encoded), the answers
 * are applied page by page as they arrive, with progress. A relay without that route gets
 * batches of {@link BATCH} records on `/sync/bulk`, one after another.
 */
export class BulkSync {
  readonly #o: BulkSyncOptions

  constructor(options: BulkSyncOptions) {
    this.#o = options
  }

  /**
   * Syncs `docs` (record document names). `entries`: their index entries, already read by the
   * caller (a full sync reads every entry once, in one request), instead of reading them again.
   */
  async sync(
    docs: readonly string[],
    onProgress: (done: number, total: number) => void,
    signal?: AbortSignal,
    entries?: readonly IndexRecord[],
  ): Promise<BulkSyncResult> {
    const result: BulkSyncResult = {
      total: docs.length,
      changed: 0,
      failed: [],
      moved: [],
      refused: [],
    }
    onProgress(0, docs.length)
    if (docs.length === 0) return result
    try {
      await this.#streamed(docs, onProgress, result, signal, entries)
      return result
    } catch (error) {
      if (!isBriefcaseClientError(error) || error.status !== 404) throw error
    }
    for (let start = 0; start < docs.length; start += BATCH) {
      signal?.throwIfAborted()
      const batch = docs.slice(start, start + BATCH)
      const records = entries?.slice(start, start + BATCH) ?? (await this.#o.index.getMany(batch))
      const held = new Map<string, LoadedDoc>()
      let reported = start
      const report = (done: number): void => {
        if (done <= reported) return
        reported = done
        onProgress(done, docs.length)
      }
      try {
        const request = await this.#request(records, held)
        const response = decodeBulkResponse(
          await this.#o.api.bulkSync(encodeBulkRequest(request), signal),
        )
        await this.#apply(response, records, held, result, (left) =>
          report(start + batch.length - left),
        )
      } finally {
        await this.#releaseAll(held)
      }
      report(start + batch.length)
    }
    return result
  }

  /** One streamed request for every record; throws with status 404 on a relay without it. */
  async #streamed(
    docs: readonly string[],
    onProgress: (done: number, total: number) => void,
    result: BulkSyncResult,
    signal?: AbortSignal,
    entries?: readonly IndexRecord[],
  ): Promise<void> {
    const records = new Map<string, IndexRecord>()
    const parts: Uint8Array[] = [encodeStreamHeader()]
    for (let start = 0; start < docs.length; start += PAGE) {
      signal?.throwIfAborted()
      const page =
        entries?.slice(start, start + PAGE) ??
        (await this.#o.index.getMany(docs.slice(start, start + PAGE)))
      const held = new Map<string, LoadedDoc>()
      try {
        for (const doc of await this.#request(page, held)) parts.push(encodeRequestFrame(doc))
      } finally {
        await this.#releaseAll(held)
      }
      for (const r of page) records.set(r.doc, r)
    }
    parts.push(encodeStreamEnd())
    const body = await this.#o.api.bulkStream(parts, signal)
    parts.length = 0
    // Answers come in request order, a record's documents one after another; progress counts
    // records.
    let page: BulkResponseDoc[] = []
    let done = 0
    let reported = 0
    const report = (n: number): void => {
      if (n <= reported) return
      reported = n
      onProgress(Math.min(n, docs.length), docs.length)
    }
    const apply = async (answers: BulkResponseDoc[]): Promise<void> => {
      const answered = [...new Set(answers.map((a) => parseSyncName(a.name).record))]
      const size = answered.length
      await this.#apply(
        answers,
        answered.flatMap((doc) => records.get(doc) ?? []),
        new Map(),
        result,
        (left) => report(done + size - left),
      )
      done += size
      report(done)
    }
    // Pages are applied one after another while the next ones are read (at most AHEAD pages
    // wait), so the relay's work and the device's overlap.
    let applying: Promise<void> = Promise.resolve()
    const waiting: Promise<void>[] = []
    const flush = (): void => {
      const answers = page
      page = []
      applying = applying.then(() => apply(answers))
      applying.catch(() => undefined)
      waiting.push(applying)
    }
    try {
      for await (const answer of readAnswerStream(body)) {
        if ('aborted' in answer) {
          const { code, message } = answer.aborted
          throw new BriefcaseClientError(BriefcaseClientErrorCode.relayError, message, {
            relayCode: code,
          })
        }
        page.push(answer)
        if (page.length < PAGE) continue
        flush()
        if (waiting.length > AHEAD) await waiting.shift()
      }
      flush()
      await applying
    } catch (error) {
      // Nothing is left applying when the sync ends.
      await applying.catch(() => undefined)
      if (isBriefcaseClientError(error)) throw error
      signal?.throwIfAborted()
      throw new BriefcaseClientError(
        BriefcaseClientErrorCode.offline,
        'The bulk sync stopped before the relay answered every document.',
        { cause: error },
      )
    }
  }

  #releaseAll(held: Map<string, LoadedDoc>): Promise<unknown> {
    return Promise.all([...held.values()].map((l) => this.#o.docs.release(l)))
  }

  async #request(
    records: readonly IndexRecord[],
    held: Map<string, LoadedDoc>,
  ): Promise<BulkRequestDoc[]> {
    // Records are planned CONCURRENCY at a time (a loaded document is encoded from memory), their
    // documents kept in request order; the dirty documents nobody holds are then read in one
    // transaction and encoded from their stored rows, without loading them.
    const perRecord: BulkRequestDoc[][] = []
    const unloaded: {
      record: DocName
      name: string
      state: { relaySV: Uint8Array | null; deviceSV: Uint8Array }
      at: [number, number]
    }[] = []
    let next = 0
    let failed = false
    const worker = async (): Promise<void> => {
      for (let i = next++; i < records.length && !failed; i = next++) {
        const record = records[i] as IndexRecord
        const names = new Set([
          ...recordDocs(record).map((d) => d.name),
          ...(await this.#o.names(record)),
        ])
        const docs: BulkRequestDoc[] = []
        for (const name of names) {
          const state = docState(record, name) ?? { relaySV: null, deviceSV: null }
          const doc = await this.#requestDoc(record, name, state, held)
          if (doc === null && state.deviceSV) {
            const { relaySV, deviceSV } = state
            unloaded.push({
              record: record.doc as DocName,
              name,
              state: { relaySV, deviceSV },
              at: [i, docs.length],
            })
          }
          docs.push(doc ?? { name, stateVector: new Uint8Array(), update: new Uint8Array() })
        }
        perRecord[i] = docs
      }
    }
    // Every worker has stopped before a failure is thrown (the caller then releases `held`).
    const settled = await Promise.allSettled(
      Array.from({ length: CONCURRENCY }, () =>
        worker().catch((error: unknown) => {
          failed = true
          throw error
        }),
      ),
    )
    for (const s of settled) if (s.status === 'rejected') throw s.reason
    const stored = await this.#o.store.loadMany(unloaded.map((u) => u.name))
    for (const [k, { record, name, state, at }] of unloaded.entries()) {
      const docs = perRecord[at[0]] as BulkRequestDoc[]
      docs[at[1]] = storedRequestDoc(record, name, state, stored[k]?.rows ?? [])
    }
    return perRecord.flat()
  }

  /** A document's part of the request, or `null` for a dirty one nobody holds (read later). */
  async #requestDoc(
    record: IndexRecord,
    name: string,
    state: { relaySV: Uint8Array | null; deviceSV: Uint8Array | null },
    held: Map<string, LoadedDoc>,
  ): Promise<BulkRequestDoc | null> {
    if (this.#o.docs.get(name)) {
      const loaded = await this.#o.docs.acquire(name)
      held.set(name, loaded)
      const d = loaded.document
      return {
        name,
        stateVector: d.encodeStateVector(),
        update: state.relaySV
          ? d.encodeUpdate(sealStateVector(d.name, state.relaySV))
          : d.encodeState(),
      }
    }
    if (!covers(state.relaySV, state.deviceSV)) return null
    return {
      name,
      stateVector: state.deviceSV
        ? sealStateVector(record.doc as DocName, state.deviceSV)
        : new Uint8Array(),
      update: new Uint8Array(),
    }
  }

  async #apply(
    response: readonly BulkResponseDoc[],
    records: readonly IndexRecord[],
    held: Map<string, LoadedDoc>,
    result: BulkSyncResult,
    onProgress: (left: number) => void,
  ): Promise<void> {
    const relaySVs = new Map<string, Uint8Array>()
    const failures = new Map<string, SyncFailure>()
    const updates: { name: string; update: Uint8Array; payload: Uint8Array }[] = []
    // Each name parsed once (a Salesforce Id's checksum is not free), answers grouped by record.
    const recordOf = new Map<string, string>()
    const byRecord = new Map<string, string[]>()
    for (const r of response) {
      const { record, partition } = parseSyncName(r.name)
      recordOf.set(r.name, record)
      const names = byRecord.get(record)
      if (names) names.push(r.name)
      else byRecord.set(record, [r.name])
      if (!r.ok) {
        // A partition the user no longer reads is dropped like a moved one.
        if (
          r.code === RelayErrorCode.documentMoved ||
          (partition !== null && r.code === RelayErrorCode.forbidden)
        ) {
          result.moved.push(r.name)
        } else {
          failures.set(r.name, { doc: record, code: r.code, message: r.message })
          // A field the user may no longer edit or read: the document may hold an old layout.
          if (r.code === RelayErrorCode.forbidden || r.code === RelayErrorCode.unknownField) {
            result.refused.push(r.name)
          }
        }
        continue
      }
      try {
        relaySVs.set(r.name, unseal(record, r.stateVector, PayloadKind.stateVector))
        if (r.update.length > 0) {
          updates.push({
            name: r.name,
            update: r.update,
            payload: unseal(record, r.update, PayloadKind.update),
          })
        }
      } catch (error) {
        failures.set(r.name, {
          doc: record,
          code: 'BRIEFCASE_MALFORMED_UPDATE',
          message: String(error),
        })
      }
    }
    const befores = new Map(records.map((r) => [r.doc, r]))
    // The entry as this answer leaves it (the relay's state vectors, the sync error), or the
    // same entry when nothing changes.
    const answered = (record: IndexRecord): IndexRecord => {
      let next = record
      const names = byRecord.get(record.doc) ?? []
      for (const name of names) {
        const relaySV = relaySVs.get(name)
        const known = docState(next, name)
        if (relaySV && (!known || !sameBytes(relaySV, known.relaySV) || isView(known.relaySV)))
          next = withDocState(next, name, { relaySV })
      }
      let failure: SyncFailure | undefined
      for (const name of names) failure ??= failures.get(name)
      const syncError = failure ? { code: failure.code, message: failure.message } : null
      // Most records of a sync did not change: leave their entries alone.
      if (next === record && sameError(syncError, record.syncError)) return record
      return { ...next, syncError }
    }
    for (const [doc, relaySV] of relaySVs) {
      const loaded = held.get(doc) ?? this.#o.docs.get(doc)
      if (loaded) loaded.relaySV = relaySV
    }
    const needed = updates.filter((u) => {
      const before = befores.get(recordOf.get(u.name) ?? '')
      if (!before) return false
      const loaded = held.get(u.name) ?? this.#o.docs.get(u.name)
      return (
        loaded !== undefined || !docState(before, u.name)?.deviceSV || insertsAnything(u.payload)
      )
    })
    // Records with an update to store get their entry written with it; of the others, only the
    // entries that change are read and written again (most records of a sync did not change).
    const storing = new Set(needed.map((u) => recordOf.get(u.name)))
    const touched = [...byRecord.keys()].filter((doc) => {
      const before = befores.get(doc)
      return !storing.has(doc) && (!before || answered(before) !== before)
    })
    const changes = await this.#o.index.update(touched, (record) => {
      if (!record) return undefined
      const next = answered(record)
      return next === record ? undefined : withDerived(next, this.#o.viewer)
    })
    this.#o.onIndexChanges(changes)
    // Records with nothing to store are done now; the others as they are stored.
    let left = needed.length
    onProgress(left)
    for (let at = 0; at < needed.length; at += APPLY_CHUNK) {
      const chunk = needed.slice(at, at + APPLY_CHUNK)
      const failedApply = await this.#o.docs.applyBulk(chunk, CONCURRENCY, answered)
      result.changed += chunk.length - failedApply.size
      for (const [doc, error] of failedApply) {
        const code =
          isRecordError(error) || isBriefcaseClientError(error)
            ? error.code
            : 'BRIEFCASE_STORAGE_FAILED'
        failures.set(doc, { doc: parseSyncName(doc).record, code, message: String(error) })
      }
      left -= chunk.length
      onProgress(left)
    }
    result.failed.push(...failures.values())
  }
}

function sameBytes(a: Uint8Array | null, b: Uint8Array | null): boolean {
  if (a === null || b === null) return a === b
  return a.length === b.length && a.every((v, i) => v === b[i])
}

/**
 * True for a vector stored as a view of a larger buffer (what clients before 87c6e05 stored):
 * rewritten as its own bytes, the entry is no longer kilobytes.
 */
function isView(bytes: Uint8Array | null): boolean {
  return bytes !== null && bytes.byteLength !== bytes.buffer.byteLength
}

function sameError(
  a: { code: string; message: string } | null,
  b: { code: string; message: string } | null,
): boolean {
  return a?.code === b?.code && a?.message === b?.message
}
