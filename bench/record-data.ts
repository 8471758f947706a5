/**
 * Realistic Account records for the record benchmarks: 50 fields (45 scalar of the usual
 * Salesforce types, 5 long-text fields of 200 to 2,000 characters), from a seeded generator so
 * every run and every engine gets the same data.
 */
import type {
  FieldSchema,
  FieldType,
  FieldValue,
  ObjectSchema,
  SalesforceId,
} from '@briefcase/record'
import { createRandom } from '@briefcase/org'
import { toSalesforceId } from '@briefcase/record'

const PICKLISTS: Record<string, readonly string[]> = {
  Industry: ['Agriculture', 'Banking', 'Chemicals', 'Energy', 'Healthcare', 'Retail', 'Technology'],
  Type: ['Prospect', 'Customer - Direct', 'Customer - Channel', 'Partner', 'Other'],
  Ownership: ['Public', 'Private', 'Subsidiary', 'Other'],
  Rating: ['Hot', 'Warm', 'Cold'],
  AccountSource: ['Web', 'Phone Inquiry', 'Partner Referral', 'Purchased List', 'Other'],
  CustomerPriority__c: ['High', 'Medium', 'Low'],
  SLA__c: ['Gold', 'Silver', 'Platinum', 'Bronze'],
  UpsellOpportunity__c: ['Maybe', 'No', 'Yes'],
  Active__c: ['No', 'Yes'],
  Region__c: ['AMER', 'EMEA', 'APAC', 'LATAM'],
  Segment__c: ['SMB', 'Mid-Market', 'Enterprise', 'Strategic'],
  Tier__c: ['1', '2', '3'],
}

const STRINGS = [
  'Name',
  'AccountNumber',
  'Site',
  'TickerSymbol',
  'Phone',
  'Fax',
  'Website',
  'BillingStreet',
  'BillingCity',
  'BillingState',
  'BillingPostalCode',
  'BillingCountry',
  'ShippingStreet',
  'ShippingCity',
  'ShippingState',
  'ShippingPostalCode',
  'ShippingCountry',
  'Sic',
  'NaicsCode',
  'DunsNumber',
  'Tradestyle',
  'YearStarted',
  'Email__c',
  'Account_Manager__c',
] as const
const NUMBERS: [string, FieldType][] = [
  ['NumberOfEmployees', 'int'],
  ['AnnualRevenue', 'currency'],
  ['NumberofLocations__c', 'double'],
  ['Discount__c', 'percent'],
  ['Credit_Limit__c', 'currency'],
]
const BOOLEANS = ['IsPartner__c', 'IsCustomerPortal__c'] as const
const DATES = ['SLAExpirationDate__c', 'Contract_End__c'] as const
/** Long-text fields. */
export const TEXTS = [
  'Description',
  'Notes__c',
  'Terms__c',
  'Internal_Comments__c',
  'Delivery_Instructions__c',
] as const

function field(name: string, type: FieldType, extra: Partial<FieldSchema> = {}): FieldSchema {
  return { name, type, ...extra }
}

/** The benchmark's Account: 45 scalar fields and 5 long-text fields. */
export const schema: ObjectSchema = {
  name: 'Account',
  fields: Object.fromEntries(
    [
      ...STRINGS.map((n) =>
        field(n, n === 'Phone' || n === 'Fax' ? 'phone' : 'string', { length: 255 }),
      ),
      ...Object.entries(PICKLISTS).map(([n, values]) =>
        field(n, 'picklist', { picklistValues: values }),
      ),
      ...NUMBERS.map(([n, type]) => field(n, type)),
      ...BOOLEANS.map((n) => field(n, 'boolean')),
      ...DATES.map((n) => field(n, 'date')),
      field('ParentId', 'reference', { referenceTo: ['Account'] }),
      field('OwnerId', 'reference', { referenceTo: ['User'] }),
      ...TEXTS.map((n) => field(n, 'textarea', { length: 32_000 })),
    ].map((f) => [f.name, f]),
  ),
}

/** Every scalar field of {@link schema}. */
export const SCALARS: readonly string[] = Object.values(schema.fields)
  .filter((f) => f.type !== 'textarea')
  .map((f) => f.name)

const WORDS = (
  'the customer asked for a revised quote covering delivery to three warehouses before the end ' +
  'of the quarter and confirmed that the billing contact changed after the merger while the ' +
  'renewal terms remain under review by legal please call before visiting site access requires ' +
  'a badge from reception parking is limited on weekdays invoices go to accounts payable only'
).split(' ')

/** The Id of the `n`-th record (prefix `001`, `005` for users). */
export function recordId(n: number, prefix = '001'): SalesforceId {
  return toSalesforceId(`${prefix}${String(n).padStart(12, '0')}`) as SalesforceId
}

/** Words, about `length` characters of them. */
export function prose(random: () => number, length: number): string {
  let s = ''
  while (s.length < length) s += `${WORDS[Math.floor(random() * WORDS.length)] as string} `
  return s.slice(0, length)
}

/** A plausible value for a scalar field. */
export function scalarValue(random: () => number, name: string, n: number): FieldValue {
  const f = schema.fields[name] as FieldSchema
  const pickOne = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T
  switch (f.type) {
    case 'picklist':
      return pickOne(f.picklistValues ?? [''])
    case 'int':
      return Math.floor(random() * 50_000)
    case 'currency':
    case 'double':
    case 'percent':
      return Math.round(random() * 100_000_000) / 100
    case 'boolean':
      return random() < 0.5
    case 'date':
      return `20${26 + Math.floor(random() * 4)}-0${1 + Math.floor(random() * 9)}-1${Math.floor(random() * 9)}`
    case 'reference':
      return recordId(1 + Math.floor(random() * 5_000), name === 'OwnerId' ? '005' : '001')
    case 'phone':
      return `+1 415 555 ${String(Math.floor(random() * 10_000)).padStart(4, '0')}`
    default:
      return name === 'Name' ? `Account ${n}` : prose(random, 8 + Math.floor(random() * 30)).trim()
  }
}

/** The `n`-th record as Salesforce returns it: every field, long texts of 200 to 2,000 chars. */
export function recordValues(n: number): Record<string, FieldValue> {
  const random = createRandom(n + 1).next
  const values: Record<string, FieldValue> = {}
  for (const name of SCALARS) values[name] = scalarValue(random, name, n)
  for (const name of TEXTS) values[name] = prose(random, 200 + Math.floor(random() * 1_800))
  return values
}
