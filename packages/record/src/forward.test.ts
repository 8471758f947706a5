import { describe, expect, it } from 'vitest'
import { createHybridClock } from './hlc.js'
import type { SalesforceId } from './ids.js'
import { parseDeviceId, toSalesforceId } from './ids.js'
import { RecordDocument } from './record-document.js'
import type { ObjectSchema } from './schema.js'
import { yjsEngine } from './yjs-engine.js'

const field = { Name: { name: 'Name', type: 'string' as const } }
const wide: ObjectSchema = {
  name: 'Account',
  fields: {
    ...field,
    Phone: { name: 'Phone', type: 'string' },
    Description: { name: 'Description', type: 'textarea' },
    Credit_Limit__c: { name: 'Credit_Limit__c', type: 'double' },
  },
}
const main: ObjectSchema = {
  name: 'Account',
  fields: { ...field, Phone: wide.fields.Phone!, Description: wide.fields.Description! },
}
const credit: ObjectSchema = {
  name: 'Account',
  fields: { Credit_Limit__c: wide.fields.Credit_Limit__c! },
}
const ID = toSalesforceId('001000000000001') as SalesforceId
const MANAGER = '005000000000003AAA'
const T0 = Date.parse('2026-01-01T00:00:00Z')
const info = (ms: number) => ({
  salesforceId: ID,
  lastModifiedDate: new Date(ms).toISOString(),
  systemModstamp: new Date(ms).toISOString(),
  lastModifiedById: MANAGER,
})
const loaded = { Name: 'Acme', Phone: '4155550100', Description: 'seed.', Credit_Limit__c: 10 }

function relayDoc(schema: ObjectSchema, values: Record<string, unknown>): RecordDocument {
  const clock = createHybridClock({ device: parseDeviceId('relay'), now: () => T0 })
  const doc = RecordDocument.open({
    engine: yjsEngine,
    name: `Account/${ID}`,
    schema,
    clock,
    actor: { user: 'relay', device: clock.device },
  })
  doc.applyServerRecord(values, info(T0))
  return doc
}

describe('forwarding a retired document into the current ones (ADR 0005)', () => {
  it('moves each unwritten edit once, with its stamp and author, into the document of its field', () => {
    const retired = relayDoc(wide, loaded)
    const time = { now: T0 + 1_000 }
    const clock = createHybridClock({ device: parseDeviceId('laptop'), now: () => time.now })
    const laptop = RecordDocument.open({
      engine: yjsEngine,
      name: retired.name,
      schema: wide,
      clock,
      actor: { user: MANAGER, device: clock.device },
      state: retired.encodeState(),
    })
    laptop.set('Phone', '4155550111')
    laptop.set('Credit_Limit__c', 500)
    laptop.insertText('Description', 5, ' more')
    retired.applyUpdate(laptop.encodeUpdate(retired.encodeStateVector()))

    const current = relayDoc(main, loaded)
    // Someone else changed Phone later in the current document: the later edit keeps it.
    const later = createHybridClock({ device: parseDeviceId('phone'), now: () => T0 + 5_000 })
    const phone = RecordDocument.open({
      engine: yjsEngine,
      name: current.name,
      schema: main,
      clock: later,
      actor: { user: '005000000000001AAA', device: later.device },
      state: current.encodeState(),
    })
    phone.set('Phone', '4155550999')
    current.applyUpdate(phone.encodeUpdate(current.encodeStateVector()))
    const hidden = relayDoc(credit, loaded)

    const a = current.forwardFrom(retired)
    const b = hidden.forwardFrom(retired)
    retired.settleForwarded({ fields: { ...a.fields, ...b.fields }, deleted: false })
    expect(current.get('Phone')).toBe('4155550999')
    expect(current.text('Description')).toBe('seed. more')
    expect(hidden.get('Credit_Limit__c')).toBe(500)
    expect(hidden.pending()?.fields).toMatchObject([
      { field: 'Credit_Limit__c', new: 500, author: { user: MANAGER, device: 'laptop' } },
    ])
    expect(current.pending()?.fields.find((f) => f.field === 'Description')?.author.user).toBe(
      MANAGER,
    )
    expect(JSON.stringify(current.snapshot())).not.toContain('Credit_Limit__c')
    // Settled: forwarding again changes nothing (a text diff is not applied twice).
    expect(retired.pending()?.operation ?? null).toBeNull()
    current.forwardFrom(retired)
    expect(current.text('Description')).toBe('seed. more')

    // A later edit on the stale replica is forwarded on its own.
    laptop.applyUpdate(retired.encodeUpdate(laptop.encodeStateVector()))
    time.now += 1_000
    laptop.insertText('Description', 0, '<m>')
    retired.applyUpdate(laptop.encodeUpdate(retired.encodeStateVector()))
    retired.settleForwarded(current.forwardFrom(retired))
    expect(current.text('Description')).toBe('<m>seed. more')
  })
})
