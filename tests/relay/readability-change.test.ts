import type { Org } from '@briefcase/org'
import { ProfileName, createOrg } from '@briefcase/org'
import type { YjsEngineDoc } from '@briefcase/record'
import type { TestRelay } from '@briefcase/relay/testing'
import { startTestRelay } from '@briefcase/relay/testing'
import { afterEach, describe, expect, it } from 'vitest'
import { Device, until } from './device.js'

type Row = Record<string, unknown>

/** Everything a device's replica holds, as text (to look for a field it may not read). */
function replicaText(device: Device): string {
  return [...device.docs.values()]
    .map((d) => JSON.stringify((d.engineDoc as YjsEngineDoc).ydoc.toJSON()))
    .join('\n')
}

/** A device told its document moved drops it and fetches the record's current documents. */
async function migrate(device: Device, record: string): Promise<string[]> {
  for (const name of [...device.docs.keys()]) {
    if (name.startsWith(record)) {
      device.docs.delete(name)
      device.relayVectors.delete(name)
    }
  }
  await device.describe('Account', true)
  const names = await device.names(record)
  const answers = await device.bulk(names)
  expect(answers.every((a) => a.ok)).toBe(true)
  return names
}

/**
 * Readability changes move fields between documents (ADR 0005): a new view splits a partition,
 * the documents of the old one are retired, and their unwritten edits (a device offline through
 * the change) are forwarded; devices still holding a retired document are told it moved.
 */
