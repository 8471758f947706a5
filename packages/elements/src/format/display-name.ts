import type { FieldValue } from '@briefcase/record'

/**
 * The name to show for a record. The client names a record by its object's name field, which
 * Salesforce derives for some objects (a Contact's `Name` from `FirstName` and `LastName`): a
 * record created offline has none yet, and the client falls back to its draft key. Here the name
 * is put together from the parts the user typed, or "New <Object>" when there are none.
 */
export function displayName(
  name: string,
  key: string,
  label: string,
  values: Readonly<Record<string, FieldValue>> = {},
): string {
  if (name && name !== key) return name
  const parts = [values.FirstName, values.LastName].filter(
    (part): part is string => typeof part === 'string' && part !== '',
  )
  if (parts.length > 0) return parts.join(' ')
  return `New ${label}`
}

/** The new values of a pending change's fields, by field name. */
export function pendingValues(
  fields: readonly { field: string; new: FieldValue }[],
): Record<string, FieldValue> {
  return Object.fromEntries(fields.map((f) => [f.field, f.new]))
}
