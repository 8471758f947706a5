import { describe, expect, it } from 'vitest'
import { createHybridClock } from './hlc.js'
import type { SalesforceId } from './ids.js'
import { parseDeviceId, toSalesforceId } from './ids.js'
import { RecordDocument } from './record-document.js'
import type { ObjectSchema } from './schema.js'
import { YjsEngineDoc, yjsEngine } from './yjs-engine.js'

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

/** A replica of `doc` (its state) on a device whose clock reads `now()`, edited by `user`. */
function replicaOf(
  doc: RecordDocument,
  device: string,
  user: string,
  now: () => number,
): RecordDocument {
  const clock = createHybridClock({ device: parseDeviceId(device), now })
  return RecordDocument.open({
    engine: yjsEngine,
    name: doc.name,
    schema: doc.schema,
    clock,
    actor: { user, device: clock.device },
    state: doc.encodeState(),
  })
}

/** Sends what `from` has and `to` lacks. */
const send = (from: RecordDocument, to: RecordDocument): void =>
  to.applyUpdate(from.encodeUpdate(to.encodeStateVector()))

/**
 * A retired relay document and the manager's laptop replica of it, `text` typed at the start of
 * Description on the laptop and held by the relay (the laptop saw it acknowledged).
 */
function typedOnline(text: string) {
  const retired = relayDoc(wide, loaded)
  const time = { now: T0 + 1_000 }
  const laptop = replicaOf(retired, 'laptop', MANAGER, () => time.now)
  const engine = laptop.engineDoc
  if (!(engine instanceof YjsEngineDoc)) throw new Error('a Yjs document')
  laptop.insertText('Description', 0, text)
  send(laptop, retired)
  return { retired, time, laptop, engine, acknowledged: engine.encodeStateVector() }
}

describe('forwarding a retired document into the current ones (ADR 0005)', () => {
  it('moves each unwritten edit once, with its stamp and author, into the document of its field', () => {
    const retired = relayDoc(wide, loaded)
    const time = { now: T0 + 1_000 }
    const laptop = replicaOf(retired, 'laptop', MANAGER, () => time.now)
    laptop.set('Phone', '4155550111')
    laptop.set('Credit_Limit__c', 500)
    laptop.insertText('Description', 5, ' more')
    send(laptop, retired)

    const current = relayDoc(main, loaded)
    // Someone else changed Phone later in the current document: the later edit keeps it.
    const phone = replicaOf(current, 'phone', '005000000000001AAA', () => T0 + 5_000)
    phone.set('Phone', '4155550999')
    send(phone, current)
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
    send(retired, laptop)
    time.now += 1_000
    laptop.insertText('Description', 0, '<m>')
    send(laptop, retired)
    retired.settleForwarded(current.forwardFrom(retired))
    expect(current.text('Description')).toBe('<m>seed. more')
  })

  it('forwards from a replica the relay refused only what the relay does not hold (ADR 0005)', () => {
    // Typed online: the relay holds it, unwritten, and forwards it itself when the layout changes.
    const { retired, time, laptop, engine, acknowledged } = typedOnline('<held>')
    const current = relayDoc(main, loaded)
    retired.settleForwarded(current.forwardFrom(retired))
    expect(current.text('Description')).toBe('<held>seed.')
    // Someone inserts next to it in the current document.
    const phone = replicaOf(current, 'phone', '005000000000001AAA', () => T0 + 2_000)
    phone.insertText('Description', '<held>'.length, '<mid>')
    send(phone, current)

    // Offline, the laptop types before its held insertion, deletes a loaded character, edits a
    // field its user loses; the relay refuses the replica.
    time.now += 1_000
    laptop.insertText('Description', 0, '<off>')
    laptop.deleteText('Description', '<off><held>seed'.length, 1)
    laptop.set('Credit_Limit__c', 900)
    const held = { Description: engine.heldText('Description', acknowledged) }
    expect(held.Description).toBe('<held>seed')

    const device = replicaOf(current, 'laptop', MANAGER, () => time.now)
    device.forwardFrom(laptop, held)
    expect(device.text('Description')).toBe('<off><held><mid>seed')
    // Without what the relay holds, the shadow's diff makes the held insertion again.
    const naive = replicaOf(current, 'laptop', MANAGER, () => time.now)
    naive.forwardFrom(laptop)
    expect(naive.text('Description').split('<held>')).toHaveLength(3)
    expect(JSON.stringify(device.snapshot())).not.toContain('Credit_Limit__c')
  })

  it('forwards an edit once even when the device missed that the relay holds it', () => {
    const { retired, time, laptop, engine, acknowledged } = typedOnline('<a>')
    // The relay holds the next insertion too; its answer never reached the laptop.
    time.now += 1_000
    laptop.insertText('Description', 0, '<b>')
    send(laptop, retired)
    const current = relayDoc(main, loaded)
    retired.settleForwarded(current.forwardFrom(retired))
    expect(current.text('Description')).toBe('<b><a>seed.')
    // Someone deletes it in the current document.
    const phone = replicaOf(current, 'phone', '005000000000001AAA', () => T0 + 5_000)
    phone.deleteText('Description', 0, '<b>'.length)
    send(phone, current)

    // The laptop's replica is refused (a field its user lost): its text edit is forwarded already.
    laptop.set('Credit_Limit__c', 900)
    const device = replicaOf(current, 'laptop', MANAGER, () => time.now)
    device.forwardFrom(laptop, { Description: engine.heldText('Description', acknowledged) })
    expect(device.text('Description')).toBe('<a>seed.')
  })

  it('deletes text the relay holds that the replica deleted since, when the replica kept it', () => {
    const { retired, laptop, engine, acknowledged } = typedOnline('<gone>')
    // A stored replica read back keeps deleted content from the updates that carry it.
    engine.ydoc.gc = false
    const current = relayDoc(main, loaded)
    retired.settleForwarded(current.forwardFrom(retired))
    expect(current.text('Description')).toBe('<gone>seed.')
    laptop.deleteText('Description', 0, '<gone>'.length)
    laptop.set('Credit_Limit__c', 900)
    const device = replicaOf(current, 'laptop', MANAGER, () => T0 + 3_000)
    device.forwardFrom(laptop, { Description: engine.heldText('Description', acknowledged) })
    expect(device.text('Description')).toBe('seed.')
  })
})
