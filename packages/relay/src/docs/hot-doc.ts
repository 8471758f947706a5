import type { MergeEngine } from '@briefcase/record'
import {
  PayloadKind,
  RecordDocument,
  YjsEngineDoc,
  createHybridClock,
  parseDeviceId,
  parseDocName,
  sealEnvelope,
} from '@briefcase/record'
import * as Y from 'yjs'
import type {
  DocKey,
  DocMeta,
  FieldGroupRecord,
  PendingInput,
  StoredDoc,
} from '../store/relay-store.js'

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
  /**
   * The pending row this relay last committed for it (`null`: none), or undefined when not known
   * (loaded, or written by another relay): an unchanged row is not written again.
   */
  writtenPending: PendingInput | null | undefined
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
  /** Encoded bytes of its state and updates (what the hub's memory bound counts). */
  bytes: number
  /**
   * Loaded only for a pass over many documents (a bulk sync, a cache plan): dropped when its last
   * user releases it, instead of pushing documents in live use out of the hub.
   */
  transient: boolean
}

/** What {@link openHotDoc} builds a hot document from. */
export interface OpenHotDocInput {
  key: DocKey
  group: FieldGroupRecord
  engine: MergeEngine
  now: () => number
  /** The stored document (state and updates), or null for a new one. */
  stored: StoredDoc | null
}

/** The origin of the stored updates applied while a document opens (nothing listens yet). */
const LOAD_ORIGIN = 'load'

/** The relay's own identity inside record documents. */
const RELAY_DEVICE = parseDeviceId('relay')

/**
 * A hot document from what the store holds, opened with the group's schema and the relay's
 * identity: the compacted state (or first update) loaded, then each later update applied in turn
 * (each checked as any update is), in one transaction. Merging them first (`Y.mergeUpdates`)
 * decoded and encoded the whole document once more, which cost more CPU at every log length
 * (2 to 200 updates).
 */
export function openHotDoc(input: OpenHotDocInput): HotDoc {
  const { key, group, engine, stored } = input
  const name = parseDocName(key.name).name
  const parts = stored
    ? [...(stored.state ? [stored.state] : []), ...stored.updates.map((u) => u.data)]
    : []
  const [first, ...rest] = parts
  const state =
    first === undefined
      ? undefined
      : sealEnvelope({ engine: engine.name, kind: PayloadKind.update, name, payload: first })
  const doc = RecordDocument.open({
    engine,
    name,
    schema: group.schema,
    actor: { user: 'relay', device: RELAY_DEVICE },
    clock: createHybridClock({ device: RELAY_DEVICE, now: input.now }),
    ...(state ? { state } : {}),
  })
  const applyRest = (): void => {
    for (const update of rest) doc.engineDoc.apply(update, LOAD_ORIGIN)
  }
  // In one Yjs transaction: a long log (up to the hub's compaction threshold) is integrated once.
  const engineDoc = doc.engineDoc
  if (rest.length > 1 && engineDoc instanceof YjsEngineDoc)
    Y.transact(engineDoc.ydoc, applyRest, LOAD_ORIGIN)
  else applyRest()
  return {
    key: { name: key.name, group: key.group },
    doc,
    group,
    meta: stored?.meta ?? null,
    owner: stored?.meta.owner ?? null,
    writtenPending: undefined,
    lastSeq: stored ? (stored.updates.at(-1)?.seq ?? stored.stateSeq) : 0,
    sinceCompaction: stored?.updates.length ?? 0,
    pins: 0,
    owners: null,
    users: new Set(),
    broken: false,
    bytes: parts.reduce((n, p) => n + p.length, 0),
    transient: false,
  }
}

/** The Y.Doc under a hot document (the relay runs the Yjs engine). */
export function ydocOf(hot: HotDoc): Y.Doc {
  const engineDoc = hot.doc.engineDoc
  if (!(engineDoc instanceof YjsEngineDoc)) throw new Error('The relay needs the Yjs engine.')
  return engineDoc.ydoc
}
