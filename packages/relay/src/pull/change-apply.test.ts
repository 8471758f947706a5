import type { ObjectSchema, SalesforceId } from '@briefcase/record'
import {
  MapRoot,
  RecordDocument,
  createHybridClock,
  parseDeviceId,
  toSalesforceId,
  yjsEngine,
} from '@briefcase/record'
import { describe, expect, it } from 'vitest'
import type { OutboxEntry } from '../projection/ports.js'
import {
  applyEventValues,
  eventAction,
  eventValues,
  isOutboxWrite,
  mayChangeAccess,
} from './change-apply.js'
import type { StreamEvent } from './stream-ports.js'

const ID = toSalesforceId('001000000000001') as SalesforceId
const REP = '005000000000001AAA'
const MANAGER = '005000000000002AAA'
const LOADED = Date.parse('2026-12-01T10:00:00.000Z')

const main: ObjectSchema = {
  name: 'Account',
  fields: {
    Name: { name: 'Name', type: 'string' },
    Industry: { name: 'Industry', type: 'picklist' },
    BillingCity: { name: 'BillingCity', type: 'string' },
    Description: { name: 'Description', type: 'textarea' },
    Last_Visit__c: { name: 'Last_Visit__c', type: 'datetime' },
  },
}
/** The partition only the manager reads. */
const credit: ObjectSchema = {
  name: 'Account',
  fields: { Credit_Limit__c: { name: 'Credit_Limit__c', type: 'currency' } },
}

function loaded(schema: ObjectSchema, values: Record<string, unknown>): RecordDocument {
  const doc = RecordDocument.open({
    engine: yjsEngine,
    name: `Account/${ID}`,
    schema,
    actor: { user: 'relay', device: parseDeviceId('relay') },
    clock: createHybridClock({ device: parseDeviceId('relay') }),
  })
  const at = new Date(LOADED).toISOString()
  doc.applyServerRecord(values, {
    salesforceId: ID,
    lastModifiedDate: at,
    systemModstamp: at,
    lastModifiedById: REP,
  })
  return doc
}

function update(
  commitTimestamp: number,
  changedFields: string[],
  fields: Record<string, unknown>,
): StreamEvent {
  return {
    channel: '/data/AccountChangeEvent',
    sobject: 'Account',
    replayId: 1,
    changeType: 'UPDATE',
    recordIds: [ID],
    changeOrigin: 'com/salesforce/api/rest/62.0',
    commitTimestamp,
    commitUser: MANAGER,
    changedFields,
    fields,
  }
}

