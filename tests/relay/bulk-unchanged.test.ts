import type { Org } from '@briefcase/org'
import { createOrg } from '@briefcase/org'
import type { BulkStreamAnswer } from '@briefcase/protocol'
import type { TestRelay } from '@briefcase/relay/testing'
import { startTestRelay } from '@briefcase/relay/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Device } from './device.js'

type Row = Record<string, unknown>

/** Documents the relay answered without loading them, so far. */
async function unchangedCount(t: TestRelay): Promise<number> {
  const text = await (await fetch(`${t.url}/metrics`)).text()
  const line = text
    .split('\n')
    .find((l) => l.startsWith('briefcase_bulk_docs_total{outcome="unchanged"}'))
  return line ? Number(line.split(' ')[1]) : 0
}

function answerOf(answers: BulkStreamAnswer[], name: string): BulkStreamAnswer | undefined {
  return answers.find((a) => 'name' in a && a.name === name)
}

/**
 * A reconnect of an unchanged cache: documents whose state vector is the one the relay stored
 * with their last commit are answered from that digest (nothing loaded, nothing sent), and only
 * after the user's access is checked as for any other document.
 */
describe('bulk sync of documents the device and the relay agree on', () => {
  let org: Org
  let t: TestRelay
  let accounts: string[]
  beforeAll(async () => {
    org = createOrg({ accounts: 8 })
    // Access answers are not trusted for any time: every sync asks Salesforce.
    t = await startTestRelay({ org, relay: { cacheTtlMs: { access: 0 } } })
    accounts = (org.snapshot().Account ?? [])
      .filter((a) => a.IsDeleted !== true)
      .map((a) => `Account/${String(a.Id)}`)
  })
  afterAll(async () => {
    await t.close()
    await org.close()
  })

  it('answers an unchanged document without loading it, and a changed one on either side in full', async () => {
    const a = await Device.signIn(t.url, 'manager', 'unchanged-a')
    const b = await Device.signIn(t.url, 'manager', 'unchanged-b')
    const names = accounts.slice(0, 4)
    const [mine, theirs] = names as [string, string]
    expect((await a.stream(names)).every((r) => 'name' in r && r.ok)).toBe(true)
    await b.stream([theirs])

    // Nothing changed anywhere: every document is answered from its digest, with nothing.
    let before = await unchangedCount(t)
    const quiet = await a.stream(names, { quiet: true })
    expect(await unchangedCount(t)).toBe(before + 4)
    for (const name of names) {
      const answer = answerOf(quiet, name)
      expect(answer).toMatchObject({ ok: true })
      expect(answer && 'ok' in answer && answer.ok && answer.update.length).toBe(0)
    }

    // A device edit, and another device's edit to a document it holds unchanged.
    ;(await a.open(mine)).set('Phone', '+1 555 0100')
    ;(await b.open(theirs)).set('Website', 'https://elsewhere.example')
    await b.stream([theirs], { quiet: true })
    before = await unchangedCount(t)
    const answers = await a.stream(names, { quiet: true })
    expect(await unchangedCount(t)).toBe(before + 2)
    expect(answers.every((r) => 'name' in r && r.ok)).toBe(true)
    expect((await a.open(theirs)).get('Website')).toBe('https://elsewhere.example')
    await b.stream([mine])
    expect((await b.open(mine)).get('Phone')).toBe('+1 555 0100')
    // Both sides agree again: the next reconnect loads nothing.
    before = await unchangedCount(t)
    await a.stream(names, { quiet: true })
    expect(await unchangedCount(t)).toBe(before + 4)
  })

  it('refuses an unchanged document whose record the user may no longer read', async () => {
    const rep1 = await Device.signIn(t.url, 'rep1', 'unchanged-rep1')
    const manager = await Device.signIn(t.url, 'manager', 'unchanged-manager')
    const opp = (org.snapshot().Opportunity ?? []).find(
      (o: Row) => o.OwnerId === rep1.userId && o.IsDeleted !== true,
    )
    const name = `Opportunity/${String(opp?.Id)}`
    const other = accounts[5] as string
    expect((await rep1.stream([name, other])).every((r) => 'name' in r && r.ok)).toBe(true)
    let before = await unchangedCount(t)
    await rep1.stream([name, other], { quiet: true })
    expect(await unchangedCount(t)).toBe(before + 2)

    // The manager takes the private Opportunity over in Salesforce; the relay's document does
    // not change (no puller here), so rep1's replica still matches its digest.
    const res = await fetch(
      `${t.url}/services/data/v62.0/sobjects/Opportunity/${String(opp?.Id)}`,
      {
        method: 'PATCH',
        headers: {
          authorization: `Bearer ${org.issueToken('manager@briefcase.test')}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({ OwnerId: manager.userId }),
      },
    )
    expect(res.status).toBe(204)
    before = await unchangedCount(t)
    const answers = await rep1.stream([name, other], { quiet: true })
    expect(answerOf(answers, name)).toMatchObject({ ok: false, code: 'BRIEFCASE_FORBIDDEN' })
    expect(answerOf(answers, other)).toMatchObject({ ok: true })
    expect(await unchangedCount(t)).toBe(before + 1)
  })
})
