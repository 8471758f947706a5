import type {
  Author,
  BeatenEdit,
  Deletion,
  DocName,
  DraftKey,
  HlcString,
  PendingField,
  RecordKey,
  SalesforceId,
  SupersededEdit,
  WriteOperation,
} from '@briefcase/record'

/**
 * Where a pending change stands. The happy path is `saved` → `received` → `written`; the others
 * need the user's attention.
 * - `saved`: stored on this device (IndexedDB) only.
 * - `received`: the relay durably holds it (its state vector covers this device's changes).
 * - `written`: Salesforce has it; the change leaves the pending list.
 * - `failed`: Salesforce refused it (`error` holds code, message and fields).
 * - `superseded`: this user's edit lost to a later edit by someone else (`superseded` says who and
 *   which value).
 * - `deleted`: someone else (or Salesforce) deleted the record; this user's edits lost (`beaten`).
 */
export const PendingState = {
  saved: 'saved',
  received: 'received',
  written: 'written',
  failed: 'failed',
  superseded: 'superseded',
  deleted: 'deleted',
} as const
/** One of {@link PendingState}'s values. */
export type PendingState = (typeof PendingState)[keyof typeof PendingState]

/** Why Salesforce refused a change. */
export interface PendingError {
  /** Salesforce's error code (`FIELD_CUSTOM_VALIDATION_EXCEPTION`, …). */
  code: string
  message: string
  /** Fields the error names. */
  fields: string[]
}

/**
 * One record's pending change as the pending list shows it. The list is ordered by first change
 * (`firstChangeAt`), the order the relay writes records in.
 */
export interface PendingChangeView {
  doc: DocName
  sobject: string
  key: RecordKey
  /** Display name. */
  name: string
  salesforceId: SalesforceId | null
  /** What Salesforce still needs; `null` when only notices remain. */
  operation: WriteOperation | null
  /** Changed fields with old (Salesforce's) → new values, author and stamp. */
  fields: PendingField[]
  /** Who made the oldest unsent change, on which device; `null` when only notices remain. */
  author: Author | null
  /** Stamp of the oldest unsent change (orders the list). */
  firstChangeAt: HlcString | null
  /** Wall time of the oldest unsent change, ms since the epoch. */
  changedAt: number | null
  state: PendingState
  /** Set when `state` is `failed`. */
  error: PendingError | null
  /** Attempt number while the relay retries a transient failure, else `null`. */
  retrying: number | null
  /** This user's edits that lost to a later edit, with the winning edit (`by`). */
  superseded: SupersededEdit[]
  /** Who deleted the record, when it is deleted. */
  deleted: Deletion | null
  /** This user's edits a delete beat. */
  beaten: BeatenEdit[]
  /** Drafts this record references: they are created first. */
  dependsOn: DraftKey[]
}
