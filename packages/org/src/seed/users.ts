import { makeId } from '../ids.js'
import { ProfileName } from '../security/profiles.js'

/** A seeded user: who they are, how they sign in and where they sit in the hierarchy. */
export interface OrgUser {
  readonly id: string
  readonly username: string
  readonly password: string
  readonly firstName: string
  readonly lastName: string
  readonly name: string
  readonly email: string
  readonly alias: string
  readonly title: string
  readonly profile: ProfileName
  readonly profileId: string
  readonly managerId: string | null
}

/** The org's Id (15 characters go into access tokens). */
export const ORG_ID: string = makeId('00D', 1)

/** Fixed profile Ids. */
export const PROFILE_IDS: Readonly<Record<ProfileName, string>> = {
  [ProfileName.fieldRep]: makeId('00e', 1),
  [ProfileName.salesManager]: makeId('00e', 2),
}

const managerId = makeId('005', 3)

/** The three seeded users: two field reps and their manager. */
export const SEEDED_USERS: readonly OrgUser[] = [
  {
    id: makeId('005', 1),
    username: 'rep1@briefcase.test',
    password: 'rep1-password',
    firstName: 'Maya',
    lastName: 'Patel',
    name: 'Maya Patel',
    email: 'maya.patel@briefcase.test',
    alias: 'mpatel',
    title: 'Field Sales Representative',
    profile: ProfileName.fieldRep,
    profileId: PROFILE_IDS[ProfileName.fieldRep],
    managerId,
  },
  {
    id: makeId('005', 2),
    username: 'rep2@briefcase.test',
    password: 'rep2-password',
    firstName: 'Jordan',
    lastName: 'Reyes',
    name: 'Jordan Reyes',
    email: 'jordan.reyes@briefcase.test',
    alias: 'jreyes',
    title: 'Field Sales Representative',
    profile: ProfileName.fieldRep,
    profileId: PROFILE_IDS[ProfileName.fieldRep],
    managerId,
  },
  {
    id: managerId,
    username: 'manager@briefcase.test',
    password: 'manager-password',
    firstName: 'Dana',
    lastName: 'Whitfield',
    name: 'Dana Whitfield',
    email: 'dana.whitfield@briefcase.test',
    alias: 'dwhit',
    title: 'Regional Sales Manager',
    profile: ProfileName.salesManager,
    profileId: PROFILE_IDS[ProfileName.salesManager],
    managerId: null,
  },
]