describe('change events applied without a read', () => {
  it('flattens compound fields and takes only the changed ones, a cleared field as null', () => {
    const event = update(LOADED + 5000, ['BillingAddress.City', 'Industry', 'Phone'], {
      BillingAddress: { City: 'Lyon', Street: null },
      Industry: 'Energy',
      LastModifiedDate: LOADED + 5000,
    })
    expect(eventValues(event)).toEqual({ BillingCity: 'Lyon', Industry: 'Energy', Phone: null })
    const contact = { ...event, changeType: 'CREATE', changedFields: [] }
    const created = eventValues({
      ...contact,
      fields: { Name: { FirstName: 'Ada', LastName: 'L' } },
    })
    expect(created).toEqual({ FirstName: 'Ada', LastName: 'L' })
  })

  it('reads only what an event cannot say: gaps, undeletes, overflows', () => {
    const base = update(LOADED, ['Industry'], { Industry: 'Energy' })
    expect(eventAction(base)).toBe('apply')
    expect(eventAction({ ...base, changeType: 'CREATE' })).toBe('apply')
    expect(eventAction({ ...base, changeType: 'DELETE' })).toBe('delete')
    expect(eventAction({ ...base, changeType: 'UNDELETE' })).toBe('read')
    expect(eventAction({ ...base, changeType: 'GAP_UPDATE' })).toBe('read')
    expect(eventAction({ ...base, changeType: 'GAP_OVERFLOW' })).toBe('resync')
    expect(eventAction({ ...base, changedFields: [] })).toBe('read')
  })

  it('stamps the change with its commit time and commit user, once, in the document holding the field', () => {
    const doc = loaded(main, { Name: 'Acme', Industry: 'Retail', Description: 'Base text' })
    const other = loaded(credit, { Credit_Limit__c: 1000 })
    const at = LOADED + 61_000
    const event = update(at, ['Industry', 'Credit_Limit__c', 'Description', 'Last_Visit__c'], {
      Industry: 'Energy',
      Credit_Limit__c: 777_000,
      Description: 'Base text plus one',
      Last_Visit__c: LOADED + 60_000,
    })
    const values = eventValues(event)
    expect(applyEventValues(doc, event, ID, values)).toBe(true)
    expect(doc.values()).toMatchObject({
      Industry: 'Energy',
      Description: 'Base text plus one',
      Last_Visit__c: new Date(LOADED + 60_000).toISOString(),
    })
    expect(doc.engineDoc.get(MapRoot.server, 'lastModifiedDate')).toBe(new Date(at).toISOString())
    expect(doc.engineDoc.get(MapRoot.server, 'lastModifiedById')).toBe(MANAGER)
    // The main partition's document never holds the manager's field, not even in its history.
    expect(JSON.stringify(doc.snapshot())).not.toContain('Credit_Limit__c')
    expect(applyEventValues(other, event, ID, values)).toBe(true)
    expect(other.get('Credit_Limit__c')).toBe(777_000)
    expect(JSON.stringify(other.snapshot())).not.toContain('Energy')
    // Replayed (the relay died before acknowledging it): nothing changes, the text is not doubled.
    const before = doc.encodeState()
    expect(applyEventValues(doc, event, ID, values)).toBe(false)
    expect(doc.text('Description')).toBe('Base text plus one')
    expect(doc.encodeState()).toEqual(before)
  })

  it('lets an event older than what the document holds change nothing', () => {
    const doc = loaded(main, { Name: 'Acme', Industry: 'Retail' })
    const old = update(LOADED - 2000, ['Industry'], { Industry: 'Stale' })
    expect(applyEventValues(doc, old, ID, eventValues(old))).toBe(false)
    expect(doc.get('Industry')).toBe('Retail')
  })

  it('a device edit made after the commit beats the change; one made before loses to it', () => {
    const doc = loaded(main, { Name: 'Acme', Industry: 'Retail', BillingCity: 'Paris' })
    const device = RecordDocument.open({
      engine: yjsEngine,
      name: `Account/${ID}`,
      schema: main,
      state: doc.encodeState(),
      actor: { user: REP, device: parseDeviceId('phone') },
      clock: createHybridClock({ device: parseDeviceId('phone'), now: () => LOADED + 30_000 }),
    })
    device.set('Industry', 'Device before')
    device.set('BillingCity', 'Device before')
    doc.applyUpdate(device.encodeUpdate(doc.encodeStateVector()))
    const event = update(LOADED + 40_000, ['Industry'], { Industry: 'Server' })
    applyEventValues(doc, event, ID, eventValues(event))
    expect(doc.get('Industry')).toBe('Server')
    expect(doc.get('BillingCity')).toBe('Device before')
  })

  it('knows a write still in the outbox by its author and values', () => {
    const event = update(LOADED, ['Industry', 'LastModifiedDate'], {
      Industry: 'Energy',
      LastModifiedDate: LOADED,
    })
    const entry = (author: string, value: string): OutboxEntry => ({
      id: 1,
      author,
      createdAt: LOADED,
      writes: [
        {
          ref: { name: `Account/${ID}`, group: 'g' },
          sobject: 'Account',
          kind: 'update',
          salesforceId: ID,
          draftKey: null,
          fields: { Industry: { value, stamp: 'x' } },
          refs: {},
        },
      ],
    })
    const values = eventValues(event)
    expect(isOutboxWrite(event, values, [entry(MANAGER, 'Energy')])).toBe(true)
    expect(isOutboxWrite(event, values, [entry(REP, 'Energy')])).toBe(false)
    expect(isOutboxWrite(event, values, [entry(MANAGER, 'Retail')])).toBe(false)
    expect(isOutboxWrite(event, values, [])).toBe(false)
  })

  it('re-checks access before an event that may change who reads the record', () => {
    const owner = update(LOADED, ['OwnerId', 'LastModifiedById'], {
      OwnerId: MANAGER,
      LastModifiedById: MANAGER,
    })
    expect(mayChangeAccess(owner, eventValues(owner))).toBe(true)
    const parent = update(LOADED, ['AccountId'], { AccountId: ID })
    expect(mayChangeAccess(parent, eventValues(parent))).toBe(true)
    const plain = update(LOADED, ['Industry', 'LastModifiedById'], {
      Industry: 'Energy',
      LastModifiedById: MANAGER,
    })
    expect(mayChangeAccess(plain, eventValues(plain))).toBe(false)
    expect(mayChangeAccess({ ...plain, changeType: 'CREATE' }, {})).toBe(true)
  })
})
