import { describe, expect, it } from 'vitest'
import { automergeEngine } from './automerge-engine.js'
import type { MergeEngine } from './engine.js'
import { createHybridClock, serverStamp } from './hlc.js'
import type { SalesforceId } from './ids.js'
import { parseDeviceId, toSalesforceId } from './ids.js'
import { RecordDocument } from './record-document.js'
import type { ObjectSchema } from './schema.js'
import { yjsEngine } from './yjs-engine.js'

const schema: ObjectSchema = {
  name: 'Account',
  fields: {
    Name: { name: 'Name', type: 'string' },
    Industry: { name: 'Industry', type: 'string' },
    Description: { name: 'Description', type: 'textarea' },
  },
}
const ID = toSalesforceId('001000000000001') as SalesforceId
const USER = '005000000000001AAA'
const OTHER_USER = '005000000000002AAA'
const T0 = Date.parse('2026-01-01T00:00:00Z')
const iso = (ms: number): string => new Date(ms).toISOString()

describe('applyServerRecord after a create', () => {
  it('does not take a field Salesforce holds no value for as a server-side change', () => {
    const time = { now: T0 }
    const clock = createHybridClock({ device: parseDeviceId('phone'), now: () => time.now })
    const doc = RecordDocument.createDraft({
      engine: yjsEngine,
      schema,
      clock,
      actor: { user: USER, device: clock.device },
      values: { Name: 'Acme' },
    })
    const created = doc.pending()?.fields.find((f) => f.field === 'Name')
    if (!created) throw new Error('the draft has no pending Name')
    const info = { salesforceId: ID, systemModstamp: iso(T0), lastModifiedById: USER }
    doc.acknowledgeWrite({
      fields: { Name: { value: 'Acme', stamp: created.at } },
      info: { ...info, lastModifiedDate: iso(T0) },
    })
    time.now = T0 + 60_000
    const edit = doc.set('Industry', 'Energy')
    // Later, another user renames the record; the puller reads every field, empty ones as null.
    const renamed = T0 + 120_000
    const changed = doc.applyServerRecord(
      { Name: 'Acme Corp', Industry: null, Description: null },
      { ...info, lastModifiedDate: iso(renamed), lastModifiedById: OTHER_USER },
    )
    expect(changed).toEqual({ Name: serverStamp(renamed, OTHER_USER) })
    expect(doc.get('Industry')).toBe('Energy')
    expect(doc.pending()?.fields.map((f) => [f.field, f.at])).toEqual([['Industry', edit]])
  })

  it('does not take a cleared long text read back as null (how Salesforce stores it) as a change', () => {
    const clock = createHybridClock({ device: parseDeviceId('phone'), now: () => T0 })
    const doc = RecordDocument.createDraft({
      engine: yjsEngine,
      schema,
      clock,
      actor: { user: USER, device: clock.device },
      values: { Name: 'Acme', Description: 'Hi' },
    })
    const info = { salesforceId: ID, systemModstamp: iso(T0), lastModifiedById: USER }
    const at = doc.pending()?.fields.find((f) => f.field === 'Description')?.at
    if (!at) throw new Error('the draft has no pending Description')
    doc.acknowledgeWrite({
      fields: { Name: { value: 'Acme', stamp: at }, Description: { value: 'Hi', stamp: at } },
      info: { ...info, lastModifiedDate: iso(T0) },
    })
    doc.set('Description', '')
    const cleared = doc.pending()?.fields.find((f) => f.field === 'Description')
    expect(cleared?.new).toBe('')
    doc.acknowledgeWrite({
      fields: { Description: { value: '', stamp: cleared?.at ?? at } },
      info: { ...info, lastModifiedDate: iso(T0 + 1000) },
    })
    const changed = doc.applyServerRecord(
      { Name: 'Acme', Description: null },
      { ...info, lastModifiedDate: iso(T0 + 1000) },
    )
    expect(changed).toEqual({})
    expect(doc.pending()).toBeNull()
  })
})

describe.each<MergeEngine>([yjsEngine, automergeEngine])('applyServerRecord on $name', (engine) => {
  it('makes no update when Salesforce has nothing new', () => {
    const clock = createHybridClock({ device: parseDeviceId('relay'), now: () => T0 })
    const doc = RecordDocument.open({
      engine,
      name: `Account/${ID}`,
      schema,
      clock,
      actor: { user: USER, device: clock.device },
    })
    const info = {
      salesforceId: ID,
      lastModifiedDate: iso(T0),
      systemModstamp: iso(T0),
      lastModifiedById: USER,
    }
    doc.applyServerRecord({ Name: 'Acme', Industry: null, Description: 'Hello' }, info)
    const updates: Uint8Array[] = []
    doc.onUpdate((u) => updates.push(u))

    const changed = doc.applyServerRecord(
      { Name: 'Acme', Industry: null, Description: 'Hello' },
      info,
    )

    expect(changed).toEqual({})
    expect(updates).toHaveLength(0)
  })
})
