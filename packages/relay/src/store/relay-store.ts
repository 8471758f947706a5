import type { ObjectSchema, WriteOperation } from '@briefcase/record'

/**
 * Where a record document is stored: its record's name (`<SObject>/<key>`) and its readability
 * partition (docs/decisions/0005-field-readability-partitions.md).
 */
export interface DocKey {
  name: string
  group: string
}

/** What the relay knows about a stored document besides its updates. */
export interface DocMeta extends DocKey {
  sobject: string
  /** The key part of the name: a Salesforce Id or a draft key. */
  key: string
  /** Engine name (`yjs`). */
  engine: string
  /** The user who created a draft (null for documents loaded from Salesforce). */
  owner: string | null
  /** The record's display name, as last seen. */
  displayName: string | null
  /** The record's Salesforce Id, once it has one. */
  salesforceId: string | null
  createdAt: number
  updatedAt: number
}

/** Fields of {@link DocMeta} a write may set; the first write of a document must give `sobject`. */
export interface DocMetaInput {
  sobject: string
  key: string
  engine: string
  owner?: string | null
  displayName?: string | null
  salesforceId?: string | null
}

/** One update in a document's log. */
export interface StoredUpdate {
  seq: number
  data: Uint8Array
}

/** A document as stored: the latest compacted state and the updates appended since. */
export interface StoredDoc {
  meta: DocMeta
  /** Compacted state (engine bytes), null before the first compaction. */
  state: Uint8Array | null
  /** The last sequence number folded into `state` (0 without one). */
  stateSeq: number
  /** Updates after `stateSeq`, in order. */
  updates: StoredUpdate[]
}

/** The pending index: one row per document Salesforce lacks something of. */
export interface PendingEntry extends DocKey {
  sobject: string
  operation: WriteOperation
  /** HLC string of the oldest unsent change (records go in this order). */
  firstChangeAt: string | null
  /** Draft keys this record's references hold. */
  dependsOn: string[]
  /** The last sync status' state, so a projector can skip records waiting for a fix. */
  status: 'ok' | 'error' | 'retrying' | null
  updatedAt: number
}

/** A pending row as written. */
export type PendingInput = Omit<PendingEntry, keyof DocKey | 'updatedAt'>

/** Everything one document contributes to a commit. */
export interface DocWrite {
  key: DocKey
  /** Created with the document, updated when given. */
  meta?: DocMetaInput
  /** Engine updates to append, in order. */
  updates?: readonly Uint8Array[]
  /** `undefined`: unchanged; `null`: nothing pending any more. */
  pending?: PendingInput | null
  /** Users who now hold the document (kept as a set). */
  users?: readonly string[]
  /**
   * The engine's state vector of the document once `updates` are applied (what a device that
   * has every committed update holds), kept beside it so that a bulk sync can tell that a device
   * and the relay agree without loading the document. A write that appends updates without it
   * (or with `null`: not known exactly) clears the stored one; a write without updates leaves it.
   */
  stateVector?: Uint8Array | null
}

/** What {@link RelayStore.docDigests} tells of a document without loading it. */
export interface DocDigest {
  meta: DocMeta
  /** The state vector after the last committed update, `null` when not known exactly. */
  stateVector: Uint8Array | null
  /** True when the user asked about is recorded as holding the document. */
  held: boolean
}

/** A relay session (the token only carries its id). */
export interface SessionRecord {
  id: string
  userId: string
  device: string
  createdAt: number
  expiresAt: number
  revokedAt: number | null
}

/** A sign-in in progress: PKCE verifier and where to go back, kept server-side. */
export interface OAuthStateRecord {
  state: string
  verifier: string
  device: string
  returnTo: string
  expiresAt: number
}

/** A Salesforce user who signed in through the relay. */
export interface UserRecord {
  id: string
  orgId: string
  username: string
  name: string
  email: string | null
  instanceUrl: string
  /** The refresh token, encrypted (opaque to the store). */
  refreshToken: Uint8Array
  updatedAt: number
}

/**
 * A set of fields of an object, with their schema (without anyone's rights): a user's view (the
 * fields they may read) or a readability partition (the fields a record document holds).
 */
export interface FieldGroupRecord {
  id: string
  sobject: string
  schema: ObjectSchema
  /** The field holding a record's display name (`Name`, `Subject`, `CaseNumber`, …). */
  nameField: string | null
}

/**
 * How durable a commit is when its promise resolves. `synced`: on stable storage (survives a
 * power cut). `written`: handed to the operating system (survives a relay crash); it becomes
 * `synced` with the next synced commit, {@link RelayStore.sync}, or the backend's own schedule.
 */
export type Durability = 'synced' | 'written'

/** Options of {@link RelayStore.commit}. */
export interface CommitOptions {
  /** Default `synced`. */
  durability?: Durability
}

