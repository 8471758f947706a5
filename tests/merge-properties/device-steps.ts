import type { EngineView, FieldValue, HlcString, RecordDocument } from '@briefcase/record'
import {
  MapRoot,
  RecordDocument as Doc,
  hlcDevice,
  isHlcString,
  isRecordError,
} from '@briefcase/record'
import {
  DRAFT_REF,
  OTHER_IDS,
  SCALAR_FIELDS,
  TEXT_FIELDS,
  VALUE_POOLS,
  draftKeyOf,
  pick,
  schema,
} from './fixtures.js'
import type { RecordModel } from './model.js'
import type { DeviceStep, FieldWrite, TextRewrite } from './schedule.js'
import { checkPurity } from './checks.js'
import type { Node, World } from './world.js'
import { violation } from './world.js'

/** Stamps a replica shows for a field: its entries and the shadow's stamp. */
export function visibleStamps(view: EngineView, field: string): HlcString[] {
  const stamps: HlcString[] = []
  for (const [key] of view.entries(MapRoot.entries)) {
    const at = key.indexOf('@')
    const stamp = key.slice(at + 1)
    if (key.slice(0, at) === field && isHlcString(stamp)) stamps.push(stamp)
  }
  if (view.get(MapRoot.shadow, field) !== undefined) {
    const stamp = view.get(MapRoot.stamps, field) ?? view.get(MapRoot.server, 'baseStamp')
    if (isHlcString(stamp)) stamps.push(stamp)
  }
  return stamps
}

/** Every stamp a replica shows (entries, deletes, shadow). */
function everyStamp(view: EngineView): HlcString[] {
  const fields = new Set(
    [...view.entries(MapRoot.entries)].map(([k]) => k.slice(0, k.indexOf('@'))),
  )
  for (const [f] of view.entries(MapRoot.shadow)) fields.add(f)
  const stamps = [...fields].flatMap((f) => visibleStamps(view, f))
  for (const [d] of view.entries(MapRoot.deletes)) if (isHlcString(d)) stamps.push(d)
  return stamps
}

/** The greatest stamp a replica shows (entries, deletes, shadow stamps, base stamp). */
function maxStamp(view: EngineView): string | undefined {
  const stamps: string[] = [...everyStamp(view)]
  for (const [, s] of view.entries(MapRoot.stamps)) if (isHlcString(s)) stamps.push(s)
  const base = view.get(MapRoot.server, 'baseStamp')
  if (isHlcString(base)) stamps.push(base)
  return stamps.sort().at(-1)
}

/** The greatest of some stamps. */
function greatest(stamps: readonly string[]): string | undefined {
  return [...stamps].sort().at(-1)
}

/**
 * The stamp the clock model gives an edit of a field: the device's clock observes the greatest
 * stamp its replica shows, then stamps after every stamp of the field (`seen`).
 */
function modelFieldStamp(node: Node, doc: RecordDocument, seen: readonly string[]): string {
  node.clockModel.observe(maxStamp(doc.engineDoc))
  return node.clockModel.after(greatest(seen))
}

/**
 * An edit made after seeing stamps must be stamped after all of them, by its own device, and
 * exactly as the clock model says (`expected`: physical time, counter, drift bound).
 */
function checkStamp(
  node: Node,
  doc: RecordDocument,
  stamp: HlcString,
  seen: readonly HlcString[],
  what: string,
  expected: string,
): void {
  if (stamp !== expected) {
    violation(
      'clock',
      `${what} on ${node.id} (${doc.name}) got ${stamp}, the clock model gives ${expected} (physical ${node.clockModel.physical()}, seen ${greatest(seen) ?? 'none'})`,
    )
  }
  if (hlcDevice(stamp) !== node.id) {
    violation('hlc-lww', `${what} on ${node.id} got stamp ${stamp} of another device`)
  }
  for (const s of seen) {
    if (stamp <= s) {
      violation(
        'hlc-lww',
        `${what} on ${node.id} (${doc.name}) got ${stamp}, not after ${s} it had seen`,
      )
    }
  }
}

/** Runs an edit on a deleted replica: it must be refused with BRIEFCASE_RECORD_DELETED. */
function expectDeletedRefusal(node: Node, doc: RecordDocument, fn: () => unknown): void {
  try {
    fn()
  } catch (e) {
    if (isRecordError(e, 'BRIEFCASE_RECORD_DELETED')) return
    throw e
  }
  violation('delete-wins', `${node.id} edited ${doc.name} although its replica shows it deleted`)
}

