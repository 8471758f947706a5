import { expect } from 'vitest'
import { users } from '../support/device.js'
import { accountOwnedBy } from '../support/org-data.js'
import type { Stack } from '../support/stack.js'
import { openDevice } from '../support/stack.js'

/**
 * Scenario 2: an Account and a Contact under it, created offline, reach the org with the
 * Contact's real AccountId; the pending list empties.
 */
export async function offlineDrafts(stack: Stack): Promise<void> {
  const account = await accountOwnedBy(stack.server, users.rep1.username)
  const device = await openDevice(stack, '2-rep1', `/?record=${account.doc}`)
  await device.signIn(users.rep1)
  await device.waitForRecord(account.name)
  await device.page.locator('briefcase-create [part=button]:not([disabled])').waitFor()

  await device.goOffline()
  await device.create('New Account', async (form) => {
    await form.locator('[data-field="Name"] input').fill('Offline Outfitters')
    await form.locator('[data-field="Industry"] select').selectOption('Retail')
  })
  await device.waitForRecord('Offline Outfitters')
  await device.create('New Contact', async (form) => {
    await form.locator('[data-field="FirstName"] input').fill('Dana')
    await form.locator('[data-field="LastName"] input').fill('Draftwood')
    await device.lookup(form, 'AccountId', 'Offline Outfitters')
  })
  await device.waitForRecord('Dana Draftwood')
  // Named by First + Last everywhere, not "New Contact": the cache and the pending list too.
  await device.cacheEntries.filter({ hasText: 'Dana Draftwood' }).waitFor()
  await device.pendingChanges.filter({ hasText: 'Dana Draftwood' }).waitFor()
  expect(await device.cacheEntries.filter({ hasText: 'New Contact' }).count()).toBe(0)
  const creates = device.pendingChanges.filter({ hasText: 'Create' })
  await expect.poll(() => creates.count()).toBe(2)
  await device.pendingChanges.filter({ hasText: 'Waits for 1 new record' }).waitFor()
  await device.screenshot('2-created-offline')

  await device.goOnline()
  await expect.poll(() => device.pendingChanges.count(), { timeout: 30_000 }).toBe(0)
  const created = (await stack.server.records('Account')).find(
    (a) => a.Name === 'Offline Outfitters',
  )
  const contact = (await stack.server.records('Contact')).find((c) => c.LastName === 'Draftwood')
  expect(created?.Id).toMatch(/^001/)
  expect(contact).toMatchObject({ FirstName: 'Dana', AccountId: created?.Id })
  // The Contact on screen now refers to the real Id, still shown by the Account's name.
  await expect.poll(() => device.value('AccountId')).toBe('Offline Outfitters')
  await device.screenshot('2-synced')
  await device.close()
}
