import type { Org } from '@briefcase/org'
import { RecordDocument, yjsEngine } from '@briefcase/record'
import { afterEach, describe, expect, it } from 'vitest'
import type { RelayProjection } from '../../packages/relay/src/projection/index.js'
import type { Device } from '../relay/device.js'
import type { ProjectionStack } from './projection-stack.js'
import { startProjectionStack } from './projection-stack.js'
import { ISSUE_4_WORKLOAD, makeOfflineWork } from './offline-workload.js'

/**
 * Offline work going online: the Salesforce API calls it costs, counted by the org (issue 13's
 * table, rows 3 and 4).
 */
let org: Org
let projection: RelayProjection
let stack: ProjectionStack

async function start(accounts: number): Promise<void> {
  stack = await startProjectionStack(accounts)
  ;({ org, projection } = stack)
}
afterEach(() => stack.close())

const device = (user: 'rep1' | 'rep2' | 'manager', id: string): Promise<Device> =>
  stack.device(user, id)

const composites = (): number => org.calls().filter((c) => c.path.endsWith('/composite')).length

describe('API calls of offline work', () => {
  it('the issue-4 workload (1,000 edits over 200 records, 20 parents, 40 children) stays at 2 calls: one check, one write', async () => {
    const w = ISSUE_4_WORKLOAD
    await start(w.records)
    const names = (org.snapshot().Account ?? [])
      .filter((a) => a.IsDeleted !== true)
      .slice(0, w.records)
      .map((a) => `Account/${String(a.Id)}`)
    const phone = await device('manager', 'issue-4')
    await phone.bulk(names)
    await makeOfflineWork(phone, names, w, 7)
    await phone.bulk()
    org.clearCalls()
    const report = await projection.projector.runOnce()
    expect(org.calls()).toHaveLength(2)
    expect(composites()).toBe(2)
    expect(report).toMatchObject({ calls: 1, refused: 0 })
    const created = [...(org.snapshot().Account ?? []), ...(org.snapshot().Contact ?? [])].filter(
      (r) => typeof r.Briefcase_Draft_Key__c === 'string',
    )
    expect(created).toHaveLength(w.parents + w.children)
    await phone.bulk()
    expect([...phone.docs.values()].filter((d) => d.pending()?.operation)).toEqual([])
  }, 60_000)

  it('two devices’ offline work on one Account and a Contact created under it: two calls, the Contact in the same Composite as its author’s Account write', async () => {
    await start(4)
    const account = (org.snapshot().Account ?? []).find((a) => a.IsDeleted !== true)
    const id = String(account?.Id)
    const name = `Account/${id}`
    const phone = await device('rep1', 'phone')
    const tablet = await device('rep2', 'tablet')
    await phone.bulk([name])
    await tablet.bulk([name])
    // Offline: the phone edits the Account; the tablet edits it later and adds a Contact under it.
    ;(await phone.open(name)).set('Website', 'https://phone.example')
    ;(await tablet.open(name)).set('Phone', '4155550123')
    const contact = RecordDocument.createDraft({
      engine: yjsEngine,
      schema: await tablet.schema('Contact'),
      actor: { user: tablet.userId, device: tablet.clock.device },
      clock: tablet.clock,
      values: { LastName: 'Under Account', AccountId: id },
    })
    tablet.adopt(contact)
    await phone.bulk()
    await tablet.bulk()
    // The offline edits are seconds old when the devices come back: rep1's write then stamps the
    // Account later than rep2's edit. rep2's write still carries its check: rep1's write read the
    // record back, which is what a separate check would read (501dac5).
    org.advanceClock(2_000)
    org.clearCalls()
    const report = await projection.projector.runOnce()
    expect(report).toMatchObject({ written: 3, refused: 0 })
    // rep1's write (carrying its check); rep2's write (carrying its check against rep1's
    // read-back), the Contact in that write, not on a call of its own (a separate check for rep2
    // made 3 calls; the Contact on its own call 4; before checks rode in writes, 5).
    expect(org.calls().map((c) => `${c.user ?? ''} ${c.method} ${c.path}`)).toEqual([
      'rep1@briefcase.test POST /services/data/v62.0/composite',
      'rep2@briefcase.test POST /services/data/v62.0/composite',
    ])
    expect(org.snapshot().Account?.find((a) => a.Id === id)).toMatchObject({
      Website: 'https://phone.example',
      Phone: '4155550123',
    })
    const created = org.snapshot().Contact?.find((c) => c.LastName === 'Under Account')
    expect(created?.AccountId).toBe(id)
    expect(created?.CreatedById).toBe(
      org.users.find((u) => u.username === 'rep2@briefcase.test')?.id,
    )
  })
})
