import type { RecordDocument } from '@briefcase/record'
import { SCALAR_FIELDS, TEXT_FIELDS } from './fixtures.js'
import { checkOracle, expectedPending } from './oracle.js'
import type { World } from './world.js'
import { snapshotJson, violation } from './world.js'
import { writeRecord } from './write-path.js'

const isDraftKey = (v: unknown): boolean => typeof v === 'string' && v.startsWith('bc-')

/**
 * After the schedule: the relay writes every pending record until nothing more goes through
 * (creates before the records that reference them, validation still on), every replica syncs,
 * and then each replica's pending change is the model's, Salesforce holds the merged value of
 * every field that is not pending, and no reference in Salesforce or in a written record is a
 * draft key whose record Salesforce created.
 */
export function drainAndCheck(world: World): void {
  for (let round = 0; round < 10; round++) {
    let progress = false
    for (const record of world.model.records.values()) {
      if (record.goneFromSalesforce) continue
      const outcome = writeRecord(world, record, false)
      if (outcome === 'written' || outcome === 'deleted') progress = true
    }
    if (!progress) break
  }
  world.fullSync()
  for (const record of world.model.records.values()) {
    const docs = world.replicas(record)
    const doc = docs[0] as RecordDocument
    const state = snapshotJson(doc.snapshot())
    if (docs.some((d) => snapshotJson(d.snapshot()) !== state))
      violation('convergence', `${record.name}: replicas differ after the writes`)
    checkOracle(world, record, doc)
    if (record.deletes.length > 0) {
      if (!record.goneFromSalesforce)
        violation('write-path', `${record.name}: deleted, but Salesforce still has it`)
      continue
    }
    const want = expectedPending(world, record, (f) => doc.text(f))
    const sf = record.salesforce
    if (!sf) {
      if (want.fields.length === 0) violation('write-path', `${record.name}: never created`)
      continue
    }
    for (const field of [...SCALAR_FIELDS, ...TEXT_FIELDS]) {
      if (want.fields.some((f) => f.field === field)) continue
      const merged = (TEXT_FIELDS as readonly string[]).includes(field)
        ? doc.text(field) || null
        : doc.get(field)
      if ((sf.values[field] ?? null) !== merged) {
        violation(
          'write-path',
          `${record.name}.${field}: Salesforce holds ${JSON.stringify(sf.values[field])}, the merged value is ${JSON.stringify(merged)} and nothing is pending`,
        )
      }
    }
    for (const field of ['ParentId']) {
      const ref = doc.get(field)
      if (isDraftKey(sf.values[field]))
        violation('write-path', `${record.name}.${field}: Salesforce holds a draft key`)
      if (isDraftKey(ref) && world.model.resolutions.has(ref as never) && record.salesforce) {
        violation(
          'write-path',
          `${record.name}.${field}: still ${String(ref)} although Salesforce created that record`,
        )
      }
    }
  }
}
