import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Harness } from './org-harness.contract.js'
import { MANAGER, REP1, REP2, startHarness } from './org-harness.contract.js'
import { createProjector } from './projector.js'

let h: Harness
beforeEach(async () => {
  h = await startHarness()
})
afterEach(async () => {
  await h.close()
})

async function createAccount(values: Record<string, unknown>, username = MANAGER): Promise<string> {
  const r = await h.conn(username).sobject('Account').create(values)
  if (!r.success) throw new Error('create failed')
  return r.id
}

describe('projector against the org', () => {
  it('creates a parent and its child made offline in one call; the Contact lands with the real AccountId', async () => {
    const accounts = await h.group('Account', REP1)
    const contacts = await h.group('Contact', REP1)
    const phone = h.device(REP1, 'phone')
    const parent = phone.draft(accounts, { Name: 'Offline Co', Phone: '4155550100' })
    const child = phone.draft(contacts, { LastName: 'Rivera', AccountId: parent.doc.draftKey() })
    await phone.push(child.ref, contacts)
    await phone.push(parent.ref, accounts)
    h.org.clearCalls()
    const report = await createProjector(h.config()).runOnce()
    expect(report).toMatchObject({ calls: 1, written: 2, refused: 0 })
    expect(h.calls()).toEqual(['POST /composite'])
    const account = h.records('Account').find((r) => r.Name === 'Offline Co')
    const contact = h.records('Contact').find((r) => r.LastName === 'Rivera')
    expect(contact?.AccountId).toBe(account?.Id)
    expect(account?.Briefcase_Draft_Key__c).toBe(parent.doc.draftKey())
    const pulled = await phone.pull(child.ref)
    expect(pulled.salesforceId()).toBe(contact?.Id)
    expect(pulled.get('AccountId')).toBe(account?.Id)
    expect(pulled.pending()).toBeNull()
    expect(pulled.status()?.state).toBe('ok')
    expect((await phone.pull(parent.ref)).salesforceId()).toBe(account?.Id)
    // Nothing left: a second run makes no call.
    h.org.clearCalls()
    expect(await createProjector(h.config()).runOnce()).toMatchObject({ calls: 0 })
    expect(h.calls()).toEqual([])
  })

  it('merges two devices’ offline edits (different fields, the same field, the long text) into the org', async () => {
    const id = await createAccount({
      Name: 'Acme',
      Phone: '4155550100',
      Description: 'Hello world',
    })
    const ref = await h.load('Account', id, REP1)
    let t = Date.now()
    const phone = h.device(REP1, 'phone', () => ++t)
    const tablet = h.device(REP2, 'tablet', () => ++t)
    const a = await phone.open(ref)
    const b = await tablet.open(ref)
    a.set('Name', 'Acme One')
    a.set('Website', 'https://acme.example')
    a.insertText('Description', 0, 'Big ')
    b.set('Phone', '4155550199')
    b.set('Name', 'Acme Two')
    b.insertText('Description', b.text('Description').length, ' again')
    await phone.push(ref, await h.group('Account', REP1))
    await tablet.push(ref, await h.group('Account', REP2))
    // The writes come a second later (offline edits are older than the first author's write, whose
    // SystemModstamp the second author's write is checked against; within the same second they
    // were not, and CI's runs differed in that).
    h.org.advanceClock(1000)
    h.org.clearCalls()
    const report = await createProjector(h.config()).runOnce()
    expect(report).toMatchObject({ written: 2, refused: 0 })
    const row = h.records('Account').find((r) => r.Id === id)
    expect(row).toMatchObject({
      Name: 'Acme Two',
      Phone: '4155550199',
      Website: 'https://acme.example',
      Description: 'Big Hello world again',
      LastModifiedById: h.users.rep2.id,
    })
    // Two authors (rep1's Website; rep2's later Name, Phone and text): one write each in HLC
    // order, each carrying its SystemModstamp check (If-Unmodified-Since): rep2's against the
    // read-back of rep1's write, with no separate check call.
    expect(h.calls().filter((c) => !c.endsWith('/describe'))).toEqual([
      'POST /composite',
      'POST /composite',
    ])
    const [x, y] = [await phone.pull(ref), await tablet.pull(ref)]
    expect(x.values()).toEqual(y.values())
    expect(x.values()).toMatchObject({ Name: 'Acme Two', Description: 'Big Hello world again' })
    expect(x.pending()?.operation ?? null).toBeNull()
    expect(y.pending()?.operation ?? null).toBeNull()
  })
})
