import type { RecordDocument } from '@briefcase/record'

/**
 * A stored record document: its name (`<SObject>/<key>`) and its field-visibility group. The same
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
}

/** One REST request, as jsforce's `Connection.request` takes it. */
export interface SalesforceRequest {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE'
  /** Relative to the versioned base (`/composite`) or absolute (`/services/data/v62.0/…`). */
  url: string
  body?: string
  headers?: Record<string, string>
}

/**
 * A Salesforce session: the part of jsforce's `Connection` the projector and the puller use. A
 * jsforce `Connection` satisfies it. Errors are thrown as jsforce throws them (`errorCode`,
 * `name`, `message`; socket errors carry `code`).
 */
export interface SalesforceConnection {
  /** API version without `v`, e.g. `62.0`. */
  readonly version: string
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
