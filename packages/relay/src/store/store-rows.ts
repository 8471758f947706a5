import type { WriteOperation } from '@briefcase/record'
import type {
  DocDigest,
  DocMeta,
  OAuthStateRecord,
  PendingEntry,
  SessionRecord,
  UserRecord,
} from './relay-store.js'

/**
 * Row shapes shared by the SQL backends (SQLite and PostgreSQL name their columns alike) and
 * their mapping to the store's records.
 */
export interface DocRow {
  name: string
  grp: string
  sobject: string
  rkey: string
  engine: string
  owner: string | null
  display_name: string | null
  salesforce_id: string | null
  created_at: number
  updated_at: number
}

/** The columns of a {@link DocRow}, in `relay_doc`. */
export const META_COLUMNS =
  'name, grp, sobject, rkey, engine, owner, display_name, salesforce_id, created_at, updated_at'

/** A `relay_doc` row as metadata. */
export function toMeta(row: DocRow): DocMeta {
  return {
    name: row.name,
    group: row.grp,
    sobject: row.sobject,
    key: row.rkey,
    engine: row.engine,
    owner: row.owner,
    displayName: row.display_name,
    salesforceId: row.salesforce_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  }
}

/** A `relay_doc` row with its state vector and whether a user holds it (`held`: 0/1 or boolean). */
export interface DigestRow extends DocRow {
  state_vector: Buffer | null
  held: number | boolean
}

/** A {@link DigestRow} as a digest. */
export function toDigest(row: DigestRow): DocDigest {
  return {
    meta: toMeta(row),
    stateVector: row.state_vector ? bytes(row.state_vector) : null,
    held: row.held === true || row.held === 1,
  }
}

/** A `relay_pending` row; `depends_on` is JSON text in SQLite, a TEXT[] in PostgreSQL. */
export interface PendingRow<DependsOn> {
  name: string
  grp: string
  sobject: string
  operation: string
  first_change_at: string | null
  depends_on: DependsOn
  status: string | null
  updated_at: number
}

/** A `relay_pending` row as a pending entry, with its draft keys read by the caller. */
export function toPending<D>(row: PendingRow<D>, dependsOn: string[]): PendingEntry {
  return {
    name: row.name,
    group: row.grp,
    sobject: row.sobject,
    operation: row.operation as WriteOperation,
    firstChangeAt: row.first_change_at,
    dependsOn,
    status: row.status as PendingEntry['status'],
    updatedAt: row.updated_at,
  }
}

/** A `relay_session` row. */
export interface SessionRow {
  id: string
  user_id: string
  device: string
  created_at: number
  expires_at: number
  revoked_at: number | null
}

/** A `relay_session` row as a session. */
export function toSession(row: SessionRow): SessionRecord {
  return {
    id: row.id,
    userId: row.user_id,
    device: row.device,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
  }
}

/** A `relay_oauth_state` row. */
export interface OAuthStateRow {
  state: string
  verifier: string
  device: string
  return_to: string
  expires_at: number
}

/** A `relay_oauth_state` row as a sign-in state. */
export function toOAuthState(row: OAuthStateRow): OAuthStateRecord {
  return {
    state: row.state,
    verifier: row.verifier,
    device: row.device,
    returnTo: row.return_to,
    expiresAt: row.expires_at,
  }
}

/** A `relay_user` row (the refresh token as the driver returns binary: a Buffer). */
export interface UserRow {
  id: string
  org_id: string
  username: string
  name: string
  email: string | null
  instance_url: string
  refresh_token: Buffer
  updated_at: number
}

/** A Buffer as a plain Uint8Array view. */
export function bytes(buffer: Buffer): Uint8Array {
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength)
}

/** A `relay_user` row as a user. */
export function toUser(row: UserRow): UserRecord {
  return {
    id: row.id,
    orgId: row.org_id,
    username: row.username,
    name: row.name,
    email: row.email,
    instanceUrl: row.instance_url,
    refreshToken: bytes(row.refresh_token),
    updatedAt: row.updated_at,
  }
}
