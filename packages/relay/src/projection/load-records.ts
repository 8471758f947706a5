import type { RecordDocument, SalesforceId, ServerInfo } from '@briefcase/record'
import type { ProjectorContext } from './context.js'
import { planRecordOf, serverString } from './plan-record.js'
import type { PlanRecord } from './plan-types.js'

/** The server information of a record's main document, once the record was created. */
function createdInfo(doc: RecordDocument): ServerInfo | null {
  const salesforceId = doc.salesforceId()
  const lastModifiedDate = serverString(doc, 'lastModifiedDate')
  const systemModstamp = serverString(doc, 'systemModstamp')
  const lastModifiedById = serverString(doc, 'lastModifiedById')
  if (!salesforceId || !lastModifiedDate || !systemModstamp || !lastModifiedById) return null
  return { salesforceId, lastModifiedDate, systemModstamp, lastModifiedById }
}

/**
 * A new record's document of another partition than the main one takes the record's Id (and
 * the SystemModstamp it was created at) from the main document once the main one created it
 * (ADR 0005): it is then written as an update, under its authors' sessions, and devices learn the
 * Id from it. Before that it is left as it is (the planner holds it).
 */
async function followCreate(ctx: ProjectorContext, r: PlanRecord): Promise<PlanRecord | undefined> {
  if (!r.main || r.salesforceId !== null) return r
  const info = await ctx.docs.withDocument(r.main, createdInfo)
  if (!info) return r
  return ctx.docs.withDocument(r.ref, (doc) => {
    if (doc.salesforceId() === null) doc.acknowledgeWrite({ fields: {}, info })
    return planRecordOf(r.ref, doc, r.main)
  })
}

/**
 * Reads every document of the pending index into the planner's form. References to records the
 * projector has created since are resolved in the documents on the way (the document then holds
 * the real Id, and every device gets it), and so is the Id of a new record in the documents of
 * its other partitions.
 */
export async function loadRecords(ctx: ProjectorContext): Promise<PlanRecord[]> {
  const loaded = await Promise.all(
    (await ctx.docs.pending()).map(async (p) => {
      const ref = { name: p.name, group: p.group }
      const main = p.mainGroup === undefined ? undefined : { name: p.name, group: p.mainGroup }
      const record = await ctx.docs.withDocument(ref, (doc) => planRecordOf(ref, doc, main))
      return record ? followCreate(ctx, record) : undefined
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
      return planRecordOf(r.ref, doc, r.main)
    })
    if (resolved) out.push(resolved)
  }
  return out
}
