import { isDeepStrictEqual } from 'node:util'
import type { FieldValue, PendingField, RecordDocument } from '@briefcase/record'
import { SCALAR_FIELDS, TEXT_FIELDS } from './fixtures.js'
import type { RecordModel } from './model.js'
import type { World } from './world.js'
import { violation } from './world.js'

/**
 * The reference pending change, from the model alone: the edits made (with the stamps the clock
 * model gave them), the shadow the model keeps from loads, server changes and acknowledgements,
 * and the draft keys resolved in the record. A field is pending when its merged value (the edit
 * with the greatest stamp, or the shadow's) differs from the shadow's; cleared fields included.
 */
export interface ExpectedPending {
  operation: 'create' | 'update' | null
  fields: PendingField[]
  dependsOn: string[]
}

const isDraftKey = (v: FieldValue): v is string => typeof v === 'string' && v.startsWith('bc-')

function author(world: World, node: string, user: string | undefined): PendingField['author'] {
  if (node === world.relay.id) return { user: user ?? '', device: `sf-${user ?? ''}` }
  return { user: world.nodes.find((n) => n.id === node)?.user ?? '', device: node }
}

function scalarField(world: World, record: RecordModel, field: string): PendingField | null {
  const shadow = record.shadow.get(field)
  const winner = record.winner(field)
  if (!winner || (shadow && shadow.stamp >= winner.stamp)) return null
  const value = world.model.resolveIn(record, winner.value)
  const old = shadow?.value ?? null
  if (value === world.model.resolveIn(record, old)) return null
  return {
    field,
    old,
    new: value,
    author: author(world, winner.node, winner.user),
    at: winner.stamp,
  }
}

function textField(
  world: World,
  record: RecordModel,
  field: string,
  text: string,
): PendingField | null {
  const shadow = record.shadow.get(field)
  const old = typeof shadow?.value === 'string' ? shadow.value : ''
  const survivors = record.survivors(field)
  if (isDeepStrictEqual([...old].sort(), survivors)) {
    if (text !== old)
      violation('oracle', `${record.name}.${field}: same characters as Salesforce, another order`)
    return null
  }
  const touches = record.touches.filter(
    (t) => t.field === field && !record.droppedTouches.has(`${field}@${t.stamp}`),
  )
  const touch = touches.sort((a, b) => (a.stamp < b.stamp ? -1 : 1)).at(-1)
  const at = touch?.stamp ?? shadow?.stamp
  if (at === undefined) return null
  const node = touch?.node ?? world.relay.id
  const user = touch ? undefined : record.salesforce?.lastModifiedBy
  return {
    field,
    old: shadow?.value ?? null,
    new: text,
    author: author(world, node, user),
    at: at as PendingField['at'],
  }
}

/** The expected pending change of a record that nobody deleted (the text in the order shown). */
export function expectedPending(
  world: World,
  record: RecordModel,
  texts: (field: string) => string,
): ExpectedPending {
  const fields: PendingField[] = []
  for (const field of [...SCALAR_FIELDS, ...TEXT_FIELDS].sort()) {
    const f = TEXT_FIELDS.includes(field as (typeof TEXT_FIELDS)[number])
      ? textField(world, record, field, texts(field))
      : scalarField(world, record, field)
    if (f) fields.push(f)
  }
  const dependsOn = [...new Set(fields.map((f) => f.new).filter(isDraftKey))].sort()
  const operation = record.salesforce === null ? 'create' : fields.length > 0 ? 'update' : null
  return { operation, fields, dependsOn }
}

/** Compares a synced replica's pending change with the model's, field by field. */
export function checkOracle(world: World, record: RecordModel, doc: RecordDocument): void {
  if (record.deletes.length > 0) return
  const want = expectedPending(world, record, (f) => doc.text(f))
  const p = doc.pending()
  const got: ExpectedPending = {
    operation: p?.operation === 'delete' ? null : (p?.operation ?? null),
    fields: p?.fields ?? [],
    dependsOn: p?.dependsOn ?? [],
  }
  if (got.operation !== want.operation) {
    violation(
      'oracle',
      `${record.name}: operation ${got.operation}, the model says ${want.operation}`,
    )
  }
  const names = new Set([...want.fields, ...got.fields].map((f) => f.field))
  for (const name of names) {
    const w = want.fields.find((f) => f.field === name)
    const g = got.fields.find((f) => f.field === name)
    if (!isDeepStrictEqual(g, w)) {
      violation(
        'oracle',
        `${record.name}.${name}: pending ${JSON.stringify(g ?? null)}, the model says ${JSON.stringify(w ?? null)}`,
      )
    }
  }
  if (!isDeepStrictEqual(got.dependsOn, want.dependsOn)) {
    violation(
      'oracle',
      `${record.name}: depends on ${got.dependsOn.join(', ')}, the model says ${want.dependsOn.join(', ')}`,
    )
  }
}
