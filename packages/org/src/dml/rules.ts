import { ApiError } from '../errors.js'
import { STAGE_PROBABILITY } from '../schema/opportunity.js'
import type { ObjectDef, StoredRecord } from '../schema/types.js'
import type { RequestContext } from '../state.js'
import { sameValue } from './lookup.js'

/** REQUIRED_FIELD_MISSING for required fields that are empty in the record being saved. */
export function checkRequired(object: ObjectDef, record: StoredRecord): void {
  const missing = object.fields
    .filter((f) => !f.nillable && f.createable && f.type !== 'boolean')
    .filter((f) => record[f.name] === null || record[f.name] === undefined)
    .map((f) => f.name)
  if (missing.length > 0) {
    throw new ApiError(
      400,
      'REQUIRED_FIELD_MISSING',
      `Required fields are missing: [${missing.join(', ')}]`,
      missing,
    )
  }
}

/** The org's custom validation rules, evaluated on the whole record after the change. */
export function checkValidationRules(object: ObjectDef, record: StoredRecord): void {
  if (object.name === 'Account' && typeof record.Phone === 'string' && record.Phone.trim() !== '') {
    const digits = record.Phone.replace(/\D/g, '').length
    if (digits < 10) {
      throw new ApiError(
        400,
        'FIELD_CUSTOM_VALIDATION_EXCEPTION',
        'Phone must contain at least 10 digits.',
        ['Phone'],
      )
    }
  }
}

/** DUPLICATE_VALUE (or DUPLICATE_USERNAME) when a unique field's value is taken by a live record. */
export function checkUnique(ctx: RequestContext, object: ObjectDef, record: StoredRecord): void {
  for (const field of object.fields) {
    if (!field.unique) continue
    const value = record[field.name]
    if (value === null || value === undefined) continue
    for (const other of ctx.state.store.all(object.name)) {
      if (other.Id === record.Id || other.IsDeleted === true) continue
      if (!sameValue(field, other[field.name], value)) continue
      if (object.name === 'User' && field.name === 'Username') {
        throw new ApiError(400, 'DUPLICATE_USERNAME', 'Duplicate Username.', ['Username'])
      }
      throw new ApiError(
        400,
        'DUPLICATE_VALUE',
        `duplicate value found: ${field.name} duplicates value on record with id: ${String(other.Id)}`,
        [field.name],
      )
    }
  }
}

/**
 * The workflow field update: when an Opportunity's StageName is set (create) or changes
 * (update), Probability becomes the stage's default probability, within the same save.
 * Returns true when it changed the record.
 */
export function applyWorkflow(
  object: ObjectDef,
  record: StoredRecord,
  before: Readonly<StoredRecord> | undefined,
): boolean {
  if (object.name !== 'Opportunity') return false
  const stage = record.StageName
  if (typeof stage !== 'string' || (before && before.StageName === stage)) return false
  const probability = STAGE_PROBABILITY[stage]
  if (probability === undefined || record.Probability === probability) return false
  record.Probability = probability
  return true
}
