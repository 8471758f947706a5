import type { EngineWriter } from './engine.js'
import { MapRoot } from './engine.js'
import type { HlcString } from './hlc.js'
import { isHlcString, isServerStamp } from './hlc.js'
import { readEntries, shadowValue } from './record-state.js'
import { applyTextOps } from './server-updates.js'
import { textOps } from './text-diff.js'

/** A write Salesforce refused: the fields it sent, at the stamps they came from, or a delete. */
export interface RefusedWrite {
  /** Field → the stamp of the edit the refused value came from. */
  fields: Readonly<Record<string, HlcString>>
  /** True when the refused write was a delete. */
  delete: boolean
}

/**
 * Returns a record to Salesforce's state after Salesforce refused a write for lack of access:
 * the refused edits (each field's edits up to the stamp sent) and the devices' deletes are
 * dropped, so the shadow (Salesforce's value) wins again and nothing of the refused write stays
 * pending to block later edits. Edits made after the refused ones stay. A long text (its edits
 * are marked `true`) with no later edit returns to Salesforce's text, character by character.
 */
export function rollBackRefused(w: EngineWriter, refused: RefusedWrite): void {
  const entries = readEntries(w)
  for (const [field, stamp] of Object.entries(refused.fields)) {
    const edits = entries.get(field) ?? []
    for (const e of edits) {
      if (e.stamp <= stamp) w.delete(MapRoot.entries, e.key)
    }
    const text = edits.some((e) => e.value === true)
    if (text && edits.every((e) => e.stamp <= stamp)) restoreText(w, field)
  }
  if (!refused.delete) return
  for (const [stamp] of [...w.entries(MapRoot.deletes)]) {
    if (isHlcString(stamp) && !isServerStamp(stamp)) w.delete(MapRoot.deletes, stamp)
  }
}

/** Sets a long text back to the shadow's (Salesforce's) text. */
function restoreText(w: EngineWriter, field: string): void {
  const shadow = shadowValue(w, field)
  if (shadow !== null && typeof shadow !== 'string') return
  applyTextOps(w, field, textOps(w.text(field), shadow ?? ''))
}
