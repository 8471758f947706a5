import { createServer } from 'node:http'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { readFile, rm } from 'node:fs/promises'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, expect, onTestFailed, test } from 'vitest'
import { launchChromium } from './support/browser.js'
import { buildAssets, repoRoot } from './support/build-assets.js'
import { Device, users } from './support/device.js'
import type { RunningServer } from './support/server.js'
import { startServer } from './support/server.js'

// The elements README's embed snippet, word for word, on a page of another origin than the
// relay's: a host page server on a second port (`127.0.0.1:<host>`, allowed with
// `--return-origin`) and the same page reached as `localhost:<host>` (not allowed).

const README_RELAY = 'https://relay.example.com'

/** The first ```html block of packages/elements/README.md's Usage section. */
async function readmeSnippet(): Promise<string> {
  const readme = await readFile(`${repoRoot}packages/elements/README.md`, 'utf8')
  const usage = readme.slice(readme.indexOf('## Usage'))
  const snippet = /```html\n([\s\S]*?)```/.exec(usage)?.[1]
  if (!snippet?.includes(README_RELAY)) throw new Error('no embed snippet in the README')
  return snippet
}

let host: Server
let hostPort: number
let relay: RunningServer
let browser: Browser
let page = ''
let site = ''

beforeAll(async () => {
  host = createServer((req, res) => {
    if (req.url === '/')
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page)
    else res.writeHead(404).end()
  })
  await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve))
  hostPort = (host.address() as AddressInfo).port
  site = await buildAssets()
  ;[relay, browser] = await Promise.all([
    startServer(site, ['--return-origin', `http://127.0.0.1:${hostPort}`]),
    launchChromium(),
  ])
  page = (await readmeSnippet()).replaceAll(README_RELAY, relay.url)
}, 60_000)

afterAll(async () => {
  await browser?.close()
  await relay?.close()
  await new Promise((resolve) => host?.close(resolve))
  if (site) await rm(site, { recursive: true, force: true })
})

async function openHostPage(origin: string, label: string): Promise<Device> {
  const device = await Device.open(browser, origin, label, '/')
  onTestFailed(async () => {
    await device.screenshot(`${label}-failed`)
  })
  return device
}

test('the README snippet on another origin signs in, fills the cache and edits a record into the org, with no service worker', async () => {
  const hostOrigin = `http://127.0.0.1:${hostPort}`
  expect(new URL(relay.url).origin).not.toBe(hostOrigin)
  const device = await openHostPage(hostOrigin, '8-cross-origin')
  const { page: tab } = device
  const scripts = await tab
    .locator('script')
    .evaluateAll((s) =>
      s.map((e) => ({ type: e.getAttribute('type'), src: (e as HTMLScriptElement).src })),
    )
  expect(scripts).toEqual([{ type: 'module', src: `${relay.url}/elements.js` }])

  await device.signIn(users.manager)
  expect(new URL(tab.url()).origin).toBe(hostOrigin)
  expect(new URL(tab.url()).hash).toBe('')

  await device.refreshCache()
  const account = device.cacheEntries
    .filter({ has: tab.locator('button') })
    .and(tab.locator('[data-doc^="Account/"]'))
    .first()
  const name = (await account.locator('button').textContent())?.trim() ?? ''
  const doc = await account.getAttribute('data-doc')
  expect(doc).toMatch(/^Account\//)
  await account.locator('button').click()
  await device.waitForRecord(name)
  await device.setText('Phone', '(650) 555-0188')
  await expect
    .poll(
      async () =>
        (await relay.records('Account')).find((r) => `Account/${String(r.Id)}` === doc)?.Phone,
      { timeout: 30_000 },
    )
    .toBe('(650) 555-0188')
  await tab
    .locator('briefcase-pending', { hasText: 'Salesforce has every change.' })
    .waitFor({ timeout: 20_000 })
  // It all worked with no service worker: the demo's is not the elements' to need.
  expect(
    await tab.evaluate(async () => ({
      registrations: (await navigator.serviceWorker.getRegistrations()).length,
      controlled: navigator.serviceWorker.controller !== null,
    })),
  ).toEqual({ registrations: 0, controlled: false })
  await device.screenshot('8-cross-origin')
  await device.close()
}, 120_000)

test('the same page on an origin the relay does not allow ends sign-in on a page naming the origin to add', async () => {
  const other = `http://localhost:${hostPort}`
  const device = await openHostPage(other, '8-cross-origin-refused')
  const { page: tab } = device
  await tab.getByRole('button', { name: 'Sign in with Salesforce' }).click()
  await tab.getByRole('heading', { name: 'Briefcase could not go on' }).waitFor()
  expect(new URL(tab.url()).origin).toBe(new URL(relay.url).origin)
  await expect
    .poll(() => tab.getByRole('alert').textContent())
    .toContain(`--return-origin ${other}`)
  await tab.getByRole('link', { name: 'Back to the page' }).click()
  await tab.getByRole('button', { name: 'Sign in with Salesforce' }).waitFor()
  expect(new URL(tab.url()).origin).toBe(other)
  await device.close()
}, 60_000)
