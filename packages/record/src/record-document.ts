import type { RefusedWrite } from './roll-back.js'
import { rollBackRefused } from './roll-back.js'
import type { PendingChange, SyncStatus } from './changes.js'
import type { ChangeListener, EngineDoc, EngineWriter, MergeEngine } from './engine.js'
import { MapRoot } from './engine.js'
import { PayloadKind, checkEnvelope, openEnvelope, sealEnvelope } from './envelope.js'
import { RecordError, RecordErrorCode } from './errors.js'
import type { HlcString, HybridClock } from './hlc.js'
import { hlcDevice, maxHlc } from './hlc.js'
import type { DocName, DraftKey, RecordKey, SalesforceId } from './ids.js'
import { newDraftKey, parseDocName } from './ids.js'
import { derivePendingChange } from './pending.js'
import {
  MetaKey,
  draftKeyOf,
  entryKey,
  maxStampOf,
  readDeletes,
  readEntries,
  readStatus,
  readValue,
  readValues,
  salesforceIdOf,
  shadowValue,
} from './record-state.js'
import type { FieldSchema, FieldValue, ObjectSchema } from './schema.js'
import { checkValue, fieldOf, isTextField } from './schema.js'
import type { Forwarded, HeldTexts } from './forward.js'
import { forwardPending, settleForwarded } from './forward.js'
import type { ServerInfo, WriteAck } from './server-updates.js'
import {
  acknowledgeDelete,
  acknowledgeWrite,
  applyServerDelete,
  applyServerRecord,
  ownEntries,
  writeMeta,
  writeResolutions,
  writeStatus,
} from './server-updates.js'
import type { RecordSnapshot } from './snapshot.js'
import { takeSnapshot } from './snapshot.js'
import { textOps } from './text-diff.js'
import type { TextOp } from './text-diff.js'
import type { Actor, DeviceEdit } from './device-edits.js'
import { claimDevice, editText, touchField } from './device-edits.js'

/** Options of {@link RecordDocument.open}. */
export interface OpenRecordOptions {
  engine: MergeEngine
  /** `<SObject>/<key>`. */
  name: string
  schema: ObjectSchema
  actor: Actor
  clock: HybridClock
  /** A state from {@link RecordDocument.encodeState} to load. */
  state?: Uint8Array
}

/** Options of {@link RecordDocument.createDraft}. */
export interface CreateDraftOptions extends Omit<OpenRecordOptions, 'name' | 'state'> {
  /** Initial values (createable fields only). */
  values?: Readonly<Record<string, unknown>>
  /** The draft key; a new random one by default. */
  draftKey?: DraftKey
}

/** Listener of {@link RecordDocument.onUpdate}: sealed update bytes and where they came from. */
export type UpdateListener = (update: Uint8Array, origin: unknown) => void

/**
 * One Salesforce record as a CRDT document: merged field values, long text merged by character,
 * deletes that win, the server shadow, and the pending change derived from them. Every edit is
 * checked against the object's schema; every update is bytes in an envelope naming the engine
 * and the document, and is refused anywhere else.
 *
 * @example
 * ```ts
 * const clock = createHybridClock({ device: parseDeviceId('phone') })
 * const doc = RecordDocument.createDraft({ engine: yjsEngine, schema, clock,
 *   actor: { user: '005000000000001AAA', device: clock.device }, values: { Name: 'Acme' } })
 * doc.set('Phone', '+1 415 555 0100')
 * doc.pending()?.operation // 'create'
 * ```
 */
export class RecordDocument {
  readonly name: DocName
  readonly sobject: string
  readonly key: RecordKey
  readonly schema: ObjectSchema
  readonly actor: Actor
  readonly clock: HybridClock
  /** The engine document underneath (the Yjs one exposes its Y.Doc). */
  readonly engineDoc: EngineDoc
  readonly #textFields: readonly string[]

