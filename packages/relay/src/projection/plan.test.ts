import type { DraftKey, ObjectSchema, SalesforceId } from '@briefcase/record'
import {
  RecordDocument,
  createHybridClock,
  newDraftKey,
  parseDeviceId,
  toSalesforceId,
  yjsEngine,
} from '@briefcase/record'
import { describe, expect, it } from 'vitest'
import { planRecordOf } from './plan-record.js'
import type { PlanInput, PlanRecord, PlannedCall, Wave } from './plan-types.js'
import { planWave } from './plan.js'
import type { ObjectPermissions } from './ports.js'

const account: ObjectSchema = {
  name: 'Account',
  fields: {
    Name: { name: 'Name', type: 'string', length: 255 },
    Phone: { name: 'Phone', type: 'phone', length: 40 },
    Rating: { name: 'Rating', type: 'picklist' },
    Description: { name: 'Description', type: 'textarea' },
    ParentId: { name: 'ParentId', type: 'reference', referenceTo: ['Account'] },
  },
}
const contact: ObjectSchema = {
  name: 'Contact',
  fields: {
    LastName: { name: 'LastName', type: 'string', length: 80 },
    Email: { name: 'Email', type: 'email', length: 80 },
    AccountId: { name: 'AccountId', type: 'reference', referenceTo: ['Account'] },
  },
}

const USER_A = '005000000000001AAA'
const USER_B = '005000000000002AAA'

/** A shared fake time: every clock reading moves it by one millisecond. */
function fakeTime(): () => number {
  let t = Date.parse('2026-03-01T00:00:00Z')
  return () => ++t
}

interface Device {
  actor: { user: string; device: ReturnType<typeof parseDeviceId> }
  clock: ReturnType<typeof createHybridClock>
}

function device(user: string, id: string, now: () => number): Device {
  const clock = createHybridClock({ device: parseDeviceId(id), now })
  return { actor: { user, device: clock.device }, clock }
}

function sfId(prefix: string, n: number): SalesforceId {
  return toSalesforceId(`${prefix}${String(n).padStart(12, '0')}`) as SalesforceId
}

function existing(
  schema: ObjectSchema,
  id: SalesforceId,
  values: Record<string, unknown>,
  d: Device,
): RecordDocument {
  const doc = RecordDocument.open({ engine: yjsEngine, name: `${schema.name}/${id}`, schema, ...d })
  doc.applyServerRecord(values, {
    salesforceId: id,
    lastModifiedDate: '2026-01-01T00:00:00.000Z',
    systemModstamp: '2026-01-01T00:00:00.000Z',
    lastModifiedById: USER_A,
  })
  return doc
}

function draft(schema: ObjectSchema, values: Record<string, unknown>, d: Device): RecordDocument {
  return RecordDocument.createDraft({ engine: yjsEngine, schema, values, ...d })
}

/** The same document as another device sees it. */
function replica(doc: RecordDocument, d: Device): RecordDocument {
  return RecordDocument.open({
    engine: yjsEngine,
    name: doc.name,
    schema: doc.schema,
    state: doc.encodeState(),
    ...d,
  })
}

function merge(into: RecordDocument, from: RecordDocument): void {
  into.applyUpdate(from.encodeUpdate(into.encodeStateVector()))
}

function records(docs: readonly RecordDocument[]): PlanRecord[] {
  return docs.flatMap((doc) => planRecordOf({ name: doc.name, group: 'g' }, doc) ?? [])
}

function plan(docs: readonly RecordDocument[], extra: Partial<PlanInput> = {}): Wave {
  return planWave({
    records: records(docs),
    blocked: new Set(),
    waiting: new Set(),
    drafts: new Map(),
    permissions: () => undefined,
    // The Collections update behind a separate check (conditional rows are tested apart).
    options: { apiVersion: '62.0', maxConditionalRows: 0 },
    ...extra,
  })
}

function bodyRecords(call: PlannedCall, sub: number): Record<string, unknown>[] {
  return (call.subrequests[sub]?.body as { records: Record<string, unknown>[] }).records
}

