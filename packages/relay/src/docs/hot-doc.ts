import type { RecordDocument } from '@briefcase/record'
import type { FieldGroupRecord, DocKey, DocMeta } from '../store/relay-store.js'

/**
 * A document held in memory by the {@link DocHub}: the record document of one (name, group),
 * what the store knows of it, and who is using it.
 */
export interface HotDoc {
  readonly key: DocKey
  readonly doc: RecordDocument
  readonly group: FieldGroupRecord
  /** The stored metadata; null until the document's first change is committed. */
  meta: DocMeta | null
  /** The creator of a draft, kept until the first commit writes it. */
  owner: string | null
  /** Sequence number of the last committed update. */
  lastSeq: number
  /** Updates appended since the last compaction. */
  sinceCompaction: number
  /** Users, live connections or requests using it: never evicted while above zero. */
  pins: number
  /** Owners of Yjs clients (device id or the relay), derived lazily. */
  owners: Map<number, string> | null
  /** Users already recorded as holding it in this process. */
  readonly users: Set<string>
  /** Set when a commit failed: the in-memory state is no longer trusted. */
  broken: boolean
}
