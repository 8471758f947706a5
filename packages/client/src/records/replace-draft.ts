import type { DraftKey, RecordDocument } from '@briefcase/record'
import { parseDocName } from '@briefcase/record'
import * as Y from 'yjs'
import { withDerived } from '../pending/pending-state.js'
import type { Replacement } from '../storage/doc-store.js'
import type { IndexRecord } from '../storage/index-record.js'
import { docState, withDocState } from '../storage/index-record.js'
import type { UserSpace } from '../user-space.js'
import type { RefusedSource } from './forward-refused.js'
import { readRefused, storedKey } from './forward-refused.js'
import { draftDocument } from './record-access.js'
import { partitionNames, schemaOfDoc } from './record-parts.js'

/** A document of the draft made anew, in memory until it replaces what its name holds. */
interface Made {
  name: string
  document: RecordDocument
  ydoc: Y.Doc
}

/**
 * Stores a draft the relay never had in its record's current layout, after documents of it were
 * refused or moved (a readability change, ADR 0005): `stale` (read before anything loaded them
 * again) are replaced by the record's current documents, one per partition the user reads. A
 * current document the index knows and that is not stale keeps its history and takes the edits
 * of its fields in place; every other is made anew (a draft no other replica has: nothing to
 * merge with) and takes them. Edits move with their stamps and authors (`forwardFrom`,
 * idempotent per edit), only of fields the user reads, each into the one document holding its
 * field.
 *
 * Crash-safe and idempotent: the index learns the new documents first (a new document it names
 * but the store lacks is pushed empty and, at the next refusal, takes the edits in place); the
 * new documents and the stale ones' removal are written in one IndexedDB transaction where the
 * layout allows (else new names first, then the stale names, so each value stays stored in
 * one of them); only then the index drops the stale ones. A crash or a failed request at any
 * point leaves the stale documents (and their refusal) to move again, into what was written.
 * Resolves `false`, changing nothing more, when another tab wrote a document meanwhile.
 */
export async function replaceDraft(
  space: UserSpace,
  record: string,
  stale: readonly RefusedSource[],
): Promise<boolean> {
  const { sobject, key } = parseDocName(record)
  const schema = await space.schema(sobject)
  const entry = await space.index.get(record)
  if (!entry) return false
  const staleNames = new Set(stale.map((s) => s.name))
  const current = partitionNames(record, schema)
  const kept = current.filter((n) => !staleNames.has(n) && docState(entry, n) !== null)
  const fresh = current.filter((n) => !kept.includes(n))
  const upTo = new Map<string, number | null>()
  // A new name the index does not know that holds rows (an earlier try stopped before its index
  // write): its edits go along too.
  const leftovers: RefusedSource[] = []
  let made: Made[] = []
  try {
    for (const name of fresh.filter((n) => !staleNames.has(n))) {
      if (!(await space.docs.whenUnloaded(name, UNLOAD_WAIT_MS))) return false
      leftovers.push(await readRefused(space, name, schema))
    }
    const sources = [...stale, ...leftovers]
    for (const source of sources) {
      const last = await storedKey(space, source)
      if (last === undefined) return false
      upTo.set(source.name, last)
    }
    for (const name of kept) {
      await space.docs.with(name, (l) => {
        // (Its metadata is its own: the relay may hold it, loaded from Salesforce.)
        for (const s of sources) l.document.forwardFrom(s.document, s.held, false)
      })
    }
    made = fresh.map((name): Made => {
      const draft = draftDocument(space, schemaOfDoc(name, schema), {}, key as DraftKey)
      for (const s of sources) draft.document.forwardFrom(s.document, s.held)
      return { name, ...draft }
    })
    const parts = made.filter((m) => m.name !== record && !docState(entry, m.name))
    if (parts.length > 0) await updateIndex(space, record, (r) => withStates(r, parts))
    // New names first, then the stale ones made anew (the main document), then the retired.
    const order = [
      ...made.filter((m) => !staleNames.has(m.name)),
      ...made.filter((m) => staleNames.has(m.name)),
    ]
    const replacements: Replacement[] = [
      ...order.map((m) => ({
        doc: m.name,
        state: Y.encodeStateAsUpdate(m.ydoc),
        upTo: upTo.get(m.name) ?? null,
      })),
      ...stale
        .filter((s) => !current.includes(s.name))
        .map((s) => ({ doc: s.name, state: null, upTo: upTo.get(s.name) ?? null })),
    ]
    if (!(await space.store.replaceMany(replacements))) return false
    const retired = stale.map((s) => s.name).filter((n) => !current.includes(n))
    await updateIndex(space, record, (r) => {
      let next = withStates(r, made)
      for (const name of retired) next = withDocState(next, name, null)
      return { ...next, draft: true, syncError: null }
    })
    space.schedulePush(record)
    return true
  } finally {
    for (const d of [...leftovers, ...made]) d.document.destroy()
  }
}

/** How long replacing waits for other work to let go of a document it writes. */
const UNLOAD_WAIT_MS = 5_000

/** The entry with each made document's state (never acknowledged by the relay). */
function withStates(record: IndexRecord, made: readonly Made[]): IndexRecord {
  let next = record
  for (const m of made) {
    next = withDocState(next, m.name, {
      pending: m.document.pending(),
      deviceSV: Y.encodeStateVector(m.ydoc),
      relaySV: null,
      fields: Object.keys(m.document.schema.fields),
    })
  }
  return next
}

async function updateIndex(
  space: UserSpace,
  record: string,
  change: (r: IndexRecord) => IndexRecord,
): Promise<void> {
  const changes = await space.index.update(
    [record],
    (r) => (r ? withDerived(change(r), space.viewer) : undefined),
    { durable: true },
  )
  space.indexChanged(changes)
}
