import { describe, expect, it } from 'vitest'
import { isRecordError } from './errors.js'
import {
  isDraftKey,
  isSalesforceId,
  newDraftKey,
  parseDeviceId,
  parseDocName,
  toSalesforceId,
} from './ids.js'

describe('identifiers', () => {
  it('computes the 18-character checksum of Salesforce Ids', () => {
    // Vectors from Salesforce's documentation (shared/salesforce.md §1.4).
    expect(toSalesforceId('001D000000IqhSL')).toBe('001D000000IqhSLIAZ')
    expect(toSalesforceId('0018a00001rBqb8')).toBe('0018a00001rBqb8AAC')
    expect(toSalesforceId('001RM000003oCpr')).toBe('001RM000003oCprYAE')
    expect(toSalesforceId('001rm000003ocpryae')).toBeUndefined()
    expect(toSalesforceId('001RM000003oCprYAe')).toBe('001RM000003oCprYAE')
    expect(isSalesforceId('001D000000IqhSLIAZ')).toBe(true)
    expect(isSalesforceId('001D000000IqhSLIAA')).toBe(false)
  })

  it('makes random draft keys of a form an Id can never have', () => {
    const a = newDraftKey()
    const b = newDraftKey()
    expect(a).not.toBe(b)
    expect(isDraftKey(a)).toBe(true)
    expect(isSalesforceId(a)).toBe(false)
  })

  it('parses document names and normalises 15-character Ids', () => {
    expect(parseDocName('Account/001D000000IqhSL')).toEqual({
      sobject: 'Account',
      key: '001D000000IqhSLIAZ',
      name: 'Account/001D000000IqhSLIAZ',
    })
    const draft = newDraftKey()
    expect(parseDocName(`Site_Visit__c/${draft}`).key).toBe(draft)
  })

  it.each([
    'Account',
    'Account/',
    '/001D000000IqhSLIAZ',
    'Acc ount/001D000000IqhSLIAZ',
    'Account/123',
    'Account/001D000000IqhSLIAZ/x',
  ])('refuses the bad name %j with BRIEFCASE_INVALID_NAME', (name) => {
    let caught: unknown
    try {
      parseDocName(name)
    } catch (e) {
      caught = e
    }
    expect(isRecordError(caught, 'BRIEFCASE_INVALID_NAME')).toBe(true)
  })

  it('accepts device ids of letters, digits, dashes and underscores only', () => {
    expect(parseDeviceId('tablet_2-b')).toBe('tablet_2-b')
    expect(() => parseDeviceId('a@b')).toThrow(/Not a device id/)
    expect(() => parseDeviceId('')).toThrow(/Not a device id/)
  })
})
