/** The org's two profiles. */
export const ProfileName = {
  fieldRep: 'Field Rep',
  salesManager: 'Sales Manager',
} as const

/** One of {@link ProfileName}'s values. */
export type ProfileName = (typeof ProfileName)[keyof typeof ProfileName]

/** What a profile may do with an object. */
export interface ObjectPermissions {
  readonly read: boolean
  readonly create: boolean
  readonly edit: boolean
  readonly delete: boolean
}

/** What a profile may do with a field: edit it, only read it, or not even see it. */
export type FieldAccess = 'edit' | 'read' | 'hidden'

const ALL: ObjectPermissions = { read: true, create: true, edit: true, delete: true }
const READ_ONLY: ObjectPermissions = { read: true, create: false, edit: false, delete: false }
const API_READ_ONLY: ReadonlySet<string> = new Set(['Profile', 'Dashboard'])

/** Object permissions of a profile. Users are never deleted (Salesforce deactivates them). */
export function objectPermissions(profile: ProfileName, object: string): ObjectPermissions {
  if (API_READ_ONLY.has(object)) return READ_ONLY
  if (object === 'User') {
    return profile === ProfileName.salesManager
      ? { read: true, create: true, edit: true, delete: false }
      : READ_ONLY
  }
  return ALL
}

/** Field-level security an admin changed, by `<profile>|<object>|<field>` (`Org.setFieldAccess`). */
export type FieldAccessOverrides = ReadonlyMap<string, FieldAccess>

/**
 * Field-level security. A Field Rep may read but not edit `Account.Rating`, and may not see
 * `Account.Credit_Limit__c` at all, unless `overrides` says otherwise. Everything else follows
 * the field's own describe flags.
 */
export function fieldAccess(
  profile: ProfileName,
  object: string,
  field: string,
  overrides?: FieldAccessOverrides,
): FieldAccess {
  const changed = overrides?.get(`${profile}|${object}|${field}`)
  if (changed) return changed
  if (profile !== ProfileName.fieldRep || object !== 'Account') return 'edit'
  if (field === 'Rating') return 'read'
  if (field === 'Credit_Limit__c') return 'hidden'
  return 'edit'
}
