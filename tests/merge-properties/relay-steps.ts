import { isDeepStrictEqual } from 'node:util'
import type { FieldValue, HlcString, ServerInfo } from '@briefcase/record'
import { decodeHlc, encodeHlc, serverDevice, serverStamp } from '@briefcase/record'
import {
  DRAFT_REF,
  OTHER_IDS,
  SCALAR_FIELDS,
  TEXT_FIELDS,
  USERS,
  VALUE_POOLS,
  pick,
  sfDatetime,
} from './fixtures.js'
import { checkPurity } from './checks.js'
import { rewriteText, traceValues } from './device-steps.js'
import type { RecordModel, SalesforceRecord } from './model.js'
import type { ServerStep } from './schedule.js'
import type { World } from './world.js'
import { violation } from './world.js'
import { writeBatch } from './write-path.js'

/** The record's server information as a read of it shows it. */
export function info(sf: SalesforceRecord): ServerInfo {
  return {
    salesforceId: sf.id,
    lastModifiedDate: sfDatetime(sf.lastModified),
    systemModstamp: sfDatetime(sf.systemModstamp),
    lastModifiedById: sf.lastModifiedBy,
  }
}

/** LastModifiedDate of a change now: true time to the second, never before the last one. */
export function nextModified(world: World, sf: SalesforceRecord | null): number {
  return Math.max(sf?.lastModified ?? 0, Math.floor(world.now / 1000) * 1000)
}

/** Runs one step of the relay (which also plays Salesforce and its other users). */
export function runRelayStep(world: World, step: ServerStep): void {
  const relay = world.relay
  const inSalesforce = (r: RecordModel): boolean => r.salesforce !== null && !r.salesforce.deleted
  const candidates = world
    .visible(relay)
    .filter((r) =>
      step.op === 'ack' || step.op === 'status' ? !r.goneFromSalesforce : inSalesforce(r),
    )
  const record = pick(candidates, step.record / 1000)
  if (!record) return void world.trace.push(`${step.op}: no record`)
  const doc = world.replica(relay, record)
  const where = `${step.op} ${record.name}`
  switch (step.op) {
    case 'serverChange':
      serverChange(world, record, step)
      break
    case 'ack':
      writeBatch(world, record, step.batch, step.failures)
      break
    case 'systemTouch': {
      // A system job touches the record: SystemModstamp moves, LastModifiedDate does not, and
      // the puller's read changes nothing.
      const sf = record.salesforce as SalesforceRecord
      sf.systemModstamp = Math.max(sf.systemModstamp + 1000, Math.floor(world.now / 1000) * 1000)
      const before = doc.values()
      const changed = doc.applyServerRecord({ ...sf.values }, info(sf))
      if (Object.keys(changed).length > 0 || !isDeepStrictEqual(doc.values(), before)) {
        violation(
          'hlc-lww',
          `${where}: a read with only SystemModstamp moved changed ${show(changed)}`,
        )
      }
      world.trace.push(`${where} ${sf.systemModstamp}`)
      break
    }
    case 'serverDelete': {
      const sf = record.salesforce as SalesforceRecord
      const user = USERS[step.user % USERS.length] as string
      doc.applyServerDelete(user, sfDatetime(world.now))
      sf.deleted = true
      record.goneFromSalesforce = true
      record.deletes.push({ node: relay.id, seen: new Set(), onServer: true })
      world.trace.push(`${where} by ${user}`)
      break
    }
    case 'status': {
      const state = (['ok', 'error', 'retrying'] as const)[step.state]
      doc.setStatus(
        state
          ? {
              state,
              at: sfDatetime(world.now),
              ...(state === 'error'
                ? { code: 'FIELD_CUSTOM_VALIDATION_EXCEPTION', fields: ['Name'] }
                : {}),
            }
          : null,
      )
      world.trace.push(`${where} ${state ?? 'cleared'}`)
      break
    }
  }
  checkPurity(doc, `after ${where}`)
}

/**
 * Another Salesforce user changes the record; the puller reads the whole record and merges it.
 * Only the fields that changed may come back as changed, stamped with LastModifiedDate (bumped
 * past the shadow stamp it replaces).
 */
