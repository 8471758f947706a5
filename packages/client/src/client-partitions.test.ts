import type { FieldValue } from '@briefcase/record'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RecordHandle } from './record-handle.js'
import type { RelayHarness, TestDevice } from './testing/relay-harness.js'
import { eventually, startRelayHarness } from './testing/relay-harness.js'
import { storedText } from './testing/stored-text.js'

type Row = Record<string, unknown>

/** The puller's period here: anything that arrives sooner came over the live path. */
const PULL_PERIOD_MS = 600_000
const TRIALS = 50

let h: RelayHarness
let rep: TestDevice
let manager: TestDevice
/** Accounts rep1 owns (the manager reads them too): each test takes its own. */
let accounts: string[]
beforeAll(async () => {
  h = await startRelayHarness(160, {
    projection: {
      options: { debounceMs: 10 },
      pull: { intervalMs: PULL_PERIOD_MS },
      changeEvents: false,
    },
  })
  // Polls as long as the puller: a cross-user edit can only arrive live.
  const options = {
    liveSyncLimit: 400,
    timings: {
      pushDelayMs: 10,
      pendingPollMs: PULL_PERIOD_MS,
      openPollMs: PULL_PERIOD_MS,
      reconnectMinMs: 20,
      reconnectMaxMs: 200,
    },
  }
  rep = await h.device('parts-rep', 'rep1@briefcase.test', options)
  manager = await h.device('parts-manager', 'manager@briefcase.test', options)
  await eventually(() => rep.client.online && manager.client.online, 'both online')
  const rep1 = rep.client.session?.user.id
  accounts = (h.org.snapshot().Account ?? [])
    .filter((r: Row) => r.IsDeleted !== true && r.OwnerId === rep1)
    .map((r: Row) => `Account/${String(r.Id)}`)
}, 60_000)
afterAll(async () => {
  await h.close()
})

const take = (n: number): string[] => accounts.splice(0, n)
const orgRow = (doc: string): Row | undefined =>
  h.org.snapshot().Account?.find((r: Row) => `Account/${String(r.Id)}` === doc)
const openBoth = (docs: readonly string[]): Promise<[RecordHandle, RecordHandle][]> =>
  Promise.all(
    docs.map(async (d) => {
      const pair: [RecordHandle, RecordHandle] = [
        await rep.client.open(d),
        await manager.client.open(d),
      ]
      await eventually(() => pair[0].live && pair[1].live, `${d} live on both`, 15_000)
      return pair
    }),
  )
const closeAll = (pairs: readonly (readonly RecordHandle[])[]): Promise<void[]> =>
  Promise.all(pairs.flat().map((x) => x.close()))
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

/** Resolves with the ms until `handle.get(field)` is `value` (checked on each change). */
function arrival(handle: RecordHandle, field: string, value: FieldValue): Promise<number> {
  const start = Date.now()
  return new Promise((resolve) => {
    const check = (): void => {
      if (handle.get(field) !== value) return
      handle.removeEventListener('record-change', check)
      resolve(Date.now() - start)
    }
    handle.addEventListener('record-change', check)
    check()
  })
}

