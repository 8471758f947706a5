import { describe, expect, test } from 'vitest'
import { isSalesforceId, makeId, toSalesforceId } from './ids.js'

describe('record Ids', () => {
  test('the 18-character checksum matches Salesforce documentation and known vectors', () => {
    expect(toSalesforceId('001D000000IqhSL')).toBe('001D000000IqhSLIAZ')
    expect(toSalesforceId('0018a00001rBqb8')).toBe('0018a00001rBqb8AAC')
    expect(toSalesforceId('001R00000033I6A')).toBe('001R00000033I6AIAU')
    expect(toSalesforceId('00558000001N0Ke')).toBe('00558000001N0KeAAK')
    expect(toSalesforceId('a0D30000001n7Pi')).toBe('a0D30000001n7PiEAI')
  })

  test('an 18-character Id is accepted only with its own checksum', () => {
    expect(toSalesforceId('001R00000033I6AIAU')).toBe('001R00000033I6AIAU')
    expect(toSalesforceId('001900K0001pPuOAAU')).toBeUndefined()
    expect(toSalesforceId('001r00000033i6aiau')).toBeUndefined()
    expect(isSalesforceId('not-an-id')).toBe(false)
    expect(isSalesforceId(42)).toBe(false)
  })

  test('generated Ids carry the key prefix, 12 base-62 characters and a valid checksum', () => {
    const ids = [0, 1, 61, 62, 3_844, 1_000_000].map((n) => makeId('a0V', n))
    for (const id of ids) {
      expect(id).toMatch(/^a0V[0-9A-Za-z]{15}$/)
      expect(toSalesforceId(id.slice(0, 15))).toBe(id)
    }
    expect(new Set(ids).size).toBe(ids.length)
    expect([...ids].sort()).toEqual(ids)
  })
})
