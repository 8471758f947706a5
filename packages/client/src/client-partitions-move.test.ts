import { ProfileName } from '@briefcase/org'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RelayHarness, TestDevice } from './testing/relay-harness.js'
import { eventually, startRelayHarness } from './testing/relay-harness.js'
import { asPreviousVersionIndex } from './testing/seed.js'
import { storedText } from './testing/stored-text.js'

type Row = Record<string, unknown>

let h: RelayHarness
/** Accounts rep1 owns (the manager reads them too). */
let accounts: string[]
beforeAll(async () => {
  // The relay describes a user afresh on every request: a changed profile is seen at once.
  h = await startRelayHarness(12, {
    projection: { options: { debounceMs: 10 } },
    relay: { cacheTtlMs: { describe: 0 } },
  })
  const rep1 = h.org.users.find((u) => u.username === 'rep1@briefcase.test')
  accounts = (h.org.snapshot().Account ?? [])
    .filter((r: Row) => r.IsDeleted !== true && r.OwnerId === rep1?.id)
    .map((r: Row) => `Account/${String(r.Id)}`)
}, 60_000)
afterAll(async () => {
  await h.close()
})

/** A rep's and a manager's devices, online. */
async function repAndManager(name: string): Promise<{ rep: TestDevice; manager: TestDevice }> {
  const rep = await h.device(`${name}-rep`, 'rep1@briefcase.test')
  const manager = await h.device(`${name}-manager`, 'manager@briefcase.test')
  await eventually(() => rep.client.online && manager.client.online, 'both online')
  return { rep, manager }
}

const orgRow = (doc: string): Row | undefined =>
  h.org.snapshot().Account?.find((r: Row) => `Account/${String(r.Id)}` === doc)

/**
 * Readability changes on the real client (ADR 0005): a document the relay retired is dropped
 * once its unsent edits went to the relay, and the record's current documents are fetched;
 * nothing is lost, and nothing the user may no longer read stays on the device.
 */
