import type { ObjectSchema, YjsEngineDoc } from '@briefcase/record'
import {
  MapRoot,
  RecordDocument,
  createHybridClock,
  newDraftKey,
  parseDeviceId,
  yjsEngine,
} from '@briefcase/record'
import { pino } from 'pino'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { isRelayError } from '../errors.js'
import { SqliteRelayStore } from '../store/sqlite-relay-store.js'
import { applyDeviceUpdate } from './device-writes.js'
import type { DeviceWriter } from './device-writes.js'
import { DocHub } from './doc-hub.js'
import type { HotDoc } from './hot-doc.js'

const schema: ObjectSchema = {
  name: 'Account',
  fields: {
    Id: { name: 'Id', type: 'id', createable: false, updateable: false },
    Name: { name: 'Name', type: 'string', length: 255 },
    Phone: { name: 'Phone', type: 'phone', length: 40 },
    Rating: { name: 'Rating', type: 'picklist', updateable: false },
    Description: { name: 'Description', type: 'textarea', length: 32000 },
  },
}
const group = { id: 'g-rep', sobject: 'Account', schema, nameField: 'Name' }
const NAME = 'Account/001000000000001AAA'
const USER = '005000000000001AAA'
const editable = (field: string): boolean => schema.fields[field]?.updateable !== false
const writer = (device: string, user = USER): DeviceWriter => ({
  user,
  device,
  editable,
  canDelete: true,
})

function ydocOf(doc: RecordDocument): Y.Doc {
  return (doc.engineDoc as YjsEngineDoc).ydoc
}

