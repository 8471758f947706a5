import { randomUUID } from 'node:crypto'
import type { FieldDef, ObjectDef, StoredRecord, StoredValue } from '../schema/types.js'
import type { StoreChange } from '../store/store.js'
import type { ChangeEvent, ChangeEventHeader } from './event-bus.js'

/** Fields change events never carry (Salesforce leaves out IsDeleted and SystemModstamp). */
const LEFT_OUT = new Set(['Id', 'IsDeleted', 'SystemModstamp'])
const ADDRESS_PARTS = [
  'Street',
  'City',
  'State',
  'PostalCode',
  'Country',
  'Latitude',
  'Longitude',
  'GeocodeAccuracy',
]
const NAME_PARTS = ['Salutation', 'FirstName', 'MiddleName', 'LastName', 'Suffix']

/** Where a field goes in an event body: top level, or a component of a compound field. */
interface Slot {
  readonly top: string
  readonly part?: string
}

/**
 * The slot of a field: address components nest under `<Prefix>Address` (`BillingCity` →
 * `BillingAddress.City`), name components under `Name` on objects whose Name is derived.
 */
function slotOf(object: ObjectDef, field: FieldDef): Slot | undefined {
  if (LEFT_OUT.has(field.name) || field.perUser) return undefined
  // Person names (Contact, Lead, User): Name is made of FirstName and LastName.
  const has = (name: string): boolean => object.fields.some((f) => f.name === name)
  const derivedName = has('Name') && has('FirstName') && has('LastName')
  if (derivedName && field.name === 'Name') return undefined
  if (derivedName && NAME_PARTS.includes(field.name)) return { top: 'Name', part: field.name }
  for (const part of ADDRESS_PARTS) {
    const prefix = field.name.endsWith(part) ? field.name.slice(0, -part.length) : ''
    if (prefix && /^(Billing|Shipping|Mailing|Other)$/.test(prefix)) {
      return { top: `${prefix}Address`, part }
    }
  }
  return { top: field.name }
}

/** A value as a CometD change event carries it (datetimes as `2024-05-01T10:00:00Z`). */
function eventValue(field: FieldDef, value: StoredValue | undefined): unknown {
  if (value === undefined || value === null) return null
  if (field.type === 'datetime' && typeof value === 'number') {
    return new Date(value).toISOString().replace(/\.\d{3}Z$/, 'Z')
  }
  return value
}

function blank(value: StoredValue | undefined): boolean {
  return value === undefined || value === null || value === ''
}

/** The body and changed fields of one record's change. */
function bodyOf(
  object: ObjectDef,
  type: ChangeEventHeader['changeType'],
  before: Readonly<StoredRecord> | undefined,
  after: Readonly<StoredRecord>,
): { fields: Record<string, unknown>; changed: string[] } {
  const fields: Record<string, unknown> = {}
  const changed: string[] = []
  if (type === 'DELETE') return { fields, changed }
  const whole = type === 'CREATE' || type === 'UNDELETE'
  const compounds = new Map<string, Record<string, unknown>>()
  for (const f of object.fields) {
    const slot = slotOf(object, f)
    if (!slot) continue
    const value = after[f.name]
    // An update always carries LastModifiedDate, even within the same second.
    const differs = before?.[f.name] !== value || f.name === 'LastModifiedDate'
    const take = whole ? !blank(value) || slot.part !== undefined : differs
    if (!take) continue
    if (slot.part === undefined) {
      fields[slot.top] = eventValue(f, value)
    } else {
      const nested = compounds.get(slot.top) ?? {}
      nested[slot.part] = eventValue(f, value)
      compounds.set(slot.top, nested)
    }
    if (!whole) changed.push(slot.part === undefined ? slot.top : `${slot.top}.${slot.part}`)
  }
  for (const [top, nested] of compounds) {
    // A new record carries a compound field only when one of its components has a value.
    if (whole && Object.values(nested).every((v) => v === null)) continue
    fields[top] = nested
  }
  return { fields, changed }
}

function changeTypeOf(
  before: Readonly<StoredRecord> | undefined,
  after: Readonly<StoredRecord>,
): ChangeEventHeader['changeType'] {
  if (!before) return 'CREATE'
  if (after.IsDeleted === true && before.IsDeleted !== true) return 'DELETE'
  if (after.IsDeleted !== true && before.IsDeleted === true) return 'UNDELETE'
  return 'UPDATE'
}

/** What a transaction's change events need besides the writes. */
export interface CommitInfo {
  /** Commit instant (org clock, ms). */
  readonly at: number
  /** `com/salesforce/api/rest/62.0;client=…` of the call that wrote. */
  readonly origin: string
  /** A number that grows with every commit (Salesforce's system change number). */
  readonly commitNumber: number
}

/**
 * The change events of one committed transaction, as Salesforce builds them: one per record
 * (several writes of a record in a transaction give one event of the first change type with the
 * final values), in the order the records were first written, sharing a transaction key with
 * sequence numbers from 1; records of one object with the very same change are merged into one
 * event with several `recordIds`. Only objects `publishes` accepts produce events.
 */
export function changeEventsOf(
  changes: readonly StoreChange[],
  objectOf: (type: string) => ObjectDef | undefined,
  publishes: (entity: string) => boolean,
  commit: CommitInfo,
): ChangeEvent[] {
  const byRecord = new Map<
    string,
    { type: string; before: StoreChange['before']; after: StoredRecord }
  >()
  for (const c of changes) {
    if (!publishes(c.type)) continue
    const id = String(c.after.Id)
    const seen = byRecord.get(id)
    if (seen) seen.after = { ...c.after }
    else byRecord.set(id, { type: c.type, before: c.before, after: { ...c.after } })
  }
  const events: {
    entity: string
    key: string
    header: Omit<ChangeEventHeader, 'sequenceNumber' | 'transactionKey'>
    fields: Record<string, unknown>
  }[] = []
  for (const [id, { type, before, after }] of byRecord) {
    const object = objectOf(type)
    if (!object) continue
    const changeType = changeTypeOf(before, after)
    if (changeType !== 'CREATE' && before?.IsDeleted === true && after.IsDeleted === true) continue
    const { fields, changed } = bodyOf(object, changeType, before, after)
    const key = `${type}|${changeType}|${JSON.stringify(fields)}|${changed.join(',')}`
    const same = events.find((e) => e.key === key)
    if (same) {
      same.header = { ...same.header, recordIds: [...same.header.recordIds, id] }
      continue
    }
    events.push({
      entity: type,
      key,
      fields,
      header: {
        entityName: type,
        recordIds: [id],
        changeType,
        changeOrigin: commit.origin,
        commitTimestamp: commit.at,
        commitNumber: commit.commitNumber,
        commitUser: String(after.LastModifiedById ?? ''),
        changedFields: changed,
      },
    })
  }
  const transactionKey = randomUUID()
  return events.map((e, i) => ({
    header: {
      entityName: e.header.entityName,
      recordIds: e.header.recordIds,
      changeType: e.header.changeType,
      changeOrigin: e.header.changeOrigin,
      transactionKey,
      sequenceNumber: i + 1,
      commitTimestamp: e.header.commitTimestamp,
      commitNumber: e.header.commitNumber,
      commitUser: e.header.commitUser,
      changedFields: e.header.changedFields,
    },
    fields: e.fields,
  }))
}