describe('planWave', () => {
  it('sends the final value of each changed field once, state-based', () => {
    const now = fakeTime()
    const d = device(USER_A, 'phone', now)
    const doc = existing(account, sfId('001', 1), { Name: 'Acme', Phone: '4155550100' }, d)
    for (let i = 0; i < 500; i++) doc.set('Name', `Acme ${i}`)
    doc.set('Phone', '4155550100') // back to the shadow: not a change
    const wave = plan([doc])
    expect(wave.calls).toHaveLength(1)
    const call = wave.calls[0] as PlannedCall
    expect(call.author).toBe(USER_A)
    expect(call.subrequests.map((s) => [s.kind, s.method, s.url.split('?')[0]])).toEqual([
      ['update', 'PATCH', '/services/data/v62.0/composite/sobjects'],
      ['query', 'GET', '/services/data/v62.0/query'],
    ])
    expect(bodyRecords(call, 0)).toEqual([
      { attributes: { type: 'Account' }, id: sfId('001', 1), Name: 'Acme 499' },
    ])
    expect(call.check).toEqual([
      { sobject: 'Account', ids: [sfId('001', 1)], fields: Object.keys(account.fields).sort() },
    ])
  })

  it('gives the same requests for the same state, whatever history led to it', () => {
    const now = fakeTime()
    const a = existing(account, sfId('001', 1), { Name: 'Acme' }, device(USER_A, 'a', now))
    const b = existing(account, sfId('001', 1), { Name: 'Acme' }, device(USER_A, 'b', now))
    a.set('Name', 'X')
    a.set('Name', 'Final')
    b.set('Name', 'Final')
    const bodies = (w: Wave): unknown => w.calls.map((c) => c.subrequests.map((s) => s.body))
    expect(bodies(plan([a]))).toEqual(bodies(plan([b])))
  })

  it('orders records by their oldest unsent change', () => {
    const now = fakeTime()
    const d = device(USER_A, 'phone', now)
    const docs = [1, 2, 3].map((n) => existing(account, sfId('001', n), { Name: `A${n}` }, d))
    docs[2]?.set('Name', 'third first')
    docs[0]?.set('Name', 'first second')
    docs[1]?.set('Name', 'second third')
    docs[2]?.set('Phone', '4155550100') // a later edit does not move its record
    const call = plan(docs).calls[0] as PlannedCall
    expect(bodyRecords(call, 0).map((r) => r.id)).toEqual([
      sfId('001', 3),
      sfId('001', 1),
      sfId('001', 2),
    ])
  })

  it('creates a parent and its children in one Composite, children referencing @{ref.id}', () => {
    const now = fakeTime()
    const d = device(USER_A, 'phone', now)
    const parent = draft(account, { Name: 'New Co' }, d)
    const key = parent.draftKey() as DraftKey
    const kids = [1, 2].map((n) => draft(contact, { LastName: `K${n}`, AccountId: key }, d))
    const wave = plan([...kids, parent])
    expect(wave.calls).toHaveLength(1)
    const call = wave.calls[0] as PlannedCall
    expect(call.subrequests.map((s) => [s.referenceId, s.kind, s.url.split('?')[0]])).toEqual([
      ['s0', 'upsert', '/services/data/v62.0/composite/sobjects/Account/Briefcase_Draft_Key__c'],
      ['s1', 'upsert', '/services/data/v62.0/composite/sobjects/Contact/Briefcase_Draft_Key__c'],
      ['q0', 'query', '/services/data/v62.0/query'],
      ['q1', 'query', '/services/data/v62.0/query'],
    ])
    expect(bodyRecords(call, 0)).toEqual([
      { attributes: { type: 'Account' }, Briefcase_Draft_Key__c: key, Name: 'New Co' },
    ])
    expect(bodyRecords(call, 1).map((r) => r.AccountId)).toEqual(['@{s0[0].id}', '@{s0[0].id}'])
    expect(call.writes.filter((w) => w.sobject === 'Contact').map((w) => w.refs)).toEqual([
      { AccountId: key },
      { AccountId: key },
    ])
    const soql = decodeURIComponent(call.subrequests[3]?.url.split('q=')[1] ?? '')
    expect(soql).toBe(
      `SELECT Id, SystemModstamp, LastModifiedDate, LastModifiedById, Briefcase_Draft_Key__c, Description, Name, ParentId, Phone, Rating FROM Account WHERE Briefcase_Draft_Key__c IN ('${key}')`,
    )
  })

  it('sends a reference to a record created earlier with its Id', () => {
    const now = fakeTime()
    const d = device(USER_A, 'phone', now)
    const key = newDraftKey()
    const kid = draft(contact, { LastName: 'K', AccountId: key }, d)
    const id = sfId('001', 9)
    const wave = plan([kid], { drafts: new Map([[key, id]]) })
    const call = wave.calls[0] as PlannedCall
    expect(bodyRecords(call, 0)[0]?.AccountId).toBe(id)
    expect(call.writes[0]?.resolutions).toEqual({ [key]: id })
  })

  it('holds a reference to an unknown draft, and dependents of a blocked record', () => {
    const now = fakeTime()
    const d = device(USER_A, 'phone', now)
    const orphan = draft(contact, { LastName: 'O', AccountId: newDraftKey() }, d)
    const parent = draft(account, { Name: 'Bad' }, d)
    const kid = draft(contact, { LastName: 'K', AccountId: parent.draftKey() }, d)
    const grandkid = draft(account, { Name: 'G' }, d)
    grandkid.set('ParentId', parent.draftKey())
    const blocked = new Set([`g|${parent.name}`])
    const wave = plan([orphan, parent, kid, grandkid], { blocked })
    expect(wave.calls).toHaveLength(0)
    expect(wave.held.map((h) => [h.ref.name, h.reason])).toEqual([
      [orphan.name, 'dependency-pending'],
      [parent.name, 'blocked'],
      [kid.name, 'dependency-failed'],
      [grandkid.name, 'dependency-failed'],
    ])
  })

  it('splits a record edited by two users into writes in HLC order, one per wave', () => {
    const now = fakeTime()
    const a = existing(account, sfId('001', 1), { Name: 'Acme' }, device(USER_A, 'a', now))
    const b = replica(a, device(USER_B, 'b', now))
    b.set('Phone', '4155550100')
    a.set('Name', 'Acme A')
    merge(a, b)
    const first = plan([a])
    expect(first.calls.map((c) => [c.author, bodyRecords(c, 0)])).toEqual([
      [USER_B, [{ attributes: { type: 'Account' }, id: sfId('001', 1), Phone: '4155550100' }]],
    ])
    const write = first.calls[0]?.writes[0]
    a.acknowledgeWrite({
      fields: write?.fields ?? {},
      info: {
        salesforceId: sfId('001', 1),
        lastModifiedDate: '2026-03-01T01:00:00.000Z',
        systemModstamp: '2026-03-01T01:00:00.000Z',
        lastModifiedById: USER_B,
      },
    })
    const second = plan([a])
    expect(second.calls.map((c) => [c.author, bodyRecords(c, 0)])).toEqual([
      [USER_A, [{ attributes: { type: 'Account' }, id: sfId('001', 1), Name: 'Acme A' }]],
    ])
  })

  it('sends a child created by another user in the next wave, once its parent exists', () => {
    const now = fakeTime()
    const parent = draft(account, { Name: 'P' }, device(USER_A, 'a', now))
    const kid = draft(
      contact,
      { LastName: 'K', AccountId: parent.draftKey() },
      device(USER_B, 'b', now),
    )
    const wave = plan([parent, kid])
    expect(wave.calls.map((c) => c.author)).toEqual([USER_A])
    expect(wave.held.map((h) => [h.ref.name, h.reason])).toEqual([[kid.name, 'next-wave']])
  })

  it('creates a draft under its creator, or under the only user who gave it values', () => {
    const now = fakeTime()
    const a = device(USER_A, 'a', now)
    const mine = draft(account, { Name: 'Mine' }, a)
    const empty = draft(account, {}, a)
    const b = replica(empty, device(USER_B, 'b', now))
    b.set('Name', 'Filled by B')
    merge(empty, b)
    const authors = plan([mine, empty]).calls.map((c) => [
      c.author,
      c.writes.map((w) => w.ref.name),
    ])
    expect(authors).toEqual([
      [USER_A, [mine.name]],
      [USER_B, [empty.name]],
    ])
  })

  it('packs 200 records per collection and 5 collections per Composite', () => {
    const now = fakeTime()
    const d = device(USER_A, 'phone', now)
    const docs = Array.from({ length: 1201 }, (_, n) => {
      const doc = existing(account, sfId('001', n + 1), { Name: `A${n}` }, d)
      doc.set('Name', `B${n}`)
      return doc
    })
    const wave = plan(docs)
    expect(wave.calls.map((c) => c.subrequests.map((s) => `${s.kind}:${s.items.length}`))).toEqual([
      ['update:200', 'update:200', 'update:200', 'update:200', 'update:200'],
      ['update:200', 'update:1', 'query:201'],
    ])
  })

  it('puts children of one parent after it, 200 per upsert collection', () => {
    const now = fakeTime()
    const d = device(USER_A, 'phone', now)
    const parent = draft(account, { Name: 'P' }, d)
    const kids = Array.from({ length: 201 }, (_, n) =>
      draft(contact, { LastName: `K${n}`, AccountId: parent.draftKey() }, d),
    )
    const wave = plan([parent, ...kids])
    expect(wave.calls).toHaveLength(1)
    expect(
      wave.calls[0]?.subrequests.map((s) => `${s.kind}:${s.sobject ?? ''}:${s.items.length}`),
    ).toEqual(['upsert::1', 'upsert::200', 'upsert::1', 'query:Contact:201', 'query:Account:1'])
  })

  it('waits for the next wave when a child does not fit in its parent’s Composite', () => {
    const now = fakeTime()
    const d = device(USER_A, 'phone', now)
    const parent = draft(account, { Name: 'P' }, d)
    const kids = Array.from({ length: 5 }, (_, n) =>
      draft(contact, { LastName: `K${n}`, AccountId: parent.draftKey() }, d),
    )
    const wave = plan([parent, ...kids], {
      options: {
        apiVersion: '62.0',
        maxCollection: 1,
        maxHeavyPerComposite: 3,
        maxConditionalRows: 0,
      },
    })
    expect(wave.calls).toHaveLength(1)
    expect(wave.calls[0]?.writes.map((w) => w.sobject)).toEqual(['Account', 'Contact', 'Contact'])
    expect(wave.held.map((h) => h.reason)).toEqual(['next-wave', 'next-wave', 'next-wave'])
  })

  it('breaks a cycle of new records naming each other: one goes first without its reference', () => {
    const now = fakeTime()
    const d = device(USER_A, 'phone', now)
    const a = draft(account, { Name: 'A' }, d)
    const b = draft(account, { Name: 'B', ParentId: a.draftKey() }, d)
    a.set('ParentId', b.draftKey())
    const wave = plan([a, b])
    expect(wave.calls).toHaveLength(1)
    const call = wave.calls[0] as PlannedCall
    // B (whose reference closes the cycle) goes first without it; A follows, referencing B.
    expect(bodyRecords(call, 0)).toEqual([
      { attributes: { type: 'Account' }, Briefcase_Draft_Key__c: b.draftKey(), Name: 'B' },
    ])
    expect(bodyRecords(call, 1)).toEqual([
      {
        attributes: { type: 'Account' },
        Briefcase_Draft_Key__c: a.draftKey(),
        Name: 'A',
        ParentId: '@{s0[0].id}',
      },
    ])
  })

  it('deletes by Id, and only acknowledges a draft deleted before it was ever sent', () => {
    const now = fakeTime()
    const d = device(USER_A, 'phone', now)
    const gone = existing(account, sfId('001', 1), { Name: 'Gone' }, d)
    gone.delete()
    const never = draft(account, { Name: 'Never sent' }, d)
    never.delete()
    const sent = draft(account, { Name: 'Sent' }, d)
    sent.delete()
    const id = sfId('001', 2)
    const wave = plan([gone, never, sent], { drafts: new Map([[sent.draftKey() as string, id]]) })
    expect(wave.localDeletes.map((r) => r.name)).toEqual([never.name])
    expect(wave.calls[0]?.subrequests.map((s) => [s.kind, s.method, s.url])).toEqual([
      [
        'delete',
        'DELETE',
        `/services/data/v62.0/composite/sobjects?ids=${sfId('001', 1)},${id}&allOrNone=false`,
      ],
    ])
  })

  it('refuses fields the author may not edit per their describe, and sends the rest', () => {
    const now = fakeTime()
    const d = device(USER_A, 'phone', now)
    const doc = existing(account, sfId('001', 1), { Name: 'Acme', Rating: 'Cold' }, d)
    doc.engineDoc.transact((w) => w.set('entries', `Rating@${d.clock.tick()}`, 'Hot'))
    doc.set('Name', 'Acme 2')
    const permissions = (): ObjectPermissions => ({
      fields: {
        Name: { createable: true, updateable: true },
        Rating: { createable: false, updateable: false },
      },
    })
    const wave = plan([doc], { permissions })
    expect(wave.refusals).toEqual([
      {
        ref: { name: doc.name, group: 'g' },
        author: USER_A,
        fields: ['Rating'],
        code: 'INVALID_FIELD_FOR_INSERT_UPDATE',
      },
    ])
    expect(bodyRecords(wave.calls[0] as PlannedCall, 0)).toEqual([
      { attributes: { type: 'Account' }, id: sfId('001', 1), Name: 'Acme 2' },
    ])
  })

  it('captures client-side facts of the latest edit written into custom fields', () => {
    const now = fakeTime()
    const d = device(USER_A, 'tablet-7', now)
    const doc = existing(account, sfId('001', 1), { Name: 'Acme' }, d)
    const stamp = doc.set('Name', 'Acme 2')
    const wave = plan([doc], {
      options: {
        apiVersion: '62.0',
        maxConditionalRows: 0,
        capture: {
          Account: {
            Briefcase_Edited_At__c: 'deviceEditedAt',
            Briefcase_Device__c: 'deviceId',
            Briefcase_User__c: 'userId',
          },
        },
      },
    })
    const wall = parseInt(stamp.slice(0, 9), 36)
    expect(bodyRecords(wave.calls[0] as PlannedCall, 0)[0]).toMatchObject({
      Name: 'Acme 2',
      Briefcase_Edited_At__c: new Date(wall).toISOString(),
      Briefcase_Device__c: 'tablet-7',
      Briefcase_User__c: USER_A,
    })
  })

  it('leaves blocked and waiting records out', () => {
    const now = fakeTime()
    const d = device(USER_A, 'phone', now)
    const docs = [1, 2, 3].map((n) => {
      const doc = existing(account, sfId('001', n), { Name: `A${n}` }, d)
      doc.set('Name', `B${n}`)
      return doc
    })
    const wave = plan(docs, {
      blocked: new Set([`g|${docs[0]?.name ?? ''}`]),
      waiting: new Set([`g|${docs[1]?.name ?? ''}`]),
    })
    expect(wave.calls[0]?.writes.map((w) => w.ref.name)).toEqual([docs[2]?.name])
    expect(wave.held.map((h) => h.reason)).toEqual(['blocked', 'waiting'])
  })
})

