import { draftKeyField, leadingSystemFields, ownerField, trailingSystemFields } from './fields.js'
import type { FieldDef, ObjectDef, SharingModel, StoredRecord } from './types.js'

/** What an object file declares; `defineObject` adds the system fields in describe order. */
export interface ObjectSpec {
  name: string
  label: string
  labelPlural: string
  keyPrefix: string
  nameField: string
  sharing?: SharingModel
  writable?: boolean
  owned?: boolean
  /** Standard fields, in describe order (before the audit fields). */
  standard: FieldDef[]
  /** Custom fields (after the audit fields), not counting Briefcase_Draft_Key__c. */
  custom?: FieldDef[]
  derive?: (record: StoredRecord) => void
}

/** Assembles an object: Id, IsDeleted, standard fields, OwnerId, audit fields, custom fields. */
export function defineObject(spec: ObjectSpec): ObjectDef {
  const owned = spec.owned ?? true
  const fields: FieldDef[] = [
    ...leadingSystemFields(),
    ...spec.standard.map((f) => (f.name === spec.nameField ? { ...f, nameField: true } : f)),
    ...(owned ? [ownerField()] : []),
    ...trailingSystemFields(),
    ...(spec.custom ?? []),
    draftKeyField(),
  ]
  const def: ObjectDef = {
    name: spec.name,
    label: spec.label,
    labelPlural: spec.labelPlural,
    keyPrefix: spec.keyPrefix,
    custom: spec.name.endsWith('__c'),
    fields,
    nameField: spec.nameField,
    sharing: spec.sharing ?? 'ReadWrite',
    writable: spec.writable ?? true,
    owned,
  }
  return spec.derive ? { ...def, derive: spec.derive } : def
}

/** Joins first and last name the way Salesforce builds a person's `Name`. */
export function fullName(record: StoredRecord): string | null {
  const parts = [record.FirstName, record.LastName].filter(
    (p): p is string => typeof p === 'string' && p !== '',
  )
  return parts.length > 0 ? parts.join(' ') : null
}
