import { RecordError, RecordErrorCode } from './errors.js'

declare const brand: unique symbol
type Brand<T, B extends string> = T & { readonly [brand]: B }

/** An 18-character Salesforce record Id (case-insensitive form, checksum verified). */
export type SalesforceId = Brand<string, 'SalesforceId'>
/** The key of a record created offline: `bc-` and 24 lowercase base-36 characters. */
export type DraftKey = Brand<string, 'DraftKey'>
/** A record document's name: `<SObject>/<key>`, the key an Id or a draft key. */
export type DocName = Brand<string, 'DocName'>
/** A device's id: 1 to 64 of `A-Z a-z 0-9 _ -`, not starting with `sf-` (server stamps). */
export type DeviceId = Brand<string, 'DeviceId'>
/** The key of a record: its Salesforce Id, or its draft key while it has none. */
export type RecordKey = SalesforceId | DraftKey

const SUFFIX = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345'
const ID15 = /^[a-zA-Z0-9]{15}$/
const ID18 = /^[a-zA-Z0-9]{18}$/
const DRAFT = /^bc-[0-9a-z]{24}$/
const SOBJECT = /^[A-Za-z][A-Za-z0-9_]{0,79}$/
const DEVICE = /^[A-Za-z0-9_-]{1,64}$/

function checksum(id15: string): string {
  let suffix = ''
  for (let chunk = 0; chunk < 3; chunk++) {
    let bits = 0
    for (let i = 0; i < 5; i++) {
      const c = id15.charCodeAt(chunk * 5 + i)
      if (c >= 65 && c <= 90) bits |= 1 << i
    }
    suffix += SUFFIX[bits]
  }
  return suffix
}

/** The 18-character Id for a 15- or 18-character one, or `undefined` if it is not an Id. */
export function toSalesforceId(value: string): SalesforceId | undefined {
  if (ID15.test(value)) return (value + checksum(value)) as SalesforceId
  if (!ID18.test(value)) return undefined
  const id15 = value.slice(0, 15)
  const expected = checksum(id15)
  return value.slice(15).toUpperCase() === expected
    ? ((id15 + expected) as SalesforceId)
    : undefined
}

/** True when `value` is an 18-character Salesforce Id with a valid checksum. */
export function isSalesforceId(value: unknown): value is SalesforceId {
  return typeof value === 'string' && ID18.test(value) && toSalesforceId(value) === value
}

/** True when `value` has the draft-key form. */
export function isDraftKey(value: unknown): value is DraftKey {
  return typeof value === 'string' && DRAFT.test(value)
}

/** True when `value` is a valid device id. */
export function isDeviceId(value: unknown): value is DeviceId {
  // `sf-` is reserved: server-side changes are stamped `sf-<userId>` (see `serverDevice`).
  return typeof value === 'string' && DEVICE.test(value) && !value.startsWith('sf-')
}

/** True when `value` looks like an sObject API name (`Account`, `Site_Visit__c`). */
export function isSObjectName(value: unknown): value is string {
  return typeof value === 'string' && SOBJECT.test(value)
}

/**
 * A new random draft key. `random` fills a byte array (defaults to Web Crypto).
 *
 * @example
 * ```ts
 * const key = newDraftKey() // 'bc-0k3j…'
 * ```
 */
export function newDraftKey(
  random: (bytes: Uint8Array) => Uint8Array = (b) => globalThis.crypto.getRandomValues(b),
): DraftKey {
  const bytes = random(new Uint8Array(24))
  let key = 'bc-'
  for (const b of bytes) key += (b % 36).toString(36)
  return key as DraftKey
}

/** Parses a device id, throwing `BRIEFCASE_INVALID_NAME` when it is not one. */
export function parseDeviceId(value: string): DeviceId {
  if (!isDeviceId(value)) {
    throw new RecordError(RecordErrorCode.invalidName, `Not a device id: ${JSON.stringify(value)}`)
  }
  return value
}

/** The parts of a document name. */
export interface DocNameParts {
  sobject: string
  key: RecordKey
}

/**
 * Parses `<SObject>/<key>`, normalising a 15-character Id to 18. Throws `BRIEFCASE_INVALID_NAME`.
 *
 * @example
 * ```ts
 * parseDocName('Account/001000000000001AAA') // { sobject: 'Account', key: '001000000000001AAA' }
 * ```
 */
export function parseDocName(name: string): DocNameParts & { name: DocName } {
  const slash = name.indexOf('/')
  const sobject = slash < 0 ? '' : name.slice(0, slash)
  const rawKey = slash < 0 ? '' : name.slice(slash + 1)
  const key = isDraftKey(rawKey) ? rawKey : toSalesforceId(rawKey)
  if (!isSObjectName(sobject) || key === undefined) {
    throw new RecordError(
      RecordErrorCode.invalidName,
      `Not a record document name (expected <SObject>/<18-char Id or draft key>): ${JSON.stringify(name)}`,
    )
  }
  return { sobject, key, name: `${sobject}/${key}` as DocName }
}

/** The document name of a record. */
export function docName(sobject: string, key: RecordKey): DocName {
  return parseDocName(`${sobject}/${key}`).name
}