describe('planWave: the conflict check inside the write', () => {
  const conditional = (docs: readonly RecordDocument[], extra: Partial<PlanInput> = {}): Wave =>
    plan(docs, { options: { apiVersion: '62.0' }, ...extra })

  it('sends updates edited after the shadow’s SystemModstamp as sObject Rows PATCHes with If-Unmodified-Since, and no separate check', () => {
    const d = device(USER_A, 'phone-1', fakeTime())
    const a = existing(account, sfId('001', 1), { Name: 'Acme' }, d)
    const b = existing(account, sfId('001', 2), { Name: 'Beta' }, d)
    a.set('Name', 'Acme 2')
    b.set('Phone', '4155550100')
    const call = conditional([a, b]).calls[0] as PlannedCall
    expect(call.check).toEqual([])
    const rows = call.subrequests.filter((s) => s.kind === 'row')
    expect(rows.map((s) => [s.method, s.url, s.headers, s.body])).toEqual([
      [
        'PATCH',
        `/services/data/v62.0/sobjects/Account/${sfId('001', 1)}`,
        { 'If-Unmodified-Since': 'Thu, 01 Jan 2026 00:00:00 GMT' },
        { Name: 'Acme 2' },
      ],
      [
        'PATCH',
        `/services/data/v62.0/sobjects/Account/${sfId('001', 2)}`,
        { 'If-Unmodified-Since': 'Thu, 01 Jan 2026 00:00:00 GMT' },
        { Phone: '4155550100' },
      ],
    ])
    // The read-back query still rides in the same call.
    expect(call.subrequests.map((s) => s.kind)).toEqual(['row', 'row', 'query'])
  })

  it('keeps the separate check when an edit sent is not later than the shadow’s SystemModstamp', () => {
    let t = Date.parse('2025-12-31T23:59:59Z')
    const d = device(USER_A, 'phone-1', () => ++t)
    const doc = existing(account, sfId('001', 1), { Name: 'Acme' }, d)
    doc.set('Name', 'Older edit')
    const call = conditional([doc]).calls[0] as PlannedCall
    expect(call.subrequests.map((s) => s.kind)).toEqual(['update', 'query'])
    expect(call.check.map((c) => c.ids)).toEqual([[sfId('001', 1)]])
  })

  it('carries the check of an edit older than a SystemModstamp read moments ago (confirmed)', () => {
    let t = Date.parse('2025-12-31T23:59:59Z')
    const d = device(USER_A, 'phone-1', () => ++t)
    const doc = existing(account, sfId('001', 1), { Name: 'Acme' }, d)
    doc.set('Name', 'Older edit')
    const call = conditional([doc], { confirmed: new Set([`g|${doc.name}`]) })
      .calls[0] as PlannedCall
    expect(call.subrequests.map((s) => s.kind)).toEqual(['row', 'query'])
    expect(call.subrequests[0]?.headers).toEqual({
      'If-Unmodified-Since': 'Thu, 01 Jan 2026 00:00:00 GMT',
    })
    expect(call.check).toEqual([])
  })

  it('keeps the separate check for a large batch (more updates than maxConditionalRows)', () => {
    const d = device(USER_A, 'phone-1', fakeTime())
    const docs = Array.from({ length: 21 }, (_, n) =>
      existing(account, sfId('001', n + 1), { Name: `A${n}` }, d),
    )
    for (const doc of docs) doc.set('Phone', '4155550100')
    const call = conditional(docs).calls[0] as PlannedCall
    expect(call.subrequests.filter((s) => s.kind === 'row')).toHaveLength(0)
    expect(call.check[0]?.ids).toHaveLength(21)
  })

  it('keeps the separate check for a record answered 412 this run (unconditional)', () => {
    const d = device(USER_A, 'phone-1', fakeTime())
    const doc = existing(account, sfId('001', 1), { Name: 'Acme' }, d)
    doc.set('Name', 'Acme 2')
    const call = conditional([doc], { unconditional: new Set([`g|${doc.name}`]) })
      .calls[0] as PlannedCall
    expect(call.subrequests.map((s) => s.kind)).toEqual(['update', 'query'])
  })

  it('a Contact created under a new Account rides with a conditional update in the same call', () => {
    const d = device(USER_A, 'phone-1', fakeTime())
    const edited = existing(account, sfId('001', 1), { Name: 'Acme' }, d)
    edited.set('Name', 'Acme 2')
    const contactDraft = draft(contact, { LastName: 'New', AccountId: sfId('001', 1) }, d)
    const wave = conditional([edited, contactDraft])
    expect(wave.calls).toHaveLength(1)
    const call = wave.calls[0] as PlannedCall
    expect(call.subrequests.map((s) => s.kind)).toEqual(['upsert', 'row', 'query', 'query'])
    expect(call.check).toEqual([])
  })
})
