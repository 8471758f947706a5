import type { ProjectorContext } from './context.js'
import { reportStatus, status } from './context.js'
import type { HeldRecord, Refusal, Wave } from './plan-types.js'

function refusalMessage(r: Refusal): string {
  if (r.code === 'BRIEFCASE_UNKNOWN_AUTHOR') {
    return 'No Salesforce user is known for the device that made these edits.'
  }
  return `Not writable by this user in Salesforce: ${r.fields.join(', ')}.`
}

async function reportHeldRecord(ctx: ProjectorContext, h: HeldRecord, at: number): Promise<void> {
  if (h.reason === 'dependency-failed') {
    const message = `It references a new record (${h.draftKey ?? ''}) that Salesforce refused.`
    const s = status('error', at, {
      code: 'BRIEFCASE_DEPENDENCY_FAILED',
      message,
      fields: h.fields ?? [],
    })
    await ctx.docs.withDocument(h.ref, (doc) => reportStatus(doc, s))
  } else if (h.reason === 'dependency-pending') {
    const message = `It references a new record (${h.draftKey ?? ''}) not created yet.`
    const s = status('retrying', at, {
      code: 'BRIEFCASE_DEPENDENCY_PENDING',
      message,
      fields: h.fields ?? [],
    })
    await ctx.docs.withDocument(h.ref, (doc) => reportStatus(doc, s))
  }
}

/**
 * Tells the documents what the wave will not send: failed dependencies as errors, dependencies
 * not created yet as waiting. Drafts deleted before they were ever sent are acknowledged as
 * deleted (nothing to send).
 */
export async function reportHeld(ctx: ProjectorContext, wave: Wave): Promise<void> {
  const at = ctx.now()
  for (const h of wave.held) await reportHeldRecord(ctx, h, at)
  for (const ref of wave.localDeletes) {
    await ctx.docs.withDocument(ref, (doc) => {
      doc.acknowledgeDelete()
      reportStatus(doc, status('ok', at))
    })
  }
}

/** Reports fields refused before sending as errors (after the wave's writes, which say ok). */
export async function reportRefusals(
  ctx: ProjectorContext,
  refusals: readonly Refusal[],
): Promise<void> {
  const at = ctx.now()
  for (const r of refusals) {
    const s = status('error', at, { code: r.code, message: refusalMessage(r), fields: r.fields })
    const changed = await ctx.docs.withDocument(r.ref, (doc) => reportStatus(doc, s))
    if (!changed) continue
    const data = { object: r.ref.name.split('/')[0], doc: r.ref.name, user: r.author }
    ctx.logger.warn({ ...data, code: r.code, fields: r.fields }, 'Refused a record before sending')
  }
}
