import type { DocName } from './ids.js'

/** A JSON value, as engines store it. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json }

/** The names of the engines. */
export const EngineName = { yjs: 'yjs', automerge: 'automerge' } as const
/** One of {@link EngineName}'s values. */
export type EngineName = (typeof EngineName)[keyof typeof EngineName]

/**
 * The maps every record document holds. Each engine stores them as its own map type; the record
 * model is written against these names only.
 * - `meta`: name, object, engine, draft key, creation.
 * - `entries`: field edits, keyed `<field>@<stamp>` (scalar values; `true` for long-text touches).
 * - `authors`: device → Salesforce user.
 * - `deletes`: deletions, keyed by stamp.
 * - `shadow`: values Salesforce acknowledged; `stamps`: their stamps where not the base stamp.
 *   A long-text field loaded with the record holds a marker instead of a second copy of its text
 *   (see `shadowValue`); `bases`: the loaded text, kept by the first device that edits it.
 * - `server`: Salesforce Id, LastModifiedDate, SystemModstamp, base stamp, deleted flag.
 * - `status`: the relay's sync status. `resolutions`: draft key → Salesforce Id.
 */
export const MapRoot = {
  meta: 'meta',
  entries: 'entries',
  authors: 'authors',
  deletes: 'deletes',
  shadow: 'shadow',
  stamps: 'stamps',
  bases: 'bases',
  server: 'server',
  status: 'status',
  resolutions: 'resolutions',
} as const
/** One of {@link MapRoot}'s values. */
export type MapRoot = (typeof MapRoot)[keyof typeof MapRoot]
/** Every map root, in a fixed order. */
export const MAP_ROOTS: readonly MapRoot[] = Object.values(MapRoot)

/** Reads a document's maps and texts. */
export interface EngineView {
  get(root: MapRoot, key: string): Json | undefined
  entries(root: MapRoot): Iterable<readonly [string, Json]>
  /** The content of a long-text field ('' when it has none). */
  text(field: string): string
}

/** Writes inside one transaction. */
export interface EngineWriter extends EngineView {
  set(root: MapRoot, key: string, value: Json): void
  delete(root: MapRoot, key: string): void
  insertText(field: string, index: number, text: string): void
  deleteText(field: string, index: number, length: number): void
}

/** What every replica of a document agrees on before any edit. */
export interface Genesis {
  name: DocName
  /** Long-text fields, sorted: they get a text object each, created once for all replicas. */
  textFields: readonly string[]
}

/** A change listener: `payload` is engine bytes; `origin` is what the applier passed, or 'local'. */
export type ChangeListener = (payload: Uint8Array, origin: unknown) => void

/**
 * One document of one engine: the storage primitives the record model is written against.
 * Payloads are the engine's own bytes (no envelope).
 */
export interface EngineDoc extends EngineView {
  readonly engine: EngineName
  readonly genesis: Genesis
  /** Runs `fn` as one transaction: one change, one update. */
  transact(fn: (w: EngineWriter) => void): void
  /** The whole state. */
  encodeState(): Uint8Array
  /** What this replica has, to ask another for what it lacks. */
  encodeStateVector(): Uint8Array
  /** Everything this replica has that a replica at `stateVector` lacks. */
  encodeDiff(stateVector: Uint8Array): Uint8Array
  /** True when a replica at `stateVector` has everything this one has. */
  isCoveredBy(stateVector: Uint8Array): boolean
  /**
   * Applies a payload from another replica. Throws `BRIEFCASE_MALFORMED_UPDATE` and leaves the
   * document as it was when the payload is not a valid update for this document.
   */
  apply(payload: Uint8Array, origin: unknown): void
  /** Calls `listener` after every change, local or applied. Returns the unsubscribe. */
  onChange(listener: ChangeListener): () => void
  /** Releases what the document holds. */
  destroy(): void
}

/** A merge engine: makes and loads documents. */
export interface MergeEngine {
  readonly name: EngineName
  /** A new, empty document; with `state`, one loaded from {@link EngineDoc.encodeState} bytes. */
  create(genesis: Genesis, state?: Uint8Array): EngineDoc
  /** Checks a state vector's form; throws `BRIEFCASE_MALFORMED_UPDATE`. */
  checkStateVector(stateVector: Uint8Array): void
}
