import type { RecordDocument } from '@briefcase/record'

/**
 * A stored record document: its name (`<SObject>/<key>`) and its readability partition (ADR 0005). The same
 * shape as the relay store's `DocKey`, declared here because the projector owns what it consumes.
 */
export interface DocRef {
  name: string
  group: string
}

/** A document the relay believes Salesforce lacks something of (one row of the pending index). */
export interface PendingDoc extends DocRef {
  /** HLC string of the oldest unsent change (used only to order the scan). */
  firstChangeAt: string | null
  /**
   * For a document of another partition than its record's main one (ADR 0005): the main
   * document's group. A new record is created from its main document only; its other documents
   * wait for that create, take the record's Id from the main document, and are written as updates.
   */
  mainGroup?: string
}

/**
 * The documents, as the projector and the puller use them. The relay core implements it over its
 * document hub and store.
 */
export interface ProjectionDocs {
  /** Every document that may have a pending change (the pending index), oldest change first. */
  pending(): Promise<PendingDoc[]>
  /**
   * Runs `fn` on the live document and resolves with its result once every change `fn` made is
   * durably stored and on its way to devices. Resolves `undefined` (without calling `fn`) when
   * the document does not exist. Calls for one document run one at a time.
   */
  withDocument<T>(ref: DocRef, fn: (doc: RecordDocument) => T): Promise<T | undefined>
  /**
   * Whether this relay may still write the document's record (it holds its lease, among relays
   * sharing a store); checked just before each call is sent. Absent: always.
   */
  held?(ref: DocRef): boolean
}

/** One REST request, as jsforce's `Connection.request` takes it. */
export interface SalesforceRequest {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE'
  /** Relative to the versioned base (`/composite`) or absolute (`/services/data/v62.0/…`). */
  url: string
  body?: string
  headers?: Record<string, string>
  /** What the call is for, for the log (`write`, `check`, `recover`, `pull`…); never sent. */
  purpose?: string
  /** How many records it concerns, for the log; never sent. */
  records?: number
}

/**
 * A Salesforce session: the part of jsforce's `Connection` the projector and the puller use. A
 * jsforce `Connection` satisfies it. Errors are thrown as jsforce throws them (`errorCode`,
 * `name`, `message`; socket errors carry `code`).
 */
export interface SalesforceConnection {
  /** API version without `v`, e.g. `62.0`. */
  readonly version: string
  /** The org's API usage from the last answer's `Sforce-Limit-Info` (jsforce sets it). */
  readonly limitInfo?: { apiUsage?: { used: number; limit: number } } | undefined
  request<T = unknown>(request: SalesforceRequest): Promise<T>
}

/** What a user may do with one field, from their describe. */
export interface FieldPermission {
  createable: boolean
  updateable: boolean
}

/** The fields a user can see on an object (absent fields are hidden from them). */
export interface ObjectPermissions {
  fields: Readonly<Record<string, FieldPermission>>
}

/** Salesforce, per user: the relay core holds the users' OAuth sessions. */
export interface ProjectionSalesforce {
  /**
   * The user's session, or `undefined` when the relay has none for them now (their writes wait
   * and are retried with backoff).
   */
  connection(userId: string): Promise<SalesforceConnection | undefined>
  /**
   * The user's field permissions on an object (from a cached describe). Optional: with it, fields
   * the author may not write are refused before sending and queries select only fields the user
   * can read; without it, Salesforce answers.
   */
  permissions?(userId: string, sobject: string): Promise<ObjectPermissions | undefined>
}

/** A pino-compatible logger. */
export interface ProjectionLogger {
  debug(data: object, message: string): void
  info(data: object, message: string): void
  warn(data: object, message: string): void
  error(data: object, message: string): void
}

/** Counters the projector and the puller report (the core maps them to Prometheus). */
export interface ProjectionMetrics {
  increment(name: string, labels?: Readonly<Record<string, string>>, value?: number): void
}

/** One record's write as the outbox keeps it: enough to recognise it in Salesforce after a crash. */
export interface IntentWrite {
  ref: DocRef
  sobject: string
  kind: 'upsert' | 'update' | 'delete'
  salesforceId: string | null
  draftKey: string | null
  /** Values sent (references to records created in the same call hold their draft key). */
  fields: Record<string, { value: string | number | boolean | null; stamp: string }>
  /** Reference fields sent as `@{ref.id}`: field → draft key of the record created first. */
  refs: Record<string, string>
}

/** A call recorded before it is sent and settled after its outcome is applied. */
export interface OutboxEntry {
  id: number
  author: string
  writes: IntentWrite[]
  /** ms since the epoch. */
  createdAt: number
}

/** A draft key the projector has sent, and the Id it was created as once known. */
export interface DraftEntry {
  draftKey: string
  ref: DocRef
  sobject: string
  salesforceId: string | null
}

/**
 * The projector's durable state: the outbox of calls in flight, the draft keys sent, and the
 * records blocked by an error until their document changes. Asynchronous so that a networked
 * backend fits; every method is atomic and durable when its promise resolves.
 */
export interface ProjectionStore {
  /**
   * Records a call about to be sent, as in flight, with the draft keys of its creates (as sent,
   * Id unknown, unless already known). Resolves with the entry's id.
   */
  recordIntent(author: string, writes: readonly IntentWrite[], at: number): Promise<number>
  /** Removes a settled call. */
  settleIntent(id: number): Promise<void>
  /** Calls recorded and never settled, oldest first (after a crash or an ambiguous failure). */
  unsettledIntents(): Promise<OutboxEntry[]>
  /** The draft keys among `keys` that were sent, with their Ids where known. */
  drafts(keys: readonly string[]): Promise<Map<string, DraftEntry>>
  /** Records the Ids draft keys were created as. */
  resolveDrafts(resolutions: Readonly<Record<string, string>>): Promise<void>
  /** Forgets draft keys whose create Salesforce refused (never created). */
  forgetDrafts(keys: readonly string[]): Promise<void>
  /** Blocked documents (`group|name`) with the fingerprint of the pending change that failed. */
  blocks(): Promise<Map<string, string>>
  putBlock(ref: DocRef, fingerprint: string): Promise<void>
  clearBlock(ref: DocRef): Promise<void>
}
