import type { ObjectSchema } from '@briefcase/record'

/** `GET /auth/session`. */
export interface SessionInfo {
  user: { id: string; name: string; username: string; email?: string }
  device: string
  /** ISO time the session expires. */
  expiresAt: string
  /** The org's instance URL (for links to records in Salesforce). */
  instanceUrl: string
  /** The engine record documents use on this relay. */
  engine: 'yjs' | 'automerge'
}

/** `GET /api/schemas/<SObject>`: what the user may read of an object, as a record schema. */
export interface SchemaResponse {
  /** The fields of the record's main partition (`<SObject>/<key>`), with the user's rights. */
  schema: ObjectSchema
  /**
   * The user's other partitions (fields some users may not read), each its own document
   * `<SObject>/<key>/<id>` (ADR 0005); empty or absent when every field the user reads is in
   * `schema`.
   */
  partitions?: SchemaPartition[]
  label: string
  labelPlural: string
  /** The field holding the record's display name (`Name`, `Subject`, `CaseNumber`, …). */
  nameField: string
  createable: boolean
  updateable: boolean
  deletable: boolean
}

/** A partition of an object's fields that only some users read, as one user sees it. */
export interface SchemaPartition {
  id: string
  /** Its fields, with the user's rights. */
  schema: ObjectSchema
}

/** The kinds of offline items Salesforce offers, plus Briefcase's briefcase filters. */
export const OfflineItemKind = {
  object: 'object',
  listView: 'listView',
  briefcase: 'briefcase',
  myTasks: 'myTasks',
  dashboard: 'dashboard',
} as const
/** One of {@link OfflineItemKind}'s values. */
export type OfflineItemKind = (typeof OfflineItemKind)[keyof typeof OfflineItemKind]

/** Something a user can choose to have offline. */
export interface OfflineItem {
  /** Stable id: `object:Account`, `listView:Account:<id>`, `briefcase:<id>`, `myTasks`, `dashboard:<id>`. */
  id: string
  kind: OfflineItemKind
  label: string
  sobject?: string
  /** For briefcase filters: what related records come along (e.g. "Contacts, open Opportunities"). */
  description?: string
}

/** `GET /api/offline-items`. */
export interface OfflineItemsResponse {
  items: OfflineItem[]
}

/** `GET` / `PUT /api/preferences`: chosen item ids, at most `MAX_PREFERENCES`. */
export interface Preferences {
  items: string[]
}

/** Why a record is in the cache. */
export const CacheSource = {
  preference: 'preference',
  default: 'default',
  session: 'session',
  briefcase: 'briefcase',
} as const
/** One of {@link CacheSource}'s values. */
export type CacheSource = (typeof CacheSource)[keyof typeof CacheSource]

/** A record the cache plan says to hold. */
export interface PlannedRecord {
  /** `<SObject>/<Id>`. */
  doc: string
  sobject: string
  id: string
  /** Display name. */
  name: string
  source: CacheSource
  /** The offline item (or default-policy part) that brought it. */
  item: string
  /** For related records brought by a briefcase filter: the parent record's document. */
  parent?: string
}

/** A dashboard snapshot to cache read-only. */
export interface PlannedDashboard {
  id: string
  title: string
  item: string
  /** The dashboard's results as the org returned them. */
  snapshot: unknown
  /** ISO time the snapshot was taken. */
  takenAt: string
}

/** `POST /api/cache-plan`. */
export interface CachePlan {
  generatedAt: string
  /** True when the user has no preferences and the default policy applies. */
  usingDefault: boolean
  records: PlannedRecord[]
  dashboards: PlannedDashboard[]
}

/** `GET /api/quick-actions`: the "+" menu. */
export interface QuickAction {
  /** `<Object>.create`. */
  name: string
  sobject: string
  label: string
}

/** `GET /api/lookup/<SObject>?q=`. */
export interface LookupResult {
  id: string
  name: string
}

/** `POST /api/records/<SObject>/<key>/view`. */
export interface ViewResponse {
  doc: string
  name: string
}
