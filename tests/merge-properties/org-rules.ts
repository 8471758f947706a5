import type { FieldValue } from '@briefcase/record'

/**
 * The simulated org's automation, as a real org's admin would set it up: a validation rule that
 * refuses a record, and workflow field updates that rewrite what a write sent.
 */

/** A validation error: Salesforce's code and the fields it names. */
export interface ValidationError {
  code: 'FIELD_CUSTOM_VALIDATION_EXCEPTION'
  fields: string[]
}

/** Validation rule: an Account named Umbrella must say how many employees it has. */
export function validate(values: Readonly<Record<string, FieldValue>>): ValidationError | null {
  if (values['Name'] === 'Umbrella' && values['NumberOfEmployees'] === null) {
    return { code: 'FIELD_CUSTOM_VALIDATION_EXCEPTION', fields: ['Name', 'NumberOfEmployees'] }
  }
  return null
}

/**
 * Workflow field updates after a write (`written`: the fields it sent): a Name written as Hooli
 * becomes "Hooli Inc" (the same field rewritten), and a Retail Industry makes the Account a
 * partner (another field). Returns the fields it changed, with their new values.
 */
export function workflow(
  values: Readonly<Record<string, FieldValue>>,
  written: ReadonlySet<string>,
): Map<string, FieldValue> {
  const out = new Map<string, FieldValue>()
  if (written.has('Name') && values['Name'] === 'Hooli') out.set('Name', 'Hooli Inc')
  if (written.has('Industry') && values['Industry'] === 'Retail' && values['IsPartner__c'] !== true)
    out.set('IsPartner__c', true)
  return out
}
