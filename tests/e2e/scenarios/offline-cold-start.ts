import { expect } from 'vitest'
import type { Device } from '../support/device.js'
import { users } from '../support/device.js'
import { accountOwnedBy } from '../support/org-data.js'
import type { Stack } from '../support/stack.js'
import { openDevice } from '../support/stack.js'

/** Waits until the page's service worker is active (the app shell is precached). */
export async function appShellReady(device: Device): Promise<void> {
  await device.page.evaluate(async () => {
    await navigator.serviceWorker.ready
  })
}

/** The URLs in the page's Cache Storage (what the service worker ever stored). */
async function cachedUrls(device: Device): Promise<string[]> {
  return device.page.evaluate(async () => {
    const urls: string[] = []
    for (const name of await caches.keys()) {
      const cache = await caches.open(name)
      for (const request of await cache.keys()) urls.push(new URL(request.url).pathname)
    }
    return urls
  })
}

/**
 * The app with the browser itself offline (Chromium's offline mode, set before navigating):
 * a cold start opens the last signed-in user's cache and a record from the service worker's
 * app shell, takes an edit that survives another offline reload, and the edit reaches the org
 * once the network is back, with no reload and no "Work offline" switch.
 */
export async function offlineColdStart(stack: Stack): Promise<void> {
  const account = await accountOwnedBy(stack.server, users.rep1.username)
  const first = await openDevice(stack, 'shell-rep1', `/?record=${account.doc}`)
  await first.signIn(users.rep1)
  await first.waitForRecord(account.name)
  await first.refreshCache()
  await first.cacheEntries.filter({ hasText: account.name }).waitFor()
  await appShellReady(first)
  const cached = await cachedUrls(first)
  expect(cached).toEqual(expect.arrayContaining(['/', '/elements.js', '/demo.js', '/demo.css']))
  expect(cached.filter((path) => /^\/(api|sync|auth|services|id|__org)\b/.test(path))).toEqual([])
  const { context } = first
  await first.page.close()

  // Cold start: a new page of the same browser profile, with the network already gone.
  await context.setOffline(true)
  const page = await context.newPage()
  const device = first.withPage(page)
  await page.goto(`/?record=${account.doc}`)
  await device.waitForRecord(account.name)
  await page.locator('briefcase-status [part=connection]', { hasText: /^\s*Offline\s*$/ }).waitFor()
  await device.cacheEntries.filter({ hasText: account.name }).waitFor()
  // Groups are headed by the object's plural label (from the cached schema), offline too.
  await page.locator('briefcase-cache [part=group] h3', { hasText: /^\s*Accounts\s*\(/ }).waitFor()
  expect(await page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true)
  await device.screenshot('shell-cold-start-offline')

  const phone = '(415) 555-0199'
  await device.setText('Phone', phone)
  await device.editsStored()
  await page.reload()
  await device.waitForRecord(account.name)
  await expect.poll(() => device.value('Phone')).toBe(phone)
  await device.pendingMark('Phone').waitFor()
  await device.pendingChanges.filter({ hasText: 'Saved on this device' }).waitFor()

  // The network returns: the page finds out by itself and syncs, with no reload.
  const navigations: string[] = []
  page.on('framenavigated', (frame) => navigations.push(frame.url()))
  await context.setOffline(false)
  await page.locator('briefcase-status [part=connection]', { hasText: 'Online' }).waitFor()
  await expect
    .poll(
      async () => (await stack.server.records('Account')).find((r) => r.Id === account.id)?.Phone,
      { timeout: 30_000 },
    )
    .toBe(phone)
  expect(navigations).toEqual([])
  await device.screenshot('shell-back-online')
  await device.close()
}

/** With nobody signed in on this device yet, the offline app says what to do. */
export async function offlineNeverSignedIn(stack: Stack): Promise<void> {
  const device = await openDevice(stack, 'shell-new-device', '/')
  await appShellReady(device)
  await device.context.setOffline(true)
  await device.page.reload()
  await device.page.getByText('Sign in once while online to use Briefcase offline').waitFor()
  await expect
    .poll(() => device.page.getByRole('button', { name: 'Sign in with Salesforce' }).isDisabled())
    .toBe(true)
  await device.screenshot('shell-never-signed-in-offline')
  await device.close()
}
