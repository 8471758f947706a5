import type Database from 'better-sqlite3'
import type { ObjectSchema } from '@briefcase/record'
import type {
  FieldGroupRecord,
  OAuthStateRecord,
  SessionRecord,
  UserRecord,
} from './relay-store.js'
import type { OAuthStateRow, SessionRow, UserRow } from './store-rows.js'
import { toOAuthState, toSession, toUser } from './store-rows.js'

/**
 * The SQLite rows of everything but documents: field groups, sessions, sign-in states, users and
 * preferences (synchronous; `SqliteRelayStore` wraps them in promises).
 */
export class SqliteAccountRows {
  readonly #db: Database.Database
  readonly #stmt: (sql: string) => Database.Statement

  constructor(db: Database.Database, stmt: (sql: string) => Database.Statement) {
    this.#db = db
    this.#stmt = stmt
  }

  putGroup(group: FieldGroupRecord): void {
    this.#stmt(
      `INSERT INTO relay_field_group (id, sobject, schema, name_field) VALUES (?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET schema = excluded.schema, name_field = excluded.name_field`,
    ).run(group.id, group.sobject, JSON.stringify(group.schema), group.nameField)
  }

  getGroup(id: string): FieldGroupRecord | undefined {
    const row = this.#stmt(
      'SELECT id, sobject, schema, name_field FROM relay_field_group WHERE id = ?',
    ).get(id) as
      { id: string; sobject: string; schema: string; name_field: string | null } | undefined
    return row
      ? {
          id: row.id,
          sobject: row.sobject,
          schema: JSON.parse(row.schema) as ObjectSchema,
          nameField: row.name_field,
        }
      : undefined
  }

  addView(sobject: string, groupId: string): void {
    this.#stmt(
      `INSERT INTO relay_object_view (sobject, id, seq)
         SELECT ?, ?, COALESCE(MAX(seq), 0) + 1 FROM relay_object_view WHERE sobject = ?
         ON CONFLICT (sobject, id) DO NOTHING`,
    ).run(sobject, groupId, sobject)
  }

  listViews(sobject: string): FieldGroupRecord[] {
    const rows = this.#stmt(
      `SELECT g.id, g.sobject, g.schema, g.name_field FROM relay_object_view v
         JOIN relay_field_group g ON g.id = v.id WHERE v.sobject = ? ORDER BY v.seq`,
    ).all(sobject) as { id: string; sobject: string; schema: string; name_field: string | null }[]
    return rows.map((row) => ({
      id: row.id,
      sobject: row.sobject,
      schema: JSON.parse(row.schema) as ObjectSchema,
      nameField: row.name_field,
    }))
  }

  listViewIds(sobject: string): string[] {
    const rows = this.#stmt('SELECT id FROM relay_object_view WHERE sobject = ? ORDER BY seq').all(
      sobject,
    ) as { id: string }[]
    return rows.map((row) => row.id)
  }

  createSession(s: SessionRecord): void {
    this.#stmt(
      'INSERT INTO relay_session (id, user_id, device, created_at, expires_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?)',
    ).run(s.id, s.userId, s.device, s.createdAt, s.expiresAt, s.revokedAt)
  }

  getSession(id: string): SessionRecord | undefined {
    const row = this.#stmt('SELECT * FROM relay_session WHERE id = ?').get(id) as
      SessionRow | undefined
    return row ? toSession(row) : undefined
  }

  revokeSession(id: string, at: number): void {
    this.#stmt('UPDATE relay_session SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(
      at,
      id,
    )
  }

  claimDevice(device: string, userId: string, at: number): string {
    this.#stmt(
      'INSERT INTO relay_device (id, user_id, created_at) VALUES (?, ?, ?) ON CONFLICT (id) DO NOTHING',
    ).run(device, userId, at)
    const row = this.#stmt('SELECT user_id FROM relay_device WHERE id = ?').get(device) as {
      user_id: string
    }
    return row.user_id
  }

  putOAuthState(r: OAuthStateRecord): void {
    this.#stmt(
      'INSERT INTO relay_oauth_state (state, verifier, device, return_to, expires_at) VALUES (?, ?, ?, ?, ?)',
    ).run(r.state, r.verifier, r.device, r.returnTo, r.expiresAt)
  }

  takeOAuthState(state: string, now: number): OAuthStateRecord | undefined {
    const db = this.#db
    return db.transaction(() => {
      const row = this.#stmt('SELECT * FROM relay_oauth_state WHERE state = ?').get(state) as
        OAuthStateRow | undefined
      if (!row) return undefined
      this.#stmt('DELETE FROM relay_oauth_state WHERE state = ?').run(state)
      return row.expires_at <= now ? undefined : toOAuthState(row)
    })()
  }

  putUser(u: UserRecord): void {
    this.#stmt(
      `INSERT INTO relay_user (id, org_id, username, name, email, instance_url, refresh_token, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET org_id = excluded.org_id, username = excluded.username,
           name = excluded.name, email = excluded.email, instance_url = excluded.instance_url,
           refresh_token = excluded.refresh_token, updated_at = excluded.updated_at`,
    ).run(u.id, u.orgId, u.username, u.name, u.email, u.instanceUrl, u.refreshToken, u.updatedAt)
  }

  getUser(id: string): UserRecord | undefined {
    const row = this.#stmt('SELECT * FROM relay_user WHERE id = ?').get(id) as UserRow | undefined
    return row ? toUser(row) : undefined
  }

  purgeExpired(now: number, before: number): void {
    this.#stmt('DELETE FROM relay_oauth_state WHERE expires_at <= ?').run(now)
    this.#stmt('DELETE FROM relay_session WHERE expires_at < ?').run(before)
  }

  getPreferences(userId: string): string[] | null {
    const row = this.#stmt('SELECT items FROM relay_preferences WHERE user_id = ?').get(userId) as
      { items: string } | undefined
    return row ? (JSON.parse(row.items) as string[]) : null
  }

  putPreferences(userId: string, items: readonly string[], at: number): void {
    this.#stmt(
      `INSERT INTO relay_preferences (user_id, items, updated_at) VALUES (?, ?, ?)
         ON CONFLICT (user_id) DO UPDATE SET items = excluded.items, updated_at = excluded.updated_at`,
    ).run(userId, JSON.stringify(items), at)
  }
}
