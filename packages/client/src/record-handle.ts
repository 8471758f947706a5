import type { SchemaResponse } from '@briefcase/protocol'
import type { DocName, FieldValue, RecordDocument, RecordKey } from '@briefcase/record'
import type { Awareness } from 'y-protocols/awareness'
import type { RecordHandleEventMap } from './events.js'
import type { PendingChangeView } from './pending-view.js'
import type { TypedEventTarget } from './typed-event-target.js'

/**
 * An open record: read its merged values, edit them, follow remote changes and cursors. Every
 * edit method resolves only once the change is stored in IndexedDB (the call is durable when it
 * returns); invalid values reject with the record model's `RecordError` (`BRIEFCASE_FIELD_TYPE`,
 * `BRIEFCASE_READ_ONLY_FIELD`, …) and change nothing. Close the handle when the record leaves the
 * screen: it frees its live connection for another record.
 *
 * @example
 * ```ts
 * const handle = await client.open('Account/001000000000001AAA')
 * handle.addEventListener('record-change', () => render(handle.values()))
 * await handle.set('Phone', '+1 415 555 0100')     // durable on this device when it resolves
 * await handle.insertText('Description', 0, 'VIP. ')
 * handle.awareness.setLocalStateField('cursor', { field: 'Description', index: 5 })
 * await handle.close()
 * ```
 */
export interface RecordHandle extends TypedEventTarget<RecordHandleEventMap> {
  readonly doc: DocName
  readonly sobject: string
  /** The Salesforce Id, or the draft key of a record created on a device (kept for life). */
  readonly key: RecordKey
  /**
   * The object's schema, labels and name field as the relay described them; `schema.fields`
   * lists every field the user reads, those of other partitions (ADR 0005) included.
   */
  readonly schema: SchemaResponse
  /**
   * The record's main document (read-only use: `pending()`, `snapshot()`, `text()`). Edits made
   * on it directly are stored too, but only the handle's methods wait for the write.
   */
  readonly document: RecordDocument
  /**
   * Every document of the record the user reads: the main one, then one per partition of fields
   * only some users read (ADR 0005). Each field lives in exactly one of them.
   */
  readonly documents: readonly RecordDocument[]
  /**
   * y-protocols awareness of this record's main document (cursors, presence), shared live when
   * `live`. Its local
   * state starts as `{ user: { id, name, device } }`; add fields with `setLocalStateField`.
   */
  readonly awareness: Awareness
  /** True while live WebSockets sync every document of this record. */
  readonly live: boolean
  /**
   * Why the relay stopped syncing this record, or `null`: `BRIEFCASE_ACCESS_LOST` ("You no
   * longer have access to this record.") once the user lost access to it in Salesforce. Changes
   * fire `live-change`.
   */
  readonly syncError: { code: string; message: string } | null
  readonly closed: boolean

  /** Display name (the value of the object's name field). */
  name(): string
  /** The merged value of a field (long text: its text). */
  get(field: string): FieldValue
  /** Merged values of every field. */
  values(): Record<string, FieldValue>
  /** True once the record is deleted (here, on another device or in Salesforce). */
  isDeleted(): boolean

  /** Sets a field (long text: replaced through a minimal character diff). */
  set(field: string, value: unknown): Promise<void>
  /** Sets several fields in one change. */
  setMany(values: Readonly<Record<string, unknown>>): Promise<void>
  /** Inserts text into a long-text field. */
  insertText(field: string, index: number, text: string): Promise<void>
  /** Deletes characters of a long-text field. */
  deleteText(field: string, index: number, length: number): Promise<void>
  /** Deletes the record (wins over concurrent and later edits). */
  delete(): Promise<void>

  /** This record's pending change, or `null` when Salesforce has everything. */
  pending(): PendingChangeView | null
  /** Releases the record (and its live connection). Further edits reject with `BRIEFCASE_CLOSED`. */
  close(): Promise<void>
}

/** Options of `client.open()`. */
export interface OpenOptions {
  /**
   * Connect the record live (default: the client's `autoSync`; the most recently opened records
   * win the bound).
   */
  live?: boolean
}
