import { expect } from 'vitest'
import { users } from '../support/device.js'
import type { Stack } from '../support/stack.js'
import { openDevice } from '../support/stack.js'

const DASHBOARDS = [
  'Service Overview',
  'Sales Pipeline',
  'Lead Funnel',
  'Account Coverage',
  'My Field Work',
]

/**
 * Scenario 4: the 8th offline preference is refused; saving preferences replaces the cache.
 */
export async function preferencesReplaceCache(stack: Stack): Promise<void> {
  const device = await openDevice(stack, '4-manager')
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
}
