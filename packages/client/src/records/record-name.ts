import type { FieldValue } from '@briefcase/record'

/**
 * A record's display name: its object's name field; where Salesforce derives that field from
 * `FirstName` and `LastName` (Contacts, Leads) and has not yet (a record created offline), the
 * two parts; else `fallback` (its key).
 */
export function recordName(
  values: Readonly<Record<string, FieldValue>>,
  nameField: string,
  fallback: string,
): string {
  const value = values[nameField]
  if (typeof value === 'string' && value !== '') return value
  const parts = [values.FirstName, values.LastName].filter(
    (part): part is string => typeof part === 'string' && part !== '',
  )
  return parts.length > 0 ? parts.join(' ') : fallback
}
