import type { FieldSchema } from '@briefcase/record'
import { fieldGroupId } from '../salesforce/object-views.js'
import type { FieldGroupRecord } from '../store/relay-store.js'

/** How an object's fields are split into record documents (ADR 0005). */
export interface ObjectLayout {
  sobject: string
  /** How many views it was made from (none: the relay knows no one's view of the object yet). */
  views: number
  /** Every partition; each field of any view is in exactly one. */
  partitions: readonly FieldGroupRecord[]
  /** The partition every view reads (possibly with no fields): named `<SObject>/<key>`. */
  main: FieldGroupRecord
  /** The partitions a view reads, main first; empty for a view the layout was not made from. */
  readBy(view: FieldGroupRecord): FieldGroupRecord[]
  /** The partition holding a field, if any view reads it. */
  partitionOf(field: string): FieldGroupRecord | undefined
}

/**
 * Partitions an object's fields by who may read them: fields read by the same set of views share
 * a partition. A partition's id is {@link fieldGroupId} of its fields, so it is the same on every
 * relay and whatever the order views were seen in; a partition whose fields equal a view's has
 * that view's id. Every view reads a partition entirely or not at all.
 *
 * @example
 * ```ts
 * const layout = layoutOf('Account', [repView, managerView])
 * layout.main.schema.fields // every field both read
 * layout.readBy(managerView) // [main, the Credit_Limit__c partition]
 * ```
 */
export function layoutOf(sobject: string, views: readonly FieldGroupRecord[]): ObjectLayout {
  const fields = new Map<string, FieldSchema>()
  const readers = new Map<string, string[]>()
  views.forEach((view, i) => {
    for (const [name, f] of Object.entries(view.schema.fields)) {
      if (!fields.has(name)) fields.set(name, f)
      const list = readers.get(name)
      if (list) list.push(String(i))
      else readers.set(name, [String(i)])
    }
  })
  const byClass = new Map<string, string[]>()
  for (const [name, list] of readers) {
    const k = list.join(',')
    const names = byClass.get(k)
    if (names) names.push(name)
    else byClass.set(k, [name])
  }
  const everyone = views.map((_, i) => String(i)).join(',')
  if (!byClass.has(everyone)) byClass.set(everyone, [])
  const nameField = views.find((v) => v.nameField !== null)?.nameField ?? null
  const partitionOf = new Map<string, FieldGroupRecord>()
  const classOf = new Map<FieldGroupRecord, string>()
  const partitions: FieldGroupRecord[] = []
  for (const [k, names] of byClass) {
    names.sort()
    const schemaFields: Record<string, FieldSchema> = {}
    for (const n of names) schemaFields[n] = fields.get(n) as FieldSchema
    const p: FieldGroupRecord = {
      id: fieldGroupId(sobject, Object.values(schemaFields)),
      sobject,
      schema: { name: sobject, fields: schemaFields },
      nameField: nameField !== null && names.includes(nameField) ? nameField : null,
    }
    partitions.push(p)
    classOf.set(p, k)
    for (const n of names) partitionOf.set(n, p)
  }
  const main = partitions.find((p) => classOf.get(p) === everyone) as FieldGroupRecord
  partitions.sort((a, b) => (a === main ? -1 : b === main ? 1 : a.id < b.id ? -1 : 1))
  return {
    sobject,
    views: views.length,
    partitions,
    main,
    readBy(view) {
      const i = views.findIndex((v) => v.id === view.id)
      if (i < 0) return []
      return partitions.filter((p) => (classOf.get(p) as string).split(',').includes(String(i)))
    },
    partitionOf: (field) => partitionOf.get(field),
  }
}
