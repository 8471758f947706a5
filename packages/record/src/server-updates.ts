import type { SyncStatus } from './changes.js'
import type { EngineWriter, Json } from './engine.js'
import { MapRoot } from './engine.js'
import type { HlcString } from './hlc.js'
import { hlcDevice, isHlcString, serverDevice, serverStamp, stampAfter } from './hlc.js'
import type { DocName, DraftKey, SalesforceId } from './ids.js'
import { isSalesforceId } from './ids.js'
import type { Entry } from './record-state.js'
import {
  MetaKey,
  STATUS_KEY,
  ServerKey,
  isLoadedText,
  loadedText,
  readEntries,
  shadowCandidate,
  shadowValue,
} from './record-state.js'
import type { FieldValue, ObjectSchema } from './schema.js'
import { canonicalDatetime, checkValue, isTextField } from './schema.js'
import { mergeTextOps } from './text-diff.js'
import type { TextOp } from './text-diff.js'
import type { EngineName } from './engine.js'

/** What Salesforce says about a record version (from a retrieve, a query or a write). */
export interface ServerInfo {
  salesforceId: SalesforceId
  /** ISO datetime (Salesforce's `+0000` form or `Z`). */
  lastModifiedDate: string
  systemModstamp: string
  lastModifiedById: SalesforceId | string
}

/** A write the relay made and Salesforce accepted: the values sent, with the stamps they had. */
export interface WriteAck {
  fields: Readonly<Record<string, { value: FieldValue; stamp: HlcString }>>
  info: ServerInfo
}

/** Applies text edits through a writer. */
export function applyTextOps(w: EngineWriter, field: string, ops: readonly TextOp[]): void {
  for (const op of ops) {
    if (op.kind === 'insert') w.insertText(field, op.index, op.text)
    else w.deleteText(field, op.index, op.length)
  }
}

/**
 * Sets a long-text field's shadow. A value (not the loaded marker) replaces the loaded text for
 * good, so a base a device kept of it is no longer needed.
 */
function writeTextShadow(w: EngineWriter, field: string, value: Json): void {
  w.set(MapRoot.shadow, field, value)
  if (!isLoadedText(value) && w.get(MapRoot.bases, field) !== undefined) {
    w.delete(MapRoot.bases, field)
  }
}

function ms(iso: string): number {
  const canonical = canonicalDatetime(iso)
  return canonical === undefined ? 0 : Date.parse(canonical)
}

/** A value from Salesforce in canonical form; values the schema cannot read are kept as they are. */
function serverValue(schema: ObjectSchema, field: string, value: unknown): FieldValue | undefined {
  const f = schema.fields[field]
  if (!f) return undefined
  try {
    return checkValue({ ...f, length: 0, restrictedPicklist: false }, value)
  } catch {
    const plain = value === null || ['string', 'number', 'boolean'].includes(typeof value)
    return plain ? (value as FieldValue) : undefined
  }
}

function writeInfo(w: EngineWriter, info: ServerInfo): void {
  const current = w.get(MapRoot.server, ServerKey.systemModstamp)
  if (typeof current === 'string' && ms(current) > ms(info.systemModstamp)) return
  // Only what differs: re-reading an unchanged record must not make an update (Yjs writes a
  // new item even for an equal value).
  const values: [string, Json][] = [
    [ServerKey.id, info.salesforceId],
    [ServerKey.lastModifiedDate, canonicalDatetime(info.lastModifiedDate) ?? null],
    [ServerKey.systemModstamp, canonicalDatetime(info.systemModstamp) ?? null],
    [ServerKey.lastModifiedById, info.lastModifiedById],
  ]
  for (const [key, value] of values) {
    if (w.get(MapRoot.server, key) !== value) w.set(MapRoot.server, key, value)
  }
}

/** Writes the document's name and engine the first time anything is written. */
export function writeMeta(w: EngineWriter, name: DocName, engine: EngineName): void {
  if (w.get(MapRoot.meta, MetaKey.name) === undefined) w.set(MapRoot.meta, MetaKey.name, name)
  if (w.get(MapRoot.meta, MetaKey.engine) === undefined) w.set(MapRoot.meta, MetaKey.engine, engine)
}

/**
 * Merges a record as Salesforce has it. Fields whose value equals the shadow change nothing (our
 * own write echoed back). Other fields are server-side changes: the shadow takes the value,
 * stamped with LastModifiedDate by the user who made it, and after the shadow stamp it replaces, because
 * whoever changed it on the server saw that value. Long text merges by character.
 * The first time, the values become the base with one stamp for all; after that, a field the
 * shadow does not hold counts as empty.
 */