describe('device update authorization', () => {
  let store: SqliteRelayStore
  let hub: DocHub
  let hot: HotDoc

  beforeEach(async () => {
    store = new SqliteRelayStore()
    hub = new DocHub({ store, engine: yjsEngine, logger: pino({ level: 'silent' }) })
    await hub.putGroup(group)
    hot = hub.create({ name: NAME, group: group.id }, group)
    hot.doc.applyServerRecord(
      {
        Id: '001000000000001AAA',
        Name: 'Acme',
        Phone: '4155550100',
        Rating: 'Warm',
        Description: 'Hello world',
      },
      {
        salesforceId: '001000000000001AAA' as never,
        lastModifiedDate: '2026-01-01T00:00:00.000+0000',
        systemModstamp: '2026-01-01T00:00:00.000+0000',
        lastModifiedById: USER,
      },
    )
    await hub.flush()
  })
  afterEach(async () => {
    hub.release(hot)
    await hub.close()
    await store.close()
  })

  /** A device replica of the relay's document. */
  const device = (id: string, user = USER): RecordDocument =>
    RecordDocument.open({
      engine: yjsEngine,
      name: NAME,
      schema,
      actor: { user, device: parseDeviceId(id) },
      clock: createHybridClock({ device: parseDeviceId(id) }),
      state: hot.doc.encodeState(),
    })
  /** What a device has that the relay lacks. */
  const diff = (doc: RecordDocument): Uint8Array =>
    Y.encodeStateAsUpdate(ydocOf(doc), Y.encodeStateVector(hub.ydocOf(hot)))
  const refusal = (doc: RecordDocument, w: DeviceWriter): string | undefined => {
    const before = Y.encodeStateVector(hub.ydocOf(hot))
    try {
      applyDeviceUpdate(hub, hot, diff(doc), w, 'test')
      return undefined
    } catch (error) {
      expect(Y.encodeStateVector(hub.ydocOf(hot))).toEqual(before)
      return isRelayError(error) ? error.code : String(error)
    }
  }

  it('accepts a device editing a field, a long text and deleting the record', () => {
    const d1 = device('d1')
    d1.set('Phone', '4155550199')
    d1.insertText('Description', 0, 'Say ')
    expect(refusal(d1, writer('d1'))).toBeUndefined()
    expect(hot.doc.get('Phone')).toBe('4155550199')
    expect(hot.doc.get('Description')).toBe('Say Hello world')
    d1.delete()
    expect(refusal(d1, writer('d1'))).toBeUndefined()
    expect(hot.doc.isDeleted()).toBe(true)
  })

  it('keeps the loaded text a first long-text edit brings, and refuses bases that are not text', () => {
    const d1 = device('d1')
    d1.insertText('Description', 0, 'Say ')
    expect(refusal(d1, writer('d1'))).toBeUndefined()
    expect(hot.doc.pending()?.fields).toMatchObject([
      { field: 'Description', old: 'Hello world', new: 'Say Hello world' },
    ])
    for (const [field, value] of [
      ['Phone', '0'],
      ['Rating', 'Warm'],
      ['Description', 42],
    ] as const) {
      const d2 = device('d2')
      ydocOf(d2).getMap(MapRoot.bases).set(field, value)
      expect(refusal(d2, writer('d2')), field).toBe('BRIEFCASE_FORBIDDEN')
    }
  })

  it('refuses a delete from a user who may not delete the record', () => {
    const d1 = device('d1')
    d1.delete()
    expect(refusal(d1, { ...writer('d1'), canDelete: false })).toBe('BRIEFCASE_FORBIDDEN')
    expect(hot.doc.isDeleted()).toBe(false)
  })

  it("refuses an edit stamped as another device's", () => {
    const d2 = device('d2')
    ydocOf(d2).getMap(MapRoot.entries).set('Phone@00000000a0000d1', '4155550000')
    expect(refusal(d2, writer('d2'))).toBe('BRIEFCASE_IDENTITY_MISMATCH')
  })

  it('refuses, whole, any update from a device the document already gives to another user', () => {
    const d1 = device('d1')
    d1.set('Phone', '4155550155')
    expect(refusal(d1, writer('d1'))).toBeUndefined()
    // A second user on the same device id (a session bound before ids were bound to users).
    const other = device('d1', '005000000000002AAA')
    other.set('Name', 'Taken over')
    expect(refusal(other, writer('d1', '005000000000002AAA'))).toBe('BRIEFCASE_IDENTITY_MISMATCH')
    expect(hot.doc.get('Name')).toBe('Acme')
  })

  it('refuses a delete claiming another user or device', () => {
    const d1 = device('d1')
    ydocOf(d1)
      .getMap(MapRoot.deletes)
      .set(d1.clock.tick(), { user: '005000000000002AAA', device: 'd1' })
    expect(refusal(d1, writer('d1'))).toBe('BRIEFCASE_IDENTITY_MISMATCH')
    expect(hot.doc.isDeleted()).toBe(false)
  })

  it('refuses writes to the shadow, server info and sync status', () => {
    for (const root of [
      MapRoot.shadow,
      MapRoot.server,
      MapRoot.status,
      MapRoot.stamps,
      MapRoot.resolutions,
    ]) {
      const d1 = device('d1')
      ydocOf(d1).getMap(root).set('Phone', '0')
      expect(refusal(d1, writer('d1')), root).toBe('BRIEFCASE_FORBIDDEN')
    }
  })

  it("refuses deleting another device's edit, and accepts deleting its own", () => {
    const d1 = device('d1')
    d1.set('Phone', '4155550111')
    expect(refusal(d1, writer('d1'))).toBeUndefined()
    const d2 = device('d2')
    const key = [...ydocOf(d2).getMap(MapRoot.entries).keys()].find((k) => k.startsWith('Phone@'))
    expect(key).toBeDefined()
    ydocOf(d2)
      .getMap(MapRoot.entries)
      .delete(key as string)
    expect(refusal(d2, writer('d2'))).toBe('BRIEFCASE_FORBIDDEN')
    ydocOf(d1)
      .getMap(MapRoot.entries)
      .delete(key as string)
    expect(refusal(d1, writer('d1'))).toBeUndefined()
  })

  it('refuses a field outside the group, a read-only field and a value of the wrong type', () => {
    const d1 = device('d1')
    const stamp = d1.clock.tick()
    ydocOf(d1).getMap(MapRoot.entries).set(`Credit_Limit__c@${stamp}`, 1_000_000)
    expect(refusal(d1, writer('d1'))).toBe('BRIEFCASE_UNKNOWN_FIELD')
    const d2 = device('d2')
    ydocOf(d2).getMap(MapRoot.entries).set(`Rating@${d2.clock.tick()}`, 'Hot')
    expect(refusal(d2, writer('d2'))).toBe('BRIEFCASE_FORBIDDEN')
    const d3 = device('d3')
    ydocOf(d3).getMap(MapRoot.entries).set(`Phone@${d3.clock.tick()}`, 42)
    expect(refusal(d3, writer('d3'))).toBe('BRIEFCASE_MALFORMED_UPDATE')
  })

  it('refuses an author entry naming another user or device', () => {
    const d1 = device('d1')
    ydocOf(d1).getMap(MapRoot.authors).set('d1', '005000000000002AAA')
    expect(refusal(d1, writer('d1'))).toBe('BRIEFCASE_IDENTITY_MISMATCH')
    const d2 = device('d2')
    ydocOf(d2).getMap(MapRoot.authors).set('d9', USER)
    expect(refusal(d2, writer('d2'))).toBe('BRIEFCASE_IDENTITY_MISMATCH')
  })

  it("refuses new content under another device's Yjs client", () => {
    const d1 = device('d1')
    d1.set('Phone', '4155550122')
    expect(refusal(d1, writer('d1'))).toBeUndefined()
    const forged = new Y.Doc()
    Y.applyUpdate(forged, Y.encodeStateAsUpdate(hub.ydocOf(hot)))
    forged.clientID = ydocOf(d1).clientID
    forged.getMap(MapRoot.entries).set('Name@00000000z0000d2', 'Mine')
    const update = Y.encodeStateAsUpdate(forged, Y.encodeStateVector(hub.ydocOf(hot)))
    expect(() => applyDeviceUpdate(hub, hot, update, writer('d2'), 'test')).toThrow(
      /another device/,
    )
    forged.clientID = hub.ydocOf(hot).clientID
    const relayForged = Y.encodeStateAsUpdate(forged, Y.encodeStateVector(hub.ydocOf(hot)))
    expect(() => applyDeviceUpdate(hub, hot, relayForged, writer('d2'), 'test')).toThrow()
  })

  it('refuses an update that skips content (a clock gap), and bytes that are not an update', () => {
    const d1 = device('d1')
    d1.set('Phone', '4155550133')
    const afterFirst = Y.encodeStateVector(ydocOf(d1))
    d1.set('Name', 'Acme 2')
    const second = Y.encodeStateAsUpdate(ydocOf(d1), afterFirst)
    expect(() => applyDeviceUpdate(hub, hot, second, writer('d1'), 'test')).toThrow(/skips/)
    expect(() =>
      applyDeviceUpdate(hub, hot, new Uint8Array([9, 9, 9]), writer('d1'), 'test'),
    ).toThrow(expect.objectContaining({ code: 'BRIEFCASE_MALFORMED_UPDATE' }))
    expect(refusal(d1, writer('d1'))).toBeUndefined()
    expect(hot.doc.get('Name')).toBe('Acme 2')
  })

  it('lets a device create a draft with its metadata, and refuses metadata on an existing document', async () => {
    const key = newDraftKey()
    const draftHot = hub.create({ name: `Account/${key}`, group: group.id }, group, USER)
    const draft = RecordDocument.createDraft({
      engine: yjsEngine,
      schema,
      draftKey: key,
      actor: { user: USER, device: parseDeviceId('d1') },
      clock: createHybridClock({ device: parseDeviceId('d1') }),
      values: { Name: 'New Co', Phone: '4155550144' },
    })
    const update = Y.encodeStateAsUpdate(ydocOf(draft))
    expect(() => applyDeviceUpdate(hub, draftHot, update, writer('d2'), 'test')).toThrow(
      /meta|stamped/,
    )
    applyDeviceUpdate(hub, draftHot, update, writer('d1'), 'test')
    expect(draftHot.doc.get('Name')).toBe('New Co')
    expect(draftHot.doc.pending()?.operation).toBe('create')
    await hub.flush()
    expect(draftHot.meta?.owner).toBe(USER)
    hub.release(draftHot)

    const d1 = device('d1')
    ydocOf(d1).getMap(MapRoot.meta).set('draftKey', key)
    expect(refusal(d1, writer('d1'))).toBe('BRIEFCASE_FORBIDDEN')
  })
})