describe('a readability change with unsent offline edits', () => {
  let org: Org | undefined
  let t: TestRelay | undefined
  afterEach(async () => {
    await t?.close()
    await org?.close()
  })

  const start = async (): Promise<{ org: Org; t: TestRelay; record: string }> => {
    org = createOrg({ accounts: 6 })
    t = await startTestRelay({
      org,
      projection: { options: { debounceMs: 10 } },
      relay: { cacheTtlMs: { describe: 0 } },
    })
    const rep1 = org.users.find((u) => u.username === 'rep1@briefcase.test')
    const row = (org.snapshot().Account ?? []).find(
      (r: Row) => r.IsDeleted !== true && r.OwnerId === rep1?.id,
    )
    return { org, t, record: `Account/${String(row?.Id)}` }
  }
  const orgRow = (o: Org, record: string): Row | undefined =>
    o.snapshot().Account?.find((r: Row) => `Account/${String(r.Id)}` === record)

  it('keeps the manager’s offline edits when a rep’s view first splits the record', async () => {
    const { org, t, record } = await start()
    const manager = await Device.signIn(t.url, 'manager', 'rc-manager')
    // Only the manager's view is known: one document holds every field, Credit_Limit__c too.
    expect(await manager.names(record)).toEqual([record])
    await manager.bulk([record])
    const offline = await manager.open(record)
    offline.set('Phone', '4155550333')
    offline.set('Credit_Limit__c', 777)
    offline.insertText('Description', 0, '<mg>')

    // A rep signs in: Credit_Limit__c moves to a document of its own.
    const rep = await Device.signIn(t.url, 'rep1', 'rc-rep')
    await rep.bulk([record])
    expect(await rep.names(record)).toEqual([record])
    expect(replicaText(rep)).not.toContain('Credit_Limit__c')

    // The manager comes back online: the old document moved; the edits were kept.
    const [moved] = await manager.bulk([record])
    expect(moved).toMatchObject({ ok: false, code: 'BRIEFCASE_DOCUMENT_MOVED' })
    const names = await migrate(manager, record)
    expect(names).toHaveLength(2)
    const main = await manager.open(record)
    const credit = await manager.open(names[1] as string)
    expect(main.get('Phone')).toBe('4155550333')
    expect(main.text('Description').startsWith('<mg>')).toBe(true)
    expect(credit.get('Credit_Limit__c')).toBe(777)

    await rep.bulk([record])
    expect((await rep.open(record)).get('Phone')).toBe('4155550333')
    expect((await rep.open(record)).text('Description')).toBe(main.text('Description'))
    expect(replicaText(rep)).not.toContain('Credit_Limit__c')
    await until(() => {
      const row = orgRow(org, record)
      return (
        row?.Phone === '4155550333' &&
        row.Credit_Limit__c === 777 &&
        String(row.Description).startsWith('<mg>')
      )
    }, 30_000)
    expect(orgRow(org, record)?.LastModifiedById).toBe(manager.userId)
    manager.close()
    rep.close()
  }, 60_000)

  it('forwards a retired document’s edits once when the device sends them again (its answer lost)', async () => {
    const { t, record } = await start()
    const manager = await Device.signIn(t.url, 'manager', 'rc-manager-again')
    await manager.bulk([record])
    const seed = (await manager.open(record)).text('Description')
    ;(await manager.open(record)).insertText('Description', 0, '<once>')
    const rep = await Device.signIn(t.url, 'rep1', 'rc-rep-again')
    await rep.bulk([record])
    const [first] = await manager.bulk([record])
    expect(first).toMatchObject({ ok: false, code: 'BRIEFCASE_DOCUMENT_MOVED' })
    // The rep types inside the forwarded insertion: a diff forwarded again would not see it.
    await rep.bulk([record])
    const repDoc = await rep.open(record)
    expect(repDoc.text('Description')).toBe(`<once>${seed}`)
    repDoc.insertText('Description', 3, '<rep>')
    await rep.bulk([record])
    // The manager never saw the answer: the same update, twice more.
    const again = [...(await manager.bulk([record])), ...(await manager.bulk([record]))]
    expect(again).toMatchObject([
      { ok: false, code: 'BRIEFCASE_DOCUMENT_MOVED' },
      { ok: false, code: 'BRIEFCASE_DOCUMENT_MOVED' },
    ])
    await migrate(manager, record)
    expect((await manager.open(record)).text('Description')).toBe(`<on<rep>ce>${seed}`)
    manager.close()
    rep.close()
  }, 60_000)

  it('moves a field reps lose mid-run out of their document, keeping their offline edits', async () => {
    const { org, t, record } = await start()
    const rep = await Device.signIn(t.url, 'rep1', 'rc-rep-2')
    const manager = await Device.signIn(t.url, 'manager', 'rc-manager-2')
    await rep.bulk([record])
    await manager.bulk(await manager.names(record))
    const offline = await rep.open(record)
    offline.set('Name', 'Renamed offline by the rep')
    offline.insertText('Description', 0, '<r1>')

    // The admin hides Phone from Field Reps while the rep is offline.
    org.setFieldAccess(ProfileName.fieldRep, 'Account', 'Phone', 'hidden')
    const [moved] = await rep.bulk([record])
    expect(moved).toMatchObject({ ok: false, code: 'BRIEFCASE_DOCUMENT_MOVED' })
    await migrate(rep, record)
    const repMain = await rep.open(record)
    expect(repMain.get('Name')).toBe('Renamed offline by the rep')
    expect(repMain.text('Description').startsWith('<r1>')).toBe(true)
    expect(Object.keys(repMain.schema.fields)).not.toContain('Phone')
    expect(replicaText(rep)).not.toMatch(/Phone|Credit_Limit__c/)

    // The manager's replica is of the retired document too; after moving, it sees everything.
    const [managerMoved] = await manager.bulk([record])
    expect(managerMoved).toMatchObject({ ok: false, code: 'BRIEFCASE_DOCUMENT_MOVED' })
    const names = await migrate(manager, record)
    expect(names).toHaveLength(3)
    expect((await manager.open(record)).get('Name')).toBe('Renamed offline by the rep')
    const phone = await manager.open(await manager.nameOf(record, 'Phone'))
    expect(phone.get('Phone')).toBe(orgRow(org, record)?.Phone)
    await until(() => orgRow(org, record)?.Name === 'Renamed offline by the rep', 30_000)
    expect(String(orgRow(org, record)?.Description).startsWith('<r1>')).toBe(true)
    manager.close()
    rep.close()
  }, 60_000)
  it('closes live connections to a retired document with 4409 as soon as the layout changes', async () => {
    const { org, t, record } = await start()
    const rep = await Device.signIn(t.url, 'rep1', 'rc-rep-3')
    const manager = await Device.signIn(t.url, 'manager', 'rc-manager-3')
    await rep.bulk([record])
    await manager.bulk(await manager.names(record))
    const provider = await manager.live(record)
    const closes: number[] = []
    provider.on('connection-close', (event: { code: number } | null) => {
      if (event) closes.push(event.code)
    })

    // The admin hides Phone from Field Reps; the relay learns it when a rep next syncs.
    org.setFieldAccess(ProfileName.fieldRep, 'Account', 'Phone', 'hidden')
    await rep.describe('Account', true)
    await rep.bulk([record])
    await until(() => closes.includes(4409), 10_000)
    manager.close()
    rep.close()
  }, 60_000)
})
