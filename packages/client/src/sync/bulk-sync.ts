import type { BulkRequestDoc, BulkResponseDoc } from '@briefcase/protocol'
import { decodeBulkResponse, encodeBulkRequest } from '@briefcase/protocol'
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
  onIndexChanges: (changes: IndexChange[]) => void
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
  ): Promise<SyncResult> {
    const result: SyncResult = { total: docs.length, changed: 0, failed: [] }
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
      const name = record.doc as DocName
      const dirty = !covers(record.relaySV, record.deviceSV)
      if (dirty || this.#o.docs.get(name)) {
        const loaded = await this.#o.docs.acquire(name)
        held.set(name, loaded)
        const d = loaded.document
        request.push({
          name,
          stateVector: d.encodeStateVector(),
          update: record.relaySV
            ? d.encodeUpdate(sealStateVector(name, record.relaySV))
            : d.encodeState(),
        })
      } else {
        request.push({
          name,
          stateVector: record.deviceSV ? sealStateVector(name, record.deviceSV) : new Uint8Array(),
          update: new Uint8Array(),
        })
      }
    }
    return request
  }

  async #apply(
    response: readonly BulkResponseDoc[],
    records: readonly IndexRecord[],
    held: Map<string, LoadedDoc>,
    result: SyncResult,
    onProgress: (left: number) => void,
  ): Promise<void> {
    const relaySVs = new Map<string, Uint8Array>()
    const failures = new Map<string, SyncFailure>()
    const updates: { name: DocName; update: Uint8Array; payload: Uint8Array }[] = []
    for (const r of response) {
      const name = r.name as DocName
      if (!r.ok) {
        failures.set(name, { doc: name, code: r.code, message: r.message })
        continue
      }
      try {
        relaySVs.set(name, unseal(name, r.stateVector, PayloadKind.stateVector))
        if (r.update.length > 0) {
          updates.push({
            name,
            update: r.update,
            payload: unseal(name, r.update, PayloadKind.update),
          })
        }
      } catch (error) {
        failures.set(name, {
          doc: name,
          code: 'BRIEFCASE_MALFORMED_UPDATE',
          message: String(error),
        })
      }
    }
    // One transaction for every state vector and failure of the batch.
    const changes = await this.#o.index.update(
      [...relaySVs.keys(), ...failures.keys()],
      (record) => {
        if (!record) return undefined
        const failure = failures.get(record.doc)
        const relaySV = relaySVs.get(record.doc) ?? record.relaySV
        const syncError = failure ? { code: failure.code, message: failure.message } : null
        // Most records of a sync did not change: leave their entries alone.
        if (sameBytes(relaySV, record.relaySV) && sameError(syncError, record.syncError)) {
          return undefined
        }
        return withDerived({ ...record, relaySV, syncError }, this.#o.viewer)
      },
    )
    this.#o.onIndexChanges(changes)
    for (const [doc, relaySV] of relaySVs) {
      const loaded = held.get(doc) ?? this.#o.docs.get(doc)
      if (loaded) loaded.relaySV = relaySV
    }
    const befores = new Map(records.map((r) => [r.doc, r]))
    const needed = updates.filter((u) => {
      if (!befores.has(u.name)) return false
      const loaded = held.get(u.name) ?? this.#o.docs.get(u.name)
      return loaded !== undefined || !befores.get(u.name)?.deviceSV || insertsAnything(u.payload)
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
        failures.set(doc, { doc: doc as DocName, code, message: String(error) })
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
