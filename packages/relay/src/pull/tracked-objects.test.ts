import { afterEach, beforeEach, expect, it } from 'vitest'
import type { Harness } from '../projection/org-harness.contract.js'
import { MANAGER, REP1, startHarness } from '../projection/org-harness.contract.js'
import { trackedObjects } from './tracked-objects.js'

let h: Harness
beforeEach(async () => {
  h = await startHarness()
})
afterEach(async () => {
  await h.close()
})

it('lists each object with documents of records once, in order', async () => {
  expect(await trackedObjects(h.relayStore)).toEqual([])
  for (const name of ['B', 'A', 'C']) {
    const id = await h.create('Account', { Name: name }, REP1)
    await h.load('Account', id, REP1)
    await h.load('Account', id, MANAGER)
  }
  const contact = await h.create('Contact', { LastName: 'Doe' }, REP1)
  await h.load('Contact', contact, REP1)
  const deal = { Name: 'Deal', StageName: 'Prospecting', CloseDate: '2026-12-31' }
  await h.load('Opportunity', await h.create('Opportunity', deal, REP1), REP1)
  expect(await trackedObjects(h.relayStore)).toEqual(['Account', 'Contact', 'Opportunity'])
})
