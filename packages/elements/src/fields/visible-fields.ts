import type { FieldSchema, ObjectSchema } from '@briefcase/record'

/** Audit and system fields Salesforce maintains itself: not shown in forms. */
const SYSTEM_FIELDS: ReadonlySet<string> = new Set([
  'Id',
  'IsDeleted',
  'CreatedDate',
  'CreatedById',
  'LastModifiedDate',
  'LastModifiedById',
  'SystemModstamp',
  'LastActivityDate',
  'LastViewedDate',
  'LastReferencedDate',
])

/**
 * Briefcase's own fields in the org (`Briefcase_Draft_Key__c`, the external Id the relay writes
 * draft keys to; `Briefcase_Edited_At__c`, where the relay captures when an edit was made): the
 * relay fills them, people never do.
 */
const BRIEFCASE_FIELD = /^Briefcase_\w+__c$/

/**
 * The fields a form shows, in the schema's order: the ones named in `only` (when given), else
 * every field but Ids and system fields. `forCreate` keeps only fields a create may set.
 */
export function visibleFields(
  schema: ObjectSchema,
  only: readonly string[] = [],
  forCreate = false,
): FieldSchema[] {
  const all = Object.values(schema.fields)
  if (only.length > 0) {
    return only.flatMap((name) => all.filter((field) => field.name === name))
  }
  return all.filter(
    (field) =>
      field.type !== 'id' &&
      !SYSTEM_FIELDS.has(field.name) &&
      !BRIEFCASE_FIELD.test(field.name) &&
      (!forCreate || field.createable !== false),
  )
}

/**
 * True when a create must set the field: not nillable and createable. Checkboxes default to
 * false, and required lookups (`OwnerId`) default to the user creating the record, so neither is
 * asked for; Salesforce still has the last word (a refusal shows in pending changes).
 */
export function isRequired(field: FieldSchema): boolean {
  return (
    field.nillable === false &&
    field.createable !== false &&
    field.type !== 'boolean' &&
    field.type !== 'reference'
  )
}
