import type { Org } from '@briefcase/org'
import { createOrg } from '@briefcase/org'
import type { TestRelay } from '@briefcase/relay/testing'
import { startTestRelay } from '@briefcase/relay/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Device, until } from './device.js'

type Row = Record<string, unknown>

/**
 * Finding 3: delete rights were checked per object, not per record, and a delete Salesforce
 * refused stayed in the document, so the owner's next edit was never written.
 */
describe('record-level rights for every write, and writes Salesforce refuses rolled back', () => {
  let org: Org
  let t: TestRelay
  let rep1: Device
  let rep2: Device
  const row = (id: string): Row | undefined => org.snapshot().Account?.find((r) => r.Id === id)
  const ownedBy = (userId: string, skip: readonly string[] = []): string =>
    String(
      org
        .snapshot()
        .Account?.find(
          (r) => r.OwnerId === userId && r.IsDeleted !== true && !skip.includes(String(r.Id)),
        )?.Id,
    )

  beforeAll(async () => {
    org = createOrg({ accounts: 12 })
    t = await startTestRelay({ org, projection: { options: { debounceMs: 10 } } })
    rep1 = await Device.signIn(t.url, 'rep1', 'rights-rep1')
    rep2 = await Device.signIn(t.url, 'rep2', 'rights-rep2')
  })
  afterAll(async () => {
    await t.close()
    await org.close()
  })

  it("refuses another rep's delete of an Account they may read but not delete, before anything is stored", async () => {
    const id = ownedBy(rep1.userId)
    const name = `Account/${id}`
    await rep1.bulk([name])
    await rep2.bulk([name])
    expect((await rep2.open(name)).delete()).not.toBeNull()
    const [answer] = await rep2.bulk([name])
    expect(answer).toMatchObject({ ok: false, code: 'BRIEFCASE_FORBIDDEN' })
    expect(answer?.ok === false && answer.message).toMatch(/may not delete/)
    await rep1.bulk([name])
    const doc = await rep1.open(name)
    expect(doc.isDeleted()).toBe(false)
    doc.set('Phone', '4155550131')
    await rep1.bulk([name])
    await until(() => row(id)?.Phone === '4155550131', 10_000)
    expect(row(id)?.IsDeleted).not.toBe(true)
  })

  it("rolls back a delete Salesforce refuses (ownership changed meanwhile), tells its author why, and the new owner's next edit is written", async () => {
    const id = ownedBy(rep2.userId)
    const name = `Account/${id}`
    // rep2 owns it and edits it: the relay learns rep2 may delete it.
    await rep2.bulk([name])
    ;(await rep2.open(name)).set('Website', 'https://rep2.example')
    await rep2.bulk([name])
    await until(() => row(id)?.Website === 'https://rep2.example', 10_000)
    // The manager hands the Account to rep1; rep2's device, still trusted briefly, deletes it.
    const token = org.issueToken('manager@briefcase.test')
    const moved = await fetch(`${t.url}/services/data/v62.0/sobjects/Account/${id}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ OwnerId: rep1.userId }),
    })
    expect(moved.status).toBe(204)
    expect((await rep2.open(name)).delete()).not.toBeNull()
    const [accepted] = await rep2.bulk([name])
    expect(accepted?.ok).toBe(true)
    // Salesforce refuses it; the document returns to Salesforce's state and says why.
    await until(async () => {
      await rep2.bulk([name])
      return (await rep2.open(name)).status()?.state === 'error'
    }, 10_000)
    const seen = await rep2.open(name)
    expect(seen.isDeleted()).toBe(false)
    expect(seen.pending()).toBeNull()
    expect(seen.status()).toMatchObject({
      code: 'INSUFFICIENT_ACCESS_OR_READONLY',
      message: expect.stringMatching(/undone/) as string,
    })
    expect(row(id)?.IsDeleted).not.toBe(true)
    // The new owner's next edit is written.
    await rep1.bulk([name])
    const doc = await rep1.open(name)
    expect(doc.isDeleted()).toBe(false)
    doc.set('Phone', '4155550132')
    await rep1.bulk([name])
    await until(() => row(id)?.Phone === '4155550132', 10_000)
  })
})
