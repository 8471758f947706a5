import { afterAll, beforeAll, expect, it } from 'vitest'
import type { RefreshProgressEvent } from '../events.js'
import { CacheIndex } from '../storage/cache-index.js'
import { StorageGuard } from '../storage/storage-guard.js'
import type { RelayHarness } from '../testing/relay-harness.js'
import { eventually, startRelayHarness } from '../testing/relay-harness.js'

let h: RelayHarness
beforeAll(async () => {
  h = await startRelayHarness(60)
})
afterAll(async () => {
  await h.closeDevices()
  await h.close()
})

it('a first refresh reports progress as records are stored, not only when the request ends', async () => {
  const { client } = await h.device('progress-phone', 'rep1@briefcase.test')
  await eventually(() => client.online, 'online')
  const progress: number[] = []
  // Only the refresh's own events (a sync on start or reconnect reports its progress too).
  client.addEventListener('refresh-progress', (e: RefreshProgressEvent) => {
    if (e.reason === 'refresh') progress.push(e.done)
  })
  const result = await client.refresh()
  const count = await client.countCache()
  expect(count).toBeGreaterThan(40)
  expect(result.changed).toBe(count)
  expect(progress[0]).toBe(0)
  expect(progress.at(-1)).toBe(count)
  // Between 0 and all of them, the bar moves: at least one step per 32 records stored.
  const between = progress.filter((done) => done > 0 && done < count)
  expect(between.length).toBeGreaterThanOrEqual(Math.ceil(count / 32) - 1)
  expect(between.length).toBeGreaterThan(0)
  expect(new Set(progress).size).toBe(progress.length)
  expect(progress).toEqual([...progress].sort((a, b) => a - b))
})

it('stores the relay state vectors of a fill as their own bytes, not views of the response they came in', async () => {
  const { client, factory } = await h.device('vector-phone', 'rep1@briefcase.test')
  await eventually(() => client.online, 'online')
  await client.refresh()
  const user = client.session?.user.id ?? ''
  const index = await CacheIndex.open(
    factory,
    `briefcase:${user}:index`,
    new StorageGuard(() => undefined),
    'strict',
  )
  const ownBytes = async (): Promise<void> => {
    const entries = await index.all()
    expect(entries.length).toBeGreaterThan(40)
    for (const entry of entries) {
      // A stored view keeps its whole buffer (the answer stream's chunk): kB per entry.
      expect(entry.relaySV?.byteLength).toBeGreaterThan(0)
      expect(entry.relaySV?.buffer.byteLength).toBe(entry.relaySV?.byteLength)
    }
  }
  await ownBytes()
  // Entries an older client stored as views are rewritten by the next full sync.
  const all = await index.all()
  await index.update(
    all.map((e) => e.doc),
    (entry) => {
      if (!entry?.relaySV) return undefined
      const chunk = new Uint8Array(4096)
      chunk.set(entry.relaySV, 100)
      return { ...entry, relaySV: chunk.subarray(100, 100 + entry.relaySV.byteLength) }
    },
  )
  expect((await index.all()).every((e) => e.relaySV?.buffer.byteLength === 4096)).toBe(true)
  await client.sync()
  await ownBytes()
  index.close()
})
