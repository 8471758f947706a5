import type { BulkRequestDoc, BulkResponseDoc } from '@briefcase/protocol'
import {
  RelayErrorCode,
  decodeBulkResponse,
  encodeBulkRequest,
  parseSyncName,
} from '@briefcase/protocol'
import type { DocName } from '@briefcase/record'
import { PayloadKind, isRecordError } from '@briefcase/record'
import { isBriefcaseClientError } from '../errors.js'
import type { SyncFailure, SyncResult } from '../briefcase-client.js'
import type { Viewer } from '../pending/pending-state.js'
import { withDerived } from '../pending/pending-state.js'
import type { LoadedDoc } from '../records/loaded-doc.js'
import type { LoadedDocs } from '../records/loaded-docs.js'
import type { RelayApi } from '../relay/relay-api.js'
import type { CacheIndex, IndexChange } from '../storage/cache-index.js'
import type { IndexRecord } from '../storage/index-record.js'
import { docState, recordDocs, withDocState } from '../storage/index-record.js'
import { covers, insertsAnything, sealStateVector, unseal } from './state-vectors.js'

/** Documents per bulk request. */
const BATCH = 250
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
 */
export class BulkSync {
  readonly #o: BulkSyncOptions

  constructor(options: BulkSyncOptions) {
    this.#o = options
  }

  async sync(
    docs: readonly string[],
    onProgress: (done: number, total: number) => void,
    signal?: AbortSignal,
  ): Promise<BulkSyncResult> {
    const result: BulkSyncResult = {
      total: docs.length,
      changed: 0,
      failed: [],
      moved: [],
      refused: [],
    }
    onProgress(0, docs.length)
    for (let start = 0; start < docs.length; start += BATCH) {
      signal?.throwIfAborted()
      const batch = docs.slice(start, start + BATCH)
      const records = await this.#o.index.getMany(batch)
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
        await Promise.all([...held.values()].map((l) => this.#o.docs.release(l)))
      }
      report(start + batch.length)
    }
    return result
  }

  async #request(
    records: readonly IndexRecord[],
    held: Map<string, LoadedDoc>,
  ): Promise<BulkRequestDoc[]> {
    const request: BulkRequestDoc[] = []
    for (const record of records) {
      const names = new Set([
        ...recordDocs(record).map((d) => d.name),
        ...(await this.#o.names(record)),
      ])
      for (const name of names) request.push(await this.#requestDoc(record, name, held))
    }
    return request
  }

  async #requestDoc(
    record: IndexRecord,
    name: string,
    held: Map<string, LoadedDoc>,
  ): Promise<BulkRequestDoc> {
    const state = docState(record, name) ?? { relaySV: null, deviceSV: null }
    const dirty = !covers(state.relaySV, state.deviceSV)
    if (dirty || this.#o.docs.get(name)) {
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
    for (const r of response) {
      const { record, partition } = parseSyncName(r.name)
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
    const recordOf = (name: string): string => parseSyncName(name).record
    const touched = new Set([...relaySVs.keys(), ...failures.keys()].map(recordOf))
    // One transaction for every state vector and failure of the batch.
    const changes = await this.#o.index.update([...touched], (record) => {
      if (!record) return undefined
      let next = record
      for (const d of recordDocs(record)) {
        const relaySV = relaySVs.get(d.name)
        if (relaySV && !sameBytes(relaySV, d.relaySV))
          next = withDocState(next, d.name, { relaySV })
      }
      for (const [name, relaySV] of relaySVs) {
        if (recordOf(name) === record.doc && !docState(next, name)) {
          next = withDocState(next, name, { relaySV })
        }
      }
      const failure = [...failures.values()].find((f) => f.doc === record.doc)
      const syncError = failure ? { code: failure.code, message: failure.message } : null
      // Most records of a sync did not change: leave their entries alone.
      if (next === record && sameError(syncError, record.syncError)) return undefined
      return withDerived({ ...next, syncError }, this.#o.viewer)
    })
    this.#o.onIndexChanges(changes)
    for (const [doc, relaySV] of relaySVs) {
      const loaded = held.get(doc) ?? this.#o.docs.get(doc)
      if (loaded) loaded.relaySV = relaySV
    }
    const befores = new Map(records.map((r) => [r.doc, r]))
    const needed = updates.filter((u) => {
      const before = befores.get(recordOf(u.name))
      if (!before) return false
      const loaded = held.get(u.name) ?? this.#o.docs.get(u.name)
      return (
        loaded !== undefined || !docState(before, u.name)?.deviceSV || insertsAnything(u.payload)
      )
    })
    // Records with nothing to store are done now; the others as they are stored.
    let left = needed.length
    onProgress(left)
    for (let at = 0; at < needed.length; at += APPLY_CHUNK) {
      const chunk = needed.slice(at, at + APPLY_CHUNK)
      const failedApply = await this.#o.docs.applyBulk(chunk, CONCURRENCY)
      result.changed += chunk.length - failedApply.size
      for (const [doc, error] of failedApply) {
        const code =
          isRecordError(error) || isBriefcaseClientError(error)
            ? error.code
            : 'BRIEFCASE_STORAGE_FAILED'
        failures.set(doc, { doc: recordOf(doc) as DocName, code, message: String(error) })
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

function sameError(
  a: { code: string; message: string } | null,
  b: { code: string; message: string } | null,
): boolean {
  return a?.code === b?.code && a?.message === b?.message
}
