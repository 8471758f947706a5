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
import { newIndexRecord } from '../storage/index-record.js'
import type { UserSpace } from '../user-space.js'
import type { LoadedDoc } from './loaded-doc.js'

/** A {@link RecordHandle} over a loaded document of a user's space. */
export class OpenRecordHandle extends EventTarget implements RecordHandle {
  readonly doc: DocName
  readonly sobject: string
  readonly key: RecordKey
  readonly schema: SchemaResponse
  readonly document: RecordDocument
  readonly awareness: Awareness
  readonly #space: UserSpace
  readonly #loaded: LoadedDoc
  readonly #live: boolean
  readonly #unsubscribe: (() => void)[]
  #closed = false

  constructor(space: UserSpace, loaded: LoadedDoc, live: boolean) {
    super()
    this.#space = space
    this.#loaded = loaded
    this.#live = live
    this.doc = loaded.doc
    this.document = loaded.document
    this.sobject = loaded.document.sobject
    this.key = loaded.document.key
    this.schema = loaded.schema
    this.awareness = loaded.awareness
    this.#unsubscribe = [
      loaded.onChange((origin) => this.dispatchEvent(new RecordChangeEvent(this.doc, origin))),
      loaded.onLiveChange(() => this.dispatchEvent(new Event('live-change'))),
    ]
    if (live) space.wantLive(loaded)
  }

  get live(): boolean {
    return !this.#closed && (this.#space.live?.isLive(this.doc) ?? false)
  }

  get syncError(): { code: string; message: string } | null {
    return this.#loaded.syncError
  }

  get closed(): boolean {
    return this.#closed
  }

  name(): string {
    return this.#loaded.displayName(this.key)
  }

  get(field: string): FieldValue {
    return this.document.get(field)
  }

  values(): Record<string, FieldValue> {
    return this.document.values()
  }

  isDeleted(): boolean {
    return this.document.isDeleted()
  }

  set(field: string, value: unknown): Promise<void> {
    return this.#edit(() => this.document.set(field, value))
  }

  setMany(values: Readonly<Record<string, unknown>>): Promise<void> {
    return this.#edit(() => this.document.setMany(values))
  }

  insertText(field: string, index: number, text: string): Promise<void> {
    return this.#edit(() => this.document.insertText(field, index, text))
  }

  deleteText(field: string, index: number, length: number): Promise<void> {
    return this.#edit(() => this.document.deleteText(field, index, length))
  }

  delete(): Promise<void> {
    return this.#edit(() => this.document.delete())
  }

  pending(): PendingChangeView | null {
    const record = withDerived(
      {
        ...newIndexRecord({
          doc: this.doc,
          sobject: this.sobject,
          key: this.key,
          name: this.name(),
          sources: [],
          now: 0,
          expiryMs: 0,
        }),
        pending: this.document.pending(),
        deviceSV: Y.encodeStateVector(this.#loaded.ydoc),
        relaySV: this.#loaded.relaySV,
      },
      this.#space.viewer,
    )
    return toPendingView(record, this.#space.viewer)
  }

  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    for (const off of this.#unsubscribe) off()
    if (this.#live) this.#space.unwantLive(this.doc)
    await this.#space.docs.release(this.#loaded)
  }

  async #edit(change: () => unknown): Promise<void> {
    if (this.#closed) {
      throw new BriefcaseClientError(BriefcaseClientErrorCode.closed, `${this.doc} is closed.`)
    }
    change()
    await this.#loaded.flushed()
  }
}
