import type {
  FieldValue,
  HlcString,
  RecordDocument,
  SalesforceId,
  ServerInfo,
  WriteAck,
} from '@briefcase/record'

import type { ServerRow } from './composite-result.js'
import type { PlannedWrite } from './plan-types.js'
import { serverString } from './plan-record.js'
import { rowId, serverInfoOf } from './server-records.js'

const EPOCH = '1970-01-01T00:00:00.000Z'

/** The read-back row of a write: by Id, or by draft key for a create. */
export function findRow(
  rows: readonly ServerRow[] | undefined,
  id: string | null,
  draftKey: string | null,
  draftKeyField: string,
): ServerRow | undefined {
  return rows?.find(
    (r) => (id !== null && rowId(r) === id) || (draftKey !== null && r[draftKeyField] === draftKey),
  )
}

/**
 * Server information for an acknowledgement without a read-back: the document's own (an update
 * does not move it), or for a create the Id with an unknown SystemModstamp (the next check or
 * pull reads the real one).
 */
function fallbackInfo(
  doc: RecordDocument,
  id: SalesforceId,
  author: string,
  at: number,
): ServerInfo {
  return {
    salesforceId: id,
    lastModifiedDate: serverString(doc, 'lastModifiedDate') ?? new Date(at).toISOString(),
    systemModstamp: serverString(doc, 'systemModstamp') ?? EPOCH,
    lastModifiedById: serverString(doc, 'lastModifiedById') ?? author,
  }
}

/** What one acknowledgement needs besides the write. */
export interface AckContext {
  /** The record's Id (from the response, or the write's). */
  id: SalesforceId
  /** Ids of the records created earlier in the call, by draft key. */
  parentIds: ReadonlyMap<string, SalesforceId>
  row: ServerRow | undefined
  at: number
}

/** A write as acknowledged, for the projection's report. */
export interface AcknowledgedWrite {
  ack: WriteAck
  /** The read-back row, when Salesforce returned one. */
  row: ServerRow | undefined
}

/**
 * Records a write Salesforce accepted in its document: the draft keys its references held are
 * resolved, the shadow takes the values sent at the stamps of their edits (with references as
 * the Ids Salesforce has, and captured facts the document knows), then the read-back row (if
 * any) is merged: our own values change nothing, workflow updates arrive as server changes.
 * Returns the acknowledgement.
 */
export function acknowledgeInDocument(
  doc: RecordDocument,
  write: PlannedWrite,
  c: AckContext,
): AcknowledgedWrite {
  const resolutions: Record<string, SalesforceId> = { ...write.resolutions }
  const fields: Record<string, { value: FieldValue; stamp: HlcString }> = {}
  let latest: HlcString | undefined
  for (const [field, sent] of Object.entries(write.fields)) {
    const draft = write.refs[field]
    const value = draft === undefined ? sent.value : c.parentIds.get(draft)
    if (value === undefined) continue
    if (draft !== undefined) resolutions[draft] = value as SalesforceId
    fields[field] = { value, stamp: sent.stamp }
    if (latest === undefined || sent.stamp > latest) latest = sent.stamp
  }
  if (latest !== undefined) {
    for (const [field, value] of Object.entries(write.captured)) {
      if (doc.schema.fields[field]) fields[field] = { value, stamp: latest }
    }
  }
  if (Object.keys(resolutions).length > 0) doc.resolveDraftKeys(resolutions)
  const info = (c.row && serverInfoOf(c.row)) ?? fallbackInfo(doc, c.id, write.author, c.at)
  doc.acknowledgeWrite({ fields, info })
  if (c.row) doc.applyServerRecord(c.row, info)
  return { ack: { fields, info }, row: c.row }
}
