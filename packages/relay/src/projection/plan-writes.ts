import type { DraftKey, HlcString, PendingField, SalesforceId } from '@briefcase/record'
import { isDraftKey } from '@briefcase/record'
import { capturedFields } from './capture.js'
import { refKey } from './doc-ref.js'
import type {
  HeldRecord,
  PlanInput,
  PlanRecord,
  PlannedWrite,
  Refusal,
  WriteKind,
} from './plan-types.js'

/** What happened to a new record in this wave, as its dependents see it. */
export type DraftOutcome =
  { kind: 'planned'; author: string } | { kind: 'failed' } | { kind: 'waiting' }

/** The first write of one record in this wave, or why it has none. */
export interface RecordStep {
  write?: PlannedWrite
  /** Users with edits of the record still to write after `write`, in later waves. */
  later?: string[]
  held?: HeldRecord
  refusals?: Refusal[]
  localDelete?: boolean
}

interface AuthorGroup {
  user: string
  fields: PendingField[]
  latest: HlcString
}

function maxStamp(fields: readonly PendingField[]): HlcString | undefined {
  let max: HlcString | undefined
  for (const f of fields) if (max === undefined || f.at > max) max = f.at
  return max
}

/**
 * The record's fields split by the user of each winning edit, in HLC order of each user's latest
 * edit (so the last write is the latest editor's). For a create, the creator goes first: the
 * record is created under their session (unless only other users gave it values).
 */
function authorGroups(record: PlanRecord): AuthorGroup[] {
  const byUser = new Map<string, PendingField[]>()
  for (const f of record.pending.fields) {
    const list = byUser.get(f.author.user)
    if (list) list.push(f)
    else byUser.set(f.author.user, [f])
  }
  const fallback = (record.pending.firstChangeAt ?? '') as HlcString
  const groups = [...byUser].map(([user, fields]) => ({
    user,
    fields,
    latest: maxStamp(fields) ?? fallback,
  }))
  groups.sort((a, b) => (a.latest < b.latest ? -1 : a.latest > b.latest ? 1 : 0))
  const creator = record.creator
  if (record.pending.operation === 'create' && creator) {
    const own = groups.findIndex((g) => g.user === creator)
    const first = own >= 0 ? groups.splice(own, 1)[0] : undefined
    // The creator creates it; if only others gave it values, the first of them does.
    if (first) groups.unshift(first)
    else if (groups.length === 0) groups.push({ user: creator, fields: [], latest: fallback })
  }
  return groups
}

function deleteStep(record: PlanRecord, input: PlanInput): RecordStep {
  const author = record.pending.deleted?.author.user ?? ''
  const known = record.draftKey ? input.drafts.get(record.draftKey) : undefined
  const id = record.salesforceId ?? known ?? null
  if (id === null && known === null) return { held: { ref: record.ref, reason: 'waiting' } }
  if (id === null) return { localDelete: true }
  if (author === '') {
    const refusal: Refusal = {
      ref: record.ref,
      author,
      fields: [],
      code: 'BRIEFCASE_UNKNOWN_AUTHOR',
    }
    return { refusals: [refusal], held: { ref: record.ref, reason: 'refused' } }
  }
  return {
    write: {
      ref: record.ref,
      sobject: record.sobject,
      kind: 'delete',
      author,
      salesforceId: id,
      draftKey: record.draftKey,
      fields: {},
      refs: {},
      resolutions: {},
      captured: {},
      firstChangeAt: record.pending.firstChangeAt,
    },
  }
}

type GroupResult = { write: PlannedWrite; refused: string[] } | { held: HeldRecord }

