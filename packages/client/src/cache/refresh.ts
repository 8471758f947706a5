import type { SchemaResponse } from '@briefcase/protocol'
import type { RefreshResult, SyncFailure } from '../briefcase-client.js'
import { BriefcaseClientError, BriefcaseClientErrorCode } from '../errors.js'
import type { DocName } from '@briefcase/record'
import type { IndexRecord } from '../storage/index-record.js'
import type { UserSpace } from '../user-space.js'
import type { PlannedDoc } from './cache-policy.js'
import { applyPlan, plannedDocs } from './cache-policy.js'
import { confirmRemovable, deleteDocuments, partsOf } from './cache-removal.js'

/** Fetches the schemas of planned objects the device lacks; objects that fail are left out. */
async function fetchSchemas(
  space: UserSpace,
  planned: Map<string, PlannedDoc>,
  failed: SyncFailure[],
): Promise<void> {
  const sobjects = new Set([...planned.values()].map((p) => p.sobject))
  const fetched: SchemaResponse[] = []
  for (const sobject of sobjects) {
    if (await space.index.getSchema(sobject)) continue
    try {
      fetched.push(await space.o.api.schema(sobject))
    } catch (error) {
      for (const p of planned.values()) {
        if (p.sobject !== sobject) continue
        planned.delete(p.doc)
        failed.push({ doc: p.doc as DocName, code: codeOf(error), message: String(error) })
      }
    }
  }
  if (fetched.length > 0) await space.rememberSchemas(fetched)
}

function codeOf(error: unknown): string {
  const e = error as { relayCode?: unknown; code?: unknown }
  if (typeof e.relayCode === 'string') return e.relayCode
  return typeof e.code === 'string' ? e.code : 'BRIEFCASE_RELAY_ERROR'
}

/**
 * A refresh: the relay computes the cache plan; the plan is applied to the index in one
 * transaction (records join; those no longer planned or expired leave unless a change is
 * pending; records open now stay); every cached record is synced in bulk with progress events;
 * dashboards are replaced by the plan's snapshots. Holds the bulk lock throughout.
 */
export async function refreshCache(space: UserSpace, signal?: AbortSignal): Promise<RefreshResult> {
  if (!space.o.online()) {
    throw new BriefcaseClientError(BriefcaseClientErrorCode.offline, 'Refresh needs the relay.')
  }
  return space.lock.run(async () => {
    const plan = await space.o.api.cachePlan(signal)
    const failed: SyncFailure[] = []
    const planned = plannedDocs(plan)
    await fetchSchemas(space, planned, failed)
    signal?.throwIfAborted()
    const now = space.o.now()
    const expiryMs = space.o.timings.expiryMs
    const existing = new Map((await space.index.all()).map((r) => [r.doc, r]))
    const inUse = (r: IndexRecord): IndexRecord =>
      space.docs.get(r.doc) && !r.sources.includes('session')
        ? { ...r, sources: [...r.sources, 'session'] }
        : r
    const leaving = [...existing.values()].filter(
      (r) => applyPlan(inUse(r), planned.get(r.doc), now, expiryMs) === null,
    )
    const confirmed = await confirmRemovable(space, leaving)
    const docs = [...new Set([...existing.keys(), ...planned.keys()])]
    const changes = await space.index.update(docs, (r, doc) => {
      const next = applyPlan(r && inUse(r), planned.get(doc), now, expiryMs)
      if (next === null && r && !confirmed.has(r.doc)) return { ...r, sources: [], items: [] }
      return next
    })
    space.indexChanged(changes)
    const removed = changes.filter((c) => c.after === null).map((c) => c.doc)
    const added = changes.filter((c) => c.before === null && c.after !== null).length
    await deleteDocuments(space, removed, partsOf(leaving))
    const sync = await space.syncHoldingLock(null, 'refresh', signal)
    await space.index.setMeta('lastFullSync', space.o.now())
    await space.index.replaceDashboards(plan.dashboards)
    const at = space.o.now()
    await space.index.setMeta('lastRefresh', at)
    await space.index.setMeta('plan', {
      usingDefault: plan.usingDefault,
      generatedAt: plan.generatedAt,
    })
    space.lastRefresh = at
    space.channel.post({ type: 'refreshed', at })
    space.o.onStatus()
    return {
      total: sync.total,
      changed: sync.changed,
      failed: [...failed, ...sync.failed],
      added,
      removed: removed.length,
      usingDefault: plan.usingDefault,
      at,
    }
  })
}
