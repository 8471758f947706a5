import type { Leases } from '../lease/leases.js'
import { recordLease } from '../lease/leases.js'
import type { DocRef, OutboxEntry, ProjectionDocs, ProjectionStore } from './ports.js'

/**
 * The projector's documents and outbox restricted to the records this relay holds the lease of,
 * among relays sharing one store. Each pass claims the records of the calls left in flight first
 * (a dead relay's, once its leases lapsed: recovery, which checks Salesforce before anything is
 * sent again, runs here then), then the pending records; records with a call in flight that this
 * relay cannot hold whole are left alone; leases of records with nothing left to do are given up.
 */
export function leasedProjection(
  docs: ProjectionDocs,
  store: ProjectionStore,
  leases: Leases,
): { docs: ProjectionDocs; store: ProjectionStore } {
  /** Records of calls in flight this relay does not hold whole (set by the outbox read). */
  let foreign = new Set<string>()
  /** Records of calls in flight this relay holds whole. */
  let recovering = new Set<string>()
  const claimed = new Set<string>()
  const held = (name: string): boolean => leases.holds(recordLease(name))
  const claim = async (names: readonly string[]): Promise<void> => {
    for (const name of names) claimed.add(name)
    await leases.claim(names.map(recordLease))
  }

  const unsettledIntents = async (): Promise<OutboxEntry[]> => {
    const entries = await store.unsettledIntents()
    await claim([...new Set(entries.flatMap((e) => e.writes.map((w) => w.ref.name)))])
    const mine: OutboxEntry[] = []
    const others = new Set<string>()
    const own = new Set<string>()
    for (const entry of entries) {
      const names = entry.writes.map((w) => w.ref.name)
      if (names.every(held)) {
        mine.push(entry)
        for (const n of names) own.add(n)
      } else for (const n of names) others.add(n)
    }
    foreign = others
    recovering = own
    return mine
  }

  const leased: ProjectionStore = {
    recordIntent: (author, writes, at) => store.recordIntent(author, writes, at),
    settleIntent: (id) => store.settleIntent(id),
    unsettledIntents,
    drafts: (keys) => store.drafts(keys),
    resolveDrafts: (resolutions) => store.resolveDrafts(resolutions),
    forgetDrafts: (keys) => store.forgetDrafts(keys),
    // Blocks of records another relay projects are theirs to keep or clear.
    blocks: async () => {
      const out = new Map<string, string>()
      for (const [key, fingerprint] of await store.blocks()) {
        if (held(key.slice(key.lastIndexOf('|') + 1))) out.set(key, fingerprint)
      }
      return out
    },
    putBlock: (ref, fingerprint) => store.putBlock(ref, fingerprint),
    clearBlock: (ref) => store.clearBlock(ref),
  }

  return {
    store: leased,
    docs: {
      pending: async () => {
        const all = (await docs.pending()).filter((d) => !foreign.has(d.name))
        await claim([...new Set(all.map((d) => d.name))])
        const wanted = new Set([...all.map((d) => d.name), ...recovering])
        const idle = [...claimed].filter((n) => !wanted.has(n))
        for (const n of idle) claimed.delete(n)
        if (idle.length > 0) await leases.release(idle.map(recordLease))
        return all.filter((d) => held(d.name))
      },
      withDocument: (ref, fn) => docs.withDocument(ref, fn),
      held: (ref: DocRef) => held(ref.name),
    },
  }
}
