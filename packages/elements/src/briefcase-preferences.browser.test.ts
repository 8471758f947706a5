import { afterEach, beforeEach, expect, test } from 'vitest'
import { page } from 'vitest/browser'
import './index.js'
import type { BriefcasePreferences } from './briefcase-preferences.js'
import type { PreferenceRefusedEvent } from './events/preferences-events.js'

// The limit and the notices of Offline Preferences, without a relay (the choices are local until
// saved). Choosing from the org's items with the mouse and saving run in tests/e2e.

let prefs: BriefcasePreferences
let refused: PreferenceRefusedEvent[]

beforeEach(async () => {
  prefs = document.createElement('briefcase-preferences')
  refused = []
  prefs.addEventListener('briefcase-preference-refused', (e) => refused.push(e))
  document.body.append(prefs)
  await prefs.updateComplete
})

afterEach(() => prefs.remove())

test('with nothing chosen it explains the default cache', async () => {
  await expect
    .element(page.getByText('No items chosen, so the default cache applies'))
    .toBeVisible()
  await expect.element(page.getByText('0 of 7 chosen')).toBeVisible()
})

test('the 8th item is refused, with an alert and an event; removing one makes room', async () => {
  for (let i = 1; i <= 7; i++) expect(prefs.choose(`object:Object${i}`, true)).toBe(true)
  expect(prefs.choose('object:Object8', true)).toBe(false)
  expect(prefs.selection).toHaveLength(7)
  expect(refused.map((e) => [e.item, e.max])).toEqual([['object:Object8', 7]])
  expect(refused[0]?.bubbles && refused[0].composed).toBe(true)
  await expect
    .element(page.getByRole('alert'))
    .toHaveTextContent('You can choose up to 7 offline items. Remove one to add another.')
  await expect.element(page.getByText('7 of 7 chosen')).toBeVisible()

  expect(prefs.choose('object:Object1', false)).toBe(true)
  expect(prefs.choose('object:Object8', true)).toBe(true)
  await expect.element(page.getByRole('alert')).not.toBeInTheDocument()
})

test('a first choice warns that saving replaces the default cache', async () => {
  prefs.choose('myTasks', true)
  await expect
    .element(page.getByRole('note'))
    .toHaveTextContent(
      'Saving replaces the default cache: only the records of these items stay offline.',
    )
  await expect.element(page.getByRole('button', { name: 'Save' })).toBeEnabled()
  await page.getByRole('button', { name: 'Cancel' }).click()
  await expect.element(page.getByRole('button', { name: 'Save' })).toBeDisabled()
})

test('the limit follows the max attribute', async () => {
  prefs.max = 2
  await prefs.updateComplete
  expect(prefs.choose('a', true) && prefs.choose('b', true)).toBe(true)
  expect(prefs.choose('c', true)).toBe(false)
  await expect.element(page.getByText('2 of 2 chosen')).toBeVisible()
})
