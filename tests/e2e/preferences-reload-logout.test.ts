import { afterAll, beforeAll, expect, onTestFailed, test } from 'vitest'
import { Device, users } from './support/device.js'
import { accountOwnedBy } from './support/org-data.js'
import type { Stack } from './support/stack.js'
import { startStack } from './support/stack.js'

let stack: Stack

beforeAll(async () => {
  stack = await startStack()
}, 60_000)

afterAll(async () => {
  await stack?.close()
})

const DASHBOARDS = [
  'Service Overview',
  'Sales Pipeline',
  'Lead Funnel',
  'Account Coverage',
  'My Field Work',
]

test('scenario 4: the 8th offline preference is refused; saving preferences replaces the cache', async () => {
  const device = await Device.open(stack.browser, stack.server.url, 'manager')
  onTestFailed(async () => {
    await device.screenshot('4-failed')
  })
  const { page } = device
  await device.signIn(users.manager)
  await device.refreshCache()
  const recent = device.cacheEntries.filter({ hasText: 'Recent' })
  await expect.poll(() => recent.count()).toBeGreaterThan(0)
  const before = await device.cacheEntries.count()

  const prefs = page.locator('briefcase-preferences')
  for (const name of ['My Tasks', 'Accounts: My Accounts', ...DASHBOARDS]) {
    await prefs.getByRole('checkbox', { name, exact: true }).check()
  }
  const eighth = prefs.getByRole('checkbox', { name: 'Team Activity', exact: true })
  await eighth.click()
  await expect.poll(() => eighth.isChecked()).toBe(false)
  await prefs
    .getByRole('alert')
    .filter({ hasText: 'You can choose up to 7 offline items. Remove one to add another.' })
    .waitFor()
  await prefs.getByText('7 of 7 chosen').waitFor()
  await prefs.getByRole('note').filter({ hasText: 'Saving replaces the default cache' }).waitFor()
  await device.screenshot('4-eighth-refused')

  await prefs.getByRole('button', { name: 'Save' }).click()
  await prefs.getByRole('status').filter({ hasText: 'Saved.' }).waitFor({ timeout: 60_000 })
  await expect.poll(() => recent.count()).toBe(0)
  const after = await device.cacheEntries.count()
  expect(await device.cacheEntries.filter({ hasText: 'Offline item' }).count()).toBe(after)
  expect(after).not.toBe(before)
  const dashboards = page.locator('briefcase-cache [part=dashboards] li')
  await expect.poll(() => dashboards.allTextContents()).toHaveLength(DASHBOARDS.length)
  await device.screenshot('4-preferences-saved')
  await device.close()
}, 90_000)

test('scenario 5: a reload while offline keeps every edit; sign-out after sync leaves no IndexedDB database', async () => {
  const account = await accountOwnedBy(stack.server, users.rep2.username)
  const device = await Device.open(
    stack.browser,
    stack.server.url,
    'rep2',
    `/?record=${account.doc}`,
  )
  onTestFailed(async () => {
    await device.screenshot('5-failed')
  })
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
  await device.screenshot('5-reloaded-offline')

  // Signing out now would lose the change: it is named, and nothing is deleted.
  await page.getByRole('button', { name: 'Sign out' }).click()
  const unsynced = page.getByRole('alertdialog', {
    name: 'Changes to 1 record are not synced yet',
  })
  await unsynced.filter({ hasText: account.name }).waitFor()
  await device.screenshot('5-sign-out-refused-offline')
  await unsynced.getByRole('button', { name: 'Keep working' }).click()
  await unsynced.waitFor({ state: 'detached' })

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
}, 90_000)
