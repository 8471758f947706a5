import type { Browser, BrowserContext, Locator, Page } from 'playwright-core'
import { artifactsDir } from './browser.js'

/** A seeded user's credentials. */
export interface Credentials {
  username: string
  password: string
}

/** The seeded users of the embedded org. */
export const users = {
  rep1: { username: 'rep1@briefcase.test', password: 'rep1-password' },
  rep2: { username: 'rep2@briefcase.test', password: 'rep2-password' },
  manager: { username: 'manager@briefcase.test', password: 'manager-password' },
} as const satisfies Record<string, Credentials>

/**
 * One device: a browser context of its own (its own IndexedDB, so its own device id) with the
 * demo page open, driven the way a person would through the elements.
 */
export class Device {
  readonly context: BrowserContext
  readonly page: Page
  readonly name: string

  private constructor(name: string, context: BrowserContext, page: Page) {
    this.name = name
    this.context = context
    this.page = page
  }

  /** Opens `path` of the server in a new context (a new device). */
  static async open(browser: Browser, baseUrl: string, name: string, path = '/'): Promise<Device> {
    const context = await browser.newContext({
      baseURL: baseUrl,
      viewport: { width: 1360, height: 900 },
    })
    const page = await context.newPage()
    await page.goto(path)
    return new Device(name, context, page)
  }

  /** Opens `path` in a new page of an existing context (a browser profile of its own). */
  static async inContext(context: BrowserContext, name: string, path = '/'): Promise<Device> {
    const page = await context.newPage()
    await page.goto(path)
    return new Device(name, context, page)
  }

  /** The same device (browser profile) through another of its pages. */
  withPage(page: Page): Device {
    return new Device(this.name, this.context, page)
  }

  /** Signs in through the relay and the org's login page, and waits to be back signed in. */
  async signIn(user: Credentials): Promise<void> {
    await this.page.getByRole('button', { name: 'Sign in with Salesforce' }).click()
    await this.page.getByLabel('Username').fill(user.username)
    await this.page.getByLabel('Password').fill(user.password)
    await this.page.getByRole('button', { name: 'Log In' }).click()
    await this.page.getByRole('button', { name: 'Sign out' }).waitFor()
  }

  /** The "Work offline" switch of the demo. */
  get offlineSwitch(): Locator {
    return this.page.getByRole('switch', { name: 'Work offline' })
  }

  /**
   * Takes the device offline: the demo's switch (the client closes its sockets and stops
   * syncing) and the browser's network (`setOffline` alone leaves open WebSockets up).
   */
  async goOffline(): Promise<void> {
    await this.offlineSwitch.click()
    await this.page
      .locator('briefcase-status [part=connection]', { hasText: 'Working offline' })
      .waitFor()
    await this.context.setOffline(true)
  }

  /** Brings the device back online (network first, then the switch). */
  async goOnline(): Promise<void> {
    await this.context.setOffline(false)
    await this.unblockRelay()
    await this.offlineSwitch.click()
    await this.page.locator('briefcase-status [part=connection]', { hasText: 'Online' }).waitFor()
  }