export function applyServerRecord(
  w: EngineWriter,
  schema: ObjectSchema,
  values: Readonly<Record<string, unknown>>,
  info: ServerInfo,
): Record<string, HlcString> {
  const changed: Record<string, HlcString> = {}
  const stamp = serverStamp(ms(info.lastModifiedDate), info.lastModifiedById)
  const first = w.get(MapRoot.server, ServerKey.baseStamp) === undefined
  if (first) w.set(MapRoot.server, ServerKey.baseStamp, stamp)
  // Edits matter only to a first load (the puller's later reads skip reading them).
  const edited = first ? readEntries(w) : undefined
  for (const [field, raw] of Object.entries(values)) {
    const value = serverValue(schema, field, raw)
    if (value === undefined) continue
    const f = schema.fields[field]
    const shadow = shadowValue(w, field)
    const known = shadow !== undefined
    if (known && shadow === value) continue
    // Salesforce stores an empty long text as null: reading back a text we cleared is no change.
    if (f && isTextField(f) && known && (shadow ?? '') === (value ?? '')) continue
    // A field the shadow never had is empty in Salesforce (a record we created without it):
    // reading it back empty is no change, and must not beat device edits made since.
    if (!known && !first && value === null) continue
    const current = shadowCandidate(w, field)?.stamp
    if (f && isTextField(f)) {
      const base = typeof shadow === 'string' ? shadow : ''
      const incoming = typeof value === 'string' ? value : ''
      applyTextOps(w, field, mergeTextOps(base, w.text(field), incoming))
      // Loaded into a text nobody edited: the text is the shadow's value, held once.
      const loaded = edited !== undefined && !known && incoming !== '' && !edited.has(field)
      writeTextShadow(w, field, loaded && w.text(field) === incoming ? loadedText(incoming) : value)
    } else {
      w.set(MapRoot.shadow, field, value)
    }
    if (first && !known) {
      changed[field] = stamp
      continue
    }
    const own =
      current !== undefined && stamp <= current
        ? stampAfter(current, serverDevice(info.lastModifiedById))
        : stamp
    w.set(MapRoot.stamps, field, own)
    changed[field] = own
  }
  writeInfo(w, info)
  return changed
}

/**
 * Records a write Salesforce accepted: the shadow takes the values sent, at the stamps of the
 * edits they came from, and those edits (with the same device's older ones) are dropped: they can
 * never win again. Other devices' losing edits stay, as notices for their authors.
 */
export function acknowledgeWrite(w: EngineWriter, schema: ObjectSchema, ack: WriteAck): void {
  const entries = readEntries(w)
  if (w.get(MapRoot.server, ServerKey.baseStamp) === undefined) {
    const base = serverStamp(ms(ack.info.lastModifiedDate), ack.info.lastModifiedById)
    w.set(MapRoot.server, ServerKey.baseStamp, base)
  }
  for (const [field, { value, stamp }] of Object.entries(ack.fields)) {
    const current = shadowCandidate(w, field)?.stamp
    const f = schema.fields[field]
    const text = f !== undefined && isTextField(f)
    if (text) writeTextShadow(w, field, value)
    else w.set(MapRoot.shadow, field, value)
    if (current === undefined || stamp > current) w.set(MapRoot.stamps, field, stamp)
    for (const e of entries.get(field) ?? []) {
      if (e.stamp <= stamp && (text || hlcDevice(e.stamp) === hlcDevice(stamp))) {
        w.delete(MapRoot.entries, e.key)
      }
    }
  }
  writeInfo(w, ack.info)
}

/** Records that Salesforce deleted the record (our delete went through). */
export function acknowledgeDelete(w: EngineWriter): void {
  w.set(MapRoot.server, ServerKey.deleted, true)
}

/**
 * A delete made on the server: it beats every device edit Salesforce never had, and they are
 * reported to their authors.
 */
export function applyServerDelete(
  w: EngineWriter,
  deletedBy: SalesforceId | string,
  deletedAt: string,
): void {
  const stamp = serverStamp(ms(deletedAt), deletedBy)
  const value: Json = { user: deletedBy, device: serverDevice(deletedBy), seen: [] }
  w.set(MapRoot.deletes, stamp, value)
  w.set(MapRoot.server, ServerKey.deleted, true)
}

/** Sets (or clears) the relay's sync status. */
export function writeStatus(w: EngineWriter, status: SyncStatus | null): void {
  if (status === null) w.delete(MapRoot.status, STATUS_KEY)
  else w.set(MapRoot.status, STATUS_KEY, status as unknown as Json)
}

/** Records the Salesforce Ids the given draft keys were created as. */
export function writeResolutions(
  w: EngineWriter,
  resolutions: Readonly<Record<DraftKey, SalesforceId>>,
): void {
  for (const [key, id] of Object.entries(resolutions)) {
    if (isSalesforceId(id) && w.get(MapRoot.resolutions, key) !== id) {
      w.set(MapRoot.resolutions, key, id)
    }
  }
}

/** Stamps of a device's edits of a field (used to drop own older ones). */
export function ownEntries(entries: readonly Entry[] | undefined, device: string): Entry[] {
  return (entries ?? []).filter((e) => isHlcString(e.stamp) && hlcDevice(e.stamp) === device)
}
