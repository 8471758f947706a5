import type { SchemaResponse } from '@briefcase/protocol'
import type { RecordDocument } from '@briefcase/record'
import * as Y from 'yjs'
import type { IndexRecord } from '../storage/index-record.js'
import { withDocState } from '../storage/index-record.js'
import { recordName } from './record-name.js'

/** A record document in memory, loaded for use or opened only to apply a sync's answer. */
export interface SummarySource {
  /** The document's wire and storage name. */
  readonly doc: string
  /** Its partition id; `null` for the record's main document. */
  readonly partition: string | null
  readonly document: RecordDocument
  readonly ydoc: Y.Doc
  readonly schema: SchemaResponse
}

/**
 * What a document says about its record's index entry (computed now, applied to the entry
 * later): a main document its name, pending change, state vector and status; a partition
 * document its own part of the entry.
 */
export function summaryOf(source: SummarySource): (record: IndexRecord) => IndexRecord {
  const document = source.document
  const pending = document.pending()
  const deviceSV = Y.encodeStateVector(source.ydoc)
  const fields = Object.keys(document.schema.fields)
  if (source.partition !== null) {
    return (record) => withDocState(record, source.doc, { pending, deviceSV, fields })
  }
  const deleted = document.isDeleted()
  const draft = document.salesforceId() === null && document.draftKey() !== null
  const values = document.values()
  const nameField = source.schema.nameField
  return (record) => ({
    ...record,
    name: recordName(values, nameField, record.name),
    pending,
    deviceSV,
    fields,
    deleted,
    draft,
  })
}