/** A draft the device sees, other than `self`, chosen by `c` (its key), or null. */
function draftTarget(world: World, node: Node, self: RecordModel | null, c: number): string | null {
  const drafts = world.visible(node).filter((r) => r.draftKey !== null && r !== self)
  return pick(drafts, c / 1000)?.draftKey ?? null
}

/** The pool value of a write; a lookup may point to a draft the device can see. */
export function poolValue(
  world: World,
  node: Node,
  self: RecordModel | null,
  w: FieldWrite,
): [string, FieldValue] {
  const field = SCALAR_FIELDS[w.field % SCALAR_FIELDS.length] as (typeof SCALAR_FIELDS)[number]
  const pool = VALUE_POOLS[field]
  const v = pool[w.value % pool.length]
  if (v !== DRAFT_REF) return [field, v ?? null]
  const drafts = world.visible(node).filter((r) => r.draftKey !== null && r !== self)
  const target = drafts[Math.floor(w.value / pool.length) % Math.max(1, drafts.length)]
  return [field, target?.draftKey ?? OTHER_IDS[0]]
}

/**
 * A long-text rewrite: characters chosen by identity among all ever inserted (removed where the
 * text has them), then new unique characters at fractions of the length.
 */
export function rewriteText(
  world: World,
  record: RecordModel,
  field: string,
  text: string,
  rw: TextRewrite,
): { text: string; removed: string[]; added: string } {
  const known = record.inserted.get(field) ?? []
  const removed = new Set<string>()
  for (const c of rw.removes) {
    const ch = pick(known, c / 1000)
    if (ch !== undefined && text.includes(ch)) removed.add(ch)
  }
  let out = [...text].filter((ch) => !removed.has(ch)).join('')
  let added = ''
  for (const ins of rw.inserts) {
    const chars = world.model.newChars(ins.length)
    const at = Math.floor((ins.at / 1000) * (out.length + 1))
    out = out.slice(0, at) + chars + out.slice(at)
    added += chars
  }
  return { text: out, removed: [...removed], added }
}

/**
 * Values for the trace that parity compares: long text only by length, since concurrent inserts
 * may sit in another order on another engine (only the characters must be the same).
 */
export function traceValues(values: Readonly<Record<string, FieldValue>>): string {
  const shown = Object.entries(values).map(([f, v]) =>
    TEXT_FIELDS.includes(f as (typeof TEXT_FIELDS)[number])
      ? `${f}:${typeof v === 'string' ? v.length : 0} chars`
      : `${f}:${JSON.stringify(v)}`,
  )
  return `{${shown.join(', ')}}`
}

function observe(record: RecordModel, node: Node, doc: RecordDocument, field: string): void {
  record.observations.push({ node: node.id, field, text: doc.text(field) })
}

