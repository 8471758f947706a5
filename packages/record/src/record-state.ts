import type { Author, SyncStatus } from './changes.js'
import type { EngineView, Json } from './engine.js'
import { MapRoot } from './engine.js'
import type { HlcString } from './hlc.js'
import { hlcDevice, isHlcString, maxHlc } from './hlc.js'
import type { DraftKey, SalesforceId } from './ids.js'
import { isDraftKey, isSalesforceId } from './ids.js'
import type { FieldValue, ObjectSchema } from './schema.js'
import { isTextField } from './schema.js'

/** Keys of the `server` map. */
export const ServerKey = {
  id: 'id',
  lastModifiedDate: 'lastModifiedDate',
  systemModstamp: 'systemModstamp',
  lastModifiedById: 'lastModifiedById',
  baseStamp: 'baseStamp',
  deleted: 'deleted',
} as const

/** Keys of the `meta` map. */
export const MetaKey = {
  name: 'name',
  engine: 'engine',
  draftKey: 'draftKey',
  created: 'created',
} as const

/** The key of the `status` map's one entry. */
export const STATUS_KEY = 'current'

/** A field edit as stored in `entries`. */
export interface Entry {
  key: string
  field: string
  stamp: HlcString
  value: FieldValue
}

/** A candidate for a field's value: an entry, or the shadow with its stamp. */
export interface Candidate {
  stamp: HlcString
  value: FieldValue
  /** The entry's key; absent for the shadow. */
  key?: string
}

/** A deletion as stored in `deletes`. */
export interface StoredDelete {
  stamp: HlcString
  user: string
  seen: ReadonlySet<string>
}

/** `entries` key of an edit. */
export function entryKey(field: string, stamp: HlcString): string {
  return `${field}@${stamp}`
}

function isFieldValue(v: Json | undefined): v is FieldValue {
  return v === null || ['string', 'number', 'boolean'].includes(typeof v)
}

/** Every well-formed entry, grouped by field. Malformed keys or values are ignored. */
export function readEntries(view: EngineView): Map<string, Entry[]> {
  const byField = new Map<string, Entry[]>()
  for (const [key, value] of view.entries(MapRoot.entries)) {
    const at = key.indexOf('@')
    const stamp = key.slice(at + 1)
    if (at <= 0 || !isHlcString(stamp) || !isFieldValue(value)) continue
    const field = key.slice(0, at)
    const list = byField.get(field)
    const entry: Entry = { key, field, stamp, value }
    if (list) list.push(entry)
    else byField.set(field, [entry])
  }
  return byField
}

function stringOf(view: EngineView, root: MapRoot, key: string): string | undefined {
  const v = view.get(root, key)
  return typeof v === 'string' ? v : undefined
}

/**
 * What the shadow holds for a long-text field loaded with the record, instead of a second copy of
 * the text: the text itself was Salesforce's value, identified by its length and hash. The first
 * device that edits the text keeps that value in `bases`, in the change that edits it.
 */
export function loadedText(text: string): Json {
  return { loaded: textDigest(text) }
}

/** True for a {@link loadedText} marker. */
export function isLoadedText(value: Json | undefined): value is { loaded: string } {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    typeof value.loaded === 'string'
  )
}

/** Length and FNV-1a hash of a text's UTF-16 code units: enough to tell it is unchanged. */
export function textDigest(text: string): string {
  let hash = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i)
    hash = Math.imul(hash, 0x01000193) >>> 0
  }
  return `${text.length}:${hash.toString(16)}`
}

/**
 * The shadow's value of a field as stored, with a {@link loadedText} marker resolved: the base a
 * device kept once the text was edited, else the text (which is the loaded text: the first edit
 * of it brings the base along; only a replica holding part of that edit, as Yjs may while it
 * waits for the rest, shows a changed text with no base, and the relay never holds such a state).
 */
export function shadowValue(view: EngineView, field: string): Json | undefined {
  const value = view.get(MapRoot.shadow, field)
  if (!isLoadedText(value)) return value
  const base = view.get(MapRoot.bases, field)
  return typeof base === 'string' ? base : view.text(field)
}

