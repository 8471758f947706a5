import type { HlcString } from './hlc.js'
import type { DocName, DraftKey, RecordKey, SalesforceId } from './ids.js'
import type { FieldValue } from './schema.js'

/** Who made an edit: a Salesforce user on a device (`sf-<userId>` for a server-side change). */
export interface Author {
  user: string
  device: string
}

/** What the relay last reported about writing a record to Salesforce. */
export interface SyncStatus {
  /** `ok`: written; `error`: refused by Salesforce (needs a fix); `retrying`: transient failure. */
  state: 'ok' | 'error' | 'retrying'
  /** ISO time of the report. */
  at: string
  /** Salesforce error code (`FIELD_CUSTOM_VALIDATION_EXCEPTION`, …). */
  code?: string
  message?: string
  /** Fields the error names. */
  fields?: string[]
  attempt?: number
}

/** One field Salesforce does not have yet. */
export interface PendingField {
  field: string
  /** The value Salesforce has (the shadow); `null` for a record not created yet. */
  old: FieldValue
  /** The merged value, draft-key references resolved where the relay knows the Id. */
  new: FieldValue
  /** Who made the winning edit, and when. */
  author: Author
  at: HlcString
}

/** An unsent edit another author's later edit (or a newer server change) beat. */
export interface SupersededEdit {
  field: string
  value: FieldValue
  author: Author
  at: HlcString
  /** The edit that won. */
  by: { author: Author; value: FieldValue; at: HlcString }
}

/** An edit a delete beat: made concurrently with, or after, every delete of the record. */
export interface BeatenEdit {
  field: string
  /** The edited value (for long text: the field's text when the delete won). */
  value: FieldValue
  author: Author
  at: HlcString
}

/** Who deleted a record. */
export interface Deletion {
  author: Author
  at: HlcString
  /** True when Salesforce deleted it (pulled from the server), not a device. */
  onServer: boolean
}

/** What Salesforce still needs for a record. */
export type WriteOperation = 'create' | 'update' | 'delete'

/**
 * A record's pending change: what Salesforce does not have yet, and the notices its authors must
 * see. A pure function of the document's state (merged values and shadow): the same state gives
 * the same pending change, whatever history led to it.
 */
export interface PendingChange {
  doc: DocName
  sobject: string
  key: RecordKey
  salesforceId: SalesforceId | null
  /** What to send; `null` when Salesforce has everything and only notices remain. */
  operation: WriteOperation | null
  /** Changed fields, by name (empty for a delete). */
  fields: PendingField[]
  deleted: Deletion | null
  superseded: SupersededEdit[]
  beaten: BeatenEdit[]
  /** Draft keys the record's references still hold: those records must be created first. */
  dependsOn: DraftKey[]
  /** The oldest unsent change: records go to Salesforce in this order. */
  firstChangeAt: HlcString | null
  status: SyncStatus | null
}
