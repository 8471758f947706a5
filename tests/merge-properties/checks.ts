import { isDeepStrictEqual } from 'node:util'
import type { FieldValue, PendingChange, RecordDocument } from '@briefcase/record'
import {
  RecordDocument as Doc,
  createHybridClock,
  derivePendingChange,
  hlcDevice,
  parseDeviceId,
  parseDocName,
  snapshotView,
} from '@briefcase/record'
import { createRandom } from '@briefcase/org'
import { RELAY_USER, SCALAR_FIELDS, TEXT_FIELDS, schema, shuffle } from './fixtures.js'
import type { RecordModel } from './model.js'
import { drainAndCheck } from './drain.js'
import { checkOracle } from './oracle.js'
import type { World } from './world.js'
import { snapshotJson, violation } from './world.js'

/** Which of the heavier checks to run. */
export interface CheckOptions {
  /** Property 5: re-apply every update, twice, shuffled; and build a replica from them alone. */
  idempotence: boolean
  /** Property 7 in full: a replica loaded from the state alone has the same pending change. */
  reload: boolean
  shuffleSeed: number
}

function show(value: unknown): string {
  const s = JSON.stringify(value)
  return s.length > 1500 ? `${s.slice(0, 1500)}…` : s
}

/** Property 7: `pending()` is `derivePendingChange` of the snapshot (state and shadow) alone. */
export function checkPurity(doc: RecordDocument, where: string): void {
  const derived = derivePendingChange(snapshotView(doc.snapshot()), schema, parseDocName(doc.name))
  const pending = doc.pending()
  if (!isDeepStrictEqual(pending, derived)) {
    violation(
      'projection',
      `${where}: pending() ${show(pending)} ≠ derived from snapshot ${show(derived)}`,
    )
  }
}

/** Every property of a run, after the full sync. */
export function checkWorld(world: World, options: CheckOptions): void {
  const random = createRandom(options.shuffleSeed).next
  const records = [...world.model.records.values()]
  // The costly checks take one record per schedule (the seed picks it): over thousands of
  // schedules that is every kind of record many times.
  const chosen = records[Math.floor(random() * records.length)]
  for (const record of records) {
    const docs = world.replicas(record)
    const doc = docs[0] as RecordDocument
    checkConvergence(world, record, docs)
    checkWinners(record, doc)
    checkTexts(record, doc)
    checkDelete(world, record, docs)
    checkPurity(doc, record.name)
    checkOracle(world, record, doc)
    if (options.reload && record === chosen) checkReload(world, doc)
    if (options.idempotence && record === chosen) checkIdempotence(world, record, docs, random)
  }
  checkPendingLists(world)
  drainAndCheck(world)
}

/** Property 1: identical records and pending changes on every replica. */
function checkConvergence(world: World, record: RecordModel, docs: RecordDocument[]): void {
  const first = docs[0] as RecordDocument
  const expected = snapshotJson(first.snapshot())
  const pending = first.pending()
  docs.forEach((doc, i) => {
    const node = world.nodes[i]?.id ?? '?'
    const actual = snapshotJson(doc.snapshot())
    if (actual !== expected) {
      violation(
        'convergence',
        `${record.name}: ${node} holds ${show(doc.snapshot())}, ${world.nodes[0]?.id} holds ${show(first.snapshot())}`,
      )
    }
    if (!isDeepStrictEqual(doc.pending(), pending)) {
      violation(
        'convergence',
        `${record.name}: ${node}'s pending change differs: ${show(doc.pending())} vs ${show(pending)}`,
      )
    }
  })
}

/** Property 2: each scalar field holds the value of its edit with the greatest stamp. */
function checkWinners(record: RecordModel, doc: RecordDocument): void {
  if (record.deletes.length > 0) return
  const resolutions = doc.snapshot().maps.resolutions
  for (const field of SCALAR_FIELDS) {
    const winner = record.winner(field)
    const raw: FieldValue = winner?.value ?? null
    const expected =
      typeof raw === 'string' && typeof resolutions[raw] === 'string' ? resolutions[raw] : raw
    const actual = doc.get(field)
    if (actual !== expected) {
      const edits = record.edits
        .filter((e) => e.field === field)
        .map((e) => `${e.source}:${e.node}:${String(e.value)}@${e.stamp}`)
      violation(
        'hlc-lww',
        `${record.name}.${field} = ${show(actual)}, expected ${show(expected)} (greatest of ${edits.join(' ')})`,
      )
    }
  }
}

/** Property 3: surviving characters exactly, once each, in an order every replica saw. */
function checkTexts(record: RecordModel, doc: RecordDocument): void {
  for (const field of TEXT_FIELDS) {
    const text = doc.text(field)
    const chars = [...text]
    if (new Set(chars).size !== chars.length)
      violation('text', `${record.name}.${field} holds a character twice`)
    const expected = record.survivors(field)
    if (!isDeepStrictEqual([...chars].sort(), expected)) {
      const missing = expected.filter((c) => !text.includes(c)).length
      const extra = chars.filter((c) => !expected.includes(c)).length
      violation(
        'text',
        `${record.name}.${field}: ${missing} surviving characters missing, ${extra} deleted or unknown ones present`,
      )
    }
    for (const o of record.observations) {
      if (o.field !== field) continue
      const seen = new Set(o.text)
      const kept = new Set(chars)
      const then = [...o.text].filter((c) => kept.has(c)).join('')
      const now = chars.filter((c) => seen.has(c)).join('')
      if (then !== now)
        violation(
          'text',
          `${record.name}.${field}: characters ${o.node} saw in one order are now in another`,
        )
    }
  }
}