  private constructor(options: OpenRecordOptions) {
    const parts = parseDocName(options.name)
    if (parts.sobject !== options.schema.name) {
      throw new RecordError(
        RecordErrorCode.invalidName,
        `${parts.name} cannot be opened with the schema of ${options.schema.name}.`,
      )
    }
    this.name = parts.name
    this.sobject = parts.sobject
    this.key = parts.key
    this.schema = options.schema
    this.actor = options.actor
    this.clock = options.clock
    this.#textFields = Object.values(options.schema.fields)
      .filter(isTextField)
      .map((f) => f.name)
      .sort()
    const genesis = { name: this.name, textFields: this.#textFields }
    let payload: Uint8Array | undefined
    if (options.state) {
      const envelope = openEnvelope(options.state)
      checkEnvelope(envelope, {
        engine: options.engine.name,
        name: this.name,
        kind: PayloadKind.update,
      })
      payload = envelope.payload
    }
    this.engineDoc = options.engine.create(genesis, payload)
  }

  /** Opens a record document (empty, or from a saved state). */
  static open(options: OpenRecordOptions): RecordDocument {
    return new RecordDocument(options)
  }

  /** Creates a record offline under a new draft key, with its initial values. */
  static createDraft(options: CreateDraftOptions): RecordDocument {
    const key = options.draftKey ?? newDraftKey()
    const doc = new RecordDocument({ ...options, name: `${options.schema.name}/${key}` })
    const values = Object.entries(options.values ?? {}).map(([name, raw]) => {
      const f = doc.#writable(name, true)
      return [f, isTextField(f) ? doc.#checkText(f, raw) : checkValue(f, raw)] as const
    })
    doc.#edit((w) => {
      const at = doc.clock.after(maxStampOf(w))
      w.set(MapRoot.meta, MetaKey.draftKey, key)
      w.set(MapRoot.meta, MetaKey.created, { user: doc.actor.user, device: doc.actor.device, at })
      claimDevice(w, doc.actor)
      for (const [f, value] of values) {
        if (isTextField(f)) {
          w.insertText(f.name, 0, value as string)
          w.set(MapRoot.entries, entryKey(f.name, at), true)
        } else {
          w.set(MapRoot.entries, entryKey(f.name, at), value)
        }
      }
    })
    return doc
  }

  // ── reading ───────────────────────────────────────────────────────────────────────────────

  /** The merged value of a field (long text: its text). */
  get(field: string): FieldValue {
    fieldOf(this.schema, field)
    return readValue(this.engineDoc, this.schema, field)
  }

  /** Merged values of every field. */
  values(): Record<string, FieldValue> {
    return readValues(this.engineDoc, this.schema)
  }

  /** The value Salesforce acknowledged for a field, if it gave one. */
  shadow(field: string): FieldValue | undefined {
    fieldOf(this.schema, field)
    const value = shadowValue(this.engineDoc, field)
    return value !== null && typeof value === 'object' ? undefined : value
  }

  /** The text of a long-text field. */
  text(field: string): string {
    return this.engineDoc.text(field)
  }

  isDeleted(): boolean {
    return readDeletes(this.engineDoc).length > 0
  }

  /** The Salesforce Id, once the record exists in Salesforce. */
  salesforceId(): SalesforceId | null {
    return salesforceIdOf(this.engineDoc)
  }

  /** The draft key, for a record created offline. */
  draftKey(): DraftKey | null {
    return draftKeyOf(this.engineDoc)
  }

  /** The relay's last report on writing this record. */
  status(): SyncStatus | null {
    return readStatus(this.engineDoc)
  }

  /** What Salesforce does not have yet, and the notices for authors (see `derivePendingChange`). */
  pending(): PendingChange | null {
    return derivePendingChange(this.engineDoc, this.schema, {
      name: this.name,
      sobject: this.sobject,
      key: this.key,
    })
  }

  /** The whole logical state as plain data. */
  snapshot(): RecordSnapshot {
    return takeSnapshot(this.engineDoc, {
      name: this.name,
      engine: this.engineDoc.engine,
      textFields: this.#textFields,
    })
  }

  // ── device edits ──────────────────────────────────────────────────────────────────────────

  /**
   * Sets a field (a long-text field is replaced through a minimal character diff). Returns the
   * edit's stamp.
   */
  set(field: string, value: unknown): HlcString {
    return this.setMany({ [field]: value })
  }

