import * as Y from 'yjs'
import { describe, expect, it } from 'vitest'
import { automergeEngine } from './automerge-engine.js'
import type { MergeEngine } from './engine.js'
import { createHybridClock } from './hlc.js'
import type { SalesforceId } from './ids.js'
import { parseDeviceId, toSalesforceId } from './ids.js'
import { openEnvelope } from './envelope.js'
import { RecordDocument } from './record-document.js'
import type { ObjectSchema } from './schema.js'
import type { YjsEngineDoc } from './yjs-engine.js'
import { yjsEngine } from './yjs-engine.js'

const schema: ObjectSchema = {
  name: 'Account',
  fields: { Name: { name: 'Name', type: 'string' } },
}
const ID = toSalesforceId('001000000000001') as SalesforceId
const AT = '2026-01-01T00:00:00.000Z'

function replica(engine: MergeEngine, device: string, now: number, state?: Uint8Array) {
  const clock = createHybridClock({ device: parseDeviceId(device), now: () => now })
  return RecordDocument.open({
    engine,
    name: `Account/${ID}`,
    schema,
    clock,
    actor: { user: '005000000000001AAA', device: clock.device },
    ...(state ? { state } : {}),
  })
}

function sync(a: RecordDocument, b: RecordDocument): void {
  b.applyUpdate(a.encodeUpdate(b.encodeStateVector()))
  a.applyUpdate(b.encodeUpdate(a.encodeStateVector()))
}

describe.each([yjsEngine, automergeEngine])('isCoveredBy on $name', (engine) => {
  it('is false while the other replica lacks a change that only deletes (a dismissed notice)', () => {
    const relay = replica(engine, 'relay', Date.parse(AT))
    relay.applyServerRecord(
      { Name: 'Acme' },
      { salesforceId: ID, lastModifiedDate: AT, systemModstamp: AT, lastModifiedById: 'x' },
    )
    const phone = replica(engine, 'phone', Date.parse(AT) + 1000, relay.encodeState())
    const laptop = replica(engine, 'laptop', Date.parse(AT) + 2000, relay.encodeState())
    phone.set('Name', 'Phone')
    laptop.set('Name', 'Laptop')
    sync(phone, laptop)
    sync(phone, relay)
    const notices = phone.pending()?.superseded ?? []
    expect(notices).toHaveLength(1)

    phone.dismiss(notices)

    expect(phone.isCoveredBy(relay.encodeStateVector())).toBe(false)
    sync(phone, relay)
    expect(phone.isCoveredBy(relay.encodeStateVector())).toBe(true)
    expect(relay.pending()?.superseded ?? []).toEqual([])
  })

  it('is false while the other replica lacks a cleared sync status', () => {
    const relay = replica(engine, 'relay', Date.parse(AT))
    relay.setStatus({ state: 'error', at: AT, code: 'FIELD_CUSTOM_VALIDATION_EXCEPTION' })
    const phone = replica(engine, 'phone', Date.parse(AT), relay.encodeState())

    relay.setStatus(null)

    expect(relay.isCoveredBy(phone.encodeStateVector())).toBe(false)
    sync(relay, phone)
    expect(phone.status()).toBeNull()
  })
})

describe('a change that only deletes, on yjs', () => {
  it('writes only what the relay lets a device write (its own author entry)', () => {
    const relay = replica(yjsEngine, 'relay', Date.parse(AT))
    relay.applyServerRecord(
      { Name: 'Acme' },
      { salesforceId: ID, lastModifiedDate: AT, systemModstamp: AT, lastModifiedById: 'x' },
    )
    const phone = replica(yjsEngine, 'phone', Date.parse(AT) + 1000, relay.encodeState())
    const laptop = replica(yjsEngine, 'laptop', Date.parse(AT) + 2000, relay.encodeState())
    phone.set('Name', 'Phone')
    laptop.set('Name', 'Laptop')
    sync(phone, laptop)
    const updates: Uint8Array[] = []
    phone.onUpdate((u) => updates.push(u))

    phone.dismiss(phone.pending()?.superseded ?? [])

    expect(updates).toHaveLength(1)
    const { structs } = Y.decodeUpdate(openEnvelope(updates[0] as Uint8Array).payload)
    // Where each new item sits: its parent, or (for a new value of a key) its origin's.
    const ydoc = (phone.engineDoc as YjsEngineDoc).ydoc
    const rootName = (type: unknown): string | undefined =>
      [...ydoc.share].find(([, t]) => t === type)?.[0]
    const places = structs
      .filter((s): s is Y.Item => s instanceof Y.Item)
      .map((s) => {
        if (typeof s.parent === 'string') return [s.parent, s.parentSub]
        const origin = s.origin ? Y.getItem(ydoc.store, s.origin) : null
        return origin instanceof Y.Item ? [rootName(origin.parent), origin.parentSub] : null
      })
    expect(places).toEqual([['authors', 'phone']])
  })
})