function groupWrite(
  record: PlanRecord,
  group: AuthorGroup,
  input: PlanInput,
  outcomes: ReadonlyMap<DraftKey, DraftOutcome>,
  deferred: ReadonlySet<string>,
): GroupResult {
  const key = refKey(record.ref)
  const author = group.user
  const kind: WriteKind = record.salesforceId === null ? 'upsert' : 'update'
  const permissions = input.permissions(author, record.sobject)
  const write: PlannedWrite = {
    ref: record.ref,
    sobject: record.sobject,
    kind,
    author,
    salesforceId: record.salesforceId,
    draftKey: record.draftKey,
    fields: {},
    refs: {},
    resolutions: {},
    captured: {},
    firstChangeAt: record.pending.firstChangeAt,
  }
  const refused: string[] = []
  const draftKeyField = input.options.draftKeyField ?? 'Briefcase_Draft_Key__c'
  for (const f of group.fields) {
    if (f.field === draftKeyField) {
      // The relay owns the draft-key field: a device never sets it.
      refused.push(f.field)
      continue
    }
    if (permissions) {
      const p = permissions.fields[f.field]
      if (!p || !(kind === 'upsert' ? p.createable : p.updateable)) {
        refused.push(f.field)
        continue
      }
    }
    if (!isDraftKey(f.new)) {
      write.fields[f.field] = { value: f.new, stamp: f.at }
      continue
    }
    const draft = f.new
    const known: SalesforceId | null | undefined = input.drafts.get(draft)
    if (known) {
      write.resolutions[draft] = known
      write.fields[f.field] = { value: known, stamp: f.at }
      continue
    }
    if (deferred.has(`${key}#${draft}`)) continue
    const outcome = outcomes.get(draft)
    if (outcome?.kind === 'planned' && outcome.author === author) {
      write.refs[f.field] = draft
      write.fields[f.field] = { value: draft, stamp: f.at }
      continue
    }
    const reason =
      outcome?.kind === 'failed'
        ? 'dependency-failed'
        : outcome?.kind === 'planned'
          ? 'next-wave'
          : 'dependency-pending'
    return { held: { ref: record.ref, reason, draftKey: draft, fields: [f.field] } }
  }
  const sent = Object.keys(write.fields)
  const latest = maxStamp(group.fields.filter((f) => sent.includes(f.field)))
  const stamp = latest ?? record.pending.firstChangeAt
  if (stamp && (sent.length > 0 || kind === 'upsert')) {
    write.captured = capturedFields(
      input.options.capture,
      record.sobject,
      stamp,
      author,
      new Set(sent),
      permissions,
    )
  }
  return { write, refused }
}

/**
 * The first write of a record in this wave: the first author with something to send (the
 * creator first for a create, then by HLC order), their changed fields with references resolved
 * (to Ids already known, or to records created earlier in the same call), fields they may not
 * write refused, captured facts added. `outcomes` holds what happened to the new records it may
 * reference (they come first in the order).
 */
export function firstWrite(
  record: PlanRecord,
  input: PlanInput,
  outcomes: ReadonlyMap<DraftKey, DraftOutcome>,
  deferred: ReadonlySet<string>,
): RecordStep {
  const key = refKey(record.ref)
  if (input.blocked.has(key)) return { held: { ref: record.ref, reason: 'blocked' } }
  if (input.waiting.has(key)) return { held: { ref: record.ref, reason: 'waiting' } }
  // A record is created and deleted through its main document alone (ADR 0005): a draft
  // deleted whole has its other documents' deletes acknowledged without a call.
  if (record.main && record.pending.operation === 'delete') return { localDelete: true }
  if (record.pending.operation === 'delete') return deleteStep(record, input)
  if (record.main && record.salesforceId === null) {
    return { held: { ref: record.ref, reason: 'main-pending' } }
  }

  const refusals: Refusal[] = []
  const groups = authorGroups(record)
  for (const [index, group] of groups.entries()) {
    if (group.user === '') {
      const fields = group.fields.map((f) => f.field)
      refusals.push({ ref: record.ref, author: '', fields, code: 'BRIEFCASE_UNKNOWN_AUTHOR' })
      continue
    }
    const result = groupWrite(record, group, input, outcomes, deferred)
    if ('held' in result) return { held: result.held, refusals }
    const { write, refused } = result
    if (refused.length > 0) {
      const code = 'INVALID_FIELD_FOR_INSERT_UPDATE'
      refusals.push({ ref: record.ref, author: group.user, fields: refused, code })
    }
    if (write.kind === 'upsert' || Object.keys(write.fields).length > 0) {
      const later = groups.slice(index + 1).flatMap((g) => (g.user === '' ? [] : [g.user]))
      return later.length > 0 ? { write, refusals, later } : { write, refusals }
    }
    if (refused.length === 0) return { held: { ref: record.ref, reason: 'next-wave' }, refusals }
  }
  return { held: { ref: record.ref, reason: 'refused' }, refusals }
}
