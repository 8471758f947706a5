import type { Org } from '@briefcase/org'
import { createOrg } from '@briefcase/org'
import type { TestRelay } from '@briefcase/relay/testing'
import { startTestRelay } from '@briefcase/relay/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Device, until } from './device.js'

/**
 * The relay's own projector and puller, as `npm start` runs them (started with the relay, woken
 * by every committed device change). The projection scenarios themselves are in
 * tests/relay-projection.
 */
describe('createRelay runs the projector and the puller', () => {
  let org: Org
  let t: TestRelay
  /** The relay's clock runs ahead of real time by this much (moved with the org's). */
  let skew = 0
  beforeAll(async () => {
    org = createOrg({ accounts: 6 })
    t = await startTestRelay({
      org,
      // The poll path (the change stream has its own tests in change-events.test.ts).
      projection: { options: { debounceMs: 10 }, changeEvents: false },
      relay: {
        now: () => Date.now() + skew,
        capture: { Account: { Briefcase_Edited_At__c: 'deviceEditedAt' } },
      },
    })
  })
  afterAll(async () => {
    await t.close()
    await org.close()
  })
  const row = (id: string): Record<string, unknown> | undefined =>
    org.snapshot().Account?.find((r) => r.Id === id)

  it('writes a device change to Salesforce without being asked, and reports it on the record', async () => {
    const id = String(org.snapshot().Account?.find((r) => r.IsDeleted !== true)?.Id)
    const name = `Account/${id}`
    const phone = await Device.signIn(t.url, 'rep1', 'wired-phone')
    await phone.bulk([name])
    ;(await phone.open(name)).set('Website', 'https://wired.example')
    await phone.bulk()
    await until(() => row(id)?.Website === 'https://wired.example', 10_000)
    await until(async () => {
      await phone.bulk()
      return (await phone.open(name)).status()?.state === 'ok'
    })
    expect((await phone.open(name)).pending()?.operation ?? null).toBeNull()
  })

  it('pulls a server-side change into the documents that hold the record', async () => {
    const id = String(org.snapshot().Account?.filter((r) => r.IsDeleted !== true)[1]?.Id)
    const name = `Account/${id}`
    const tablet = await Device.signIn(t.url, 'rep2', 'wired-tablet')
    await tablet.bulk([name])
    const token = org.issueToken('manager@briefcase.test')
    const res = await fetch(`${t.url}/services/data/v62.0/sobjects/Account/${id}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ BillingCity: 'Pulled City' }),
    })
    expect(res.status).toBe(204)
    await t.relay.projection?.puller.pullObjects(['Account'])
    await tablet.bulk()
    expect((await tablet.open(name)).get('BillingCity')).toBe('Pulled City')
  })

  it('still syncs a record deleted in Salesforce, so the device learns of the deletion', async () => {
    const id = String(org.snapshot().Account?.filter((r) => r.IsDeleted !== true)[2]?.Id)
    const name = `Account/${id}`
    const tablet = await Device.signIn(t.url, 'rep2', 'wired-deleted')
    await tablet.bulk([name])
    const token = org.issueToken('manager@briefcase.test')
    const res = await fetch(`${t.url}/services/data/v62.0/sobjects/Account/${id}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${token}` },
    })
    expect(res.status).toBe(204)
    // The puller reads getDeleted (whole minutes, up to a minute ago) at most every two minutes.
    skew += 180_000
    org.advanceClock(180_000)
    const report = await t.relay.projection?.puller.pullObjects(['Account'])
    expect(report?.deleted).toBe(1)
    const [answer] = await tablet.bulk([name])
    expect(answer).toMatchObject({ ok: true })
    expect((await tablet.open(name)).isDeleted()).toBe(true)
    expect((await tablet.open(name)).snapshot().maps.server.deleted).toBe(true)
  })

  it('captures the device time of an offline edit into the configured field, which devices may not edit', async () => {
    const id = String(org.snapshot().Account?.filter((r) => r.IsDeleted !== true)[3]?.Id)
    const name = `Account/${id}`
    const phone = await Device.signIn(t.url, 'rep1', 'wired-capture')
    await phone.bulk([name])
    const doc = await phone.open(name)
    expect(doc.schema.fields.Briefcase_Edited_At__c?.updateable).toBe(false)
    expect(() => doc.set('Briefcase_Edited_At__c', new Date().toISOString())).toThrow(
      /not updateable/,
    )
    const editedAt = Math.floor(Date.now() / 1000) * 1000
    doc.set('BillingCity', 'Captured City')
    await phone.bulk()
    await until(() => row(id)?.BillingCity === 'Captured City', 10_000)
    const captured = Date.parse(String(row(id)?.Briefcase_Edited_At__c).replace('+0000', 'Z'))
    expect(captured).toBeGreaterThanOrEqual(editedAt)
    expect(captured).toBeLessThanOrEqual(Date.now())
  })
})
