import type { PendingChange, PendingField } from './changes.js'
import type { EngineView, EngineWriter } from './engine.js'
import { MapRoot } from './engine.js'
import type { HlcString } from './hlc.js'
import { maxHlc } from './hlc.js'
import {
  MetaKey,
  ServerKey,
  authorOf,
  entryKey,
  isLoadedText,
  readEntries,
  shadowValue,
  textDigest,
} from './record-state.js'
import type { FieldValue, ObjectSchema } from './schema.js'
import { isTextField } from './schema.js'
import { applyTextOps } from './server-updates.js'
import { mergeTextOps, unionText } from './text-diff.js'

/** What a retired document forwarded, to settle in it (see {@link settleForwarded}). */
export interface Forwarded {
  /** Per field: the value forwarded and the stamp of the edit it came from. */
  fields: Record<string, { value: FieldValue; stamp: HlcString }>
  /** True when the record's deletes were forwarded. */
  deleted: boolean
}

/**
 * Per long-text field, the part of a retired replica's text that the relay holds already: the
 * characters of Yjs items its acknowledged state vector covers, as far as the replica still has
 * them (see `YjsEngineDoc.heldText`). The relay forwarded those itself.
 */
export type HeldTexts = Readonly<Record<string, string>>

/**
 * Copies what a retired document has that Salesforce lacks (its pending change) into a current
 * document holding some of its fields (ADR 0005). A scalar edit becomes an entry with its own
 * stamp and author, so the HLC decides against what the target holds; a long-text edit is the
 * character diff from the retired shadow to its text, applied in place, with a touch entry;
 * deletes are copied as they are; a draft's metadata too. Idempotent while the target keeps the
 * entries: an edit whose entry (field and stamp) it has was forwarded to it already.
 *
 * `held` (a device forwarding a replica the relay refused): the diff starts from the shadow
 * joined with what the relay holds of the text, so an insertion the relay forwarded already is
 * not made again, one the replica deleted since is deleted; deleting a character the target
 * lacks changes nothing.
 *
 * `meta: false`: the draft's metadata is not copied (a target the relay holds already: only the
 * device creating a draft document writes its metadata).
 */
export function forwardPending(
  w: EngineWriter,
  schema: ObjectSchema,
  source: EngineView,
  pending: PendingChange,
  held: HeldTexts = {},
  meta = true,
): Forwarded {
  const out: Forwarded = { fields: {}, deleted: false }
  for (const key of meta ? [MetaKey.draftKey, MetaKey.created] : []) {
    const v = source.get(MapRoot.meta, key)
    if (v !== undefined && w.get(MapRoot.meta, key) === undefined) w.set(MapRoot.meta, key, v)
  }
  for (const p of [...pending.fields, ...heldOnly(source, schema, pending, held)]) {
    const f = schema.fields[p.field]
    if (!f) continue
    const { device, user } = p.author
    if (user !== '' && w.get(MapRoot.authors, device) === undefined) {
      w.set(MapRoot.authors, device, user)
    }
    // The target has the edit's entry: it was forwarded here already (a retry, or the relay and
    // the device both holding it), and a text diff applied twice would insert twice.
    const key = entryKey(p.field, p.at)
    if (w.get(MapRoot.entries, key) === undefined) {
      if (isTextField(f)) forwardText(w, p, held[p.field])
      w.set(MapRoot.entries, key, isTextField(f) ? true : p.new)
    }
    out.fields[p.field] = { value: p.new, stamp: p.at }
  }
  if (pending.deleted) {
    for (const [stamp, value] of source.entries(MapRoot.deletes)) {
      if (w.get(MapRoot.deletes, stamp) === undefined) w.set(MapRoot.deletes, stamp, value)
    }
    out.deleted = true
  }
  return out
}

/**
 * Long texts a replica changed back to its shadow (so not pending) that the relay holds more of:
 * typed online, unwritten, then deleted on the replica. Forwarded like pending edits, at the
 * replica's last edit of them (its deletion).
 */
function heldOnly(
  source: EngineView,
  schema: ObjectSchema,
  pending: PendingChange,
  held: HeldTexts,
): PendingField[] {
  const out: PendingField[] = []
  const entries = readEntries(source)
  for (const [field, text] of Object.entries(held)) {
    const f = schema.fields[field]
    if (!f || !isTextField(f) || pending.fields.some((p) => p.field === field)) continue
    const shadow = shadowValue(source, field)
    const old = typeof shadow === 'string' ? shadow : ''
    const now = source.text(field)
    if (unionText(old, text) === now) continue
    let at: HlcString | undefined
    for (const e of entries.get(field) ?? []) at = maxHlc(at, e.stamp)
    if (at !== undefined) out.push({ field, old, new: now, author: authorOf(source, at), at })
  }
  return out
}

/** Makes a long-text edit in the target: the diff from the text as the source knew it. */
function forwardText(w: EngineWriter, p: PendingField, held: string | undefined): void {
  const shadowText = typeof p.old === 'string' ? p.old : ''
  const base = held === undefined ? shadowText : unionText(shadowText, held)
  const incoming = typeof p.new === 'string' ? p.new : ''
  const shadow = w.get(MapRoot.shadow, p.field)
  const current = w.text(p.field)
  if (isLoadedText(shadow) && w.get(MapRoot.bases, p.field) === undefined) {
    if (textDigest(current) === shadow.loaded) w.set(MapRoot.bases, p.field, current)
  }
  applyTextOps(w, p.field, mergeTextOps(base, current, incoming))
}

/**
 * Marks forwarded edits as handled in the retired document: its shadow takes the values at
 * their stamps and the edits are dropped, so the same edits are never forwarded twice (a text
 * diff applied twice would insert twice), and later edits on a stale replica are.
 */
export function settleForwarded(w: EngineWriter, schema: ObjectSchema, forwarded: Forwarded): void {
  const entries = [...w.entries(MapRoot.entries)].map(([key]) => key)
  for (const [field, { value, stamp }] of Object.entries(forwarded.fields)) {
    const f = schema.fields[field]
    w.set(MapRoot.shadow, field, f && isTextField(f) ? (value ?? '') : value)
    if (w.get(MapRoot.bases, field) !== undefined) w.delete(MapRoot.bases, field)
    const current = w.get(MapRoot.stamps, field)
    if (typeof current !== 'string' || stamp > current) w.set(MapRoot.stamps, field, stamp)
    for (const key of entries) {
      const at = key.lastIndexOf('@')
      if (key.slice(0, at) === field && key.slice(at + 1) <= stamp) w.delete(MapRoot.entries, key)
    }
  }
  if (forwarded.deleted) w.set(MapRoot.server, ServerKey.deleted, true)
}
