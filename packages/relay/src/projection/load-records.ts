import type { SalesforceId } from '@briefcase/record'
import type { ProjectorContext } from './context.js'
import { planRecordOf } from './plan-record.js'
import type { PlanRecord } from './plan-types.js'

/**
 * Reads every document of the pending index into the planner's form. References to records the
 * projector has created since are resolved in the documents on the way (the document then holds
 * the real Id, and every device gets it).
 */
export async function loadRecords(ctx: ProjectorContext): Promise<PlanRecord[]> {
  const loaded = await Promise.all(
    (await ctx.docs.pending()).map((p) => {
      const ref = { name: p.name, group: p.group }
      return ctx.docs.withDocument(ref, (doc) => planRecordOf(ref, doc))
    }),
  )
  const records = loaded.filter((r): r is PlanRecord => r !== undefined)
  const keys = [...new Set(records.flatMap((r) => r.pending.dependsOn))]
  if (keys.length === 0) return records
  const drafts = await ctx.store.drafts(keys)
  const out: PlanRecord[] = []
  for (const r of records) {
    const resolutions: Record<string, SalesforceId> = {}
    for (const key of r.pending.dependsOn) {
      const id = drafts.get(key)?.salesforceId
      if (id) resolutions[key] = id as SalesforceId
    }
    if (Object.keys(resolutions).length === 0) {
      out.push(r)
      continue
    }
    const resolved = await ctx.docs.withDocument(r.ref, (doc) => {
      doc.resolveDraftKeys(resolutions)
      return planRecordOf(r.ref, doc)
    })
    if (resolved) out.push(resolved)
  }
  return out
}
