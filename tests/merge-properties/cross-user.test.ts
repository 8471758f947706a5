import type { FieldAccess, Random } from '@briefcase/org'
import { ProfileName, createRandom, fieldAccess } from '@briefcase/org'
import * as A from '@automerge/automerge'
import type {
  FieldSchema,
  HlcString,
  MergeEngine,
  ObjectSchema,
  YjsEngineDoc,
} from '@briefcase/record'
import {
  RecordDocument,
  createHybridClock,
  parseDeviceId,
  toSalesforceId,
  yjsEngine,
} from '@briefcase/record'
import { automergeEngine } from '@briefcase/record/automerge'
import { describe, expect, it } from 'vitest'

/**
 * Cross-user properties (ADR 0005): a rep and a manager, each with two devices, read the
 * Account fields the org's Field Rep and Sales Manager profiles let them read. A record's fields
 * are partitioned by who reads them; each device holds the documents of the partitions its user
 * reads and syncs them through a relay replica over FIFO links (as a socket is) delivered in a
 * random interleaving, with duplicates. Every schedule ends with every link drained, then checks:
 * each field's value is the highest-stamped edit among all users' edits, every text insertion is
 * in the text exactly once, replicas of a document are equal, and no replica ever held a field
 * its user may not read. On both engines.
 */

/** Schedules per engine: Automerge is slower per operation, so it runs fewer by default. */
const SCHEDULES: Record<string, number> = {
  yjs: Number(process.env.BRIEFCASE_CROSS_USER_SCHEDULES ?? 200),
  automerge: Number(process.env.BRIEFCASE_CROSS_USER_SCHEDULES ?? 40),
}
const STEPS = 60
const T0 = Date.parse('2026-12-01T09:00:00Z')
const ID = toSalesforceId('001000000000001') as string

const FIELDS: readonly FieldSchema[] = [
  { name: 'Name', type: 'string' },
  { name: 'Phone', type: 'phone' },
  { name: 'Rating', type: 'string' },
  { name: 'Description', type: 'textarea' },
  { name: 'Credit_Limit__c', type: 'double' },
]
const PROFILES = [ProfileName.fieldRep, ProfileName.salesManager] as const
const access = (p: ProfileName, f: string): FieldAccess => fieldAccess(p, 'Account', f)

/** The partitions: fields grouped by the set of profiles that read them. */
function partitions(): { id: string; schema: ObjectSchema; readers: ProfileName[] }[] {
  const byClass = new Map<string, FieldSchema[]>()
  for (const f of FIELDS) {
    const cls = PROFILES.filter((p) => access(p, f.name) !== 'hidden').join('+')
    byClass.set(cls, [...(byClass.get(cls) ?? []), f])
  }
  return [...byClass].map(([cls, fields]) => ({
    id: cls,
    readers: cls.split('+') as ProfileName[],
    schema: { name: 'Account', fields: Object.fromEntries(fields.map((f) => [f.name, f])) },
  }))
}

interface Device {
  id: string
  user: string
  profile: ProfileName
  time: { now: number }
  docs: Map<string, RecordDocument>
}

/** One FIFO link carrying sealed updates to a replica. */
interface Link {
  to: RecordDocument
  from: string
  queue: Uint8Array[]
}

const LOADED = { Name: 'Acme', Phone: '4155550100', Rating: 'Warm', Description: 'seed.' }

