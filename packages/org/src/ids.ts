declare const brand: unique symbol

/** An 18-character Salesforce record Id: key prefix, 12 base-62 characters, case checksum. */
export type SalesforceId = string & { readonly [brand]: 'SalesforceId' }

const SUFFIX = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345'
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'
const ID15 = /^[a-zA-Z0-9]{15}$/
const ID18 = /^[a-zA-Z0-9]{18}$/

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

/** The 18-character form of a 15- or 18-character Id, or `undefined` if `value` is not an Id. */
export function toSalesforceId(value: string): SalesforceId | undefined {
  if (ID15.test(value)) return (value + checksum(value)) as SalesforceId
  if (!ID18.test(value)) return undefined
  // Salesforce rejects an 18-character Id whose suffix is not the checksum of its first 15
  // characters (MALFORMED_ID), so the case is not recovered from the suffix.
  return value.slice(0, 15) + checksum(value.slice(0, 15)) === value
    ? (value as SalesforceId)
    : undefined
}

/** True when `value` is a 15- or 18-character Id whose checksum (if any) is right. */
export function isSalesforceId(value: unknown): value is string {
  return typeof value === 'string' && toSalesforceId(value) !== undefined
}

/** True when `value` has the shape of an Id (15 or 18 letters and digits), valid or not. */
export function looksLikeId(value: string): boolean {
  return ID15.test(value) || ID18.test(value)
}

/** Builds an Id from a 3-character key prefix and a counter (base 62, 12 characters). */
export function makeId(prefix: string, counter: number): SalesforceId {
  let body = ''
  let n = Math.floor(counter)
  for (let i = 0; i < 10; i++) {
    body = BASE62.charAt(n % 62) + body
    n = Math.floor(n / 62)
  }
  const id15 = `${prefix}5g${body}`
  return (id15 + checksum(id15)) as SalesforceId
}

/** The first 15 characters of an Id (the case-sensitive form). */
export function to15(id: string): string {
  return id.slice(0, 15)
}
