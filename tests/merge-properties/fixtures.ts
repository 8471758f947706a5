import type { DraftKey, FieldValue, ObjectSchema, SalesforceId } from '@briefcase/record'
import { toSalesforceId } from '@briefcase/record'

/** The object every schedule edits: scalar fields of several types and two long-text fields. */
export const schema: ObjectSchema = {
  name: 'Account',
  fields: {
    Name: { name: 'Name', type: 'string', length: 80 },
    Industry: {
      name: 'Industry',
      type: 'picklist',
      picklistValues: ['Energy', 'Retail', 'Banking'],
      restrictedPicklist: true,
    },
    NumberOfEmployees: { name: 'NumberOfEmployees', type: 'int' },
    AnnualRevenue: { name: 'AnnualRevenue', type: 'currency' },
    IsPartner__c: { name: 'IsPartner__c', type: 'boolean' },
    SLAExpirationDate__c: { name: 'SLAExpirationDate__c', type: 'date' },
    ParentId: { name: 'ParentId', type: 'reference', referenceTo: ['Account'] },
    Description: { name: 'Description', type: 'textarea', length: 32_000 },
    Notes__c: { name: 'Notes__c', type: 'textarea', length: 4_000 },
  },
}

export const SCALAR_FIELDS = [
  'Name',
  'Industry',
  'NumberOfEmployees',
  'AnnualRevenue',
  'IsPartner__c',
  'SLAExpirationDate__c',
  'ParentId',
] as const
export const TEXT_FIELDS = ['Description', 'Notes__c'] as const
export const ALL_FIELDS: readonly string[] = [...SCALAR_FIELDS, ...TEXT_FIELDS]

function sfId(prefix: string, n: number): SalesforceId {
  const id = toSalesforceId(`${prefix}${String(n).padStart(12, '0')}`)
  if (id === undefined) throw new Error(`bad test id ${prefix}${n}`)
  return id
}

/** The Salesforce record every schedule starts from. */
export const BASE_ID: SalesforceId = sfId('001', 1)
/** Other Accounts a lookup may point to. */
export const OTHER_IDS: readonly [SalesforceId, SalesforceId] = [sfId('001', 2), sfId('001', 3)]
/** The Id Salesforce gives the `n`-th draft it creates. */
export const createdId = (n: number): SalesforceId => sfId('001', 100 + n)
/** Salesforce users: devices belong to them, and they make server-side changes. */
export const USERS: readonly [string, string, string] = [
  sfId('005', 1),
  sfId('005', 2),
  sfId('005', 3),
]
/** The relay's own actor (it never makes device edits). */
export const RELAY_USER: string = sfId('005', 9)
/** The deterministic draft key of the `n`-th draft of a run (identical on both engines). */
export const draftKeyOf = (n: number): DraftKey =>
  `bc-${n.toString(36).padStart(24, '0')}` as DraftKey

/** Marks a pool slot that picks a draft the device knows (a lookup to a record not created yet). */
export const DRAFT_REF = Symbol('draft')

/** Values a device or the server may write to each scalar field. */
export const VALUE_POOLS: Readonly<
  Record<(typeof SCALAR_FIELDS)[number], readonly (FieldValue | typeof DRAFT_REF)[]>
> = {
  Name: ['Acme', 'Globex', 'Initech', 'Umbrella', 'Hooli', 'Stark Industries'],
  Industry: ['Energy', 'Retail', 'Banking', null],
  NumberOfEmployees: [0, 1, 50, 250, 1000, null],
  AnnualRevenue: [0, 1.5, 99.99, 1_000_000, 25_000_000, null],
  IsPartner__c: [true, false],
  SLAExpirationDate__c: ['2026-01-31', '2026-02-28', '2027-12-31', null],
  ParentId: [null, ...OTHER_IDS, DRAFT_REF],
}

/** The start of every run's true time: 2026-01-01T00:00:00Z. */
export const EPOCH = Date.UTC(2026, 0, 1)

/** Salesforce's datetime form, truncated to the second as LastModifiedDate is. */
export function sfDatetime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('Z', '+0000')
}

/** `items` in a random order (Fisher–Yates). */
export function shuffle<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items]
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    const tmp = out[i] as T
    out[i] = out[j] as T
    out[j] = tmp
  }
  return out
}

/** `list[floor(fraction * length)]`, for a fraction in [0, 1). */
export function pick<T>(list: readonly T[], fraction: number): T | undefined {
  return list[Math.min(list.length - 1, Math.floor(fraction * list.length))]
}
