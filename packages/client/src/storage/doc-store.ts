/** A record document as stored: its update rows in order, and the key of the last one. */
export interface StoredDoc {
  rows: Uint8Array[]
  /** Key of the last row (`null`: no row), for {@link DocStore.compact}. */
  lastKey: number | null
}

/** One document of {@link DocStore.replaceMany}. */
export interface Replacement {
  doc: string
  state: Uint8Array | null
  upTo: number | null
}

/**
 * Where record documents live on the device: one append-only log of Yjs updates per document.
 * Appends resolve only once committed; failures reject (never silent).
 */
export interface DocStore {
  /** The database name of a document. */
  databaseName(doc: string): string
  /** Every stored row of a document (none for a document never stored). */
  load(doc: string): Promise<StoredDoc>
  /**
   * {@link load} of several documents, in `docs` order: one read transaction where the layout
   * allows it (a sync reads a page of documents at once).
   */
  loadMany(docs: readonly string[]): Promise<StoredDoc[]>
  /**
   * Appends an update; resolves once it is committed. `durable: false` (updates the relay
   * already holds) may commit with relaxed durability; device edits are durable.
   */
  append(doc: string, update: Uint8Array, options?: { durable?: boolean }): Promise<void>
  /**
   * Replaces the rows up to `upTo` with `state` (their merge), unless rows were appended after
   * `upTo` meanwhile (another tab): then nothing changes and it resolves `false`.
   */
  compact(doc: string, state: Uint8Array, upTo: number): Promise<boolean>
  /**
   * Replaces several documents at once: each gets `state` in place of its rows (`null`: no
   * row left), provided its last row is still `upTo` (`null`: it has none). When one holds rows
   * after it (another tab wrote meanwhile) it resolves `false`. One transaction where the layout
   * allows it (all documents in one database: all or nothing); otherwise one per document, in
   * order, stopping at the first that fails its check (the caller orders them so that each step
   * leaves every value stored somewhere).
   */
  replaceMany(replacements: readonly Replacement[]): Promise<boolean>
  /** Deletes the document's database. */
  remove(doc: string): Promise<void>
  /** Stored bytes of a document (sum of its rows). */
  bytes(doc: string): Promise<number>
  /** Closes every open connection (the data stays). */
  close(): void
}
