import { expect } from 'vitest'
import { users } from '../support/device.js'
import { focused } from '../support/focus.js'
import { accountOwnedBy } from '../support/org-data.js'
import type { Stack } from '../support/stack.js'
import { openDevice } from '../support/stack.js'

/**
 * Scenario 5: a reload while offline keeps every edit; signing out offline is refused with the
 * changes named; signing out after sync leaves no IndexedDB database.
 */
export async function reloadAndLogout(stack: Stack): Promise<void> {
  const account = await accountOwnedBy(stack.server, users.rep2.username)
  const device = await openDevice(stack, '5-rep2', `/?record=${account.doc}`)
  const { page } = device
  await device.signIn(users.rep2)
  await device.waitForRecord(account.name)

  await device.workOffline()
  await device.setText('Phone', '(206) 555-0175')
  await device.pick('Industry', 'Retail')
  await device.setText('NumberOfEmployees', '321')
  await device.typeInto('Description', 'Reloaded offline. ', 'start')
  const description = `Reloaded offline. ${account.description}`
  await expect.poll(() => device.value('Description')).toBe(description)
  await device.editsStored()

  await page.reload()
  await device.waitForRecord(account.name)
  await page.locator('briefcase-status [part=connection]', { hasText: 'Working offline' }).waitFor()
  await expect.poll(() => device.value('Phone')).toBe('(206) 555-0175')
  expect(await device.value('Industry')).toBe('Retail')
  expect(await device.value('NumberOfEmployees')).toBe('321')
  expect(await device.value('Description')).toBe(description)
  for (const field of ['Phone', 'Industry', 'NumberOfEmployees', 'Description']) {
    await device.pendingMark(field).waitFor()
  }
  const change = device.pendingChanges.filter({ hasText: account.name })
  await change.filter({ hasText: 'Saved on this device' }).waitFor()
  expect(await change.locator('[part=fields] tbody tr').count()).toBe(4)
  // Long text shows the changed part: the words typed at its start, marked as added.
  const descriptionRow = change.locator('[part=fields] tbody tr', { hasText: 'Description' })
  expect(await descriptionRow.locator('ins').textContent()).toBe('Reloaded offline. ')
  await device.screenshot('5-reloaded-offline')

  // Signing out now would lose the change: it is named, and nothing is deleted.
  await page.getByRole('button', { name: 'Sign out' }).click()
  const unsynced = page.getByRole('alertdialog', {
    name: 'Changes to 1 record are not synced yet',
  })
  await unsynced.filter({ hasText: account.name }).waitFor()
  // Fields by their labels, not their API names.
  const named = (await unsynced.locator('li').textContent()) ?? ''
  expect(named).toMatch(/Employees/)
  expect(named).not.toMatch(/NumberOfEmployees/)
  await device.screenshot('5-sign-out-refused-offline')
  // The warning takes the focus; Escape keeps working and gives the focus back to Sign out.
  await expect.poll(() => page.evaluate(focused).then((f) => f.text)).toBe('Keep working')
  await page.keyboard.press('Escape')
  await unsynced.waitFor({ state: 'detached' })
  expect((await page.evaluate(focused)).part).toBe('sign-out')

  await device.goOnline()
  // Synced: the relay holds the change (Sent to the relay), or Salesforce already has it.
  await change.filter({ hasText: 'Saved on this device' }).waitFor({ state: 'detached' })
  await page.getByRole('button', { name: 'Sign out' }).click()
  await page.getByRole('button', { name: 'Sign in with Salesforce' }).waitFor()
  const databases = await page.evaluate(async () =>
    (await indexedDB.databases()).map((d) => d.name ?? ''),
  )
  expect(databases).toEqual([])
  await device.screenshot('5-signed-out')
  await device.close()
}