  /**
   * Cuts this device off from the relay (its HTTP and WebSocket routes fail) while the page's
   * own files still load, as they would from a service worker or the HTTP cache: a reload then
   * starts the page with the relay out of reach.
   */
  async blockRelay(): Promise<void> {
    await this.context.route(/\/(auth|sync|api)\//, (route) => route.abort('internetdisconnected'))
    await this.context.routeWebSocket(/\/sync\//, (ws) => ws.close())
  }

  /** Undoes {@link blockRelay}. */
  async unblockRelay(): Promise<void> {
    await this.context.unrouteAll({ behavior: 'wait' })
  }

  /** Works offline with the switch and the relay out of reach; the page can still reload. */
  async workOffline(): Promise<void> {
    await this.offlineSwitch.click()
    await this.page
      .locator('briefcase-status [part=connection]', { hasText: 'Working offline' })
      .waitFor()
    await this.blockRelay()
  }

  /**
   * Creates a record through the "+" menu: picks the action (e.g. "New Account"), lets `fill`
   * complete the form, saves, and waits for the new record in the editor.
   */
  async create(action: string, fill: (form: Locator) => Promise<void>): Promise<void> {
    await this.page.locator('briefcase-create [part=button]').click()
    await this.page.getByRole('menuitem', { name: action }).click()
    const form = this.page.locator('briefcase-create [part=dialog]')
    await form.locator('[part=form] [data-field]').first().waitFor()
    await fill(form)
    await form.getByRole('button', { name: 'Save' }).click()
    await form.waitFor({ state: 'hidden' })
  }

  /** Picks a record by name in a lookup (`scope`: the form or the record editor). */
  async lookup(scope: Locator, field: string, name: string): Promise<void> {
    const input = scope.locator(`[data-field="${field}"] briefcase-lookup input`)
    await input.fill(name.slice(0, 6))
    await scope.getByRole('option', { name }).click()
  }

  /** The cached records listed by the cache element. */
  get cacheEntries(): Locator {
    return this.page.locator('briefcase-cache [part=record]')
  }

  /** Refreshes the cache with its button and waits for the refresh to finish. */
  async refreshCache(): Promise<void> {
    const button = this.page.locator('briefcase-cache [part=refresh]')
    await button.click()
    await this.page
      .locator('briefcase-cache [part=refresh]', { hasText: /^\s*Refresh\s*$/ })
      .waitFor({
        timeout: 60_000,
      })
  }

  /** The record editor. */
  get record(): Locator {
    return this.page.locator('briefcase-record')
  }

  /** The control of a field in the record editor (input, select, textarea or lookup input). */
  control(field: string): Locator {
    return this.record.locator(
      `[data-field="${field}"] input, [data-field="${field}"] select, [data-field="${field}"] textarea`,
    )
  }

  /** Waits until the record editor shows the record named `name`. */
  async waitForRecord(name: string): Promise<void> {
    await this.record.getByRole('heading', { name }).waitFor()
  }

  /** Types a new value into a text-like field and leaves it (the edit is stored on `change`). */
  async setText(field: string, value: string): Promise<void> {
    const control = this.control(field)
    await control.fill(value)
    await control.press('Tab')
    await this.pendingMark(field).waitFor()
  }

  /** Picks a picklist value. */
  async pick(field: string, value: string): Promise<void> {
    await this.control(field).selectOption(value)
    await this.pendingMark(field).waitFor()
  }

  /** Types into a long-text field at its start or its end, key by key. */
  async typeInto(field: string, text: string, at: 'start' | 'end'): Promise<void> {
    const textarea = this.control(field)
    await textarea.click()
    await textarea.press(at === 'start' ? 'Control+Home' : 'Control+End')
    await textarea.pressSequentially(text)
  }

  /**
   * Waits until every edit is committed to IndexedDB: the client's `beforeunload` guard (which
   * asks before leaving while an edit is being stored) no longer objects.
   */
  async editsStored(): Promise<void> {
    await this.page.waitForFunction(() => {
      const event = new Event('beforeunload', { cancelable: true })
      window.dispatchEvent(event)
      return !event.defaultPrevented
    })
  }

  /** The "Not yet in Salesforce" mark of a field. */
  pendingMark(field: string): Locator {
    return this.record.locator(`[data-field="${field}"] [part=pending-mark]`)
  }

  /** The value a field's control shows. */
  async value(field: string): Promise<string> {
    return this.control(field).inputValue()
  }

  /** The pending changes list's entries. */
  get pendingChanges(): Locator {
    return this.page.locator('briefcase-pending [part=change]')
  }

  /** Saves a screenshot of the whole page as `artifacts/e2e/<name>.png`. */
  async screenshot(name: string): Promise<string> {
    const path = `${artifactsDir}/${name}.png`
    await this.page.screenshot({ path, fullPage: true })
    return path
  }

  async close(): Promise<void> {
    await this.context.close()
  }
}
