import type { SchemaResponse } from '@briefcase/protocol'
import type { DocName, RecordDocument } from '@briefcase/record'
import { Awareness } from 'y-protocols/awareness'
import * as Y from 'yjs'
import type { ChangeOrigin } from '../events.js'
import { recordName } from './record-name.js'

/** Origin of updates read from IndexedDB (never stored again). */
export const LOAD_ORIGIN = 'briefcase:load'
/** Origin of updates another tab stored and broadcast (never stored again). */
export const TAB_ORIGIN = 'briefcase:tab'
/** Origin of updates from a bulk sync response. */
export const BULK_ORIGIN = 'briefcase:bulk'
/** The record model's origin of edits made through `RecordDocument` methods. */
const LOCAL_ORIGIN = 'local'

/** Where an update origin comes from, for events and storage. */
export function changeOrigin(origin: unknown): ChangeOrigin {
  if (origin === TAB_ORIGIN) return 'tab'
  if (origin === LOCAL_ORIGIN) return 'local'
  return 'remote'
}

/** Listener of a loaded document's changes. */
export type LoadedDocListener = (origin: ChangeOrigin) => void

/**
 * A record document loaded in memory, shared by every handle of this client that has it open
 * and by sync: its Y.Doc, awareness, and the promise of its last write (an edit is durable once
 * {@link LoadedDoc.flushed} resolves).
 */
export class LoadedDoc {
  /** The document's wire and storage name: the record's, or `<record>/<partition id>`. */
  readonly doc: string
  /** The record it is a document of. */
  readonly record: DocName
  /** Its partition id; `null` for the record's main document (ADR 0005). */
  readonly partition: string | null
  readonly document: RecordDocument
  readonly ydoc: Y.Doc
  readonly awareness: Awareness
  readonly schema: SchemaResponse
  /** Handles and sync work holding it. */
  refs = 0
  /** The relay's last reported state vector (raw), to tell `saved` from `received`. */
  relaySV: Uint8Array | null = null
  /**
   * Why the relay refused this record's sync (e.g. `BRIEFCASE_ACCESS_LOST`: "You no longer have
   * access to this record."), or `null`. Changes are announced with the live listeners.
   */
  syncError: { code: string; message: string } | null = null
  readonly #listeners = new Set<LoadedDocListener>()
  readonly #liveListeners = new Set<() => void>()
  readonly #writes = new Map<'append' | 'index', Promise<void>>()

  constructor(doc: string, document: RecordDocument, ydoc: Y.Doc, schema: SchemaResponse) {
    this.doc = doc
    this.record = document.name
    this.partition = doc === document.name ? null : doc.slice(document.name.length + 1)
    this.document = document
    this.ydoc = ydoc
    this.schema = schema
    this.awareness = new Awareness(ydoc)
  }

  /** The display name (see {@link recordName}), or `fallback`. */
  displayName(fallback: string): string {
    return recordName(this.document.values(), this.schema.nameField, fallback)
  }

  /**
   * Records a write in flight; `flushed()` waits for it. A newer write of the same kind covers
   * the older ones (a failed append is retried before the next one commits; a summary is
   * recomputed whole), so only the latest of each kind is kept.
   */
  track(kind: 'append' | 'index', write: Promise<void>): void {
    write.catch(() => undefined)
    this.#writes.set(kind, write)
  }

  /** Resolves when every change so far is stored (document and index); rejects if one failed. */
  async flushed(): Promise<void> {
    await Promise.all([...this.#writes.values()])
  }

  /** Resolves when every update so far is in the document's database. */
  async flushedAppends(): Promise<void> {
    await this.#writes.get('append')
  }

  onChange(listener: LoadedDocListener): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  notify(origin: ChangeOrigin): void {
    for (const listener of [...this.#listeners]) listener(origin)
  }

  onLiveChange(listener: () => void): () => void {
    this.#liveListeners.add(listener)
    return () => this.#liveListeners.delete(listener)
  }

  notifyLive(): void {
    for (const listener of [...this.#liveListeners]) listener()
  }

  /** Applies an update another tab stored. */
  applyFromTab(update: Uint8Array): void {
    Y.applyUpdate(this.ydoc, update, TAB_ORIGIN)
  }

  destroy(): void {
    this.#listeners.clear()
    this.#liveListeners.clear()
    this.awareness.destroy()
    this.document.destroy()
  }
}
