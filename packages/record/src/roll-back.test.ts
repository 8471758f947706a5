import { describe, expect, it } from 'vitest'
import { automergeEngine } from './automerge-engine.js'
import type { MergeEngine } from './engine.js'
import { createHybridClock } from './hlc.js'
import type { SalesforceId } from './ids.js'
import { parseDeviceId, toSalesforceId } from './ids.js'
import { RecordDocument } from './record-document.js'
import type { ObjectSchema } from './schema.js'
import { yjsEngine } from './yjs-engine.js'

const schema: ObjectSchema = {
  name: 'Account',
  fields: {
    Name: { name: 'Name', type: 'string' },
    Phone: { name: 'Phone', type: 'phone' },
    Description: { name: 'Description', type: 'textarea' },
  },
}
const ID = toSalesforceId('001000000000001') as SalesforceId
const USER = '005000000000001AAA'
const T0 = Date.parse('2026-01-01T00:00:00Z')

describe.each<MergeEngine>([yjsEngine, automergeEngine])('rollBack on $name', (engine) => {
  const loaded = (device: string, now: { t: number }): RecordDocument => {
    const clock = createHybridClock({ device: parseDeviceId(device), now: () => now.t })
    const doc = RecordDocument.open({
      engine,
      name: `Account/${ID}`,
      schema,
      clock,
      actor: { user: USER, device: clock.device },
    })
    doc.applyServerRecord(
      { Name: 'Acme', Phone: '111', Description: 'Key account.' },
      {
        salesforceId: ID,
        lastModifiedDate: new Date(T0).toISOString(),
        systemModstamp: new Date(T0).toISOString(),
        lastModifiedById: USER,
      },
    )
    return doc
  }

  it('returns a refused delete to Salesforce’s state: not deleted, nothing pending, edits possible', () => {
    const now = { t: T0 + 1000 }
    const doc = loaded('phone', now)
    doc.delete()
    expect(doc.isDeleted()).toBe(true)
    doc.rollBack({ fields: {}, delete: true })
    expect(doc.isDeleted()).toBe(false)
    expect(doc.pending()).toBeNull()
    now.t += 1000
    doc.set('Phone', '222')
    expect(doc.pending()?.fields.map((f) => [f.field, f.new])).toEqual([['Phone', '222']])
  })

  it('drops the refused edits up to the stamp sent, and keeps later ones', () => {
    const now = { t: T0 + 1000 }
    const doc = loaded('phone', now)
    const sent = doc.set('Name', 'Refused')
    now.t += 1000
    doc.set('Phone', '333')
    doc.rollBack({ fields: { Name: sent }, delete: false })
    expect(doc.get('Name')).toBe('Acme')
    expect(doc.pending()?.fields.map((f) => [f.field, f.new])).toEqual([['Phone', '333']])
  })

  it('returns a refused long-text edit to Salesforce’s text, with nothing pending', () => {
    const now = { t: T0 + 1000 }
    const doc = loaded('phone', now)
    doc.insertText('Description', 0, 'Refused. ')
    now.t += 1000
    const sent = doc.deleteText('Description', 0, 4)
    expect(doc.get('Description')).toBe('sed. Key account.')
    doc.rollBack({ fields: { Description: sent }, delete: false })
    expect(doc.get('Description')).toBe('Key account.')
    expect(doc.pending()).toBeNull()
  })

  it('keeps a long text edited again after the refused write', () => {
    const now = { t: T0 + 1000 }
    const doc = loaded('phone', now)
    const sent = doc.insertText('Description', 0, 'Refused. ')
    now.t += 1000
    doc.insertText('Description', 0, 'Later. ')
    doc.rollBack({ fields: { Description: sent }, delete: false })
    expect(doc.get('Description')).toBe('Later. Refused. Key account.')
    expect(doc.pending()?.fields.map((f) => f.field)).toEqual(['Description'])
  })
})
