import type { DraftKey } from '@briefcase/record'
import { packWrites } from './plan-batch.js'
import type { Batches } from './plan-batch.js'
import { orderRecords } from './plan-order.js'
import type {
  CheckTarget,
  HeldRecord,
  PlanInput,
  PlannedCall,
  PlannedSubrequest,
  PlannedWrite,
  Refusal,
  Wave,
} from './plan-types.js'
import { refKey } from './doc-ref.js'
import type { DraftOutcome } from './plan-writes.js'
import { firstWrite } from './plan-writes.js'
import { queryUrl, recordSoql } from './record-query.js'
import { MAX_CONDITIONAL_ROWS, conditionalRow, conditionalUpdates } from './plan-conditional.js'

/** The external-Id field creates are upserted on. */
export const DRAFT_KEY_FIELD = 'Briefcase_Draft_Key__c'

const DEFAULTS = {
  maxCollection: 200,
  maxHeavyPerComposite: 5,
  maxQueryKeys: 300,
  maxTypes: 10,
}

type Placements = Batches['placements']

function recordBody(
  w: PlannedWrite,
  draftKeyField: string,
  placements: Placements,
): Record<string, unknown> {
  const body: Record<string, unknown> = { attributes: { type: w.sobject } }
  if (w.kind === 'upsert') body[draftKeyField] = w.draftKey
  else body.id = w.salesforceId
  for (const [field, sent] of Object.entries(w.fields)) {
    const draft = w.refs[field]
    const p = draft ? placements.get(draft) : undefined
    body[field] = p ? `@{s${p.sub}[${p.item}].id}` : sent.value
  }
  return { ...body, ...w.captured }
}

function subrequest(
  index: number,
  sub: Batches['calls'][number]['subs'][number],
  writes: readonly PlannedWrite[],
  input: PlanInput,
  placements: Placements,
): PlannedSubrequest {
  const v = input.options.apiVersion
  const field = input.options.draftKeyField ?? DRAFT_KEY_FIELD
  const referenceId = `s${index}`
  const items = [...sub.items]
  if (sub.kind !== 'upsert') {
    // Mixed-type collections run as chunks of consecutive types: group them.
    items.sort((a, b) => {
      const x = (writes[a] as PlannedWrite).sobject
      const y = (writes[b] as PlannedWrite).sobject
      return x < y ? -1 : x > y ? 1 : a - b
    })
  }
  const list = items.map((i) => writes[i] as PlannedWrite)
  if (sub.kind === 'delete') {
    const ids = list.map((w) => w.salesforceId).join(',')
    const url = `/services/data/v${v}/composite/sobjects?ids=${ids}&allOrNone=false`
    return { referenceId, kind: 'delete', method: 'DELETE', url, items }
  }
  const records = list.map((w) => recordBody(w, field, placements))
  const url =
    sub.kind === 'upsert'
      ? `/services/data/v${v}/composite/sobjects/${sub.sobject ?? ''}/${field}`
      : `/services/data/v${v}/composite/sobjects`
  return {
    referenceId,
    kind: sub.kind,
    method: 'PATCH',
    url,
    body: { allOrNone: false, records },
    items,
  }
}

/** Fields a query for `sobject` under `author` selects: the documents' fields the author can read. */
function queryFields(input: PlanInput, sobject: string, author: string): string[] {
  const fields = new Set<string>()
  for (const r of input.records) {
    if (r.sobject === sobject) for (const f of Object.keys(r.schema.fields)) fields.add(f)
  }
  const permissions = input.permissions(author, sobject)
  const draftKeyField = input.options.draftKeyField ?? DRAFT_KEY_FIELD
  return [...fields]
    .filter((f) => f !== draftKeyField && (!permissions || permissions.fields[f] !== undefined))
    .sort()
}

function readBack(call: PlannedCall, input: PlanInput, slots: number): PlannedSubrequest[] {
  const maxKeys = input.options.maxQueryKeys ?? DEFAULTS.maxQueryKeys
  const field = input.options.draftKeyField ?? DRAFT_KEY_FIELD
  const byType = new Map<string, { ids: string[]; keys: string[]; items: number[] }>()
  call.writes.forEach((w, i) => {
    if (w.kind === 'delete') return
    const entry = byType.get(w.sobject) ?? { ids: [], keys: [], items: [] }
    if (w.salesforceId) entry.ids.push(w.salesforceId)
    else if (w.draftKey) entry.keys.push(w.draftKey)
    entry.items.push(i)
    byType.set(w.sobject, entry)
  })
  const types = [...byType].sort((a, b) => b[1].items.length - a[1].items.length)
  const out: PlannedSubrequest[] = []
  for (const [sobject, { ids, keys, items }] of types) {
    if (out.length >= slots || ids.length + keys.length > maxKeys) continue
    const soql = recordSoql({
      sobject,
      fields: queryFields(input, sobject, call.author),
      ids,
      draftKeys: keys,
      draftKeyField: field,
    })
    const referenceId = `q${out.length}`
    const url = queryUrl(input.options.apiVersion, soql)
    out.push({ referenceId, kind: 'query', method: 'GET', url, items, sobject })
  }
  return out
}

