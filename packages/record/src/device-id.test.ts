import { describe, expect, it } from 'vitest'
import { isRecordError } from './errors.js'
import { serverDevice } from './hlc.js'
import { isDeviceId, parseDeviceId } from './ids.js'

describe('device ids', () => {
  it('refuses ids in the form of server stamps, which name a Salesforce user', () => {
    // `sf-<userId>` stamps server-side changes: a device under that id would have its edits
    // taken for that user's, and never reported as beaten by a delete.
    const id = serverDevice('005000000000001AAA')
    expect(isDeviceId(id)).toBe(false)
    expect(() => parseDeviceId(id)).toThrow(/device id/)
    try {
      parseDeviceId(id)
    } catch (e) {
      expect(isRecordError(e, 'BRIEFCASE_INVALID_NAME')).toBe(true)
    }
    expect(isDeviceId('sf')).toBe(true)
    expect(isDeviceId('phone-sf-1')).toBe(true)
  })
})
