import { describe, expect, it } from 'vitest'
import type { PullStore } from './ports.js'

/** The behaviour every {@link PullStore} backend must have; `makeStore` gives a fresh one. */
export function runPullStoreContract(
  backend: string,
  makeStore: () => PullStore | Promise<PullStore>,
): void {
  describe(`PullStore contract: ${backend}`, () => {
    it('starts with no watermark and keeps the last one set per object', async () => {
      const store = await makeStore()
      expect(await store.watermark('Account')).toEqual({ updated: null, deleted: null })
      await store.setWatermark('Account', { updated: '2026-01-01T00:00:00.000Z', deleted: null })
      await store.setWatermark('Account', {
        updated: '2026-01-02T00:00:00.000Z',
        deleted: '2026-01-02T00:00:00.000Z',
      })
      expect(await store.watermark('Account')).toEqual({
        updated: '2026-01-02T00:00:00.000Z',
        deleted: '2026-01-02T00:00:00.000Z',
      })
      expect(await store.watermark('Contact')).toEqual({ updated: null, deleted: null })
    })
  })
}
