import type { SchemaResponse } from '@briefcase/protocol'
import type { DocName, FieldValue, RecordDocument, RecordKey } from '@briefcase/record'
import * as Y from 'yjs'
import type { Awareness } from 'y-protocols/awareness'
import { BriefcaseClientError, BriefcaseClientErrorCode } from '../errors.js'
import { RecordChangeEvent } from '../events.js'
import type { PendingChangeView } from '../pending-view.js'
import { withDerived } from '../pending/pending-state.js'
import { toPendingView } from '../pending/pending-views.js'
import type { RecordHandle } from '../record-handle.js'
import type { IndexRecord } from '../storage/index-record.js'
import { newIndexRecord, withDocState } from '../storage/index-record.js'
import type { UserSpace } from '../user-space.js'
import type { LoadedDoc } from './loaded-doc.js'
import { mergedSchema } from './record-parts.js'

/**
 * A {@link RecordHandle} over the loaded documents of a record (its main partition first, then
 * the other partitions the user reads, ADR 0005): reads and edits go to the document holding the
 * field, and the record reads as one.
 */
export class OpenRecordHandle extends EventTarget implements RecordHandle {
  readonly doc: DocName
  readonly sobject: string
  readonly key: RecordKey
  readonly #space: UserSpace
  readonly #live: boolean
  #docs: LoadedDoc[]
  #schema: SchemaResponse
  #unsubscribe: (() => void)[] = []
  /** Resolves when the handle holds its record's current documents (after a move). */
  #ready: Promise<void> = Promise.resolve()
  #suspended = false
  #closed = false

  constructor(space: UserSpace, docs: readonly LoadedDoc[], live: boolean) {
    super()
    const main = docs[0]
    if (!main) throw new Error('A record handle needs its main document.')
    this.#space = space
    this.#live = live
    this.#docs = [...docs]
    this.#schema = mergedSchema(main.schema)
    this.doc = main.record
    this.sobject = main.document.sobject
    this.key = main.document.key
    this.#attach()
    space.handles.add(this)
  }

  get #main(): LoadedDoc {
    return this.#docs[0] as LoadedDoc
  }

  get schema(): SchemaResponse {
    return this.#schema
  }

  get document(): RecordDocument {
    return this.#main.document
  }

  get documents(): readonly RecordDocument[] {
    return this.#docs.map((d) => d.document)
  }

  /** The wire names of the documents the handle holds (main first). */
  get docNames(): string[] {
    return this.#docs.map((d) => d.doc)
  }

  get awareness(): Awareness {
    return this.#main.awareness
  }

  get live(): boolean {
    const live = this.#space.live
    return !this.#closed && live !== null && this.#docs.every((d) => live.isLive(d.doc))
  }

  get syncError(): { code: string; message: string } | null {
    return this.#docs.find((d) => d.syncError !== null)?.syncError ?? null
  }

  get closed(): boolean {
    return this.#closed
  }

  name(): string {
    return this.#main.displayName(this.key)
  }

  get(field: string): FieldValue {
    return this.#docOf(field).document.get(field)
  }

  values(): Record<string, FieldValue> {
    return Object.assign({}, ...this.#docs.map((d) => d.document.values())) as Record<
      string,
      FieldValue
    >
  }

  isDeleted(): boolean {
    return this.#main.document.isDeleted()
  }

  set(field: string, value: unknown): Promise<void> {
    return this.#edit(() => this.#docOf(field).document.set(field, value))
  }

  setMany(values: Readonly<Record<string, unknown>>): Promise<void> {
    return this.#edit(() => {
      const byDoc = new Map<LoadedDoc, Record<string, unknown>>()
      for (const [field, value] of Object.entries(values)) {
        const d = this.#docOf(field)
        byDoc.set(d, { ...byDoc.get(d), [field]: value })
      }
      for (const [d, part] of byDoc) d.document.setMany(part)
    })
  }

  insertText(field: string, index: number, text: string): Promise<void> {
    return this.#edit(() => this.#docOf(field).document.insertText(field, index, text))
  }

  deleteText(field: string, index: number, length: number): Promise<void> {
    return this.#edit(() => this.#docOf(field).document.deleteText(field, index, length))
  }

  delete(): Promise<void> {
    // A draft Salesforce does not have yet is deleted whole: none of its documents is created.
    const main = this.#main.document
    const draft = main.salesforceId() === null && main.draftKey() !== null
    return this.#edit(() => {
      for (const d of draft ? this.#docs : [this.#main]) d.document.delete()
    })
  }

  pending(): PendingChangeView | null {
    let record: IndexRecord = newIndexRecord({
      doc: this.doc,
      sobject: this.sobject,
      key: this.key,
      name: this.name(),
      sources: [],
      now: 0,
      expiryMs: 0,
    })
    for (const d of this.#docs) {
      record = withDocState(record, d.doc, {
        pending: d.document.pending(),
        deviceSV: Y.encodeStateVector(d.ydoc),
        relaySV: d.relaySV,
      })
    }
    return toPendingView(withDerived(record, this.#space.viewer), this.#space.viewer)
  }

  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    this.#space.handles.delete(this)
    await this.#ready
    await this.#detach()
  }

  /**
   * The record's documents moved (a readability change): lets go of the old ones until
   * {@link reopen} hands over the current ones. Edits made meanwhile wait for them.
   */
  async suspend(): Promise<void> {
    let resume = (): void => undefined
    const ready = new Promise<void>((resolve) => (resume = resolve))
    const previous = this.#ready
    this.#ready = ready
    this.#suspended = true
    this.#resume = () => {
      this.#suspended = false
      resume()
    }
    await previous
    await this.#detach()
  }

  /** Takes the record's current documents after {@link suspend} and tells listeners. */
  reopen(docs: readonly LoadedDoc[]): void {
    const main = docs[0]
    if (main) {
      this.#docs = [...docs]
      this.#schema = mergedSchema(main.schema)
      this.#attach()
    }
    this.#resume()
    this.dispatchEvent(new RecordChangeEvent(this.doc, 'remote'))
    this.dispatchEvent(new Event('live-change'))
  }

  #resume: () => void = () => undefined

  #attach(): void {
    this.#unsubscribe = this.#docs.flatMap((d) => [
      d.onChange((origin) => this.dispatchEvent(new RecordChangeEvent(this.doc, origin))),
      d.onLiveChange(() => this.dispatchEvent(new Event('live-change'))),
    ])
    if (this.#live) for (const d of this.#docs) this.#space.wantLive(d)
  }

  async #detach(): Promise<void> {
    for (const off of this.#unsubscribe) off()
    this.#unsubscribe = []
    if (this.#live) for (const d of this.#docs) this.#space.unwantLive(d.doc)
    await Promise.all(this.#docs.map((d) => this.#space.docs.release(d)))
  }

  /** The document holding `field` (the main one for fields no partition holds). */
  #docOf(field: string): LoadedDoc {
    return this.#docs.find((d) => Object.hasOwn(d.document.schema.fields, field)) ?? this.#main
  }

  async #edit(change: () => unknown): Promise<void> {
    // Applied at once (a read right after the call sees it), unless the documents are moving.
    if (this.#suspended) await this.#ready
    if (this.#closed) {
      throw new BriefcaseClientError(BriefcaseClientErrorCode.closed, `${this.doc} is closed.`)
    }
    change()
    await Promise.all(this.#docs.map((d) => d.flushed()))
  }
}
