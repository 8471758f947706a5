import { isDeepStrictEqual } from 'node:util'
import type { DraftKey, FieldValue, HlcString, SalesforceId } from '@briefcase/record'
import { MapRoot, isHlcString } from '@briefcase/record'
import { TEXT_FIELDS, USERS, createdId, sfDatetime } from './fixtures.js'
import type { RecordModel, SalesforceRecord } from './model.js'
import { emptyValues } from './model.js'
import { validate, workflow } from './org-rules.js'
import { info, nextModified, readServerRecord } from './relay-steps.js'
import type { World } from './world.js'
import { violation } from './world.js'

/** What one write attempt did. */
export type WriteOutcome = 'written' | 'deleted' | 'waits' | 'refused' | 'retrying' | 'nothing'

/**
 * The projector writes a batch of pending records to the simulated org (allOrNone false): the
 * records in the order they changed, from the chosen one on. Each one is written, refused by
 * validation, fails transiently (bit `i` of `failures` fails the `i`-th), or waits for a draft it
 * references; the others still go through.
 */
export function writeBatch(world: World, first: RecordModel, size: number, failures: number): void {
  const pending = world
    .visible(world.relay)
    .filter((r) => !r.goneFromSalesforce && world.replica(world.relay, r).pending()?.operation)
  const start = Math.max(0, pending.indexOf(first))
  pending.slice(start, start + size).forEach((record, i) => {
    writeRecord(world, record, (failures & (1 << i)) !== 0)
  })
}

/**
 * Writes one record's pending change as the relay would: draft keys it knows are resolved first,
 * then Salesforce validates, saves, runs workflow, and the relay acknowledges the write and
 * merges the read-back row.
 */
export function writeRecord(world: World, record: RecordModel, transient: boolean): WriteOutcome {
  const doc = world.replica(world.relay, record)
  const where = `write ${record.name}`
  let p = doc.pending()
  if (!p || p.operation === null) return 'nothing'
  const at = sfDatetime(world.now)
  if (transient) {
    doc.setStatus({ state: 'retrying', at, code: 'UNABLE_TO_LOCK_ROW', attempt: 1 })
    record.refusals++
    world.trace.push(`${where}: UNABLE_TO_LOCK_ROW`)
    return 'retrying'
  }
  if (p.operation === 'delete') {
    doc.acknowledgeDelete()
    record.goneFromSalesforce = true
    if (record.salesforce) record.salesforce.deleted = true
    world.trace.push(`${where}: deleted`)
    return 'deleted'
  }
  const known: Record<DraftKey, SalesforceId> = {}
  for (const key of p.dependsOn) {
    const id = world.model.resolutions.get(key)
    if (id) known[key] = id
  }
  if (Object.keys(known).length > 0) {
    doc.resolveDraftKeys(known)
    for (const key of Object.keys(known)) record.resolved.add(key as DraftKey)
    world.trace.push(`${where}: resolves ${Object.keys(known).join(', ')}`)
    p = doc.pending()
    if (!p) violation('write-path', `${where}: resolving draft keys cleared the pending change`)
  }
  for (const f of p.fields) {
    if (typeof f.new === 'string' && Object.hasOwn(known, f.new)) {
      violation('write-path', `${where}: ${f.field} still holds resolved draft key ${f.new}`)
    }
  }
  if (p.dependsOn.length > 0) {
    world.trace.push(`${where}: waits for ${p.dependsOn.join(', ')}`)
    return 'waits'
  }
  const sf = record.salesforce
  const values: Record<string, FieldValue> = { ...(sf?.values ?? emptyValues()) }
  // Salesforce stores an empty text as null.
  for (const f of p.fields) values[f.field] = f.new === '' ? null : f.new
  const error = validate(values)
  if (error) {
    doc.setStatus({ state: 'error', at, ...error })
    record.refusals++
    world.trace.push(`${where}: ${error.code}`)
    return 'refused'
  }
  const valuesBefore = doc.values()
  const user = p.fields.find((f) => f.author.user !== '')?.author.user ?? USERS[0]
  const modified = nextModified(world, sf)
  const next: SalesforceRecord = sf ?? {
    id: createdId(++world.creates),
    lastModified: 0,
    systemModstamp: 0,
    lastModifiedBy: user,
    values,
    deleted: false,
  }
  next.lastModified = modified
  next.systemModstamp = Math.max(next.systemModstamp, modified)
  next.lastModifiedBy = user
  next.values = values
  const fields: Record<string, { value: FieldValue; stamp: HlcString }> = {}
  const entries = [...doc.engineDoc.entries(MapRoot.entries)].map(([key]) => key)
  for (const f of p.fields) {
    fields[f.field] = { value: f.new, stamp: f.at }
    const prior = record.shadow.get(f.field)?.stamp
    record.shadow.set(f.field, { value: f.new, stamp: prior && prior > f.at ? prior : f.at })
    if (TEXT_FIELDS.includes(f.field as (typeof TEXT_FIELDS)[number])) {
      for (const key of entries) {
        const stamp = key.slice(f.field.length + 1)
        if (key.startsWith(`${f.field}@`) && isHlcString(stamp) && stamp <= f.at)
          record.droppedTouches.add(key)
      }
    }
  }
  doc.acknowledgeWrite({ fields, info: info(next) })
  record.salesforce = next
  if (!sf && record.draftKey) world.model.resolutions.set(record.draftKey, next.id)
  if (!isDeepStrictEqual(doc.values(), valuesBefore)) {
    violation('write-path', `${where}: acknowledging the write changed merged values`)
  }
  const after = doc.pending()
  if (after && after.fields.length > 0) {
    violation(
      'write-path',
      `${where}: fields still pending after Salesforce took them: ${after.fields.map((f) => f.field).join(', ')}`,
    )
  }
  // Workflow rewrites fields in the same save; the relay merges the read-back row.
  const rewritten = workflow(values, new Set(Object.keys(fields)))
  for (const [field, value] of rewritten) next.values[field] = value
  readServerRecord(world, record, rewritten, `${where} (read back)`)
  doc.setStatus({ state: 'ok', at })
  world.trace.push(
    `${where}: ${p.operation} ${Object.keys(fields).join(',')} as ${next.id}${rewritten.size > 0 ? `, workflow ${[...rewritten.keys()].join(',')}` : ''}`,
  )
  return 'written'
}
