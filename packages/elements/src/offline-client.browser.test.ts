import type { BriefcaseClient } from '@briefcase/client'
import { createBriefcaseClient } from '@briefcase/client'
import { afterEach, beforeEach, expect, test } from 'vitest'
import { page, userEvent } from 'vitest/browser'
import './index.js'
import type { BriefcaseSession } from './briefcase-session.js'
import { OpenRecordEvent } from './events/open-record-event.js'

// Elements on a real client that has no relay to reach and nobody signed in: what they show and
// how they are operated before sign-in. Data-driven behaviour runs against the real server in
// tests/e2e.

let client: BriefcaseClient
let session: BriefcaseSession

beforeEach(async () => {
  client = createBriefcaseClient({ relayUrl: 'http://127.0.0.1:9' })
  await client.ready
  session = document.createElement('briefcase-session')
  session.client = client
  session.innerHTML = `
    <p slot="signed-out">Welcome, please sign in.</p>
    <briefcase-status></briefcase-status>
    <briefcase-offline-switch></briefcase-offline-switch>
    <briefcase-create></briefcase-create>
    <briefcase-record></briefcase-record>`
  document.body.append(session)
  await session.updateComplete
})

afterEach(async () => {
  session.remove()
  await client.close()
})

test('signed out: a sign-in button, the signed-out slot, and the content hidden', async () => {
  await expect
    .element(page.getByRole('region', { name: 'Session' }))
    .toHaveTextContent('Not signed in')
  await expect.element(page.getByRole('button', { name: 'Sign in with Salesforce' })).toBeEnabled()
  await expect.element(page.getByText('Welcome, please sign in.')).toBeVisible()
  expect(page.getByRole('switch', { name: 'Work offline' }).query()).toBeNull()
  expect(session.session).toBeNull()
  expect(session.activeClient).toBe(client)
})

test('the sign-in URL goes to the relay with this device and this page to return to', () => {
  const url = new URL(client.signInUrl(window.location.href))
  expect(url.pathname).toBe('/auth/login')
  expect(url.searchParams.get('return')).toBe(window.location.href)
  expect(url.searchParams.get('device')).toMatch(/^[A-Za-z0-9_-]+$/)
})

test('the work-offline switch is a keyboard-operable switch that drives the client', async () => {
  const toggle = session.querySelector('briefcase-offline-switch')
  const button = toggle?.shadowRoot?.querySelector('button')
  if (!toggle || !button) throw new Error('no switch')
  // Reveal the content (the switch works signed out too; it is hidden only by the session).
  session.shadowRoot?.querySelector('[part=content]')?.removeAttribute('hidden')
  const sw = page.getByRole('switch', { name: 'Work offline' })
  await expect.element(sw).toHaveAttribute('aria-checked', 'false')
  button.focus()
  await userEvent.keyboard(' ')
  await expect.element(sw).toHaveAttribute('aria-checked', 'true')
  expect(client.status.forcedOffline).toBe(true)
  await expect
    .element(page.getByRole('status', { name: 'Sync status' }))
    .toHaveTextContent('Signed out')
  await userEvent.keyboard('{Enter}')
  await expect.element(sw).toHaveAttribute('aria-checked', 'false')
  expect(client.status.forcedOffline).toBe(false)
})

test('the "+" menu and the record editor wait for a signed-in user', async () => {
  const plus = session.querySelector('briefcase-create')?.shadowRoot?.querySelector('button')
  expect(plus?.disabled).toBe(true)
  expect(plus?.getAttribute('aria-haspopup')).toBe('menu')
  expect(plus?.getAttribute('aria-label')).toBe('New record')
  const record = session.querySelector('briefcase-record')
  await record?.updateComplete
  expect(record?.shadowRoot?.textContent).toContain('Sign in to see records.')
})

test('a briefcase-open-record event from inside selects the record for the session', () => {
  const record = session.querySelector('briefcase-record')
  const heard: OpenRecordEvent[] = []
  const listen = (e: OpenRecordEvent): void => void heard.push(e)
  document.body.addEventListener(OpenRecordEvent.eventName, listen)
  record?.shadowRoot?.firstElementChild?.dispatchEvent(
    new OpenRecordEvent('Account/001000000000001AAA', 'Phone'),
  )
  expect(session.selection).toEqual({ doc: 'Account/001000000000001AAA', field: 'Phone' })
  expect(heard).toHaveLength(1) // it crossed the shadow root and kept bubbling
  document.body.removeEventListener(OpenRecordEvent.eventName, listen)
  session.selectRecord(undefined)
  expect(session.selection).toBeUndefined()
})
