import type { Org } from '@briefcase/org'
import { RecordDocument, yjsEngine } from '@briefcase/record'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { RelayProjection } from '../../packages/relay/src/projection/index.js'
import type { Device } from '../relay/device.js'
import type { ProjectionStack } from './projection-stack.js'
import { startProjectionStack } from './projection-stack.js'

let org: Org
let projection: RelayProjection
let stack: ProjectionStack

beforeEach(async () => {
  stack = await startProjectionStack(6)
  ;({ org, projection } = stack)
})
afterEach(() => stack.close())

const device = (user: 'rep1' | 'rep2' | 'manager', id: string): Promise<Device> =>
  stack.device(user, id)

function row(sobject: string, id: string): Record<string, unknown> | undefined {
  return org.snapshot()[sobject]?.find((r) => r.Id === id)
}

function firstAccount(): string {
  const a = (org.snapshot().Account ?? []).find((r) => r.IsDeleted !== true)
  return String(a?.Id)
}

describe('devices → relay → Salesforce', () => {
  it('two devices edit one Account offline (other fields, the same field, the long text): the org holds the merged values, every device the same state', async () => {
    const id = firstAccount()
    const name = `Account/${id}`
    const phone = await device('rep1', 'phone')
    const tablet = await device('rep2', 'tablet')
    await phone.bulk([name])
    await tablet.bulk([name])
    const a = await phone.open(name)
    const b = await tablet.open(name)
    const text = a.text('Description')
    // Offline on both: different fields, the same field (the tablet's edit is later), long text.
    a.set('Website', 'https://phone.example')
    a.set('Name', 'Merged Name (phone)')
    a.insertText('Description', 0, 'Phone was here. ')
    b.set('Phone', '4155550177')
    b.set('Name', 'Merged Name (tablet)')
    b.insertText('Description', b.text('Description').length, ' Tablet too.')
    await phone.bulk()
    await tablet.bulk()
    const report = await projection.projector.runOnce()
    expect(report.refused).toBe(0)
    expect(row('Account', id)).toMatchObject({
      Name: 'Merged Name (tablet)',
      Website: 'https://phone.example',
      Phone: '4155550177',
      Description: `Phone was here. ${text} Tablet too.`,
    })
    await phone.bulk()
    await tablet.bulk()
    const [x, y] = [await phone.open(name), await tablet.open(name)]
    expect(x.values()).toEqual(y.values())
    expect(x.pending()?.operation ?? null).toBeNull()
    expect(x.status()?.state).toBe('ok')
    // The losing same-field edit is reported to its author, not dropped silently.
    expect(x.pending()?.superseded.map((s) => [s.field, s.value])).toEqual([
      ['Name', 'Merged Name (phone)'],
    ])
  })

  it('a parent and a child created offline: the Contact lands with the real AccountId, on one call', async () => {
    const phone = await device('rep1', 'phone')
    const actor = { user: phone.userId, device: phone.clock.device }
    const parent = RecordDocument.createDraft({
      engine: yjsEngine,
      schema: await phone.schema('Account'),
      actor,
      clock: phone.clock,
      values: { Name: 'Offline Parent' },
    })
    const child = RecordDocument.createDraft({
      engine: yjsEngine,
      schema: await phone.schema('Contact'),
      actor,
      clock: phone.clock,
      values: { LastName: 'Offline Child', AccountId: parent.draftKey() },
    })
    phone.adopt(parent)
    phone.adopt(child)
    await phone.bulk()
    org.clearCalls()
    expect(await projection.projector.runOnce()).toMatchObject({ calls: 1, written: 2 })
    expect(
      org.calls().map((c) => `${c.method} ${c.path.replace(/\/services\/data\/v[\d.]+/, '')}`),
    ).toEqual(['POST /composite'])
    const account = org.snapshot().Account?.find((r) => r.Name === 'Offline Parent')
    const contact = org.snapshot().Contact?.find((r) => r.LastName === 'Offline Child')
    expect(contact?.AccountId).toBe(account?.Id)
    await phone.bulk()
    expect(phone.docs.get(child.name)?.get('AccountId')).toBe(account?.Id)
    expect(phone.docs.get(parent.name)?.salesforceId()).toBe(account?.Id)
  })

  it('a validation error shows on its record only; the others go through; the fix syncs', async () => {
    const [bad, good] = (org.snapshot().Account ?? [])
      .filter((r) => r.IsDeleted !== true)
      .slice(0, 2)
    const names = [`Account/${String(bad?.Id)}`, `Account/${String(good?.Id)}`]
    const phone = await device('manager', 'phone')
    await phone.bulk(names)
    ;(await phone.open(names[0] as string)).set('Phone', '555-01')
    ;(await phone.open(names[1] as string)).set('Phone', '4155550123')
    await phone.bulk()
    expect(await projection.projector.runOnce()).toMatchObject({ written: 1, refused: 1 })
    await phone.bulk()
    const refused = await phone.open(names[0] as string)
    expect(refused.status()).toMatchObject({
      state: 'error',
      code: 'FIELD_CUSTOM_VALIDATION_EXCEPTION',
      fields: ['Phone'],
    })
    expect(row('Account', String(good?.Id))?.Phone).toBe('4155550123')
    refused.set('Phone', '415-555-0100')
    await phone.bulk()
    expect(await projection.projector.runOnce()).toMatchObject({ written: 1, refused: 0 })
    expect(row('Account', String(bad?.Id))?.Phone).toBe('415-555-0100')
    await phone.bulk()
    expect((await phone.open(names[0] as string)).status()?.state).toBe('ok')
  })

  it('a server-side change merges into the device’s record, beside its offline edit', async () => {
    const id = firstAccount()
    const name = `Account/${id}`
    const phone = await device('rep1', 'phone')
    await phone.bulk([name])
    await projection.puller.pullOnce()
    ;(await phone.open(name)).set('Website', 'https://offline.example')
    const manager = await device('manager', 'web')
    await manager.bulk([name])
    ;(await manager.open(name)).set('Industry', 'Utilities')
    await manager.bulk()
    await projection.projector.runOnce() // the manager's edit reaches Salesforce
    await projection.puller.pullOnce() // and comes back to the reps' document
    await phone.bulk()
    await projection.projector.runOnce()
    expect(row('Account', id)).toMatchObject({
      Industry: 'Utilities',
      Website: 'https://offline.example',
    })
    await phone.bulk()
    expect((await phone.open(name)).values()).toMatchObject({
      Industry: 'Utilities',
      Website: 'https://offline.example',
    })
  })
})
