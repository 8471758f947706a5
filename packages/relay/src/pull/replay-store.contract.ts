import { describe, expect, it } from 'vitest'
import type { ReplayStore } from './stream-ports.js'

/** The behaviour every {@link ReplayStore} backend must have; `makeStore` gives a fresh one. */
export function runReplayStoreContract(
  backend: string,
  makeStore: () => ReplayStore | Promise<ReplayStore>,
): void {
  describe(`ReplayStore contract: ${backend}`, () => {
    it('starts with no replay id and keeps the last one set per channel', async () => {
      const store = await makeStore()
      expect(await store.replayId('/data/AccountChangeEvent')).toBeNull()
      await store.setReplayId('/data/AccountChangeEvent', 7)
      await store.setReplayId('/data/AccountChangeEvent', 2 ** 40)
      await store.setReplayId('/data/ContactChangeEvent', 3)
      expect(await store.replayId('/data/AccountChangeEvent')).toBe(2 ** 40)
      expect(await store.replayId('/data/ContactChangeEvent')).toBe(3)
    })

    it('forgets a channel’s replay id, and only that one', async () => {
      const store = await makeStore()
      await store.setReplayId('/data/AccountChangeEvent', 7)
      await store.setReplayId('/data/ContactChangeEvent', 3)
      await store.clearReplayId('/data/AccountChangeEvent')
      await store.clearReplayId('/data/CaseChangeEvent')
      expect(await store.replayId('/data/AccountChangeEvent')).toBeNull()
      expect(await store.replayId('/data/ContactChangeEvent')).toBe(3)
    })
  })
}
