import { readFile } from 'node:fs/promises'
import { expect } from 'vitest'
import { repoRoot } from '../support/build-assets.js'
import { users } from '../support/device.js'
import type { Stack } from '../support/stack.js'
import { openDevice } from '../support/stack.js'

/**
 * Scenario 6: a plain HTML page with one module script and the tags works against the relay,
 * with no service worker.
 */
export async function embedPage(stack: Stack): Promise<void> {
  // The page: exactly one script, the self-contained bundle the server serves.
  const html = await readFile(`${repoRoot}apps/demo/public/embed.html`, 'utf8')
  expect(html.match(/<script\b[^>]*>/g)).toEqual(['<script type="module" src="/elements.js">'])

  const device = await openDevice(stack, '6-embed', '/embed.html')
  const { page } = device
  const bundle = await page.request.get('/elements.js')
  expect(bundle.headers()['content-type']).toMatch(/javascript/)
  await device.signIn(users.manager)
  expect(new URL(page.url()).pathname).toBe('/embed.html')

  await device.refreshCache()
  const account = device.cacheEntries.filter({ has: page.locator('button') }).first()
  const name = (await account.locator('button').textContent())?.trim() ?? ''
  const doc = await account.getAttribute('data-doc')
  expect(doc).toMatch(/^Account\//)
  await account.locator('button').click()
  await device.waitForRecord(name)

  await device.setText('Phone', '(650) 555-0142')
  // Online, the relay may write the edit before the pending list ever shows it: what must hold
  // is that it reaches the org and that the list then says Salesforce has everything.
  const change = device.pendingChanges.filter({ hasText: name })
  await expect
    .poll(
      async () =>
        (await stack.server.records('Account')).find((r) => `Account/${String(r.Id)}` === doc)
          ?.Phone,
      { timeout: 20_000 },
    )
    .toBe('(650) 555-0142')
  await change.waitFor({ state: 'detached', timeout: 20_000 })
  await page
    .locator('briefcase-pending', { hasText: 'Salesforce has every change.' })
    .waitFor({ timeout: 20_000 })
  await device.screenshot('6-embed-page')
  // The plain page registers no service worker and needs none (the demo app's is its own).
  expect(
    await page.evaluate(async () => ({
      registrations: (await navigator.serviceWorker.getRegistrations()).length,
      controlled: navigator.serviceWorker.controller !== null,
    })),
  ).toEqual({ registrations: 0, controlled: false })

  // A second tab of the same browser profile is the same device: signed in, same cache.
  const tab = await device.context.newPage()
  await tab.goto('/embed.html')
  await tab.getByRole('button', { name: 'Sign out' }).waitFor()
  expect(await tab.getByRole('region', { name: 'Session' }).textContent()).toBe(
    await page.getByRole('region', { name: 'Session' }).textContent(),
  )
  await tab.locator('briefcase-cache [part=record]', { hasText: name }).waitFor()
  await device.close()
}