/** Property 4: a deleted record is deleted everywhere and reports every edit no delete saw. */
function checkDelete(world: World, record: RecordModel, docs: RecordDocument[]): void {
  const doc = docs[0] as RecordDocument
  const p = doc.pending()
  if (record.deletes.length === 0) {
    if (docs.some((d) => d.isDeleted()))
      violation('delete-wins', `${record.name} is deleted but nobody deleted it`)
    if (p && p.beaten.length > 0)
      violation('delete-wins', `${record.name} reports beaten edits without a delete`)
    return
  }
  if (!docs.every((d) => d.isDeleted()))
    violation('delete-wins', `${record.name}: a replica does not show the delete`)
  const expected = Object.keys(doc.snapshot().maps.entries)
    .filter((key) => !record.deletes.some((d) => d.seen.has(key)))
    .sort()
  const actual = (p?.beaten ?? []).map((b) => `${b.field}@${b.at}`).sort()
  if (!isDeepStrictEqual(actual, expected)) {
    violation(
      'delete-wins',
      `${record.name}: beaten ${show(actual)}, expected the edits no delete saw ${show(expected)}`,
    )
  }
  for (const b of p?.beaten ?? []) {
    const author = world.nodes.find((n) => n.id === hlcDevice(b.at))
    if (!author || b.author.device !== author.id || b.author.user !== author.user) {
      violation(
        'delete-wins',
        `${record.name}: a beaten edit (${b.field}@${b.at}) names ${show(b.author)}`,
      )
    }
  }
  const operation = record.goneFromSalesforce ? null : 'delete'
  if ((p?.operation ?? null) !== operation || (p !== null && p.deleted === null)) {
    violation(
      'delete-wins',
      `${record.name}: pending operation ${String(p?.operation)}, expected ${String(operation)}`,
    )
  }
}

/** Property 7: a replica loaded from the encoded state alone has the same state and pending change. */
function checkReload(world: World, doc: RecordDocument): void {
  const clock = createHybridClock({ device: parseDeviceId('reader'), now: () => world.now })
  const fresh = Doc.open({
    engine: world.engine,
    name: doc.name,
    schema,
    clock,
    actor: { user: RELAY_USER, device: clock.device },
    state: doc.encodeState(),
  })
  if (snapshotJson(fresh.snapshot()) !== snapshotJson(doc.snapshot())) {
    violation('projection', `${doc.name}: loading encodeState() gives another state`)
  }
  if (!isDeepStrictEqual(fresh.pending(), doc.pending())) {
    violation(
      'projection',
      `${doc.name}: the pending change differs on a replica loaded from the state`,
    )
  }
}

/**
 * Property 5: applying any update again, in any order, changes nothing further. Every update
 * ever sent goes, twice and shuffled, to one replica (the seed picks the relay or a device; the
 * replicas are identical by property 1), and to a new replica that gets nothing else, one by
 * one on either engine.
 */
function checkIdempotence(
  world: World,
  record: RecordModel,
  docs: RecordDocument[],
  random: () => number,
): void {
  const sent = world.sent.get(record.name) ?? []
  const expected = snapshotJson((docs[0] as RecordDocument).snapshot())
  const replay = (doc: RecordDocument): void => {
    const updates = shuffle([...sent, ...sent], random)
    for (const update of updates) doc.applyUpdate(update)
  }
  const i = Math.floor(random() * docs.length)
  replay(docs[i] as RecordDocument)
  if (snapshotJson((docs[i] as RecordDocument).snapshot()) !== expected) {
    violation(
      'idempotence',
      `${record.name}: re-applying every update changed ${world.nodes[i]?.id}'s replica`,
    )
  }
  const clock = createHybridClock({ device: parseDeviceId('late'), now: () => world.now })
  const late = Doc.open({
    engine: world.engine,
    name: record.name,
    schema,
    clock,
    actor: { user: RELAY_USER, device: clock.device },
  })
  replay(late)
  if (snapshotJson(late.snapshot()) !== expected) {
    violation(
      'idempotence',
      `${record.name}: a replica given every update in a shuffled order differs`,
    )
  }
}

/** Property 1, across records: every node lists the same pending changes in the same order. */
function checkPendingLists(world: World): void {
  const lists = world.nodes.map((node) =>
    [...node.replicas.values()]
      .map((d) => d.pending())
      .filter((p): p is PendingChange => p !== null)
      .sort((a, b) => order(a.firstChangeAt, b.firstChangeAt) || order(a.doc, b.doc)),
  )
  lists.forEach((list, i) => {
    if (!isDeepStrictEqual(list, lists[0]))
      violation('convergence', `${world.nodes[i]?.id}'s pending-change list differs`)
  })
}

function order(a: string | null, b: string | null): number {
  if (a === b) return 0
  if (a === null) return 1
  if (b === null) return -1
  return a < b ? -1 : 1
}
