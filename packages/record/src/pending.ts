import type {
  BeatenEdit,
  Deletion,
  PendingChange,
  PendingField,
  SupersededEdit,
  WriteOperation,
} from './changes.js'
import type { EngineView } from './engine.js'
import { MapRoot } from './engine.js'
import type { HlcString } from './hlc.js'
import { hlcDevice, isServerStamp } from './hlc.js'
import type { DocNameParts, DraftKey } from './ids.js'
import { isDraftKey } from './ids.js'
import type { Entry } from './record-state.js'
import {
  MetaKey,
  ServerKey,
  authorOf,
  readDeletes,
  readEntries,
  readStatus,
  resolveValue,
  salesforceIdOf,
  shadowCandidate,
  winnerOf,
} from './record-state.js'
import type { FieldValue, ObjectSchema } from './schema.js'
import { isTextField } from './schema.js'

function minStamp(a: HlcString | null, b: HlcString | undefined): HlcString | null {
  if (b === undefined) return a
  return a === null || b < a ? b : a
}

function createdAt(view: EngineView): HlcString | undefined {
  const created = view.get(MapRoot.meta, MetaKey.created)
  if (typeof created !== 'object' || created === null || Array.isArray(created)) return undefined
  const at = (created as { at?: unknown }).at
  return typeof at === 'string' ? (at as HlcString) : undefined
}

/** Every device edit no delete saw, as the notices of a deleted record. */
function beatenEdits(
  view: EngineView,
  schema: ObjectSchema,
  entries: Map<string, Entry[]>,
): BeatenEdit[] {
  const deletes = readDeletes(view)
  const beaten: BeatenEdit[] = []
  for (const [field, list] of entries) {
    const f = schema.fields[field]
    for (const e of list) {
      if (isServerStamp(e.stamp) || deletes.some((d) => d.seen.has(e.key))) continue
      const value = f && isTextField(f) ? view.text(field) : e.value
      beaten.push({ field, value, author: authorOf(view, e.stamp), at: e.stamp })
    }
  }
  // Edits of one transaction can share a stamp (a draft's initial values): order by field too,
  // so the list does not depend on the order a map iterates in.
  return beaten.sort((a, b) =>
    a.at !== b.at ? (a.at < b.at ? -1 : 1) : a.field < b.field ? -1 : a.field > b.field ? 1 : 0,
  )
}

/**
 * The pending change of a record document: a pure function of its state.
 * - A field is pending when its merged value (the edit with the greatest stamp) is not the
 *   shadow's (what Salesforce acknowledged). Long text compares the merged text to the shadow's.
 * - A record without a Salesforce Id is a create; a deleted record is a delete until the relay
 *   records that Salesforce deleted it.
 * - Notices stay until their authors dismiss them: edits another author's later edit superseded,
 *   and edits a delete beat.
 * Returns `null` when there is nothing to send and nothing to tell.
 */
export function derivePendingChange(
  view: EngineView,
  schema: ObjectSchema,
  parts: DocNameParts & { name: PendingChange['doc'] },
): PendingChange | null {
  const entries = readEntries(view)
  const salesforceId = salesforceIdOf(view)
  const deletes = readDeletes(view)
  const serverDeleted = view.get(MapRoot.server, ServerKey.deleted) === true
  const fields: PendingField[] = []
  const superseded: SupersededEdit[] = []
  const dependsOn = new Set<DraftKey>()
  let first: HlcString | null = null
  let deleted: Deletion | null = null
  let operation: WriteOperation | null = null
  let beaten: BeatenEdit[] = []

  if (deletes.length > 0) {
    const d = deletes[0] as (typeof deletes)[number]
    const onServer = deletes.some((x) => isServerStamp(x.stamp))
    deleted = { author: authorOf(view, d.stamp), at: d.stamp, onServer }
    beaten = beatenEdits(view, schema, entries)
    if (!serverDeleted && !onServer) {
      operation = 'delete'
      first = d.stamp
    }
  } else {
    for (const name of Object.keys(schema.fields).sort()) {
      const f = schema.fields[name]
      const list = entries.get(name)
      const long = f !== undefined && isTextField(f)
      // A field no device edited has the shadow as its winner: nothing pending, nothing lost.
      if (!long && list === undefined) continue
      const shadow = shadowCandidate(view, name)
      if (long) {
        const text = view.text(name)
        const old = typeof shadow?.value === 'string' ? shadow.value : ''
        if (text === old) continue
        const touch = winnerOf(list, undefined)
        const at = touch?.stamp ?? shadow?.stamp
        if (at === undefined) continue
        fields.push({
          field: name,
          old: shadow?.value ?? null,
          new: text,
          author: authorOf(view, at),
          at,
        })
        for (const e of list ?? [])
          if (!shadow || e.stamp > shadow.stamp) first = minStamp(first, e.stamp)
        continue
      }
      const winner = winnerOf(list, shadow)
      if (!winner) continue
      for (const loser of latestLosers(list, winner)) {
        superseded.push({
          field: name,
          value: loser.value,
          author: authorOf(view, loser.stamp),
          at: loser.stamp,
          by: { author: authorOf(view, winner.stamp), value: winner.value, at: winner.stamp },
        })
      }
      if (winner.key === undefined) continue
      const value = resolveValue(view, winner.value)
      const old: FieldValue = shadow?.value ?? null
      if (value === resolveValue(view, old)) continue
      if (isDraftKey(value)) dependsOn.add(value)
      fields.push({
        field: name,
        old,
        new: value,
        author: authorOf(view, winner.stamp),
        at: winner.stamp,
      })
      for (const e of list ?? []) {
        if (hlcDevice(e.stamp) === hlcDevice(winner.stamp) && (!shadow || e.stamp > shadow.stamp)) {
          first = minStamp(first, e.stamp)
        }
      }
    }
    if (salesforceId === null) {
      operation = 'create'
      first = minStamp(first, createdAt(view))
    } else if (fields.length > 0) operation = 'update'
  }

  if (operation === null && superseded.length === 0 && beaten.length === 0) return null
  return {
    doc: parts.name,
    sobject: parts.sobject,
    key: parts.key,
    salesforceId,
    operation,
    fields: operation === 'delete' ? [] : fields,
    deleted,
    superseded,
    beaten,
    dependsOn: [...dependsOn].sort(),
    firstChangeAt: first,
    status: readStatus(view),
  }
}

/** Per device other than the winner's, that device's latest losing edit of the field. */
function latestLosers(list: readonly Entry[] | undefined, winner: { stamp: HlcString }): Entry[] {
  const winnerDevice = hlcDevice(winner.stamp)
  const latest = new Map<string, Entry>()
  for (const e of list ?? []) {
    const device = hlcDevice(e.stamp)
    if (e.stamp === winner.stamp || device === winnerDevice || isServerStamp(e.stamp)) continue
    const seen = latest.get(device)
    if (!seen || e.stamp > seen.stamp) latest.set(device, e)
  }
  return [...latest.values()].sort((a, b) => (a.stamp < b.stamp ? -1 : 1))
}
