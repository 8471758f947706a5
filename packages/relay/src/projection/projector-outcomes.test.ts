import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Harness } from './org-harness.contract.js'
import { MANAGER, REP1, REP2, startHarness } from './org-harness.contract.js'
import { createProjector } from './projector.js'

let h: Harness
beforeEach(async () => {
  h = await startHarness()
})
afterEach(async () => {
  await h.close()
})

async function create(
  sobject: string,
  values: Record<string, unknown>,
  username = MANAGER,
): Promise<string> {
  const r = await h.conn(username).sobject(sobject).create(values)
  if (!r.success) throw new Error('create failed')
  return r.id
}

/** Calls the projector made (the harness's describes, which the relay core caches, left out). */
function calls(): string[] {
  return h.calls().filter((c) => !c.endsWith('/describe'))
}

describe('projector outcomes', () => {
  it('shows a validation error on the record only; other records go through; the fix syncs', async () => {
    const good = await h.load('Account', await create('Account', { Name: 'Good' }), REP1)
    const bad = await h.load('Account', await create('Account', { Name: 'Bad' }), REP1)
    const group = await h.group('Account', REP1)
    const phone = h.device(REP1, 'phone')
    ;(await phone.open(bad)).set('Phone', '123')
    ;(await phone.open(good)).set('Phone', '4155550100')
    await phone.push(bad, group)
    await phone.push(good, group)
    const projector = createProjector(h.config())
    expect(await projector.runOnce()).toMatchObject({ written: 1, refused: 1 })
    const refused = await phone.pull(bad)
    expect(refused.status()).toMatchObject({
      state: 'error',
      code: 'FIELD_CUSTOM_VALIDATION_EXCEPTION',
      message: 'Phone must contain at least 10 digits.',
      fields: ['Phone'],
    })
    expect((await phone.pull(good)).status()?.state).toBe('ok')
    expect(h.records('Account').find((r) => r.Name === 'Good')?.Phone).toBe('4155550100')
    // Blocked until the document changes: another run sends nothing.
    h.org.clearCalls()
    expect(await projector.runOnce()).toMatchObject({ calls: 0 })
    expect(calls()).toEqual([])
    refused.set('Phone', '4155550123')
    await phone.push(bad, group)
    expect(await projector.runOnce()).toMatchObject({ written: 1, refused: 0 })
    expect(h.records('Account').find((r) => r.Name === 'Bad')?.Phone).toBe('4155550123')
    expect((await phone.pull(bad)).status()?.state).toBe('ok')
  })

  it('merges a server-side change before writing, and a newer server value wins over an older edit', async () => {
    const id = await create('Account', { Name: 'Acme', Industry: 'Energy', Phone: '4155550100' })
    const ref = await h.load('Account', id, REP1)
    const group = await h.group('Account', REP1)
    const hourAgo = Date.now() - 3_600_000
    let t = hourAgo
    const phone = h.device(REP1, 'phone', () => ++t)
    const doc = await phone.open(ref)
    doc.set('Name', 'Acme Offline') // an hour ago, offline
    doc.set('Phone', '4155550111')
    await h
      .conn(MANAGER)
      .sobject('Account')
      .update({ Id: id, Industry: 'Retail', Phone: '4155550222' })
    await phone.push(ref, group)
    h.org.clearCalls()
    const report = await createProjector(h.config()).runOnce()
    expect(report).toMatchObject({ merged: 1, written: 1 })
    // One check, one write: the check's merge re-plans without checking again.
    expect(calls()).toEqual(['POST /composite', 'POST /composite'])
    expect(h.records('Account').find((r) => r.Id === id)).toMatchObject({
      Name: 'Acme Offline',
      Industry: 'Retail',
      Phone: '4155550222',
    })
    const after = await phone.pull(ref)
    expect(after.values()).toMatchObject({
      Name: 'Acme Offline',
      Industry: 'Retail',
      Phone: '4155550222',
    })
    expect(after.pending()?.superseded.map((s) => [s.field, s.value])).toEqual([
      ['Phone', '4155550111'],
    ])
  })

  it('refuses a write to another user’s private record, on that record’s status', async () => {
    const id = await create(
      'Opportunity',
      { Name: 'Secret deal', StageName: 'Prospecting', CloseDate: '2026-12-31' },
      REP1,
    )
    const ref = await h.load('Opportunity', id, REP1)
    const intruder = h.device(REP2, 'tablet')
    ;(await intruder.open(ref)).set('Amount', 1_000_000)
    await intruder.push(ref, await h.group('Opportunity', REP2))
    expect(await createProjector(h.config()).runOnce()).toMatchObject({ written: 0, refused: 1 })
    expect((await intruder.pull(ref)).status()).toMatchObject({
      state: 'error',
      code: 'INSUFFICIENT_ACCESS_OR_READONLY',
    })
    expect(h.records('Opportunity').find((r) => r.Id === id)?.Amount).toBeNull()
  })

  it('brings the workflow field update back to the document', async () => {
    const id = await create(
      'Opportunity',
      { Name: 'Deal', StageName: 'Prospecting', CloseDate: '2026-12-31' },
      REP1,
    )
    const ref = await h.load('Opportunity', id, REP1)
    const phone = h.device(REP1, 'phone')
    ;(await phone.open(ref)).set('StageName', 'Negotiation/Review')
    await phone.push(ref, await h.group('Opportunity', REP1))
    await createProjector(h.config()).runOnce()
    const doc = await phone.pull(ref)
    expect(doc.values()).toMatchObject({ StageName: 'Negotiation/Review', Probability: 90 })
    expect(doc.pending()).toBeNull()
  })

  it('treats an update of a record deleted in Salesforce as a server delete', async () => {
    const id = await create('Account', { Name: 'Doomed' })
    const ref = await h.load('Account', id, REP1)
    const phone = h.device(REP1, 'phone')
    ;(await phone.open(ref)).set('Name', 'Edited offline')
    await phone.push(ref, await h.group('Account', REP1))
    await h.conn(MANAGER).sobject('Account').destroy(id)
    await createProjector(h.config()).runOnce()
    const doc = await phone.pull(ref)
    expect(doc.isDeleted()).toBe(true)
    expect(doc.pending()?.deleted?.onServer).toBe(true)
    expect(doc.pending()?.beaten.map((b) => b.field)).toEqual(['Name'])
  })

  it('deletes records (a draft never sent costs no call)', async () => {
    const id = await create('Account', { Name: 'Old' }, REP1)
    const ref = await h.load('Account', id, REP1)
    const group = await h.group('Account', REP1)
    const phone = h.device(REP1, 'phone')
    ;(await phone.open(ref)).delete()
    const draft = phone.draft(group, { Name: 'Never' })
    draft.doc.delete()
    await phone.push(ref, group)
    await phone.push(draft.ref, group)
    h.org.clearCalls()
    expect(await createProjector(h.config()).runOnce()).toMatchObject({ calls: 1, written: 1 })
    expect(calls()).toEqual(['POST /composite'])
    expect(h.records('Account').find((r) => r.Id === id)?.IsDeleted).toBe(true)
    expect(h.records('Account').some((r) => r.Name === 'Never')).toBe(false)
    expect((await phone.pull(ref)).pending()?.operation ?? null).toBeNull()
    expect((await phone.pull(draft.ref)).pending()?.operation ?? null).toBeNull()
  })
})