function serverChange(
  world: World,
  record: RecordModel,
  step: Extract<ServerStep, { op: 'serverChange' }>,
): void {
  const doc = world.replica(world.relay, record)
  const sf = record.salesforce as SalesforceRecord
  const changes = new Map<string, FieldValue>()
  for (const w of step.writes) {
    const field = SCALAR_FIELDS[w.field % SCALAR_FIELDS.length] as (typeof SCALAR_FIELDS)[number]
    const pool = VALUE_POOLS[field]
    const raw = pool[w.value % pool.length]
    const value =
      raw === DRAFT_REF ? ([...world.model.resolutions.values()][0] ?? OTHER_IDS[1]) : (raw ?? null)
    if (value !== sf.values[field]) changes.set(field, value)
    else changes.delete(field)
  }
  let text: { field: string; removed: string[]; added: string } | null = null
  if (step.text) {
    const field = TEXT_FIELDS[step.text.field % 2] as string
    const shadow = sf.values[field]
    const current = typeof shadow === 'string' ? shadow : ''
    const rw = rewriteText(world, record, field, current, step.text)
    if (rw.text !== current) {
      changes.set(field, rw.text === '' ? null : rw.text)
      text = { field, removed: rw.removed, added: rw.added }
    }
  }
  const user = USERS[step.user % USERS.length] as string
  if (changes.size > 0) {
    sf.lastModified = nextModified(world, sf)
    sf.systemModstamp = Math.max(sf.systemModstamp, sf.lastModified)
    sf.lastModifiedBy = user
    for (const [f, v] of changes) sf.values[f] = v
  }
  const textBefore = text ? doc.text(text.field) : ''
  const shadowBefore = text ? record.shadow.get(text.field) : undefined
  readServerRecord(world, record, changes, `serverChange ${record.name}`)
  if (text) checkTextMerge(record, text.field, textBefore, shadowBefore, doc.text(text.field))
  if (text) {
    record.deleteChars(text.field, text.removed)
    record.insertChars(text.field, text.added)
    record.observations.push({
      node: world.relay.id,
      field: text.field,
      text: doc.text(text.field),
    })
  }
  world.trace.push(`serverChange ${record.name} ${traceValues(Object.fromEntries(changes))}`)
}

function bump(stamp: HlcString, device: string): HlcString {
  const h = decodeHlc(stamp)
  return encodeHlc({ wall: h.wall, counter: h.counter + 1, device })
}

/**
 * The puller reads the whole record after Salesforce changed `changes` (another user, or a
 * workflow after our write) and merges it. Only those fields may come back as changed, stamped
 * with LastModifiedDate (bumped past the shadow stamp it replaces). The model takes them as
 * server edits and as the new shadow.
 */
export function readServerRecord(
  world: World,
  record: RecordModel,
  changes: ReadonlyMap<string, FieldValue>,
  where: string,
): void {
  const doc = world.replica(world.relay, record)
  const sf = record.salesforce as SalesforceRecord
  const changed = doc.applyServerRecord({ ...sf.values }, info(sf))
  const expected = [...changes.keys()].sort()
  if (!isDeepStrictEqual(Object.keys(changed).sort(), expected)) {
    violation(
      'hlc-lww',
      `${where}: Salesforce changed [${expected.join(', ')}] but the document took [${Object.keys(changed).sort().join(', ')}] as changed`,
    )
  }
  const user = sf.lastModifiedBy
  const base = serverStamp(sf.lastModified, user)
  for (const [field, value] of changes) {
    const prior = record.shadow.get(field)?.stamp
    const want =
      prior !== undefined && base <= prior ? bump(prior as HlcString, serverDevice(user)) : base
    if (changed[field] !== want) {
      violation(
        'hlc-lww',
        `${where}.${field}: stamped ${changed[field]}, expected ${want} (LastModifiedDate, after the shadow's ${prior ?? 'none'})`,
      )
    }
    record.shadow.set(field, { value, stamp: want })
    if (!TEXT_FIELDS.includes(field as (typeof TEXT_FIELDS)[number])) {
      record.edit({ field, stamp: want, value, source: 'server', node: world.relay.id, user })
    }
  }
}

function show(value: unknown): string {
  return JSON.stringify(value)
}

/**
 * A server text change merged three ways into the relay's text: the result holds the relay's
 * characters less those Salesforce removed, plus those it inserted, each once; the relay's
 * characters keep their order, and Salesforce's characters keep theirs (each insertion lands
 * between the same surviving neighbours as in Salesforce). Where devices inserted into the same
 * gap, either order is right; everywhere else this fixes the merged text exactly.
 */
function checkTextMerge(
  record: RecordModel,
  field: string,
  before: string,
  shadow: { value: FieldValue } | undefined,
  merged: string,
): void {
  const base = typeof shadow?.value === 'string' ? shadow.value : ''
  const raw = record.salesforce?.values[field]
  const incoming = typeof raw === 'string' ? raw : ''
  const removed = [...base].filter((c) => !incoming.includes(c))
  const inserted = [...incoming].filter((c) => !base.includes(c))
  const expected = [...before].filter((c) => !removed.includes(c)).concat(inserted)
  const where = `serverChange ${record.name}.${field}`
  const chars = [...merged]
  if (new Set(chars).size !== chars.length) violation('text-merge', `${where}: a character twice`)
  if (!isDeepStrictEqual([...chars].sort(), expected.sort())) {
    violation(
      'text-merge',
      `${where}: merged ${show(merged)} from relay ${show(before)}, shadow ${show(base)}, Salesforce ${show(incoming)}`,
    )
  }
  const keep = (text: string): string => [...text].filter((c) => merged.includes(c)).join('')
  const only = (text: string): string => chars.filter((c) => text.includes(c)).join('')
  if (keep(before) !== only(before) || keep(incoming) !== only(incoming)) {
    violation(
      'text-merge',
      `${where}: ${show(merged)} misplaces characters of relay ${show(before)} or Salesforce ${show(incoming)}`,
    )
  }
}
