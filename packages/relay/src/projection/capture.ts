import type { FieldValue, HlcString } from '@briefcase/record'
import { decodeHlc, hlcDevice } from '@briefcase/record'
import type { CaptureFact, CaptureOptions } from './plan-types.js'
import type { ObjectPermissions } from './ports.js'

/** The value of a client-side fact for an edit stamped `stamp` by `user`. */
export function captureValue(fact: CaptureFact, stamp: HlcString, user: string): FieldValue {
  switch (fact) {
    case 'deviceEditedAt':
      return new Date(decodeHlc(stamp).wall).toISOString()
    case 'deviceId':
      return hlcDevice(stamp)
    case 'userId':
      return user
  }
}

/**
 * The capture fields of a write: for each configured custom field of the object, the fact of the
 * latest edit written (`latest`). Fields the write already sends, and fields the author cannot
 * see (when their permissions are known), are left out. (Capture fields are usually read-only to
 * devices, so write rights are left to Salesforce.)
 *
 * @example
 * ```ts
 * capturedFields({ Account: { Briefcase_Edited_At__c: 'deviceEditedAt' } }, 'Account', stamp,
 *   '005000000000001AAA', new Set(['Name']), undefined)
 * // { Briefcase_Edited_At__c: '2026-01-01T00:00:00.000Z' }
 * ```
 */
export function capturedFields(
  capture: CaptureOptions | undefined,
  sobject: string,
  latest: HlcString,
  user: string,
  sent: ReadonlySet<string>,
  permissions: ObjectPermissions | undefined,
): Record<string, FieldValue> {
  const out: Record<string, FieldValue> = {}
  for (const [field, fact] of Object.entries(capture?.[sobject] ?? {})) {
    if (sent.has(field)) continue
    if (permissions && !permissions.fields[field]) continue
    out[field] = captureValue(fact, latest, user)
  }
  return out
}
