import { expect } from 'vitest'
import { deployNewVersion } from '../support/build-assets.js'
import { users } from '../support/device.js'
import { accountOwnedBy } from '../support/org-data.js'
import type { Stack } from '../support/stack.js'
import { openDevice } from '../support/stack.js'
import { appShellReady } from './offline-cold-start.js'

/**
 * A new version deployed while the app is open is offered ("A new version is ready: reload"),
 * not forced: the page keeps its code and its edit until the user accepts.
 */
export async function newVersionOffered(stack: Stack): Promise<void> {
  const account = await accountOwnedBy(stack.server, users.rep2.username)
  const device = await openDevice(stack, 'shell-update', `/?record=${account.doc}`)
  const { page } = device
  await device.signIn(users.rep2)
  await device.waitForRecord(account.name)
  await appShellReady(device)
  await page.reload()
  await device.waitForRecord(account.name)
  const css = (): Promise<string> => page.evaluate(async () => (await fetch('/demo.css')).text())
  const banner = page.getByRole('status').filter({ hasText: 'A new version is ready' })
  expect(await banner.isVisible()).toBe(false)

  const marker = `version-${Date.now()}`
  await deployNewVersion(stack.site, marker)
  // The page looks for a new version when it comes back into view (also online, and hourly).
  await page.evaluate(() => document.dispatchEvent(new Event('visibilitychange')))
  await banner.waitFor({ timeout: 20_000 })
  await device.screenshot('shell-new-version-offered')

  // Not forced: the running page still has the old files, and an edit goes on as usual.
  expect(await css()).not.toContain(marker)
  await device.setText('Phone', '(503) 555-0123')
  await device.editsStored()
  expect(await css()).not.toContain(marker)

  await banner.getByRole('button', { name: 'Reload' }).click()
  await page.waitForURL(/record=/)
  await device.waitForRecord(account.name)
  await expect.poll(css, { timeout: 20_000 }).toContain(marker)
  expect(await device.value('Phone')).toBe('(503) 555-0123')
  expect(await banner.isVisible()).toBe(false)
  await device.close()
}
