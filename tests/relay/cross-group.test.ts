import type { Org } from '@briefcase/org'
import { createOrg } from '@briefcase/org'
import type { TestRelay } from '@briefcase/relay/testing'
import { startTestRelay } from '@briefcase/relay/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Device, until } from './device.js'

/**
 * A rep and their manager read different fields of an Account (the manager also sees
 * Credit_Limit__c), so the relay keeps their documents of it in two visibility groups, which meet
 * through Salesforce. When the relay writes one group's edit, the other group must merge it with
 * the stamp of the edit, not with Salesforce's LastModifiedDate: that has whole seconds, and an
 * earlier edit made within the same second would beat the later one.
 */
describe('edits of one record from two visibility groups', () => {
  let org: Org
  let t: TestRelay
  beforeAll(async () => {
    org = createOrg({ accounts: 4 })
    // Salesforce's clock a few seconds behind the devices': every LastModifiedDate is earlier
    // than both edits, as within one second.
    org.advanceClock(-5_000)
    t = await startTestRelay({ org, projection: { options: { debounceMs: 10 } } })
  })
  afterAll(async () => {
    await t.close()
    await org.close()
  })

  it('go to the later edit, in Salesforce and on both devices, whichever is written first', async () => {
    const rep1 = org.users.find((u) => u.username === 'rep1@briefcase.test')
    const account = org
      .snapshot()
      .Account?.find((r) => r.IsDeleted !== true && r.OwnerId === rep1?.id)
    const name = `Account/${String(account?.Id)}`
    const rep = await Device.signIn(t.url, 'rep1', 'cross-rep')
    const manager = await Device.signIn(t.url, 'manager', 'cross-manager')
    await rep.bulk([name])
    await manager.bulk([name])

    ;(await rep.open(name)).set('Phone', '4155550111') // earlier
    await new Promise((resolve) => setTimeout(resolve, 5))
    ;(await manager.open(name)).set('Phone', '4155550222') // later: it wins

    await manager.bulk()
    await until(
      () => org.snapshot().Account?.find((r) => r.Id === account?.Id)?.Phone === '4155550222',
      10_000,
    )
    await until(async () => {
      await rep.bulk()
      return (await rep.open(name)).get('Phone') === '4155550222'
    }, 10_000)
    // Give the rep's group every chance to (wrongly) write its earlier edit.
    await t.relay.projection?.projector.runOnce()
    await rep.bulk()
    await manager.bulk()
    expect(org.snapshot().Account?.find((r) => r.Id === account?.Id)?.Phone).toBe('4155550222')
    expect((await manager.open(name)).get('Phone')).toBe('4155550222')
    const repDoc = await rep.open(name)
    expect(repDoc.pending()?.operation ?? null).toBeNull()
    expect(repDoc.pending()?.superseded).toMatchObject([
      { field: 'Phone', value: '4155550111', by: { value: '4155550222' } },
    ])
    expect(repDoc.pending()?.superseded[0]?.by.author.user).toBe(
      org.users.find((u) => u.username === 'manager@briefcase.test')?.id,
    )
  })
})
