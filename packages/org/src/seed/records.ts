import { toSecond } from '../datetime.js'
import type { ObjectDef, StoredRecord, StoredValue } from '../schema/types.js'
import type { OrgState } from '../state.js'

/** Audit details of a seeded record. */
export interface Audit {
  readonly createdAt: number
  readonly modifiedAt: number
  readonly by: string
  readonly owner?: string
}

/**
 * Inserts a record directly (no API checks; the seed must respect the rules itself), with
 * field defaults, audit fields and derived fields. Returns its Id.
 */
export function insert(
  state: OrgState,
  object: ObjectDef,
  values: Record<string, StoredValue>,
  audit: Audit,
  id: string = state.store.nextId(object.keyPrefix),
): string {
  const record: StoredRecord = {}
  for (const f of object.fields) if (!f.perUser) record[f.name] = f.defaultValue
  Object.assign(record, values, {
    Id: id,
    IsDeleted: false,
    CreatedDate: toSecond(audit.createdAt),
    CreatedById: audit.by,
    LastModifiedDate: toSecond(audit.modifiedAt),
    LastModifiedById: audit.by,
    SystemModstamp: toSecond(audit.modifiedAt),
  })
  if (object.owned) record.OwnerId = audit.owner ?? audit.by
  if (object.name === 'Case') {
    record.CaseNumber = String(state.store.nextAutoNumber('Case', 1001)).padStart(8, '0')
  }
  object.derive?.(record)
  state.store.put(object.name, record)
  return id
}

/** The object named `name` (the seed only names objects the schema has). */
export function objectNamed(state: OrgState, name: string): ObjectDef {
  const o = state.schema.object(name)
  if (!o) throw new Error(`schema has no ${name}`)
  return o
}