/** Runs one device step. */
export function runDeviceStep(world: World, step: DeviceStep): void {
  const node = world.devices[step.device % world.devices.length] as Node
  if (step.op === 'clockJump') {
    node.offsetMs += step.ms
    world.trace.push(`${node.id} clock ${step.ms}`)
    return
  }
  if (step.op === 'restart') {
    world.restart(node)
    world.trace.push(`${node.id} restarts`)
    return
  }
  if (step.op === 'create') return void create(world, node, step)
  if (step.op === 'family') return family(world, node, step)
  const record = pick(world.visible(node), step.record / 1000)
  if (!record) return void world.trace.push(`${node.id} ${step.op}: sees no record`)
  const doc = world.replica(node, record)
  const where = `${step.op} ${node.id} ${record.name}`
  switch (step.op) {
    case 'set':
    case 'link': {
      const [field, value] =
        step.op === 'set'
          ? poolValue(world, node, record, step.write)
          : ['ParentId', draftTarget(world, node, record, step.target)]
      if (step.op === 'link' && value === null)
        return void world.trace.push(`${where}: sees no other draft`)
      if (doc.isDeleted()) return refused(world, node, doc, where, () => doc.set(field, value))
      const seen = visibleStamps(doc.engineDoc, field)
      const expected = modelFieldStamp(node, doc, seen)
      const stamp = doc.set(field, value)
      checkStamp(node, doc, stamp, seen, where, expected)
      record.edit({ field, stamp, value, source: 'device', node: node.id })
      world.trace.push(`${where} ${field}=${String(value)} @${stamp}`)
      break
    }
    case 'setMany': {
      const values: Record<string, FieldValue> = {}
      for (const w of step.writes) {
        const [field, value] = poolValue(world, node, record, w)
        values[field] = value
      }
      const textField = step.text ? (TEXT_FIELDS[step.text.field % 2] as string) : null
      const rw =
        step.text && textField
          ? rewriteText(world, record, textField, doc.text(textField), step.text)
          : null
      if (textField && rw) values[textField] = rw.text
      if (doc.isDeleted()) return refused(world, node, doc, where, () => doc.setMany(values))
      const before = new Map(Object.keys(values).map((f) => [f, visibleStamps(doc.engineDoc, f)]))
      node.clockModel.observe(maxStamp(doc.engineDoc))
      const expected = new Map<string, string>()
      for (const field of Object.keys(values)) {
        if (field === textField && rw && rw.removed.length === 0 && rw.added === '') continue
        expected.set(field, node.clockModel.after(greatest(before.get(field) ?? [])))
      }
      const stamp = doc.setMany(values)
      let max: HlcString | undefined
      for (const field of Object.keys(values)) {
        const seen = before.get(field) ?? []
        const own = visibleStamps(doc.engineDoc, field).filter(
          (s) => hlcDevice(s) === node.id && !seen.includes(s),
        )
        const mine = own.sort().at(-1)
        if (field === textField && rw && rw.removed.length === 0 && rw.added === '') continue
        if (mine === undefined) violation('hlc-lww', `${where}: no new entry for ${field}`)
        checkStamp(node, doc, mine, seen, `${where} ${field}`, expected.get(field) ?? '')
        if (max === undefined || mine > max) max = mine
        if (field === textField) record.touch(field, mine, node.id)
        else {
          record.edit({
            field,
            stamp: mine,
            value: values[field] ?? null,
            source: 'device',
            node: node.id,
          })
        }
      }
      if (max !== undefined && stamp !== max) {
        violation('hlc-lww', `${where}: setMany returned ${stamp}, its greatest edit is ${max}`)
      }
      if (textField && rw) {
        record.deleteChars(textField, rw.removed)
        record.insertChars(textField, rw.added)
        observe(record, node, doc, textField)
      }
      world.trace.push(`${where} ${traceValues(values)} @${stamp}`)
      break
    }
    case 'insertText': {
      const field = TEXT_FIELDS[step.field % 2] as string
      const chars = world.model.newChars(step.length)
      const text = doc.text(field)
      const at = Math.floor((step.at / 1000) * (text.length + 1))
      if (doc.isDeleted())
        return refused(world, node, doc, where, () => doc.insertText(field, at, chars))
      const seen = visibleStamps(doc.engineDoc, field)
      const expected = modelFieldStamp(node, doc, seen)
      const stamp = doc.insertText(field, at, chars)
      checkStamp(node, doc, stamp, seen, where, expected)
      record.touch(field, stamp, node.id)
      record.insertChars(field, chars)
      observe(record, node, doc, field)
      world.trace.push(`${where} ${field}+${chars.length}@${at} @${stamp}`)
      break
    }
    case 'deleteText': {
      const field = TEXT_FIELDS[step.field % 2] as string
      const ch = pick(record.inserted.get(field) ?? [], step.char / 1000)
      const at = ch === undefined ? -1 : doc.text(field).indexOf(ch)
      if (ch === undefined || at < 0) return void world.trace.push(`${where}: nothing to delete`)
      if (doc.isDeleted())
        return refused(world, node, doc, where, () => doc.deleteText(field, at, 1))
      const seen = visibleStamps(doc.engineDoc, field)
      const expected = modelFieldStamp(node, doc, seen)
      const stamp = doc.deleteText(field, at, 1)
      checkStamp(node, doc, stamp, seen, where, expected)
      record.touch(field, stamp, node.id)
      record.deleteChars(field, [ch])
      world.trace.push(`${where} ${field}-${ch.charCodeAt(0).toString(16)} @${stamp}`)
      break
    }
    case 'rewriteText': {
      const field = TEXT_FIELDS[step.text.field % 2] as string
      const rw = rewriteText(world, record, field, doc.text(field), step.text)
      if (doc.isDeleted()) return refused(world, node, doc, where, () => doc.set(field, rw.text))
      const seen = visibleStamps(doc.engineDoc, field)
      const changes = rw.removed.length > 0 || rw.added !== ''
      const expected = changes ? modelFieldStamp(node, doc, seen) : ''
      const stamp = doc.set(field, rw.text)
      if (changes) {
        checkStamp(node, doc, stamp, seen, where, expected)
        record.touch(field, stamp, node.id)
      }
      record.deleteChars(field, rw.removed)
      record.insertChars(field, rw.added)
      observe(record, node, doc, field)
      world.trace.push(`${where} ${field} -${rw.removed.length}+${rw.added.length} @${stamp}`)
      break
    }
    case 'delete': {
      if (doc.isDeleted()) {
        if (doc.delete() !== null)
          violation('delete-wins', `${where}: deleting a deleted record gave a stamp`)
        world.trace.push(`${where}: already deleted`)
        break
      }
      const stampsBefore = everyStamp(doc.engineDoc)
      const seen = new Set([...doc.engineDoc.entries(MapRoot.entries)].map(([key]) => key))
      const expected = node.clockModel.after(maxStamp(doc.engineDoc))
      const stamp = doc.delete()
      if (stamp === null) violation('delete-wins', `${where}: delete returned no stamp`)
      checkStamp(node, doc, stamp, stampsBefore, where, expected)
      record.deletes.push({ node: node.id, seen, onServer: false })
      world.trace.push(`${where} @${stamp}`)
      break
    }
    case 'dismiss': {
      const p = doc.pending()
      const notices = [...(p?.superseded ?? []), ...(p?.beaten ?? [])].filter(
        (n) => n.author.device === node.id,
      )
      doc.dismiss(notices)
      world.trace.push(`${where} ${notices.length} notices`)
      break
    }
  }
  checkPurity(doc, `after ${where}`)
}