/** The shadow's value of a field with its stamp, if Salesforce has given one. */
export function shadowCandidate(view: EngineView, field: string): Candidate | undefined {
  const value = shadowValue(view, field)
  if (value === undefined || !isFieldValue(value)) return undefined
  const own = stringOf(view, MapRoot.stamps, field)
  const stamp = own ?? stringOf(view, MapRoot.server, ServerKey.baseStamp)
  return stamp !== undefined && isHlcString(stamp) ? { stamp, value } : undefined
}

/** The candidate with the greatest stamp. */
export function winnerOf(
  entries: readonly Entry[] | undefined,
  shadow: Candidate | undefined,
): Candidate | undefined {
  let best = shadow
  for (const e of entries ?? []) if (!best || e.stamp > best.stamp) best = e
  return best
}

/** The author of a stamp: its device, and the user the device belongs to. */
export function authorOf(view: EngineView, stamp: HlcString): Author {
  const device = hlcDevice(stamp)
  if (device.startsWith('sf-')) return { user: device.slice(3), device }
  return { user: stringOf(view, MapRoot.authors, device) ?? '', device }
}

/** The Salesforce Id of the record, once it has one. */
export function salesforceIdOf(view: EngineView): SalesforceId | null {
  const id = view.get(MapRoot.server, ServerKey.id)
  return isSalesforceId(id) ? id : null
}

/** The record's draft key, when it was created offline. */
export function draftKeyOf(view: EngineView): DraftKey | null {
  const key = view.get(MapRoot.meta, MetaKey.draftKey)
  return isDraftKey(key) ? key : null
}

/** A reference value with its draft key replaced by the Id the relay resolved it to. */
export function resolveValue(view: EngineView, value: FieldValue): FieldValue {
  if (!isDraftKey(value)) return value
  const id = view.get(MapRoot.resolutions, value)
  return isSalesforceId(id) ? id : value
}

/** The merged value of one field. */
export function readValue(
  view: EngineView,
  schema: ObjectSchema,
  field: string,
  entries: Map<string, Entry[]> = readEntries(view),
): FieldValue {
  const f = schema.fields[field]
  if (f && isTextField(f)) return view.text(field)
  const winner = winnerOf(entries.get(field), shadowCandidate(view, field))
  return resolveValue(view, winner?.value ?? null)
}

/** Merged values of every field of the schema. */
export function readValues(view: EngineView, schema: ObjectSchema): Record<string, FieldValue> {
  const entries = readEntries(view)
  const values: Record<string, FieldValue> = {}
  for (const name of Object.keys(schema.fields))
    values[name] = readValue(view, schema, name, entries)
  return values
}

/** Every deletion of the record (deleted when there is at least one). */
export function readDeletes(view: EngineView): StoredDelete[] {
  const deletes: StoredDelete[] = []
  for (const [stamp, value] of view.entries(MapRoot.deletes)) {
    if (!isHlcString(stamp) || typeof value !== 'object' || value === null) continue
    const v = value as { user?: unknown; seen?: unknown }
    const seen = Array.isArray(v.seen) ? v.seen.filter((s) => typeof s === 'string') : []
    deletes.push({ stamp, user: typeof v.user === 'string' ? v.user : '', seen: new Set(seen) })
  }
  return deletes.sort((a, b) => (a.stamp < b.stamp ? -1 : 1))
}

/** The relay's last sync report. */
export function readStatus(view: EngineView): SyncStatus | null {
  const s = view.get(MapRoot.status, STATUS_KEY)
  if (typeof s !== 'object' || s === null || Array.isArray(s)) return null
  return s as unknown as SyncStatus
}

/** The greatest stamp anywhere in the document (edits, deletes, shadow). */
export function maxStampOf(view: EngineView): HlcString | undefined {
  let max: HlcString | undefined
  for (const [key] of view.entries(MapRoot.entries)) {
    const stamp = key.slice(key.indexOf('@') + 1)
    if (isHlcString(stamp)) max = maxHlc(max, stamp)
  }
  for (const [stamp] of view.entries(MapRoot.deletes))
    if (isHlcString(stamp)) max = maxHlc(max, stamp)
  for (const [, stamp] of view.entries(MapRoot.stamps))
    if (isHlcString(stamp)) max = maxHlc(max, stamp)
  const base = view.get(MapRoot.server, ServerKey.baseStamp)
  return isHlcString(base) ? maxHlc(max, base) : max
}
