import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Harness } from '../projection/org-harness.contract.js'
import { MANAGER, REP1, startHarness } from '../projection/org-harness.contract.js'
import { createProjector } from '../projection/projector.js'
import type { PullerConfig } from './puller.js'
import { createPuller } from './puller.js'
import { SqlitePullStore } from './sqlite-pull-store.js'

let h: Harness
beforeEach(async () => {
  h = await startHarness()
})
afterEach(async () => {
  await h.close()
})

function puller(extra: Partial<PullerConfig> = {}): ReturnType<typeof createPuller> {
  return createPuller({
    docs: h.pullDocs,
    store: new SqlitePullStore({ database: h.relayStore.database }),
    salesforce: h.salesforce,
    ...extra,
  })
}

function calls(): string[] {
  return h.calls().filter((c) => !c.endsWith('/describe'))
}

describe('puller against the org', () => {
  it('merges a server-side change into the documents, in one call, and only once', async () => {
    const id = await h.create('Account', { Name: 'Acme', Industry: 'Energy' })
    const ref = await h.load('Account', id, REP1)
    const p = puller()
    expect(await p.pullOnce()).toMatchObject({ calls: 1, merged: 0 })
    await h
      .conn(MANAGER)
      .sobject('Account')
      .update({ Id: id, Industry: 'Retail', Description: 'New text' })
    h.org.clearCalls()
    expect(await p.pullOnce()).toMatchObject({ calls: 1, merged: 1 })
    expect(calls()).toEqual(['POST /composite'])
    const phone = h.device(REP1, 'phone')
    const doc = await phone.pull(ref)
    expect(doc.values()).toMatchObject({ Industry: 'Retail', Description: 'New text' })
    expect(doc.pending()).toBeNull()
    expect(await p.pullOnce()).toMatchObject({ merged: 0 })
  })

  it('from a watermark, reads many records’ changes in one query, ignoring records without documents', async () => {
    const ids: string[] = []
    for (let i = 0; i < 7; i++) ids.push(await h.create('Account', { Name: `Many ${i}` }, REP1))
    const refs = []
    for (const id of ids) refs.push(await h.load('Account', id, REP1))
    const other = await h.create('Account', { Name: 'No document' }, REP1)
    // One Id per query, five queries per Composite call: 7 records take two calls by Id.
    const p = puller({ options: { idsPerQuery: 1 } })
    expect(await p.pullOnce()).toMatchObject({ calls: 2, rows: 7, merged: 0 })
    await h
      .conn(MANAGER)
      .sobject('Account')
      .update([
        { Id: ids[3] as string, Industry: 'Retail' },
        { Id: other, Industry: 'Retail' },
      ])
    h.org.clearCalls()
    // From the watermark, more than 5 records (one call of Id IN queries): one query of changes.
    expect(await p.pullOnce()).toMatchObject({ calls: 1, merged: 1 })
    expect(calls()).toEqual(['POST /composite'])
    const doc = await h.device(REP1, 'phone').pull(refs[3] as (typeof refs)[number])
    expect(doc.values()).toMatchObject({ Name: 'Many 3', Industry: 'Retail' })
    expect(await p.pullOnce()).toMatchObject({ calls: 1, merged: 0 })
  })

  it('changes nothing for the echo of our own write; a workflow update reaches the device', async () => {
    const id = await h.create(
      'Opportunity',
      { Name: 'Deal', StageName: 'Prospecting', CloseDate: '2026-12-31' },
      REP1,
    )
    const ref = await h.load('Opportunity', id, REP1)
    const p = puller()
    await p.pullOnce()
    const phone = h.device(REP1, 'phone')
    ;(await phone.open(ref)).set('StageName', 'Closed Won')
    await phone.push(ref, await h.group('Opportunity', REP1))
    await createProjector(h.config({ options: { apiVersion: '62.0' } })).runOnce()
    const before = await h.hub.read(ref, (doc) => doc.encodeStateVector())
    expect(await p.pullOnce()).toMatchObject({ merged: 0 })
    const after = await h.hub.read(ref, (doc) => doc.encodeStateVector())
    expect(after).toEqual(before)
    expect((await phone.pull(ref)).values()).toMatchObject({
      StageName: 'Closed Won',
      Probability: 100,
    })
  })

  it('marks documents of records deleted in Salesforce (getDeleted)', async () => {
    const id = await h.create('Account', { Name: 'Doomed' }, REP1)
    const ref = await h.load('Account', id, REP1)
    const p = puller({ now: () => h.org.now() })
    await p.pullOnce()
    await h.conn(REP1).sobject('Account').destroy(id)
    h.org.advanceClock(3 * 60_000)
    expect(await p.pullOnce()).toMatchObject({ deleted: 1 })
    const doc = await h.device(REP1, 'phone').pull(ref)
    expect(doc.isDeleted()).toBe(true)
    expect(doc.pending()).toBeNull() // nothing for Salesforce, and no edit was beaten
  })

  it('reads each field-visibility group with one of its users, so field-level security holds', async () => {
    const id = await h.create('Account', { Name: 'Acme', Credit_Limit__c: 1000 })
    const repRef = await h.load('Account', id, REP1)
    const managerRef = await h.load('Account', id, MANAGER)
    const p = puller()
    await p.pullOnce()
    await h
      .conn(MANAGER)
      .sobject('Account')
      .update({ Id: id, Credit_Limit__c: 5000, Industry: 'Banking' })
    h.org.clearCalls()
    expect(await p.pullOnce()).toMatchObject({ calls: 2, merged: 2 })
    expect(
      h.org
        .calls()
        .map((c) => c.user)
        .sort(),
    ).toEqual([MANAGER, REP1])
    const rep = await h.hub.read(repRef, (doc) => doc.values())
    const manager = await h.hub.read(managerRef, (doc) => doc.values())
    expect(rep).toMatchObject({ Industry: 'Banking' })
    expect(rep).not.toHaveProperty('Credit_Limit__c')
    expect(manager).toMatchObject({ Industry: 'Banking', Credit_Limit__c: 5000 })
  })
})
