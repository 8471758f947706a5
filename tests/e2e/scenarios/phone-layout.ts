import { expect } from 'vitest'
import { Device, users } from '../support/device.js'
import { accountOwnedBy } from '../support/org-data.js'
import type { Stack } from '../support/stack.js'

const PHONE = { width: 390, height: 844 }

/** True when the page scrolls sideways. */
function scrollsSideways(device: Device): Promise<boolean> {
  return device.page.evaluate(
    () => document.documentElement.scrollWidth > document.documentElement.clientWidth,
  )
}

/**
 * A phone (390×844): the list, then the record in one pane, shown at once at the top with the
 * status in view, tap targets of at least 44 px, no sideways scrolling, and Back to the list.
 */
export async function phoneLayout(stack: Stack): Promise<void> {
  const account = await accountOwnedBy(stack.server, users.manager.username)
  const context = await stack.browser.newContext({
    baseURL: stack.server.url,
    viewport: PHONE,
    hasTouch: true,
    isMobile: true,
  })
  const device = await Device.inContext(context, 'shell-phone', `/?record=${account.doc}`)
  const { page } = device
  try {
    await device.signIn(users.manager)
    await device.waitForRecord(account.name)
    await page.getByRole('button', { name: 'Back to records' }).tap()
    const entry = device.cacheEntries.filter({ hasText: account.name })
    await entry.waitFor()
    expect(await device.record.isVisible()).toBe(false)
    expect(await scrollsSideways(device)).toBe(false)

    await entry.locator('button').tap()
    const heading = device.record.getByRole('heading', { name: account.name })
    await heading.waitFor()
    const box = await heading.boundingBox()
    expect(box?.y).toBeGreaterThanOrEqual(0)
    expect((box?.y ?? PHONE.height) + (box?.height ?? 0)).toBeLessThanOrEqual(PHONE.height)
    expect(await page.locator('briefcase-cache').isVisible()).toBe(false)
    const status = page.locator('briefcase-status [part=connection]')
    expect(await status.isVisible()).toBe(true)
    expect(await page.locator('briefcase-status [part=pending]').isVisible()).toBe(true)
    expect(await scrollsSideways(device)).toBe(false)
    // Every button and field a finger can reach on this pane is at least 44 px high.
    const heights = await page
      .locator('briefcase-record button:visible, briefcase-record input:visible, .back')
      .evaluateAll((elements) => elements.map((e) => e.getBoundingClientRect().height))
    expect(heights.length).toBeGreaterThan(5)
    expect(Math.min(...heights)).toBeGreaterThanOrEqual(44)
    await device.screenshot('shell-phone-record')

    // The status stays in view while scrolling down the record.
    await page.mouse.wheel(0, 2000)
    await device.control('Phone').scrollIntoViewIfNeeded()
    const statusBox = await status.boundingBox()
    expect(statusBox?.y).toBeGreaterThanOrEqual(0)
    expect(statusBox?.y).toBeLessThan(120)

    // The browser's back returns to the list.
    await page.goBack()
    await entry.waitFor()
    expect(await device.record.isVisible()).toBe(false)
  } finally {
    await device.close()
  }
}
