import { expect } from 'vitest'
import { axeViolations } from '../support/axe.js'
import { users } from '../support/device.js'
import { focused } from '../support/focus.js'
import { accountOwnedBy } from '../support/org-data.js'
import type { Stack } from '../support/stack.js'
import { openDevice } from '../support/stack.js'

/**
 * axe-core finds no violation of impact moderate or above on the demo page in its main states:
 * signed out, the cache, a record, pending changes with an error, preferences, the create dialog.
 */
export async function axeMainStates(stack: Stack): Promise<void> {
  const account = await accountOwnedBy(stack.server, users.rep2.username)
  const device = await openDevice(stack, 'a11y-rep2', `/?record=${account.doc}`)
  const { page } = device
  await page.getByRole('button', { name: 'Sign in with Salesforce' }).waitFor()
  expect.soft(await axeViolations(page), 'signed out').toEqual([])

  await device.signIn(users.rep2)
  await device.refreshCache()
  expect.soft(await axeViolations(page), 'the cache').toEqual([])

  await device.waitForRecord(account.name)
  await device.control('Phone').waitFor()
  expect.soft(await axeViolations(page), 'a record').toEqual([])

  await device.setText('Phone', '12')
  await page.locator('briefcase-pending [part=error]').waitFor({ timeout: 30_000 })
  expect.soft(await axeViolations(page), 'pending with an error').toEqual([])

  const prefs = page.locator('briefcase-preferences')
  await prefs.getByRole('checkbox', { name: 'My Tasks', exact: true }).check()
  expect.soft(await axeViolations(page), 'preferences').toEqual([])

  await page.locator('briefcase-create [part=button]').click()
  await page.getByRole('menuitem').first().waitFor()
  expect.soft(await axeViolations(page), 'the + menu').toEqual([])
  await page.getByRole('menuitem').first().click()
  await page.locator('briefcase-create [part=form] [data-field]').first().waitFor()
  expect.soft(await axeViolations(page), 'the create dialog').toEqual([])
  await device.close()
}

/**
 * The keyboard paths: named landmarks; the cache list is one Tab stop with ↑/↓/Home/End inside;
 * focus stays on Refresh through a refresh; the "+" menu takes Home/End and Escape returns focus
 * to "+"; Escape in the create dialog returns focus to "+" too.
 */
export async function keyboardPaths(stack: Stack): Promise<void> {
  const device = await openDevice(stack, 'a11y-manager')
  const { page } = device
  await device.signIn(users.manager)
  expect(await page.getByRole('main').count()).toBe(1)
  for (const name of ['Session', 'Connection', 'Records', 'Record', 'Pending changes']) {
    await page.getByRole('region', { name, exact: true }).waitFor()
  }

  const refresh = page.locator('briefcase-cache [part=refresh]')
  await refresh.focus()
  await page.keyboard.press('Enter')
  await refresh.filter({ hasText: 'Refreshing' }).waitFor()
  await refresh.filter({ hasText: /^\s*Refresh\s*$/ }).waitFor({ timeout: 60_000 })
  expect((await page.evaluate(focused)).part).toBe('refresh')

  const buttons = page.locator('briefcase-cache [part=record] button')
  const names = (await buttons.allTextContents()).map((t) => t.trim())
  expect(names.length).toBeGreaterThan(3)
  expect(await page.locator('briefcase-cache [part=record] button[tabindex="0"]').count()).toBe(1)
  await page.keyboard.press('Tab')
  expect(await page.evaluate(focused)).toMatchObject({ tag: 'button', text: names[0] })
  await page.keyboard.press('ArrowDown')
  expect((await page.evaluate(focused)).text).toBe(names[1])
  await page.keyboard.press('End')
  expect((await page.evaluate(focused)).text).toBe(names.at(-1))
  await page.keyboard.press('Home')
  expect((await page.evaluate(focused)).text).toBe(names[0])
  await page.keyboard.press('ArrowDown')
  await page.keyboard.press('Tab')
  expect(names.slice(1)).not.toContain((await page.evaluate(focused)).text)
  await page.keyboard.press('Shift+Tab')
  expect((await page.evaluate(focused)).text).toBe(names[1])

  const plus = page.locator('briefcase-create [part=button]')
  await plus.focus()
  await page.keyboard.press('Enter')
  const items = page.getByRole('menuitem')
  await items.first().waitFor()
  const labels = (await items.allTextContents()).map((t) => t.trim())
  expect((await page.evaluate(focused)).text).toBe(labels[0])
  await page.keyboard.press('End')
  expect((await page.evaluate(focused)).text).toBe(labels.at(-1))
  await page.keyboard.press('Home')
  expect((await page.evaluate(focused)).text).toBe(labels[0])
  await page.keyboard.press('Escape')
  await items.first().waitFor({ state: 'detached' })
  expect((await page.evaluate(focused)).part).toBe('button')

  await page.keyboard.press('Enter')
  await items.first().waitFor()
  await page.keyboard.press('Enter')
  const form = page.locator('briefcase-create [part=dialog]')
  await form.locator('[part=form] [data-field]').first().waitFor()
  await page.keyboard.press('Escape')
  await form.waitFor({ state: 'hidden' })
  expect((await page.evaluate(focused)).part).toBe('button')
  await device.close()
}
