import { isDeepStrictEqual } from 'node:util'
import type { DraftKey, FieldValue, HlcString, SalesforceId, ServerInfo } from '@briefcase/record'
import { decodeHlc, encodeHlc, isHlcString, serverDevice, serverStamp } from '@briefcase/record'
import {
  DRAFT_REF,
  OTHER_IDS,
  SCALAR_FIELDS,
  TEXT_FIELDS,
  USERS,
  VALUE_POOLS,
  createdId,
  pick,
  sfDatetime,
} from './fixtures.js'
import { checkPurity } from './checks.js'
import { rewriteText, traceValues } from './device-steps.js'
import type { RecordModel, SalesforceRecord } from './model.js'
import { emptyValues } from './model.js'
import type { ServerStep } from './schedule.js'
import type { World } from './world.js'
import { violation } from './world.js'

function info(sf: SalesforceRecord): ServerInfo {
  const at = sfDatetime(sf.lastModified)
  return {
    salesforceId: sf.id,
    lastModifiedDate: at,
    systemModstamp: at,
    lastModifiedById: sf.lastModifiedBy,
  }
}

/** LastModifiedDate of a change now: true time to the second, never before the last one. */
function nextModified(world: World, sf: SalesforceRecord | null): number {
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
      acknowledge(world, record)
      break
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
    sf.lastModifiedBy = user
    for (const [f, v] of changes) sf.values[f] = v
  }
  const before = doc.snapshot()
  const changed = doc.applyServerRecord({ ...sf.values }, info(sf))
  const expected = [...changes.keys()].sort()
  if (!isDeepStrictEqual(Object.keys(changed).sort(), expected)) {
    violation(
      'hlc-lww',
      `serverChange ${record.name}: Salesforce changed [${expected.join(', ')}] but the document took [${Object.keys(changed).sort().join(', ')}] as changed`,
    )
  }
  const base = serverStamp(sf.lastModified, user)
  for (const [field, value] of changes) {
    const stamp = changed[field] as HlcString
    const own = before.maps.stamps[field] ?? before.maps.server['baseStamp']
    const prior = Object.hasOwn(before.maps.shadow, field) && isHlcString(own) ? own : undefined
    const want = prior !== undefined && base <= prior ? bump(prior, serverDevice(user)) : base
    if (stamp !== want) {
      violation(
        'hlc-lww',
        `serverChange ${record.name}.${field}: stamped ${stamp}, expected ${want} (LastModifiedDate, after the shadow's ${prior ?? 'none'})`,
      )
    }
    if (!TEXT_FIELDS.includes(field as (typeof TEXT_FIELDS)[number])) {
      record.edit({ field, stamp, value, source: 'server', node: world.relay.id })
    }
  }
  if (text) {
    record.deleteChars(text.field, text.removed)
    record.insertChars(text.field, text.added)
    record.observations.push({
      node: world.relay.id,
      field: text.field,
      text: doc.text(text.field),
    })
  }
  world.trace.push(
    `serverChange ${record.name} ${traceValues(Object.fromEntries(changes))} ${JSON.stringify(changed)}`,
  )
}

function bump(stamp: HlcString, device: string): HlcString {
  const h = decodeHlc(stamp)
  return encodeHlc({ wall: h.wall, counter: h.counter + 1, device })
}

/**
 * The projector writes what the record's pending change says, and Salesforce accepts it: the
 * relay records the write (and, for a create, the new Id and the draft-key resolution).
 */
function acknowledge(world: World, record: RecordModel): void {
  const doc = world.replica(world.relay, record)
  let p = doc.pending()
  const where = `ack ${record.name}`
  if (!p || p.operation === null) return void world.trace.push(`${where}: nothing to write`)
  if (p.operation === 'delete') {
    doc.acknowledgeDelete()
    record.goneFromSalesforce = true
    if (record.salesforce) record.salesforce.deleted = true
    return void world.trace.push(`${where}: deleted`)
  }
  const known: Record<DraftKey, SalesforceId> = {}
  for (const key of p.dependsOn) {
    const id = world.model.resolutions.get(key)
    if (id) known[key] = id
  }
  if (Object.keys(known).length > 0) {
    doc.resolveDraftKeys(known)
    p = doc.pending()
    if (!p) violation('projection', `${where}: resolving draft keys cleared the pending change`)
  }
  if (p.dependsOn.length > 0)
    return void world.trace.push(`${where}: waits for ${p.dependsOn.join(', ')}`)
  const valuesBefore = doc.values()
  const sf = record.salesforce
  const id = sf?.id ?? createdId(++world.creates)
  const user = p.fields.find((f) => f.author.user !== '')?.author.user ?? USERS[0]
  const next: SalesforceRecord = sf ?? {
    id,
    lastModified: 0,
    lastModifiedBy: user,
    values: emptyValues(),
    deleted: false,
  }
  next.lastModified = nextModified(world, sf)
  next.lastModifiedBy = user
  const fields: Record<string, { value: FieldValue; stamp: HlcString }> = {}
  for (const f of p.fields) {
    fields[f.field] = { value: f.new, stamp: f.at }
    next.values[f.field] = f.new
  }
  doc.acknowledgeWrite({ fields, info: info(next) })
  record.salesforce = next
  if (!sf && record.draftKey) world.model.resolutions.set(record.draftKey, id)
  if (!isDeepStrictEqual(doc.values(), valuesBefore)) {
    violation('projection', `${where}: acknowledging the write changed merged values`)
  }
  const after = doc.pending()
  if (after && after.fields.length > 0) {
    violation(
      'projection',
      `${where}: fields still pending after Salesforce took them: ${after.fields.map((f) => f.field).join(', ')}`,
    )
  }
  world.trace.push(`${where}: ${p.operation} ${Object.keys(fields).join(',')} as ${id}`)
}