function runSchedule(engine: MergeEngine, seed: number): void {
  const random: Random = createRandom(seed)
  const parts = partitions()
  const relay = new Map<string, RecordDocument>()
  const relayClock = createHybridClock({ device: parseDeviceId('relay'), now: () => T0 })
  for (const p of parts) {
    const doc = RecordDocument.open({
      engine,
      name: `Account/${ID}`,
      schema: p.schema,
      clock: relayClock,
      actor: { user: 'relay', device: relayClock.device },
    })
    doc.applyServerRecord(
      { ...LOADED, ...(p.schema.fields.Credit_Limit__c ? { Credit_Limit__c: 1000 } : {}) },
      {
        salesforceId: ID as never,
        lastModifiedDate: new Date(T0 - 60_000).toISOString(),
        systemModstamp: new Date(T0 - 60_000).toISOString(),
        lastModifiedById: '005000000000009AAA',
      },
    )
    relay.set(p.id, doc)
  }
  const links: Link[] = []
  const devices: Device[] = []
  const users = [
    { user: '005000000000001AAA', profile: ProfileName.fieldRep },
    { user: '005000000000003AAA', profile: ProfileName.salesManager },
  ]
  for (const [u, { user, profile }] of users.entries()) {
    for (const n of [0, 1]) {
      const time = { now: T0 + random.int(-500, 500) }
      const id = `d${u}${n}`
      const clock = createHybridClock({ device: parseDeviceId(id), now: () => time.now })
      const device: Device = { id, user, profile, time, docs: new Map() }
      for (const p of parts) {
        if (!p.readers.includes(profile)) continue
        const hub = relay.get(p.id) as RecordDocument
        const doc = RecordDocument.open({
          engine,
          name: hub.name,
          schema: p.schema,
          clock,
          actor: { user, device: clock.device },
          state: hub.encodeState(),
        })
        const up: Link = { to: hub, from: id, queue: [] }
        const down: Link = { to: doc, from: 'relay', queue: [] }
        links.push(up, down)
        doc.onUpdate((update, origin) => {
          if (origin !== 'relay') up.queue.push(update)
        })
        hub.onUpdate((update, origin) => {
          if (origin !== id) down.queue.push(update)
        })
        device.docs.set(p.id, doc)
      }
      devices.push(device)
    }
  }

  const scalarEdits = new Map<string, { stamp: HlcString; value: unknown }[]>()
  const inserts: string[] = []
  const deliver = (link: Link): void => {
    const update = link.queue[0]
    if (!update) return
    link.to.applyUpdate(update, link.from)
    if (!random.chance(0.1)) link.queue.shift() // else delivered again later (a duplicate)
  }
  for (let step = 0; step < STEPS; step++) {
    if (random.chance(0.45)) {
      const d = random.pick(devices)
      d.time.now += random.int(0, 2_000)
      const fields = [...d.docs.values()].flatMap((doc) =>
        Object.keys(doc.schema.fields).map((f) => ({ doc, f })),
      )
      const { doc, f } = random.pick(fields.filter(({ f }) => access(d.profile, f) === 'edit'))
      if (f === 'Description') {
        const token = `<${d.id}-${step}>`
        // Between insertions (one inside another would split it, which is fine, but not
        // countable).
        const text = doc.text(f)
        const bounds = [0, text.length]
        for (let i = 1; i < text.length; i++)
          if (text[i - 1] === '>' || text[i] === '<') bounds.push(i)
        const at = random.pick(bounds)
        doc.insertText(f, at, token)
        inserts.push(token)
      } else {
        const value = f === 'Credit_Limit__c' ? random.int(1, 9_999) : `${d.id}-${step}`
        const stamp = doc.set(f, value)
        scalarEdits.set(f, [...(scalarEdits.get(f) ?? []), { stamp, value }])
      }
    } else {
      const busy = links.filter((l) => l.queue.length > 0)
      if (busy.length > 0) deliver(random.pick(busy))
    }
  }
  for (let rounds = 0; links.some((l) => l.queue.length > 0); rounds++) {
    if (rounds > 10_000) throw new Error('links never drained')
    for (const l of links)
      while (l.queue.length > 0) l.to.applyUpdate(l.queue.shift() as Uint8Array, l.from)
  }

  for (const p of parts) {
    const hub = relay.get(p.id) as RecordDocument
    for (const d of devices) {
      const doc = d.docs.get(p.id)
      if (!doc) continue
      expect(doc.values(), `seed ${seed}: ${d.id} converges`).toEqual(hub.values())
    }
    for (const [field, edits] of scalarEdits) {
      if (!p.schema.fields[field]) continue
      const latest = edits.reduce((a, b) => (b.stamp > a.stamp ? b : a))
      expect(hub.get(field), `seed ${seed}: ${field} is its latest edit`).toBe(latest.value)
    }
    if (p.schema.fields.Description) {
      const text = hub.text('Description')
      for (const token of inserts) {
        expect(text.split(token).length - 1, `seed ${seed}: ${token} once in ${text}`).toBe(1)
      }
      expect(text.replace(/<d\d\d-\d+>/g, ''), `seed ${seed}`).toBe('seed.')
    }
  }
  for (const d of devices) {
    const held = [...d.docs.values()].map(everythingHeld).join()
    for (const f of FIELDS) {
      if (access(d.profile, f.name) === 'hidden') {
        expect(held, `seed ${seed}: ${d.id} never holds ${f.name}`).not.toContain(f.name)
      } else {
        // The check sees what a replica holds: every field it reads is there.
        expect(held, `seed ${seed}: ${d.id} holds ${f.name}`).toContain(f.name)
      }
    }
  }
}

/**
 * What a replica holds, as text: Yjs's current state; for Automerge, every state in the
 * document's history (a field set once and removed would still be there).
 */
function everythingHeld(doc: RecordDocument): string {
  if (doc.engineDoc.engine === yjsEngine.name)
    return JSON.stringify((doc.engineDoc as YjsEngineDoc).ydoc.toJSON())
  const loaded = A.loadIncremental(A.init(), doc.engineDoc.encodeState())
  return A.getHistory(loaded)
    .map((state) => JSON.stringify(state.snapshot))
    .join()
}

describe.each([yjsEngine, automergeEngine])(
  'a rep and a manager editing one record from four devices on $name',
  (engine) => {
    it('has the partitions the org’s profiles imply', () => {
      expect(partitions().map((p) => [p.readers, Object.keys(p.schema.fields)])).toEqual([
        [
          [ProfileName.fieldRep, ProfileName.salesManager],
          ['Name', 'Phone', 'Rating', 'Description'],
        ],
        [[ProfileName.salesManager], ['Credit_Limit__c']],
      ])
    })

    const schedules = SCHEDULES[engine.name] ?? 0
    it(`converges to the highest-stamped edits, keeps every insertion once and leaks nothing (${schedules} schedules)`, () => {
      for (let seed = 1; seed <= schedules; seed++) runSchedule(engine, seed)
    })
  },
)
