import type { HlcString, SalesforceId, YjsEngineDoc } from '@briefcase/record'
import {
  RecordDocument,
  createHybridClock,
  parseDeviceId,
  toSalesforceId,
  yjsEngine,
} from '@briefcase/record'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { accountSchema } from '../testing/schemas.js'
import { newIndexRecord } from '../storage/index-record.js'
import { pendingStateOf, withDerived } from './pending-state.js'
import { toPendingView } from './pending-views.js'

const ME = '005000000000001AAA'
const OTHER = '005000000000002AAA'
const ID = toSalesforceId('001000000000001') as SalesforceId
const NAME = `Account/${ID}`

function device(name: string, user: string, start: number) {
  const time = { now: start }
  const d = parseDeviceId(name)
  const clock = createHybridClock({ device: d, now: () => time.now })
  return { time, clock, actor: { user, device: d } }
}

function open(dev: ReturnType<typeof device>): RecordDocument {
  return RecordDocument.open({
    engine: yjsEngine,
    name: NAME,
    schema: accountSchema.schema,
    ...dev,
  })
}

function serverCopy(doc: RecordDocument): void {
  doc.applyServerRecord(
    { Name: 'Acme', Phone: '1' },
    {
      salesforceId: ID,
      lastModifiedDate: '2026-01-01T00:00:00.000Z',
      systemModstamp: '2026-01-01T00:00:00.000Z',
      lastModifiedById: OTHER,
    },
  )
}

function sv(doc: RecordDocument): Uint8Array {
  return Y.encodeStateVector((doc.engineDoc as YjsEngineDoc).ydoc)
}

function entry(doc: RecordDocument, relaySV: Uint8Array | null) {
  return withDerived(
    {
      ...newIndexRecord({
        doc: NAME,
        sobject: 'Account',
        key: ID,
        name: 'Acme',
        sources: ['default'],
        now: 0,
        expiryMs: 1,
      }),
      pending: doc.pending(),
      deviceSV: sv(doc),
      relaySV,
    },
    { user: ME },
  )
}

function sync(a: RecordDocument, b: RecordDocument): void {
  b.applyUpdate(a.encodeUpdate(b.encodeStateVector()))
  a.applyUpdate(b.encodeUpdate(a.encodeStateVector()))
}

describe('pending state', () => {
  it('goes saved → received → written', () => {
    const phone = device('phone', ME, 1_900_000_000_000)
    const doc = open(phone)
    serverCopy(doc)
    const base = sv(doc)
    doc.set('Phone', '2')
    expect(entry(doc, base)).toMatchObject({ syncStatus: 'saved', pendingCount: 1 })
    expect(entry(doc, sv(doc))).toMatchObject({ syncStatus: 'received', pendingCount: 1 })
    const field = doc.pending()?.fields[0]
    doc.acknowledgeWrite({
      fields: { Phone: { value: '2', stamp: field?.at as HlcString } },
      info: {
        salesforceId: ID,
        lastModifiedDate: '2026-02-01T00:00:00.000Z',
        systemModstamp: '2026-02-01T00:00:00.000Z',
        lastModifiedById: ME,
      },
    })
    const written = entry(doc, sv(doc))
    expect(written).toMatchObject({ syncStatus: 'synced', pendingCount: 0 })
    expect(written.pendingOrder).toBeUndefined()
  })

  it('reports a failure with code, message and fields', () => {
    const doc = open(device('phone', ME, 1_900_000_000_000))
    serverCopy(doc)
    doc.set('Phone', 'bad')
    doc.setStatus({
      state: 'error',
      at: 't',
      code: 'FIELD_CUSTOM_VALIDATION_EXCEPTION',
      message: 'No.',
      fields: ['Phone'],
    })
    const view = toPendingView(entry(doc, sv(doc)), { user: ME })
    expect(view).toMatchObject({
      state: 'failed',
      operation: 'update',
      error: { code: 'FIELD_CUSTOM_VALIDATION_EXCEPTION', message: 'No.', fields: ['Phone'] },
      fields: [{ field: 'Phone', old: '1', new: 'bad', author: { user: ME, device: 'phone' } }],
    })
  })

  it('tells this user their edit was superseded by a later edit of someone else', () => {
    const mine = open(device('phone', ME, 1_900_000_000_000))
    serverCopy(mine)
    const theirs = open(device('laptop', OTHER, 1_900_000_001_000))
    sync(mine, theirs)
    mine.set('Phone', 'mine')
    theirs.set('Phone', 'theirs')
    sync(mine, theirs)
    const view = toPendingView(entry(mine, sv(mine)), { user: ME })
    expect(view?.state).toBe('superseded')
    expect(view?.superseded).toMatchObject([
      { field: 'Phone', value: 'mine', by: { value: 'theirs', author: { user: OTHER } } },
    ])
    expect(toPendingView(entry(theirs, sv(theirs)), { user: OTHER })?.state).toBe('received')
  })

  it('tells this user the record was deleted by someone else over their edit', () => {
    const mine = open(device('phone', ME, 1_900_000_000_000))
    serverCopy(mine)
    mine.set('Phone', 'mine')
    mine.applyServerDelete(OTHER, '2026-03-01T00:00:00.000Z')
    const view = toPendingView(entry(mine, sv(mine)), { user: ME })
    expect(view).toMatchObject({
      state: 'deleted',
      deleted: { onServer: true },
      beaten: [{ field: 'Phone', value: 'mine' }],
    })
  })

  it('lists a draft as a create until the relay has it', () => {
    const phone = device('phone', ME, 1_900_000_000_000)
    const draft = RecordDocument.createDraft({
      engine: yjsEngine,
      schema: accountSchema.schema,
      ...phone,
      values: { Name: 'New' },
    })
    expect(pendingStateOf(draft.pending(), false, { user: ME })).toBe('saved')
    expect(pendingStateOf(draft.pending(), true, { user: ME })).toBe('received')
    expect(pendingStateOf(null, true, { user: ME })).toBeNull()
  })
})
