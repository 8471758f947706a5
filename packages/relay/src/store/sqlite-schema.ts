import type Database from 'better-sqlite3'

/** The relay's tables, in their current version. Other modules may add their own tables. */
const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE relay_doc (
    name TEXT NOT NULL,
    grp TEXT NOT NULL,
    sobject TEXT NOT NULL,
    rkey TEXT NOT NULL,
    engine TEXT NOT NULL,
    owner TEXT,
    display_name TEXT,
    salesforce_id TEXT,
    state BLOB,
    state_seq INTEGER NOT NULL DEFAULT 0,
    update_count INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (name, grp)
  ) WITHOUT ROWID;
  CREATE INDEX relay_doc_sfid ON relay_doc (sobject, salesforce_id);
  CREATE INDEX relay_doc_sobject ON relay_doc (sobject, name, grp);
  CREATE TABLE relay_doc_update (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    grp TEXT NOT NULL,
    data BLOB NOT NULL
  );
  CREATE INDEX relay_doc_update_doc ON relay_doc_update (name, grp, seq);
  CREATE TABLE relay_doc_user (
    name TEXT NOT NULL,
    grp TEXT NOT NULL,
    user_id TEXT NOT NULL,
    PRIMARY KEY (name, grp, user_id)
  ) WITHOUT ROWID;
  CREATE TABLE relay_pending (
    name TEXT NOT NULL,
    grp TEXT NOT NULL,
    sobject TEXT NOT NULL,
    operation TEXT NOT NULL,
    first_change_at TEXT,
    depends_on TEXT NOT NULL,
    status TEXT,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (name, grp)
  ) WITHOUT ROWID;
  CREATE INDEX relay_pending_order ON relay_pending (first_change_at);
  CREATE TABLE relay_field_group (
    id TEXT PRIMARY KEY,
    sobject TEXT NOT NULL,
    schema TEXT NOT NULL,
    name_field TEXT
  );
  CREATE TABLE relay_session (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL,
    device TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    revoked_at INTEGER
  );
  CREATE TABLE relay_oauth_state (
    state TEXT PRIMARY KEY,
    verifier TEXT NOT NULL,
    device TEXT NOT NULL,
    return_to TEXT NOT NULL,
    expires_at INTEGER NOT NULL
  );
  CREATE TABLE relay_user (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL,
    username TEXT NOT NULL,
    name TEXT NOT NULL,
    email TEXT,
    instance_url TEXT NOT NULL,
    refresh_token BLOB NOT NULL,
    updated_at INTEGER NOT NULL
  );
  CREATE TABLE relay_preferences (
    user_id TEXT PRIMARY KEY,
    items TEXT NOT NULL,
    updated_at INTEGER NOT NULL
  );
  `,
  // Device ids belong to one user for good (identity binding): the first to claim one keeps it.
  // Sessions signed in before this table existed claim theirs, earliest first.
  `
  CREATE TABLE relay_device (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL,
    created_at INTEGER NOT NULL
  ) WITHOUT ROWID;
  INSERT OR IGNORE INTO relay_device (id, user_id, created_at)
    SELECT device, user_id, created_at FROM relay_session ORDER BY created_at;
  `,
  // ADR 0005: the views seen per object. Every group stored before was a user's view.
  `
  CREATE TABLE relay_object_view (
    sobject TEXT NOT NULL,
    id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    PRIMARY KEY (sobject, id)
  ) WITHOUT ROWID;
  INSERT INTO relay_object_view (sobject, id, seq)
    SELECT sobject, id, ROW_NUMBER() OVER (ORDER BY rowid) FROM relay_field_group;
  `,
  // Each document's state vector after its last committed update (NULL: not known exactly), so
  // that a bulk sync tells an unchanged document without loading it. Existing rows start unknown.
  `
  ALTER TABLE relay_doc ADD COLUMN state_vector BLOB;
  `,
]

/** Applies the migrations the database lacks (tracked in `relay_schema_version`). */
export function migrate(db: Database.Database): void {
  db.exec('CREATE TABLE IF NOT EXISTS relay_schema_version (version INTEGER NOT NULL)')
  const row = db.prepare('SELECT version FROM relay_schema_version').get() as
    { version: number } | undefined
  const current = row?.version ?? 0
  if (current >= MIGRATIONS.length) return
  db.transaction(() => {
    for (let v = current; v < MIGRATIONS.length; v++) db.exec(MIGRATIONS[v] as string)
    if (row) db.prepare('UPDATE relay_schema_version SET version = ?').run(MIGRATIONS.length)
    else db.prepare('INSERT INTO relay_schema_version (version) VALUES (?)').run(MIGRATIONS.length)
  })()
}
