import type { EngineWriter, Json } from './engine.js'
import { MapRoot } from './engine.js'
import type { HlcString, HybridClock } from './hlc.js'
import { maxHlc } from './hlc.js'
import type { DeviceId } from './ids.js'
import type { Entry } from './record-state.js'
import { entryKey, isLoadedText, maxStampOf, shadowCandidate, textDigest } from './record-state.js'
import { applyTextOps, ownEntries } from './server-updates.js'
import type { TextOp } from './text-diff.js'

/** Who edits through a document handle. */
export interface Actor {
  /** Salesforce user Id of the person editing. */
  user: string
  device: DeviceId
}

/** A device's edit, inside one transaction: its clock, its actor, the entries it sees. */
export interface DeviceEdit {
  w: EngineWriter
  clock: HybridClock
  actor: Actor
  entries: ReadonlyMap<string, Entry[]>
}

/** Records which user this device edits for (once). */
export function claimDevice(w: EngineWriter, actor: Actor): void {
  if (w.get(MapRoot.authors, actor.device) !== actor.user) {
    w.set(MapRoot.authors, actor.device, actor.user)
  }
}

/**
 * Writes a field edit under a new stamp, after every stamp the device sees for the field (so an
 * edit made after seeing another wins, whatever the clocks). Keeps this device's oldest unsent
 * edit of the field (it dates the change) and the new one. Returns the stamp.
 */
export function touchField(e: DeviceEdit, field: string, value: Json): HlcString {
  const { w, clock, actor } = e
  clock.observe(maxStampOf(w) ?? clock.peek())
  const list = e.entries.get(field)
  const shadowStamp = shadowCandidate(w, field)?.stamp
  let seen = shadowStamp
  for (const entry of list ?? []) seen = maxHlc(seen, entry.stamp)
  const at = clock.after(seen)
  claimDevice(w, actor)
  const own = ownEntries(list, actor.device).sort((a, b) => (a.stamp < b.stamp ? -1 : 1))
  const unsent = own.filter((x) => shadowStamp === undefined || x.stamp > shadowStamp)
  for (const x of own) if (x !== unsent[0]) w.delete(MapRoot.entries, x.key)
  w.set(MapRoot.entries, entryKey(field, at), value)
  return at
}

/**
 * Applies character edits to a long-text field with a touch entry saying who and when. The first
 * edit of a text loaded with the record keeps Salesforce's value in `bases`, in the same change,
 * and only while the text is still that value (a changed text came with the base of its edit).
 * Returns the stamp, or undefined when there is nothing to change.
 */
export function editText(
  e: DeviceEdit,
  field: string,
  ops: readonly TextOp[],
): HlcString | undefined {
  if (ops.length === 0) return undefined
  const { w } = e
  const at = touchField(e, field, true)
  const shadow = w.get(MapRoot.shadow, field)
  const text = w.text(field)
  if (
    isLoadedText(shadow) &&
    w.get(MapRoot.bases, field) === undefined &&
    textDigest(text) === shadow.loaded
  ) {
    w.set(MapRoot.bases, field, text)
  }
  applyTextOps(w, field, ops)
  return at
}