function refused(
  world: World,
  node: Node,
  doc: RecordDocument,
  where: string,
  fn: () => unknown,
): void {
  expectDeletedRefusal(node, doc, fn)
  world.trace.push(`${where}: refused, deleted`)
}

function create(
  world: World,
  node: Node,
  step: Extract<DeviceStep, { op: 'create' }>,
  parentKey: string | null = null,
): RecordModel {
  const draftKey = draftKeyOf(++world.drafts)
  const expected = node.clockModel.after(undefined)
  const values: Record<string, FieldValue> = {}
  for (const w of step.writes) {
    const [field, value] = poolValue(world, node, null, w)
    values[field] = value
  }
  const parent =
    parentKey ?? (step.parent === null ? null : draftTarget(world, node, null, step.parent))
  if (parent !== null) values['ParentId'] = parent
  const text = world.model.newChars(step.textLength)
  if (text) values['Description'] = text
  const doc = Doc.createDraft({
    engine: world.engine,
    schema,
    clock: node.clock,
    actor: { user: node.user, device: node.clock.device },
    values,
    draftKey,
  })
  const record = world.model.addRecord(doc.name, draftKey)
  const created = doc.snapshot().maps.meta['created']
  const at =
    typeof created === 'object' && created !== null && !Array.isArray(created)
      ? created['at']
      : null
  if (!isHlcString(at) || hlcDevice(at) !== node.id || at !== expected) {
    violation(
      'clock',
      `create on ${node.id}: creation stamp ${JSON.stringify(at)}, the clock model gives ${expected}`,
    )
  }
  for (const [field, value] of Object.entries(values)) {
    if (field === 'Description') continue
    record.edit({ field, stamp: at, value, source: 'create', node: node.id })
  }
  if (text) {
    record.touch('Description', at, node.id)
    record.insertChars('Description', text)
    observe(record, node, doc, 'Description')
  }
  world.adopt(node, doc)
  world.broadcast(node, doc.name, doc.encodeState())
  world.trace.push(`create ${node.id} ${doc.name} ${traceValues(values)} @${at}`)
  checkPurity(doc, `after create on ${node.id}`)
  return record
}

/**
 * A parent created on one device, received by another (a handshake), which creates a child
 * referencing the parent's draft key; with `grandchild`, the first device then receives the child
 * and creates a record referencing it (a draft referencing a draft of another device).
 */
function family(world: World, node: Node, step: Extract<DeviceStep, { op: 'family' }>): void {
  const devices = world.devices
  const other = devices[(node.index + 1 + (step.other % (devices.length - 1))) % devices.length]
  if (!other || other === node) return
  const empty = { op: 'create' as const, device: 0, writes: [], textLength: 0, parent: null }
  const parent = create(world, node, empty)
  const hand = (from: Node, to: Node, record: RecordModel): void => {
    if (!to.replicas.has(record.name))
      world.open(to, record.name, world.replica(from, record).encodeState())
  }
  hand(node, other, parent)
  const child = create(world, other, { ...empty, writes: step.writes }, parent.draftKey)
  if (!step.grandchild) return
  hand(other, node, child)
  create(world, node, empty, child.draftKey)
}
