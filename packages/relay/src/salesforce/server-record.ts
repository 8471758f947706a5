import type { ServerInfo } from '@briefcase/record'
import { toSalesforceId } from '@briefcase/record'
import type { FetchedRecord } from './record-access.js'

/** System fields every record fetch selects, so the shadow can be dated. */
export const INFO_FIELDS: readonly string[] = [
  'Id',
  'LastModifiedDate',
  'SystemModstamp',
  'LastModifiedById',
]

/** What a fetched record says about its version. Undefined when a system field is missing. */
export function serverInfoOf(record: FetchedRecord): ServerInfo | undefined {
  const id = typeof record.Id === 'string' ? toSalesforceId(record.Id) : undefined
  const { LastModifiedDate: lmd, SystemModstamp: sms, LastModifiedById: by } = record
  if (!id || typeof lmd !== 'string' || typeof by !== 'string') return undefined
  return {
    salesforceId: id,
    lastModifiedDate: lmd,
    systemModstamp: typeof sms === 'string' ? sms : lmd,
    lastModifiedById: by,
  }
}

/** A fetched record's field values (without `attributes` and relationship objects). */
export function serverValuesOf(record: FetchedRecord): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(record)) {
    if (k === 'attributes' || (typeof v === 'object' && v !== null)) continue
    out[k] = v
  }
  return out
}

/** The fields to select for a group: its schema's fields plus the system fields. */
export function selectFields(schemaFields: readonly string[]): string[] {
  return [...new Set([...INFO_FIELDS, ...schemaFields])]
}