  /** Sets several fields in one update. Returns the greatest stamp of its edits. */
  setMany(values: Readonly<Record<string, unknown>>): HlcString {
    const checked = Object.entries(values).map(([name, raw]) => {
      const f = this.#writable(name)
      return [f, isTextField(f) ? this.#checkText(f, raw) : checkValue(f, raw)] as const
    })
    let last: HlcString | undefined
    this.#edit((w) => {
      const device = this.#device(w)
      for (const [f, value] of checked) {
        const at = isTextField(f)
          ? editText(device, f.name, textOps(w.text(f.name), value as string))
          : touchField(device, f.name, value)
        last = maxHlc(last, at)
      }
    })
    return last ?? this.clock.peek()
  }

  /** Inserts text into a long-text field at `index`. Returns the edit's stamp. */
  insertText(field: string, index: number, text: string): HlcString {
    const f = this.#writable(field)
    this.#requireText(f)
    const current = this.engineDoc.text(field)
    if (!Number.isInteger(index) || index < 0 || index > current.length) {
      throw new RecordError(RecordErrorCode.invalidOperation, `Index ${index} is outside ${field}.`)
    }
    this.#checkText(f, current + text)
    return this.#textEdit(field, [{ kind: 'insert', index, text }])
  }

  /** Deletes `length` characters of a long-text field from `index`. Returns the edit's stamp. */
  deleteText(field: string, index: number, length: number): HlcString {
    const f = this.#writable(field)
    this.#requireText(f)
    const current = this.engineDoc.text(field)
    const valid = [index, length].every((n) => Number.isInteger(n) && n >= 0)
    if (!valid || index + length > current.length) {
      throw new RecordError(
        RecordErrorCode.invalidOperation,
        `Range ${index}+${length} is outside ${field}.`,
      )
    }
    return this.#textEdit(field, length === 0 ? [] : [{ kind: 'delete', index, length }])
  }

  /**
   * Deletes the record. The delete wins over concurrent and later edits. Returns its stamp, or
   * `null` when the record was already deleted.
   */
  delete(): HlcString | null {
    if (this.isDeleted()) return null
    let at: HlcString | undefined
    this.#edit((w) => {
      at = this.clock.after(maxStampOf(w))
      claimDevice(w, this.actor)
      const seen = [...w.entries(MapRoot.entries)].map(([key]) => key)
      w.set(MapRoot.deletes, at, { user: this.actor.user, device: this.actor.device, seen })
    })
    return at ?? null
  }

  /**
   * Drops this device's notices (superseded or beaten edits) up to the given stamps, once the
   * user has seen them.
   */
  dismiss(notices: readonly { field: string; at: HlcString }[]): void {
    const mine = notices.filter((n) => hlcDevice(n.at) === this.actor.device)
    if (mine.length === 0) return
    this.#edit((w) => {
      const entries = readEntries(w)
      for (const n of mine) {
        for (const e of ownEntries(entries.get(n.field), this.actor.device)) {
          if (e.stamp <= n.at) w.delete(MapRoot.entries, e.key)
        }
      }
    })
  }

  // ── the relay's writes ────────────────────────────────────────────────────────────────────

  /**
   * Merges the record as Salesforce has it (see `applyServerRecord`). Returns the stamps of the
   * fields that changed.
   */
  applyServerRecord(
    values: Readonly<Record<string, unknown>>,
    info: ServerInfo,
  ): Record<string, HlcString> {
    let changed: Record<string, HlcString> = {}
    this.#edit((w) => {
      changed = applyServerRecord(w, this.schema, values, info)
    })
    return changed
  }

  /**
   * The relay's move of a retired document's unwritten edits into this one, a current document
   * of the same record holding some of its fields (ADR 0005; see `forwardPending`). Returns what
   * was forwarded, for `source.settleForwarded`. `held`: what the relay holds of the source's
   * long texts, when a device forwards a replica the relay refused. `meta: false`: a draft's
   * metadata is not copied (see `forwardPending`).
   */
  forwardFrom(source: RecordDocument, held?: HeldTexts, meta = true): Forwarded {
    const pending = source.pending()
    let out: Forwarded = { fields: {}, deleted: false }
    if (!pending || pending.operation === null) return out
    this.#edit((w) => {
      out = forwardPending(w, this.schema, source.engineDoc, pending, held, meta)
    })
    return out
  }

  /** Marks edits forwarded from this retired document as handled (see `settleForwarded`). */
  settleForwarded(forwarded: Forwarded): void {
    if (Object.keys(forwarded.fields).length === 0 && !forwarded.deleted) return
    this.#edit((w) => settleForwarded(w, this.schema, forwarded))
  }

  /** Records a write Salesforce accepted. */
  acknowledgeWrite(ack: WriteAck): void {
    this.#edit((w) => acknowledgeWrite(w, this.schema, ack))
  }

  /** Records that our delete reached Salesforce. */
  acknowledgeDelete(): void {
    this.#edit(acknowledgeDelete)
  }

  /**
   * Undoes a write Salesforce refused for lack of access (the record returns to Salesforce's
   * state; later edits stay). See {@link rollBackRefused}.
   */
  rollBack(refused: RefusedWrite): void {
    this.#edit((w) => rollBackRefused(w, refused))
  }

  /** Applies a delete made on the server. */
  applyServerDelete(deletedBy: string, deletedAt: string): void {
    this.#edit((w) => applyServerDelete(w, deletedBy, deletedAt))
  }

  /** Sets or clears the relay's sync status. */
  setStatus(status: SyncStatus | null): void {
    this.#edit((w) => writeStatus(w, status))
  }

  /** Records the Ids draft keys were created as, so references resolve. */
  resolveDraftKeys(resolutions: Readonly<Record<DraftKey, SalesforceId>>): void {
    this.#edit((w) => writeResolutions(w, resolutions))
  }

  // ── sync ──────────────────────────────────────────────────────────────────────────────────

  /** The whole state, sealed. */
  encodeState(): Uint8Array {
    return this.#seal(PayloadKind.update, this.engineDoc.encodeState())
  }

  /** What this replica has, sealed. */
  encodeStateVector(): Uint8Array {
    return this.#seal(PayloadKind.stateVector, this.engineDoc.encodeStateVector())
  }

  /** What a replica at `stateVector` lacks (everything without one), sealed. */
  encodeUpdate(stateVector?: Uint8Array): Uint8Array {
    if (!stateVector) return this.encodeState()
    const envelope = openEnvelope(stateVector)
    checkEnvelope(envelope, {
      engine: this.engineDoc.engine,
      name: this.name,
      kind: PayloadKind.stateVector,
    })
    return this.#seal(PayloadKind.update, this.engineDoc.encodeDiff(envelope.payload))
  }

  /** True when the replica whose sealed state vector this is has every change this one has. */
  isCoveredBy(stateVector: Uint8Array): boolean {
    const envelope = openEnvelope(stateVector)
    checkEnvelope(envelope, {
      engine: this.engineDoc.engine,
      name: this.name,
      kind: PayloadKind.stateVector,
    })
    return this.engineDoc.isCoveredBy(envelope.payload)
  }

  /**
   * Applies a sealed update from another replica. Refuses (and changes nothing) when it is
   * malformed, of another engine or for another document.
   */
  applyUpdate(update: Uint8Array, origin: unknown = 'remote'): void {
    const envelope = openEnvelope(update)
    checkEnvelope(envelope, {
      engine: this.engineDoc.engine,
      name: this.name,
      kind: PayloadKind.update,
    })
    this.engineDoc.apply(envelope.payload, origin)
  }

  /** Calls `listener` with every change as a sealed update. Returns the unsubscribe. */
  onUpdate(listener: UpdateListener): () => void {
    const relay: ChangeListener = (payload, origin) =>
      listener(this.#seal(PayloadKind.update, payload), origin)
    return this.engineDoc.onChange(relay)
  }

  destroy(): void {
    this.engineDoc.destroy()
  }

  // ── internals ─────────────────────────────────────────────────────────────────────────────

  #seal(kind: PayloadKind, payload: Uint8Array): Uint8Array {
    return sealEnvelope({ engine: this.engineDoc.engine, kind, name: this.name, payload })
  }

  #edit(fn: (w: EngineWriter) => void): void {
    this.engineDoc.transact((w) => {
      writeMeta(w, this.name, this.engineDoc.engine)
      let wrote = false
      let deleted = false
      fn({
        ...w,
        set: (root, key, value) => ((wrote = true), w.set(root, key, value)),
        insertText: (field, index, text) => ((wrote = true), w.insertText(field, index, text)),
        delete: (root, key) => ((deleted = true), w.delete(root, key)),
        deleteText: (field, index, length) => (
          (deleted = true),
          w.deleteText(field, index, length)
        ),
      })
      // A change that only deletes (a dismissed notice, a cleared status) leaves a Yjs state
      // vector as it was, so a replica without it would look as if it had it (isCoveredBy,
      // sync). It also writes the actor's author entry, which any replica may write.
      if (deleted && !wrote) w.set(MapRoot.authors, this.actor.device, this.actor.user)
    })
  }

  #writable(name: string, creating = false): FieldSchema {
    const f = fieldOf(this.schema, name)
    if (this.isDeleted()) {
      throw new RecordError(RecordErrorCode.recordDeleted, `${this.name} is deleted.`, {
        field: name,
      })
    }
    const draft = creating || (this.salesforceId() === null && this.draftKey() !== null)
    const allowed = draft ? f.createable !== false : f.updateable !== false
    if (!allowed) {
      throw new RecordError(
        RecordErrorCode.readOnlyField,
        `${this.sobject}.${name} is not ${draft ? 'createable' : 'updateable'}.`,
        { field: name },
      )
    }
    return f
  }

  #requireText(f: FieldSchema): void {
    if (!isTextField(f)) {
      throw new RecordError(RecordErrorCode.fieldType, `${f.name} is not a long-text field.`, {
        field: f.name,
      })
    }
  }

  #checkText(f: FieldSchema, value: unknown): string {
    const checked = checkValue({ ...f, type: 'string' }, value ?? '')
    return checked as string
  }

  #textEdit(field: string, ops: readonly TextOp[]): HlcString {
    let at: HlcString | undefined
    this.#edit((w) => {
      at = editText(this.#device(w), field, ops)
    })
    return at ?? this.clock.peek()
  }

  /** This handle's device edit inside a transaction. */
  #device(w: EngineWriter): DeviceEdit {
    return { w, clock: this.clock, actor: this.actor, entries: readEntries(w) }
  }
}
