import type { ObjectSchema } from '@briefcase/record'
import type { PostgresQueryable } from './postgres-database.js'
import type { OAuthStateRow, SessionRow, UserRow } from './store-rows.js'
import { toOAuthState, toSession, toUser } from './store-rows.js'
import type {
  FieldGroupRecord,
  OAuthStateRecord,
  SessionRecord,
  UserRecord,
} from './relay-store.js'

interface GroupRow {
  id: string
  sobject: string
  schema: ObjectSchema
  name_field: string | null
}

const toGroup = (row: GroupRow): FieldGroupRecord => ({
  id: row.id,
  sobject: row.sobject,
  schema: row.schema,
  nameField: row.name_field,
})

/**
 * The PostgreSQL rows of everything but documents: field groups, sessions, devices, sign-in
 * states, users and preferences. Each method is one statement (atomic on its own), so that
 * several relays sharing the database agree: the first claim of a device wins, a sign-in state
 * is taken once.
 */
export class PostgresAccountRows {
  readonly #db: PostgresQueryable

  constructor(db: PostgresQueryable) {
    this.#db = db
  }

  async putGroup(group: FieldGroupRecord): Promise<void> {
    await this.#db.query(
      `INSERT INTO relay_field_group (id, sobject, schema, name_field) VALUES ($1, $2, $3, $4)
       ON CONFLICT (id) DO UPDATE SET schema = excluded.schema, name_field = excluded.name_field`,
      [group.id, group.sobject, JSON.stringify(group.schema), group.nameField],
    )
  }

  async getGroup(id: string): Promise<FieldGroupRecord | undefined> {
    const rows = await this.#db.query<GroupRow>(
      'SELECT id, sobject, schema, name_field FROM relay_field_group WHERE id = $1',
      [id],
    )
    return rows[0] ? toGroup(rows[0]) : undefined
  }

  async addView(sobject: string, groupId: string): Promise<void> {
    await this.#db.query(
      'INSERT INTO relay_object_view (sobject, id) VALUES ($1, $2) ON CONFLICT (sobject, id) DO NOTHING',
      [sobject, groupId],
    )
  }

  async listViews(sobject: string): Promise<FieldGroupRecord[]> {
    const rows = await this.#db.query<GroupRow>(
      `SELECT g.id, g.sobject, g.schema, g.name_field FROM relay_object_view v
         JOIN relay_field_group g ON g.id = v.id WHERE v.sobject = $1 ORDER BY v.seq`,
      [sobject],
    )
    return rows.map(toGroup)
  }

  async listViewIds(sobject: string): Promise<string[]> {
    const rows = await this.#db.query<{ id: string }>(
      'SELECT id FROM relay_object_view WHERE sobject = $1 ORDER BY seq',
      [sobject],
    )
    return rows.map((row) => row.id)
  }

  async createSession(s: SessionRecord): Promise<void> {
    await this.#db.query(
      `INSERT INTO relay_session (id, user_id, device, created_at, expires_at, revoked_at)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [s.id, s.userId, s.device, s.createdAt, s.expiresAt, s.revokedAt],
    )
  }

  async getSession(id: string): Promise<SessionRecord | undefined> {
    const rows = await this.#db.query<SessionRow>('SELECT * FROM relay_session WHERE id = $1', [id])
    return rows[0] ? toSession(rows[0]) : undefined
  }

  async revokeSession(id: string, at: number): Promise<void> {
    await this.#db.query(
      'UPDATE relay_session SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL',
      [at, id],
    )
  }

  /**
   * Two statements, each in its own snapshot: a concurrent first claim makes the insert wait for
   * it and do nothing, and the select then reads the winner.
   */
  async claimDevice(device: string, userId: string, at: number): Promise<string> {
    await this.#db.query(
      'INSERT INTO relay_device (id, user_id, created_at) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING',
      [device, userId, at],
    )
    const rows = await this.#db.query<{ user_id: string }>(
      'SELECT user_id FROM relay_device WHERE id = $1',
      [device],
    )
    return (rows[0] as { user_id: string }).user_id
  }

  async putOAuthState(r: OAuthStateRecord): Promise<void> {
    await this.#db.query(
      `INSERT INTO relay_oauth_state (state, verifier, device, return_to, expires_at)
       VALUES ($1, $2, $3, $4, $5)`,
      [r.state, r.verifier, r.device, r.returnTo, r.expiresAt],
    )
  }

  /** `DELETE … RETURNING`: of relays taking one state at once, exactly one gets it. */
  async takeOAuthState(state: string, now: number): Promise<OAuthStateRecord | undefined> {
    const rows = await this.#db.query<OAuthStateRow>(
      'DELETE FROM relay_oauth_state WHERE state = $1 RETURNING *',
      [state],
    )
    const row = rows[0]
    return !row || row.expires_at <= now ? undefined : toOAuthState(row)
  }

  async putUser(u: UserRecord): Promise<void> {
    await this.#db.query(
      `INSERT INTO relay_user (id, org_id, username, name, email, instance_url, refresh_token, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (id) DO UPDATE SET org_id = excluded.org_id, username = excluded.username,
         name = excluded.name, email = excluded.email, instance_url = excluded.instance_url,
         refresh_token = excluded.refresh_token, updated_at = excluded.updated_at`,
      [u.id, u.orgId, u.username, u.name, u.email, u.instanceUrl, u.refreshToken, u.updatedAt],
    )
  }

  async getUser(id: string): Promise<UserRecord | undefined> {
    const rows = await this.#db.query<UserRow>('SELECT * FROM relay_user WHERE id = $1', [id])
    return rows[0] ? toUser(rows[0]) : undefined
  }

  async purgeExpired(now: number, before: number): Promise<void> {
    await this.#db.query('DELETE FROM relay_oauth_state WHERE expires_at <= $1', [now])
    await this.#db.query('DELETE FROM relay_session WHERE expires_at < $1', [before])
  }

  async getPreferences(userId: string): Promise<string[] | null> {
    const rows = await this.#db.query<{ items: string[] }>(
      'SELECT items FROM relay_preferences WHERE user_id = $1',
      [userId],
    )
    return rows[0] ? rows[0].items : null
  }

  async putPreferences(userId: string, items: readonly string[], at: number): Promise<void> {
    await this.#db.query(
      `INSERT INTO relay_preferences (user_id, items, updated_at) VALUES ($1, $2, $3)
       ON CONFLICT (user_id) DO UPDATE SET items = excluded.items, updated_at = excluded.updated_at`,
      [userId, JSON.stringify(items), at],
    )
  }
}
