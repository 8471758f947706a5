import { describe, expect, it } from 'vitest'
import type { PlannedRecord } from './api.js'
import type { CachePlanLine } from './cache-plan-stream.js'
import { encodeCachePlanLine, readCachePlanStream } from './cache-plan-stream.js'

const record = (n: number): PlannedRecord => ({
  doc: `Account/001000000000${String(n).padStart(3, '0')}AAA`,
  sobject: 'Account',
  id: `001000000000${String(n).padStart(3, '0')}AAA`,
  name: `Account ${n}`,
  source: 'briefcase',
  item: 'briefcase:mine',
})
const head: CachePlanLine = {
  head: { generatedAt: '2026-12-06T07:00:00.000Z', usingDefault: false },
}

/** The lines as bytes, cut at arbitrary places (a line may span chunks). */
function* bytes(lines: readonly CachePlanLine[], cut = 7): Generator<Uint8Array> {
  const all = new TextEncoder().encode(lines.map(encodeCachePlanLine).join(''))
  for (let at = 0; at < all.length; at += cut) yield all.slice(at, at + cut)
}

describe('the streamed cache plan', () => {
  it('reads pages of records and dashboards into one plan, telling how many records arrived', async () => {
    const seen: number[] = []
    const plan = await readCachePlanStream(
      bytes([
        head,
        { records: [record(1), record(2)] },
        { records: [record(3)] },
        { dashboard: { id: 'd1', title: 'D', item: 'dashboard:d1', snapshot: {}, takenAt: 'x' } },
        { end: { records: 3 } },
      ]),
      (n) => seen.push(n),
    )
    expect(plan.records.map((r) => r.name)).toEqual(['Account 1', 'Account 2', 'Account 3'])
    expect(plan.dashboards.map((d) => d.id)).toEqual(['d1'])
    expect(plan.usingDefault).toBe(false)
    expect(seen).toEqual([2, 3])
  })

  it('is no plan without its end, with a wrong count, or when the relay aborted it', async () => {
    await expect(
      readCachePlanStream(bytes([head, { records: [record(1)] }])),
    ).rejects.toMatchInlineSnapshot(
      `[CachePlanStreamError: Malformed cache plan: the cache plan stopped before its end.]`,
    )
    await expect(
      readCachePlanStream(bytes([head, { records: [record(1)] }, { end: { records: 2 } }])),
    ).rejects.toMatchInlineSnapshot(
      `[CachePlanStreamError: Malformed cache plan: the relay sent 2 records, 1 arrived.]`,
    )
    const aborted = readCachePlanStream(
      bytes([
        head,
        { records: [record(1)] },
        { aborted: { code: 'BRIEFCASE_SALESFORCE_UNAVAILABLE', message: 'Salesforce is down.' } },
      ]),
    )
    await expect(aborted).rejects.toMatchObject({
      name: 'CachePlanStreamError',
      code: 'BRIEFCASE_SALESFORCE_UNAVAILABLE',
      message: 'Salesforce is down.',
    })
    const garbage = [
      new TextEncoder().encode('{"head":{"generatedAt":"x","usingDefault":true}}\nnot json\n'),
    ]
    await expect(readCachePlanStream(garbage)).rejects.toMatchObject({
      code: 'BRIEFCASE_BAD_REQUEST',
    })
  })
})