function checkTargets(
  call: PlannedCall,
  input: PlanInput,
  rows: ReadonlySet<number>,
): CheckTarget[] {
  const byType = new Map<string, CheckTarget>()
  for (const [i, w] of call.writes.entries()) {
    if (w.kind !== 'update' || !w.salesforceId || rows.has(i)) continue
    const target = byType.get(w.sobject) ?? {
      sobject: w.sobject,
      ids: [],
      fields: queryFields(input, w.sobject, call.author),
    }
    target.ids.push(w.salesforceId)
    byType.set(w.sobject, target)
  }
  return [...byType.values()]
}

/**
 * Plans the writes that can go now (pure): records in order of their oldest unsent change, new
 * records before the records referencing them; each record's first author's changed fields;
 * packed into as few Composite calls of sObject Collections as Salesforce's limits allow; and
 * what waits (blocked records and their dependents, retries, second authors) for a later wave.
 *
 * @example
 * ```ts
 * const wave = planWave({ records, blocked: new Set(), waiting: new Set(), drafts: new Map(),
 *   permissions: () => undefined, options: { apiVersion: '62.0' } })
 * wave.calls.length // 1 for up to 1,000 records of one user with room to spare
 * ```
 */
export function planWave(input: PlanInput): Wave {
  const { ordered, deferred } = orderRecords(input.records)
  const outcomes = new Map<DraftKey, DraftOutcome>()
  const writes: PlannedWrite[] = []
  const held: HeldRecord[] = []
  const refusals: Refusal[] = []
  const localDeletes: Wave['localDeletes'] = []
  const later = new Set<string>()
  const anchored = new Set<string>()
  for (const record of ordered) {
    const step = firstWrite(record, input, outcomes, deferred)
    refusals.push(...(step.refusals ?? []))
    if (step.held) held.push(step.held)
    if (step.write) writes.push(step.write)
    for (const user of step.later ?? []) later.add(user)
    if (step.write && step.later) anchored.add(step.write.author)
    if (step.localDelete) localDeletes.push(record.ref)
    if (record.draftKey && record.salesforceId === null && !record.main) {
      const failed =
        step.localDelete === true ||
        step.held?.reason === 'blocked' ||
        step.held?.reason === 'dependency-failed' ||
        step.held?.reason === 'refused'
      const outcome: DraftOutcome = step.write
        ? { kind: 'planned', author: step.write.author }
        : failed
          ? { kind: 'failed' }
          : { kind: 'waiting' }
      outcomes.set(record.draftKey, outcome)
    }
  }
  // Rides with its round: an author who writes a record after another author, in a later wave,
  // sends the rest of their writes (a Contact they created under it) in that same later call,
  // unless they have a call in this wave anyway.
  const rides = (w: PlannedWrite): boolean => later.has(w.author) && !anchored.has(w.author)
  for (const w of writes) if (rides(w)) held.push({ ref: w.ref, reason: 'next-wave' })
  const maxHeavy = input.options.maxHeavyPerComposite ?? DEFAULTS.maxHeavyPerComposite
  const batches = packWrites(
    writes.filter((w) => !rides(w)),
    {
      maxCollection: input.options.maxCollection ?? DEFAULTS.maxCollection,
      maxHeavy,
      maxTypes: DEFAULTS.maxTypes,
    },
  )
  held.push(...batches.held)
  const maxRows = input.options.maxConditionalRows ?? MAX_CONDITIONAL_ROWS
  const calls = batches.calls.map(({ call, subs }): PlannedCall => {
    const planned: PlannedCall = { ...call, subrequests: [], check: [] }
    const rows = conditionalUpdates(call.writes, input, maxRows)
    // Collections keep their positions (s0, s1…): references to created records name them.
    const collections = subs
      .map((s, i) => ({ s: { ...s, items: s.items.filter((item) => !rows.has(item)) }, i }))
      .filter(({ s }) => s.items.length > 0)
    planned.subrequests = collections.map(({ s, i }) =>
      subrequest(i, s, call.writes, input, batches.placements),
    )
    const field = input.options.draftKeyField ?? DRAFT_KEY_FIELD
    for (const index of rows) {
      const w = call.writes[index] as PlannedWrite
      const stamp = input.records.find((r) => refKey(r.ref) === refKey(w.ref))?.systemModstamp ?? ''
      const body = recordBody(w, field, batches.placements)
      const v = input.options.apiVersion
      planned.subrequests.push(conditionalRow(planned.subrequests.length, index, w, body, stamp, v))
    }
    if (input.options.postWriteQuery !== false) {
      planned.subrequests.push(...readBack(planned, input, maxHeavy - collections.length))
    }
    planned.check = checkTargets(planned, input, rows)
    return planned
  })
  return { calls, held, refusals, localDeletes }
}
