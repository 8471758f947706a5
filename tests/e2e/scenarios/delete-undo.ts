import { expect } from 'vitest'
import { users } from '../support/device.js'
import { focused } from '../support/focus.js'
import { accountOwnedBy } from '../support/org-data.js'
import type { Stack } from '../support/stack.js'
import { openDevice } from '../support/stack.js'

/**
 * Scenario 8: after a refresh only the opened record says Opened; Delete asks first (Escape keeps the record and returns focus to Delete); a deleted
 * record leaves the cache list at once; Undo, while the delete is on the device, brings it back
 * with its pending edit; deleted again, it reaches Salesforce once the device is online.
 */
export async function deleteAndUndo(stack: Stack): Promise<void> {
  const account = await accountOwnedBy(stack.server, users.rep1.username, 2)
  const device = await openDevice(stack, '8-rep1', `/?record=${account.doc}`)
  const { page, record } = device
  await device.signIn(users.rep1)
  await device.waitForRecord(account.name)
  const listed = device.cacheEntries.filter({ hasText: account.name })
  await listed.waitFor()
  // After a refresh only the record opened here says it was opened.
  await device.refreshCache()
  await expect.poll(() => listed.textContent()).toMatch(/Opened\s+just now/)
  const unopened = device.cacheEntries.filter({ hasText: 'Not opened on this device' })
  expect(await unopened.count()).toBe((await device.cacheEntries.count()) - 1)

  await device.workOffline()
  await device.setText('Phone', '(312) 555-0188')
  const dialog = record.getByRole('dialog', { name: `Delete ${account.name}?` })
  await record.getByRole('button', { name: 'Delete' }).click()
  await dialog.waitFor()
  await page.keyboard.press('Escape')
  await dialog.waitFor({ state: 'hidden' })
  await expect.poll(() => page.evaluate(focused).then((f) => f.part)).toBe('delete')

  await record.getByRole('button', { name: 'Delete' }).click()
  await dialog.getByRole('button', { name: 'Delete' }).click()
  await listed.waitFor({ state: 'detached' })
  await record.locator('[part=deleted]', { hasText: 'Deleted on this device' }).waitFor()
  await expect.poll(() => page.evaluate(focused).then((f) => f.part)).toBe('undo-delete')
  const change = device.pendingChanges.filter({ hasText: account.name })
  await change.getByRole('button', { name: `Undo the delete of ${account.name}` }).waitFor()
  await device.screenshot('8-deleted-offline')

  await record.getByRole('button', { name: 'Undo' }).click()
  await listed.waitFor()
  await device.pendingMark('Phone').waitFor()
  expect(await device.value('Phone')).toBe('(312) 555-0188')
  await expect.poll(() => page.evaluate(focused).then((f) => f.part)).toBe('delete')

  // Undo from the pending list: the focus goes to the record's name in the list.
  await record.getByRole('button', { name: 'Delete' }).click()
  await dialog.getByRole('button', { name: 'Delete' }).click()
  await listed.waitFor({ state: 'detached' })
  await change.getByRole('button', { name: `Undo the delete of ${account.name}` }).click()
  await listed.waitFor()
  await expect
    .poll(() => page.evaluate(focused))
    .toMatchObject({ tag: 'button', text: account.name })

  await record.getByRole('button', { name: 'Delete' }).click()
  await dialog.getByRole('button', { name: 'Delete' }).click()
  await listed.waitFor({ state: 'detached' })
  await device.goOnline()
  await record.getByRole('button', { name: 'Undo' }).waitFor({ state: 'detached', timeout: 30_000 })
  await expect
    .poll(
      async () =>
        (await stack.server.records('Account')).find((a) => a.Id === account.id)?.IsDeleted,
      { timeout: 30_000 },
    )
    .toBe(true)
  await device.screenshot('8-deleted-in-salesforce')
  await device.close()
}
