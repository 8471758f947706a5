/**
 * @packageDocumentation
 * The Briefcase relay: a Hono app that authenticates devices through the org's OAuth, checks
 * every record against Salesforce with the user's authority, syncs record documents live
 * (y-protocols over WebSocket) and in bulk (one HTTP request for many documents), stores them
 * durably, and projects merged state into Salesforce writes.
 */
export type {
  DocKey,
  DocMeta,
  DocMetaInput,
  DocWrite,
  FieldGroupRecord,
  ListDocsOptions,
  OAuthStateRecord,
  PendingEntry,
  PendingInput,
  RelayStore,
  SessionRecord,
  StoredDoc,
  StoredUpdate,
  UserRecord,
} from './store/relay-store.js'
export { docKeyString } from './store/relay-store.js'
export type { SqliteRelayStoreOptions } from './store/sqlite-relay-store.js'
export { SqliteRelayStore } from './store/sqlite-relay-store.js'