/** Filter of {@link RelayStore.listDocs}. */
export interface ListDocsOptions {
  sobject?: string
  name?: string
  /** Only the documents of these names (one query for many records; empty: none). */
  names?: readonly string[]
  group?: string
  /** Only documents that have a Salesforce Id. */
  withSalesforceId?: boolean
  limit?: number
  /** Continue after this key (from the previous page's last row). */
  after?: DocKey
}

/**
 * The relay's durable state. Every method is asynchronous so that a networked backend
 * (PostgreSQL) fits the same interface; {@link RelayStore.commit} is the one write path for
 * documents and is atomic and durable when its promise resolves.
 */
export interface RelayStore {
  /** Backend name, for logs and metrics (`sqlite`). */
  readonly backend: string

  // ── documents ──────────────────────────────────────────────────────────────────────────────
  /**
   * Writes every document's updates, metadata, pending row and users in one transaction.
   * Resolves, once as durable as asked (default `synced`), with the last sequence number of each
   * write (0 when it appended nothing).
   */
  commit(writes: readonly DocWrite[], options?: CommitOptions): Promise<number[]>
  /** Makes every commit so far `synced`. */
  sync(): Promise<void>
  /** Loads documents (state and later updates); absent ones are missing from the map. */
  loadDocs(keys: readonly DocKey[]): Promise<Map<string, StoredDoc>>
  /** Metadata of documents, without their content. */
  docMetas(keys: readonly DocKey[]): Promise<Map<string, DocMeta>>
  /**
   * Metadata, stored state vector, and whether `userId` holds each document, without loading
   * its content; absent documents are missing from the map.
   */
  docDigests(keys: readonly DocKey[], userId: string): Promise<Map<string, DocDigest>>
  /** Pages through documents' metadata, ordered by (name, group). */
  listDocs(options?: ListDocsOptions): Promise<DocMeta[]>
  /** The documents of a record in a group (by Salesforce Id, whatever their name). */
  findBySalesforceId(sobject: string, salesforceId: string, group?: string): Promise<DocMeta[]>
  /**
   * Replaces the updates up to `throughSeq` with `state` (which holds them all). Updates
   * appended after `throughSeq` stay. Safe against concurrent appends.
   */
  compact(key: DocKey, state: Uint8Array, throughSeq: number): Promise<void>
  /** How many updates follow the compacted state. */
  updateCount(key: DocKey): Promise<number>
  /** Users who hold a document. */
  docUsers(key: DocKey): Promise<string[]>

  // ── pending index ──────────────────────────────────────────────────────────────────────────
  /** Documents with something Salesforce lacks, oldest change first. */
  listPending(options?: { limit?: number; sobject?: string }): Promise<PendingEntry[]>

  // ── field groups: users' views and readability partitions (ADR 0005) ──────────────────────
  putGroup(group: FieldGroupRecord): Promise<void>
  getGroup(id: string): Promise<FieldGroupRecord | undefined>
  /** Records that a user's view of `sobject` is the group `groupId` (views are never removed). */
  addView(sobject: string, groupId: string): Promise<void>
  /** Every view of `sobject` recorded, in the order first seen. */
  listViews(sobject: string): Promise<FieldGroupRecord[]>
  /**
   * The ids of {@link RelayStore.listViews}, in the same order: a cheap look at whether another
   * relay recorded a view (relays sharing a store check it on each access).
   */
  listViewIds(sobject: string): Promise<string[]>

  // ── sessions and sign-in ───────────────────────────────────────────────────────────────────
  createSession(session: SessionRecord): Promise<void>
  getSession(id: string): Promise<SessionRecord | undefined>
  revokeSession(id: string, at: number): Promise<void>
  /**
   * Binds a device id to a user, once and for good: the first user to claim an id owns it.
   * Returns the id's owner after the claim (`userId` when it was free or already theirs).
   */
  claimDevice(device: string, userId: string, at: number): Promise<string>
  putOAuthState(record: OAuthStateRecord): Promise<void>
  /** Removes and returns a sign-in state (single use); undefined when unknown or expired. */
  takeOAuthState(state: string, now: number): Promise<OAuthStateRecord | undefined>
  putUser(user: UserRecord): Promise<void>
  getUser(id: string): Promise<UserRecord | undefined>
  /** Deletes expired sign-in states and sessions expired before `before`. */
  purgeExpired(now: number, before: number): Promise<void>

  // ── preferences ────────────────────────────────────────────────────────────────────────────
  /** The user's offline preferences; `null` when never set (the default policy applies). */
  getPreferences(userId: string): Promise<string[] | null>
  putPreferences(userId: string, items: readonly string[], at: number): Promise<void>

  /** Releases the backend. */
  close(): Promise<void>
}

/** The string form of a key, for maps. */
export function docKeyString(key: DocKey): string {
  return `${key.group}|${key.name}`
}
