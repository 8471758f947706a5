import { expect } from 'vitest'
import type { Device } from '../support/device.js'
import { users } from '../support/device.js'
import { accountOwnedBy } from '../support/org-data.js'
import type { Stack } from '../support/stack.js'
import { openDevice } from '../support/stack.js'

/** Waits until a device shows the merged values and Salesforce has every change. */
async function expectMerged(device: Device, values: Record<string, string>): Promise<void> {
  for (const [field, value] of Object.entries(values)) {
    await expect.poll(() => device.value(field), { timeout: 20_000 }).toBe(value)
  }
  await expect.poll(() => device.pendingChanges.count(), { timeout: 20_000 }).toBe(0)
}

/**
 * Scenario 1: two devices of one user edit an Account offline (different fields, the same field
 * at different times, both typing into Description), reconnect, and converge on the devices and
 * in the org, in the fewest API calls.
 */
export async function twoDevicesMerge(stack: Stack): Promise<void> {
  const account = await accountOwnedBy(stack.server, users.rep1.username)
  const a = await openDevice(stack, '1-A', `/?record=${account.doc}`)
  const b = await openDevice(stack, '1-B', `/?record=${account.doc}`)
  await Promise.all([a.signIn(users.rep1), b.signIn(users.rep1)])
  await Promise.all([a.waitForRecord(account.name), b.waitForRecord(account.name)])
  expect(await a.page.getByRole('region', { name: 'Session' }).textContent()).not.toBe(
    await b.page.getByRole('region', { name: 'Session' }).textContent(),
  ) // two devices: the bar names each one's device id

  await a.goOffline()
  await b.goOffline()
  await a.setText('Phone', '(415) 555-0199') // different fields …
  await b.pick('Industry', 'Energy')
  await a.setText('BillingCity', 'Alameda') // … the same field, B's edit later …
  await b.setText('BillingCity', 'Berkeley')
  await a.typeInto('Description', 'Alpha was here. ', 'start') // … and both type.
  await b.typeInto('Description', ' Bravo was here.', 'end')
  await a.screenshot('1-offline-a')
  await b.screenshot('1-offline-b')

  // B, whose edit of the shared field is the later one, reconnects first: arriving last must
  // not make A's older edit win. Each device's changes reach Salesforce before the next device
  // reconnects, so each reconnection is one projection.
  const before = await stack.server.projectionCalls()
  await stack.server.clearCalls()
  await b.goOnline()
  await expect.poll(() => b.pendingChanges.count(), { timeout: 20_000 }).toBe(0)
  await a.goOnline()

  const merged = {
    Phone: '(415) 555-0199',
    Industry: 'Energy',
    BillingCity: 'Berkeley',
    Description: `Alpha was here. ${account.description} Bravo was here.`,
  }
  await expectMerged(a, merged)
  await expectMerged(b, merged)
  const inOrg = (await stack.server.records('Account')).find((r) => r.Id === account.id)
  expect(inOrg).toMatchObject(merged)

  // The fewest calls: per reconnecting device one Composite write of the changed fields, under
  // the user's session: the four field edits and dozens of keystrokes of each device are one
  // write. B's edits are all later than the record's SystemModstamp, so its write carries the
  // conflict check (If-Unmodified-Since); A's are older than B's write, so A's write goes after a
  // separate Composite read comparing SystemModstamp with the shadow.
  const after = await stack.server.projectionCalls()
  expect({ check: after.check - before.check, write: after.write - before.write }).toEqual({
    check: 1,
    write: 2,
  })
  await expect
    .poll(async () => (await stack.server.calls()).map((c) => `${c.method} ${c.path} ${c.user}`), {
      timeout: 10_000,
    })
    .toEqual(Array(3).fill(`POST /services/data/v62.0/composite ${users.rep1.username}`))

  // Live again: A's caret in the description shows on B, with A's device.
  await a.control('Description').click()
  await b.record.locator('[part=presence-item]').filter({ hasText: 'Maya Patel' }).waitFor()
  await a.screenshot('1-merged-a')
  await b.screenshot('1-merged-b')
  await Promise.all([a.close(), b.close()])
}