describe('a rep and a manager on the real client (readability partitions, ADR 0005)', () => {
  it('shows the manager Credit_Limit__c, to read and edit; the rep’s client never receives it', async () => {
    const [doc] = take(1) as [string]
    const [[r, m]] = (await openBoth([doc])) as [[RecordHandle, RecordHandle]]
    expect(Object.keys(m.schema.schema.fields)).toContain('Credit_Limit__c')
    expect(Object.keys(r.schema.schema.fields)).not.toContain('Credit_Limit__c')
    expect(m.documents).toHaveLength(2)
    expect(r.documents).toHaveLength(1)
    expect(m.get('Credit_Limit__c')).toBe(orgRow(doc)?.Credit_Limit__c ?? null)
    expect(m.get('Name')).toBe(orgRow(doc)?.Name)

    await m.set('Credit_Limit__c', 654_321)
    await eventually(() => orgRow(doc)?.Credit_Limit__c === 654_321, 'the org has it', 20_000)
    expect(orgRow(doc)?.LastModifiedById).toBe(manager.client.session?.user.id)
    expect(r.values()).not.toHaveProperty('Credit_Limit__c')
    await expect(r.set('Credit_Limit__c', 1)).rejects.toThrow()

    // One record across documents: pending change, sync status and name.
    manager.client.goOffline()
    await m.setMany({ Phone: '4155550999', Credit_Limit__c: 111 })
    expect(m.get('Credit_Limit__c')).toBe(111)
    expect(
      m
        .pending()
        ?.fields.map((f) => f.field)
        .sort(),
    ).toEqual(['Credit_Limit__c', 'Phone'])
    const listed = (await manager.client.pendingChanges()).filter((p) => p.doc === doc)
    expect(listed).toHaveLength(1)
    expect(listed[0]?.fields.map((f) => f.field).sort()).toEqual(['Credit_Limit__c', 'Phone'])
    expect(listed[0]?.state).toBe('saved')
    expect(listed[0]?.name).toBe(orgRow(doc)?.Name)
    await manager.client.goOnline()
    await eventually(
      () => orgRow(doc)?.Credit_Limit__c === 111 && orgRow(doc)?.Phone === '4155550999',
      'both documents’ edits written',
      20_000,
    )
    await eventually(
      async () => (await manager.client.pendingChanges()).every((p) => p.doc !== doc),
      'off the pending list',
      20_000,
    )
    const entry = (await manager.client.listCache({ sobject: 'Account' })).find(
      (e) => e.doc === doc,
    )
    expect(entry?.syncStatus).toBe('synced')
    await eventually(() => r.get('Phone') === '4155550999', 'the rep sees Phone')

    // What the rep's device stored: not the field, not its history. The same probe finds it on
    // the manager's device.
    expect(await storedText(manager.factory)).toContain('Credit_Limit__c')
    expect(await storedText(rep.factory)).not.toContain('Credit_Limit__c')
    await closeAll([[r, m]])
  }, 60_000)

  it('brings the rep’s edit to the manager’s client over the live path, not the puller', async () => {
    const pairs = await openBoth(take(10))
    const times: number[] = []
    for (const [i, [r, m]] of pairs.entries()) {
      const value = `41577${String(10_000 + i)}`
      const arrived = arrival(m, 'Phone', value)
      await r.set('Phone', value)
      times.push(await arrived)
    }
    times.sort((a, b) => a - b)
    // Each well before any puller period (600 s here, ~55 s by default); typically milliseconds.
    expect(times[times.length - 1]).toBeLessThan(5_000)
    expect(times[Math.floor(times.length / 2)]).toBeLessThan(1_000)
    await closeAll(pairs)
  }, 60_000)

  it(`gives a field to the later edit, 100 ms to 2 s apart, in both orders (${TRIALS} trials)`, async () => {
    const docs = take(TRIALS)
    expect(docs).toHaveLength(TRIALS)
    const pairs = await openBoth(docs)
    const expected = await Promise.all(
      pairs.map(async ([r, m], i) => {
        const delta = 100 + Math.round((1_900 * i) / (TRIALS - 1))
        const repFirst = i % 2 === 0
        const [first, second] = repFirst ? [r, m] : [m, r]
        const firstValue = `41588${String(10_000 + i)}`
        const later = `41599${String(10_000 + i)}`
        await first.set('Phone', firstValue)
        await sleep(delta)
        await second.set('Phone', later)
        return { later, by: (repFirst ? manager : rep).client.session?.user.id }
      }),
    )
    await eventually(
      () => pairs.every(([r, m], i) => [r, m].every((x) => x.get('Phone') === expected[i]?.later)),
      'every device holds the later edit',
      20_000,
    )
    await eventually(
      () => docs.every((d, i) => orgRow(d)?.Phone === expected[i]?.later),
      'the org holds the later edit',
      30_000,
    )
    for (const [i, d] of docs.entries()) {
      expect(orgRow(d)?.LastModifiedById).toBe(expected[i]?.by)
      expect(pairs[i]?.[0].get('Phone')).toBe(expected[i]?.later)
      expect(pairs[i]?.[1].get('Phone')).toBe(expected[i]?.later)
    }
    await closeAll(pairs)
  }, 90_000)

  it('keeps both users’ concurrent inserts into one Description, once each, in place', async () => {
    const docs = take(6)
    const pairs = await openBoth(docs)
    const rounds = 3
    await Promise.all(
      pairs.map(async ([r, m], i) => {
        for (let k = 0; k < rounds; k++) {
          // Neither waits for the other: the inserts cross on the wire.
          await Promise.all([
            r.insertText('Description', 0, `<r${i}-${k}>`),
            m.insertText(
              'Description',
              m.get('Description')?.toString().length ?? 0,
              `<m${i}-${k}>`,
            ),
          ])
        }
      }),
    )
    await eventually(
      () => pairs.every(([r, m]) => r.get('Description') === m.get('Description')),
      'both devices converge',
      20_000,
    )
    for (const [i, [r]] of pairs.entries()) {
      const text = String(r.get('Description'))
      for (let k = 0; k < rounds; k++) {
        expect(text.split(`<r${i}-${k}>`)).toHaveLength(2)
        expect(text.split(`<m${i}-${k}>`)).toHaveLength(2)
      }
      // The rep's inserts stand before the manager's, each in the order typed.
      expect(text.indexOf(`<r${i}-2>`)).toBeLessThan(text.indexOf(`<r${i}-0>`))
      expect(text.indexOf(`<m${i}-0>`)).toBeLessThan(text.indexOf(`<m${i}-2>`))
    }
    await eventually(
      () => docs.every((d, i) => orgRow(d)?.Description === pairs[i]?.[0].get('Description')),
      'the org holds both texts',
      30_000,
    )
    await closeAll(pairs)
  }, 60_000)
})
