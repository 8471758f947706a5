import type { DraftKey } from '@briefcase/record'
import type { HeldRecord, PlannedCall, PlannedWrite, WriteKind } from './plan-types.js'

/** Salesforce's limits a batch respects. */
export interface BatchLimits {
  /** Records per sObject Collections subrequest (200). */
  maxCollection: number
  /** Collections and queries per Composite (5). */
  maxHeavy: number
  /** Consecutive-type chunks per mixed Collections request (10). */
  maxTypes: number
}

/** A subrequest being filled. */
interface OpenSub {
  kind: WriteKind
  /** Upserts are per object (`/composite/sobjects/{T}/{field}`). */
  sobject: string | null
  items: number[]
  types: Set<string>
}

/** A Composite being filled for one author. */
interface OpenCall {
  author: string
  /** Position of its first write in the global order (calls go in this order). */
  first: number
  writes: PlannedWrite[]
  subs: OpenSub[]
}

/** Where a new record's create landed: its call, subrequest and item. */
interface Placement {
  call: OpenCall
  sub: number
  item: number
}

function fits(sub: OpenSub, w: PlannedWrite, limits: BatchLimits): boolean {
  if (sub.kind !== w.kind || sub.items.length >= limits.maxCollection) return false
  if (w.kind === 'upsert') return sub.sobject === w.sobject
  return sub.types.has(w.sobject) || sub.types.size < limits.maxTypes
}

/** A batch of calls before their request bodies are written. */
export interface Batches {
  calls: { call: Omit<PlannedCall, 'subrequests' | 'check'>; subs: OpenSub[] }[]
  held: HeldRecord[]
  /** Where each new record's create is: `[subrequest, item]` in its call. */
  placements: ReadonlyMap<DraftKey, { sub: number; item: number }>
}

/**
 * Packs writes (in sending order) into Composite calls, one author per call: sObject Collections
 * subrequests of one kind (upserts also of one object) up to the collection limit, at most
 * `maxHeavy` subrequests per call, and every write in a subrequest after those creating the
 * records it references. A write whose referenced create landed in an earlier call waits for the
 * next wave (by then the record has its Id), and so do the writes that reference it.
 */
export function packWrites(writes: readonly PlannedWrite[], limits: BatchLimits): Batches {
  const open = new Map<string, OpenCall>()
  const all: OpenCall[] = []
  const placed = new Map<DraftKey, Placement>()
  const held: HeldRecord[] = []
  const hold = (w: PlannedWrite, draftKey: DraftKey | undefined): void => {
    const h: HeldRecord = { ref: w.ref, reason: 'next-wave' }
    if (draftKey) h.draftKey = draftKey
    held.push(h)
  }
  const fresh = (author: string, first: number): OpenCall => {
    const call: OpenCall = { author, first, writes: [], subs: [] }
    open.set(author, call)
    all.push(call)
    return call
  }
  writes.forEach((w, index) => {
    let call = open.get(w.author) ?? fresh(w.author, index)
    const place = (): boolean => {
      let after = 0
      for (const draft of Object.values(w.refs)) {
        const p = placed.get(draft)
        if (!p || p.call !== call) {
          hold(w, draft)
          return true
        }
        after = Math.max(after, p.sub + 1)
      }
      let sub = call.subs.findIndex((s, i) => i >= after && fits(s, w, limits))
      if (sub < 0) {
        if (call.subs.length >= limits.maxHeavy) return false
        call.subs.push({
          kind: w.kind,
          sobject: w.kind === 'upsert' ? w.sobject : null,
          items: [],
          types: new Set(),
        })
        sub = call.subs.length - 1
      }
      const target = call.subs[sub] as OpenSub
      const position = call.writes.push(w) - 1
      target.items.push(position)
      target.types.add(w.sobject)
      if (w.kind === 'upsert' && w.draftKey) {
        placed.set(w.draftKey, { call, sub, item: target.items.length - 1 })
      }
      return true
    }
    if (!place()) {
      call = fresh(w.author, index)
      place()
    }
  })
  const placements = new Map<DraftKey, { sub: number; item: number }>()
  for (const [key, p] of placed) placements.set(key, { sub: p.sub, item: p.item })
  const calls = all
    .filter((c) => c.writes.length > 0)
    .sort((a, b) => a.first - b.first)
    .map((c) => ({ call: { author: c.author, writes: c.writes }, subs: c.subs }))
  return { calls, held, placements }
}
