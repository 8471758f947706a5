import type {
  DraftKey,
  FieldValue,
  HlcString,
  ObjectSchema,
  PendingChange,
  SalesforceId,
} from '@briefcase/record'
import type { DocRef, ObjectPermissions } from './ports.js'

/** A record with something to send, as the planner sees it (read from its document). */
export interface PlanRecord {
  ref: DocRef
  sobject: string
  salesforceId: SalesforceId | null
  draftKey: DraftKey | null
  /** The user who created the draft (for a create: whose session creates it). */
  creator: string | null
  /** The document's pending change; `operation` is not null. */
  pending: PendingChange
  schema: ObjectSchema
  /** The SystemModstamp the shadow was last acknowledged or read at. */
  systemModstamp: string | null
  /**
   * For a document of another partition than its record's main one (ADR 0005): the main
   * document. Such a document never creates its record: while it has no Id it waits (`main-pending`).
   */
  main?: DocRef
}

/** A fact about an edit the projector can write into a custom field. */
export type CaptureFact = 'deviceEditedAt' | 'deviceId' | 'userId'

/** Per object, custom fields to fill with facts of the latest edit written. */
export type CaptureOptions = Readonly<Record<string, Readonly<Record<string, CaptureFact>>>>

/** Options of the planner. */
export interface PlanOptions {
  /** API version of subrequest URLs, without `v` (e.g. `62.0`). */
  apiVersion: string
  /** External-Id field holding the draft key (default `Briefcase_Draft_Key__c`). */
  draftKeyField?: string
  capture?: CaptureOptions
  /** Records per sObject Collections request (Salesforce: 200). */
  maxCollection?: number
  /** Collections and queries per Composite request (Salesforce: 5). */
  maxHeavyPerComposite?: number
  /** Append queries reading back what was written when a Composite has room (default true). */
  postWriteQuery?: boolean
  /** Most Ids and draft keys one read-back query names (default 300). */
  maxQueryKeys?: number
  /**
   * Most updates of a call sent as conditional rows carrying their conflict check
   * (`If-Unmodified-Since`) instead of a separate check call (default 20; 0: always check apart).
   */
  maxConditionalRows?: number
}

/** Everything the planner decides from. */
export interface PlanInput {
  records: readonly PlanRecord[]
  /** Documents (by `group|name`) blocked by an error until they change, and why. */
  blocked: ReadonlySet<string>
  /** Documents (by `group|name`) waiting for a retry. */
  waiting: ReadonlySet<string>
  /** Draft keys the projector has sent: with the Id they were created as, or null when unknown. */
  drafts: ReadonlyMap<string, SalesforceId | null>
  /** Authors' field permissions, where known (`user` → `sobject` → permissions). */
  permissions: (user: string, sobject: string) => ObjectPermissions | undefined
  /** Documents (by `group|name`) whose updates must go behind the separate check (a 412 this run). */
  unconditional?: ReadonlySet<string>
  /**
   * Documents (by `group|name`) whose shadow's SystemModstamp was read from Salesforce moments ago
   * (a check, or the read-back of a write, this run): their updates carry the check in the write
   * even with edits older than that stamp (a change since the read goes unseen either way).
   */
  confirmed?: ReadonlySet<string>
  options: PlanOptions
}

/** A field value sent, with the stamp of the edit it came from (what the acknowledgement needs). */
export interface SentField {
  value: FieldValue
  stamp: HlcString
}

/** The kind of write. Creates are upserts on the draft-key field. */
export type WriteKind = 'upsert' | 'update' | 'delete'

/** One record's write in a call. */
export interface PlannedWrite {
  ref: DocRef
  sobject: string
  kind: WriteKind
  author: string
  salesforceId: SalesforceId | null
  draftKey: DraftKey | null
  /** Fields sent, with their stamps; references to records created in the same call hold the draft key. */
  fields: Record<string, SentField>
  /** Reference fields whose value is a record created earlier in the same call: field → draft key. */
  refs: Record<string, DraftKey>
  /** Draft keys resolved from earlier creates, to record in the document: key → Id. */
  resolutions: Record<string, SalesforceId>
  /** Captured client-side facts sent (custom field → value). */
  captured: Record<string, FieldValue>
  firstChangeAt: HlcString | null
}

/** One subrequest of a Composite call. */
export interface PlannedSubrequest {
  referenceId: string
  /** `row`: one update as an sObject Rows PATCH carrying `If-Unmodified-Since`. */
  kind: WriteKind | 'query' | 'row'
  method: 'GET' | 'PATCH' | 'DELETE'
  url: string
  body?: unknown
  /** Subrequest headers (`If-Unmodified-Since` of a conditional row). */
  headers?: Record<string, string>
  /** The writes it carries, in item order (indexes into {@link PlannedCall.writes}). */
  items: number[]
  /** For a read-back query: the object it reads. */
  sobject?: string
}

/** What the pre-write check reads for one object. */
export interface CheckTarget {
  sobject: string
  ids: SalesforceId[]
  fields: string[]
}

/** One API call: a Composite request under one author's session. */
export interface PlannedCall {
  author: string
  writes: PlannedWrite[]
  subrequests: PlannedSubrequest[]
  /** Records the SystemModstamp check reads before this call (updates and deletes). */
  check: CheckTarget[]
}

/**
 * Why a record is not in this wave. `main-pending`: a new record's document of another partition
 * than the main one, waiting for the main document's create (ADR 0005).
 */
export type HoldReason =
  | 'blocked'
  | 'waiting'
  | 'dependency-failed'
  | 'dependency-pending'
  | 'next-wave'
  | 'refused'
  | 'main-pending'

/** A record left out of this wave. */
export interface HeldRecord {
  ref: DocRef
  reason: HoldReason
  /** For `dependency-failed`/`dependency-pending`: the draft key waited on. */
  draftKey?: DraftKey
  /** The reference fields concerned. */
  fields?: string[]
}

/** Why fields are refused before sending. */
export type RefusalCode = 'INVALID_FIELD_FOR_INSERT_UPDATE' | 'BRIEFCASE_UNKNOWN_AUTHOR'

/**
 * Fields that are not sent: the author may not write them per their describe
 * (`INVALID_FIELD_FOR_INSERT_UPDATE`, what Salesforce would answer for the whole record), or no
 * user is known for the device that edited them. Reported on the record as an error.
 */
export interface Refusal {
  ref: DocRef
  author: string
  fields: string[]
  code: RefusalCode
}

/** The writes that can go now, in order, and what waits. */
export interface Wave {
  calls: PlannedCall[]
  held: HeldRecord[]
  refusals: Refusal[]
  /** Drafts deleted before they were ever sent: nothing to send, only to acknowledge. */
  localDeletes: DocRef[]
}