describe('documents that moved', () => {
  it('moves a cache of the per-record layout (every field the manager read in one document) on its next sync, unsent edits kept', async () => {
    const doc = accounts[0] as string
    // Only the manager's view is known: the record is one document holding every field the
    // manager reads, Credit_Limit__c too. That is what clients before ADR 0005 stored: one
    // document per record under its name, an index entry without partitions, a schema without.
    const manager = await h.device('move-manager', 'manager@briefcase.test')
    await eventually(() => manager.client.online, 'online')
    const managerId = manager.client.session?.user.id ?? ''
    const before = await manager.client.open(doc)
    expect(before.documents).toHaveLength(1)
    expect(Object.keys(before.document.schema.fields)).toContain('Credit_Limit__c')
    expect((await manager.client.schema('Account')).partitions ?? []).toEqual([])
    manager.client.goOffline()
    await before.set('Phone', '4155550333')
    await before.set('Credit_Limit__c', 777)
    await before.insertText('Description', 0, '<mg>')
    await before.close()
    await manager.client.close()
    // Exactly the shape earlier clients stored (git log packages/client: before partitions, an
    // index entry had no `parts` nor `fields`); the rows are `{ doc, update }` under the record.
    expect(await asPreviousVersionIndex(manager.factory, managerId)).toBeGreaterThan(0)
    const stored = await storedText(manager.factory)
    expect(stored).toContain('Credit_Limit__c')
    expect(stored).not.toContain(`${doc}/`)

    // A rep signs in: Credit_Limit__c moves to a document of its own.
    const rep = await h.device('move-rep', 'rep1@briefcase.test')
    await eventually(() => rep.client.online, 'rep online')
    const repHandle = await rep.client.open(doc)
    expect(repHandle.documents).toHaveLength(1)

    // The manager's device starts again (the stored cache, now online): its document moved.
    const client = await manager.reload()
    await eventually(
      async () =>
        (await client.listCache({ sobject: 'Account' })).some(
          (e) => e.doc === doc && e.syncStatus !== 'loading',
        ) && ((await client.schema('Account')).partitions ?? []).length === 1,
      'the record moved',
      20_000,
    )
    const after = await client.open(doc)
    expect(after.documents).toHaveLength(2)
    expect(after.get('Phone')).toBe('4155550333')
    expect(after.get('Credit_Limit__c')).toBe(777)
    expect(String(after.get('Description')).startsWith('<mg>')).toBe(true)
    await eventually(
      () =>
        orgRow(doc)?.Phone === '4155550333' &&
        orgRow(doc)?.Credit_Limit__c === 777 &&
        String(orgRow(doc)?.Description).startsWith('<mg>'),
      'the org has the manager’s offline edits',
      30_000,
    )
    expect(orgRow(doc)?.LastModifiedById).toBe(client.session?.user.id)
    await eventually(() => repHandle.get('Phone') === '4155550333', 'the rep sees Phone', 20_000)
    expect(repHandle.get('Description')).toBe(after.get('Description'))
    expect(await storedText(rep.factory)).not.toContain('Credit_Limit__c')
    await after.close()
    await repHandle.close()
    await h.closeDevices()
  }, 90_000)

  it('moves a field reps lose mid-run out of the rep’s open record, keeping the rep’s offline edits (a draft too), and none of it stays on the rep’s device', async () => {
    const doc = accounts[1] as string
    const { rep, manager } = await repAndManager('fls')
    const r = await rep.client.open(doc)
    const m = await manager.client.open(doc)
    await eventually(() => r.live && m.live, 'both live', 15_000)
    const phone = orgRow(doc)?.Phone
    expect(typeof phone).toBe('string')
    expect(r.get('Phone')).toBe(phone)

    rep.client.goOffline()
    await r.set('Name', 'Renamed offline by the rep')
    await r.insertText('Description', 0, '<r1>')
    await r.set('Phone', '4155550444')
    // A record created offline, never sent, with the field too.
    const draft = await rep.client.create('Account', {
      Name: 'Created offline by the rep',
      Phone: '4155550555',
    })
    await draft.close()
    // The admin hides Phone from Field Reps while the rep is offline.
    h.org.setFieldAccess(ProfileName.fieldRep, 'Account', 'Phone', 'hidden')
    // The open handle goes on working while its documents move.
    await rep.client.goOnline()
    await eventually(
      () => !Object.hasOwn(r.schema.schema.fields, 'Phone'),
      'the rep’s handle lost Phone',
      20_000,
    )
    expect(r.get('Name')).toBe('Renamed offline by the rep')
    expect(String(r.get('Description')).startsWith('<r1>')).toBe(true)
    await r.insertText('Description', 0, '<r2>')
    await eventually(
      () =>
        orgRow(doc)?.Name === 'Renamed offline by the rep' &&
        String(orgRow(doc)?.Description).startsWith('<r2><r1>'),
      'the org has the rep’s edits',
      30_000,
    )
    // Phone was the rep's to edit no more: the org keeps its value.
    expect(orgRow(doc)?.Phone).toBe(phone)
    // The draft is created with what the rep still reads.
    await eventually(
      () => h.org.snapshot().Account?.some((a) => a.Name === 'Created offline by the rep') ?? false,
      'the draft created',
      30_000,
    )
    const created = h.org.snapshot().Account?.find((a) => a.Name === 'Created offline by the rep')
    expect(created?.Phone ?? null).toBeNull()
    expect(created?.CreatedById).toBe(rep.client.session?.user.id)

    // The manager's documents moved too (Phone left the main partition): after a reconnect the
    // manager reads every field again, in three documents.
    manager.client.goOffline()
    await manager.client.goOnline()
    await eventually(() => m.documents.length === 3 && m.live, 'the manager moved', 20_000)
    await eventually(() => m.get('Name') === 'Renamed offline by the rep', 'manager sees Name')
    expect(m.get('Phone')).toBe(phone)
    await eventually(
      () => String(m.get('Description')).startsWith('<r2><r1>'),
      'manager sees the text',
    )

    // Nothing of Phone on the rep's device: not the field in any Account document, not the
    // value Salesforce holds, not the rep's own offline value.
    const stored = await storedText(rep.factory)
    expect(stored).not.toContain(String(phone))
    expect(stored).not.toContain('4155550444')
    expect(stored).not.toContain('4155550555')
    expect(r.documents.some((d) => Object.hasOwn(d.schema.fields, 'Phone'))).toBe(false)
    await r.close()
    await m.close()
  }, 90_000)

  it('gives an open record the partition its user gains mid-run, on the next full sync', async () => {
    const doc = accounts[2] as string
    const { rep, manager } = await repAndManager('gain')
    const m = await manager.client.open(doc)
    await m.set('Credit_Limit__c', 4_242)
    const r = await rep.client.open(doc)
    expect(r.documents).toHaveLength(1)
    expect(Object.hasOwn(r.schema.schema.fields, 'Credit_Limit__c')).toBe(false)

    h.org.setFieldAccess(ProfileName.fieldRep, 'Account', 'Credit_Limit__c', 'edit')
    await rep.client.sync()
    await eventually(() => r.documents.length === 2, 'the rep’s handle has the partition', 20_000)
    expect(r.get('Credit_Limit__c')).toBe(4_242)
    await eventually(() => r.live, 'live again', 15_000)
    // Now one document shared by both: an edit meets live.
    await r.set('Credit_Limit__c', 5_353)
    await eventually(() => m.get('Credit_Limit__c') === 5_353, 'the manager sees it', 10_000)
    await r.close()
    await m.close()
  }, 90_000)
})
