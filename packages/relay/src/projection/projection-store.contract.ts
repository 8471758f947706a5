import { describe, expect, it } from 'vitest'
import type { IntentWrite, ProjectionStore } from './ports.js'

const ref = (n: number): { name: string; group: string } => ({
  name: `Account/bc-${n}`,
  group: 'g',
})

function upsert(n: number, salesforceId: string | null = null): IntentWrite {
  return {
    ref: ref(n),
    sobject: 'Account',
    kind: 'upsert',
    salesforceId,
    draftKey: `bc-${n}`,
    fields: { Name: { value: `A${n}`, stamp: '0000000010000phone' } },
    refs: {},
  }
}

/**
 * The behaviour every {@link ProjectionStore} backend must have. `makeStore` returns a fresh,
 * empty store each time.
 */
export function runProjectionStoreContract(
  backend: string,
  makeStore: () => ProjectionStore | Promise<ProjectionStore>,
): void {
  describe(`ProjectionStore contract: ${backend}`, () => {
    it('keeps calls in flight, oldest first, until they are settled', async () => {
      const store = await makeStore()
      const a = await store.recordIntent('005A', [upsert(1)], 10)
      const b = await store.recordIntent('005B', [upsert(2)], 20)
      expect(b).toBeGreaterThan(a)
      expect(await store.unsettledIntents()).toEqual([
        { id: a, author: '005A', writes: [upsert(1)], createdAt: 10 },
        { id: b, author: '005B', writes: [upsert(2)], createdAt: 20 },
      ])
      await store.settleIntent(a)
      expect((await store.unsettledIntents()).map((e) => e.id)).toEqual([b])
    })

    it('remembers the draft keys sent, then the Ids they were created as', async () => {
      const store = await makeStore()
      await store.recordIntent('005A', [upsert(1), upsert(2)], 10)
      expect(await store.drafts(['bc-1', 'bc-3'])).toEqual(
        new Map([
          ['bc-1', { draftKey: 'bc-1', ref: ref(1), sobject: 'Account', salesforceId: null }],
        ]),
      )
      await store.resolveDrafts({ 'bc-1': '001000000000001AAA' })
      await store.recordIntent('005A', [upsert(1)], 20)
      expect((await store.drafts(['bc-1'])).get('bc-1')?.salesforceId).toBe('001000000000001AAA')
    })

    it('forgets refused drafts, never one created', async () => {
      const store = await makeStore()
      await store.recordIntent('005A', [upsert(1), upsert(2)], 10)
      await store.resolveDrafts({ 'bc-1': '001000000000001AAA' })
      await store.forgetDrafts(['bc-1', 'bc-2'])
      expect([...(await store.drafts(['bc-1', 'bc-2'])).keys()]).toEqual(['bc-1'])
    })

    it('keeps one block per document, replaced and cleared', async () => {
      const store = await makeStore()
      await store.putBlock(ref(1), 'f1')
      await store.putBlock(ref(1), 'f2')
      await store.putBlock(ref(2), 'f3')
      await store.clearBlock(ref(2))
      expect(await store.blocks()).toEqual(new Map([['g|Account/bc-1', 'f2']]))
    })
  })
}
