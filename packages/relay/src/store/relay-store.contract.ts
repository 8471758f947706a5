import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { DocKey, DocWrite, RelayStore } from './relay-store.js'
import { docKeyString } from './relay-store.js'

const ACCOUNT = 'Account/001000000000001AAA'
const key = (name = ACCOUNT, group = 'g1'): DocKey => ({ name, group })
const meta = { sobject: 'Account', key: '001000000000001AAA', engine: 'yjs' }
const bytes = (...values: number[]): Uint8Array => new Uint8Array(values)

/**
 * The behaviour every {@link RelayStore} backend must have. `makeStore` returns a fresh, empty
 * store each time (a new SQLite file or in-memory database, a new PostgreSQL schema, …).
 */
export function runRelayStoreContract(
  backend: string,
  makeStore: () => RelayStore | Promise<RelayStore>,
): void {
  describe(`RelayStore contract: ${backend}`, () => {
    let store: RelayStore
    beforeEach(async () => {
      store = await makeStore()
    })
    afterEach(async () => {
      await store.close()
    })

    it('appends updates and loads them back in order with the metadata', async () => {
      const [s1] = await store.commit([{ key: key(), meta, updates: [bytes(1), bytes(2)] }])
      const [s2] = await store.commit([{ key: key(), updates: [bytes(3)] }])
      expect(s2).toBeGreaterThan(s1 ?? 0)
      const loaded = (await store.loadDocs([key()])).get(docKeyString(key()))
      expect(loaded?.state).toBeNull()
      expect(loaded?.updates.map((u) => [...u.data])).toEqual([[1], [2], [3]])
      expect(loaded?.updates.at(-1)?.seq).toBe(s2)
      expect(loaded?.meta).toMatchObject({
        name: ACCOUNT,
        group: 'g1',
        sobject: 'Account',
        key: '001000000000001AAA',
        engine: 'yjs',
        owner: null,
        salesforceId: null,
      })
      expect(await store.updateCount(key())).toBe(3)
    })

    it('keeps the state vector of the last commit that appended updates, beside the metadata', async () => {
      const other = key('Account/001000000000002AAA')
      const otherMeta = { ...meta, key: '001000000000002AAA' }
      const digests = async (user = 'u1') => {
        const d = await store.docDigests([key(), other, key('X/y')], user)
        const of = (k: DocKey) => d.get(docKeyString(k))
        return {
          size: d.size,
          one: of(key()),
          two: of(other),
          vectors: [key(), other].map((k) => {
            const v = of(k)?.stateVector
            return v ? [...v] : v
          }),
        }
      }
      // One document alone, then two in one commit (backends may write those differently).
      await store.commit([
        { key: key(), meta, updates: [bytes(1)], stateVector: bytes(7), users: ['u1'] },
      ])
      await store.commit([
        { key: key(), updates: [bytes(2)], stateVector: bytes(8) },
        { key: other, meta: otherMeta, updates: [bytes(3)], stateVector: bytes(9) },
      ])
      let d = await digests()
      expect(d.size).toBe(2)
      expect(d.vectors).toEqual([[8], [9]])
      expect(d.one).toMatchObject({ held: true, meta: { name: ACCOUNT, sobject: 'Account' } })
      expect(d.two?.held).toBe(false)
      expect((await digests('u2')).one?.held).toBe(false)
      // A commit without updates (a user, a pending row) leaves it; updates without one clear it.
      await store.commit([{ key: key(), users: ['u2'] }])
      await store.commit([{ key: other, users: ['u1'] }])
      d = await digests()
      expect(d.vectors).toEqual([[8], [9]])
      expect(d.two?.held).toBe(true)
      expect((await digests('u2')).one?.held).toBe(true)
      await store.commit([{ key: key(), updates: [bytes(4)] }])
      await store.commit([
        { key: key(), updates: [bytes(5)], stateVector: null },
        { key: other, updates: [bytes(6)] },
      ])
      expect((await digests()).vectors).toEqual([null, null])
      await store.commit([{ key: key(), updates: [bytes(7)], stateVector: bytes(10) }])
      expect((await digests()).vectors).toEqual([[10], null])
    })

    it('commits as written or synced, and syncs on demand', async () => {
      await store.commit([{ key: key(), meta, updates: [bytes(1)] }], { durability: 'written' })
      await store.sync()
      await store.commit([{ key: key(), updates: [bytes(2)] }], { durability: 'synced' })
      expect(await store.commit([], { durability: 'synced' })).toEqual([])
      const loaded = (await store.loadDocs([key()])).get(docKeyString(key()))
      expect(loaded?.updates.map((u) => [...u.data])).toEqual([[1], [2]])
    })

    it('keeps documents of one name in different groups apart', async () => {
      await store.commit([
        { key: key(ACCOUNT, 'g1'), meta, updates: [bytes(1)] },
        { key: key(ACCOUNT, 'g2'), meta, updates: [bytes(2)] },
      ])
      const loaded = await store.loadDocs([
        key(ACCOUNT, 'g1'),
        key(ACCOUNT, 'g2'),
        key('X/y', 'g1'),
      ])
      expect(loaded.size).toBe(2)
      expect([...(loaded.get(docKeyString(key(ACCOUNT, 'g2')))?.updates[0]?.data ?? [])]).toEqual([
        2,
      ])
      expect((await store.listDocs({ name: ACCOUNT })).map((d) => d.group)).toEqual(['g1', 'g2'])
      const named = await store.listDocs({ names: ['X/y', ACCOUNT] })
      expect(named.map((d) => `${d.name} ${d.group}`)).toEqual([`${ACCOUNT} g1`, `${ACCOUNT} g2`])
      expect(await store.listDocs({ names: [] })).toEqual([])
    })

    it('refuses the first write of a document without metadata, and writes nothing of the batch', async () => {
      const writes: DocWrite[] = [
        {
          key: key('Contact/003000000000001AAA'),
          meta: { ...meta, sobject: 'Contact' },
          updates: [bytes(9)],
        },
        { key: key(), updates: [bytes(1)] },
      ]
      await expect(store.commit(writes)).rejects.toThrow(/metadata/)
      expect((await store.loadDocs([key('Contact/003000000000001AAA')])).size).toBe(0)
    })

    it('compacts into one state and keeps later updates', async () => {
      await store.commit([{ key: key(), meta, updates: [bytes(1), bytes(2)] }])
      const [through] = await store.commit([{ key: key(), updates: [bytes(3)] }])
      await store.commit([{ key: key(), updates: [bytes(4)] }])
      await store.compact(key(), bytes(1, 2, 3), through ?? 0)
      const loaded = (await store.loadDocs([key()])).get(docKeyString(key()))
      expect([...(loaded?.state ?? [])]).toEqual([1, 2, 3])
      expect(loaded?.stateSeq).toBe(through)
      expect(loaded?.updates.map((u) => [...u.data])).toEqual([[4]])
      expect(await store.updateCount(key())).toBe(1)
    })

    it('ignores a compaction older than the current state', async () => {
      const [a] = await store.commit([{ key: key(), meta, updates: [bytes(1)] }])
      const [b] = await store.commit([{ key: key(), updates: [bytes(2)] }])
      await store.compact(key(), bytes(1, 2), b ?? 0)
      await store.compact(key(), bytes(1), a ?? 0)
      const loaded = (await store.loadDocs([key()])).get(docKeyString(key()))
      expect([...(loaded?.state ?? [])]).toEqual([1, 2])
    })

    it('updates metadata only where a write gives it', async () => {
      await store.commit([{ key: key(), meta: { ...meta, owner: 'u1', displayName: 'Acme' } }])
      await store.commit([{ key: key(), meta: { ...meta, salesforceId: '001000000000001AAA' } }])
      const m = (await store.docMetas([key()])).get(docKeyString(key()))
      expect(m).toMatchObject({
        owner: 'u1',
        displayName: 'Acme',
        salesforceId: '001000000000001AAA',
      })
      expect(
        (await store.findBySalesforceId('Account', '001000000000001AAA')).map((d) => d.name),
      ).toEqual([ACCOUNT])
      expect(await store.findBySalesforceId('Account', '001000000000001AAA', 'other')).toEqual([])
    })

    it('keeps a pending index ordered by the oldest change, and drops rows on null', async () => {
      const b = key('Account/001000000000002AAA')
      await store.commit([
        {
          key: key(),
          meta,
          pending: {
            sobject: 'Account',
            operation: 'update',
            firstChangeAt: '00000000b0000d2',
            dependsOn: [],
            status: null,
          },
        },
        {
          key: b,
          meta: { ...meta, key: '001000000000002AAA' },
          pending: {
            sobject: 'Account',
            operation: 'create',
            firstChangeAt: '00000000a0000d1',
            dependsOn: ['bc-000000000000000000000001'],
            status: 'error',
          },
        },
      ])
      let pending = await store.listPending()
      expect(pending.map((p) => [p.name, p.operation, p.dependsOn, p.status])).toEqual([
        [b.name, 'create', ['bc-000000000000000000000001'], 'error'],
        [ACCOUNT, 'update', [], null],
      ])
      await store.commit([{ key: b, pending: null }])
      pending = await store.listPending({ sobject: 'Account', limit: 10 })
      expect(pending.map((p) => p.name)).toEqual([ACCOUNT])
      expect(await store.listPending({ sobject: 'Contact' })).toEqual([])
    })

    it('remembers which users hold a document', async () => {
      await store.commit([{ key: key(), meta, users: ['u2', 'u1'] }])
      await store.commit([{ key: key(), users: ['u1'] }])
      expect(await store.docUsers(key())).toEqual(['u1', 'u2'])
    })

    it('pages through documents', async () => {
      const names = [
        'Account/001000000000001AAA',
        'Account/001000000000002AAA',
        'Account/001000000000003AAA',
      ]
      await store.commit(names.map((n) => ({ key: key(n), meta: { ...meta, key: n.slice(8) } })))
      const first = await store.listDocs({ sobject: 'Account', limit: 2 })
      const last = first.at(-1)
      const rest = await store.listDocs({ sobject: 'Account', ...(last ? { after: last } : {}) })
      expect([...first, ...rest].map((d) => d.name)).toEqual(names)
    })

    it('stores field groups', async () => {
      const schema = {
        name: 'Account',
        fields: { Name: { name: 'Name', type: 'string' as const } },
      }
      await store.putGroup({ id: 'g1', sobject: 'Account', schema, nameField: null })
      await store.putGroup({ id: 'g1', sobject: 'Account', schema, nameField: 'Name' })
      expect(await store.getGroup('g1')).toEqual({
        id: 'g1',
        sobject: 'Account',
        schema,
        nameField: 'Name',
      })
      expect(await store.getGroup('nope')).toBeUndefined()
    })

    it('keeps the views of an object in the order first seen, each once', async () => {
      const field = (name: string) => ({ name, type: 'string' as const })
      const narrow = { name: 'Account', fields: { Name: field('Name') } }
      const wide = {
        name: 'Account',
        fields: { Name: field('Name'), Secret__c: field('Secret__c') },
      }
      await store.putGroup({ id: 'wide', sobject: 'Account', schema: wide, nameField: 'Name' })
      await store.putGroup({ id: 'narrow', sobject: 'Account', schema: narrow, nameField: 'Name' })
      await store.putGroup({ id: 'c', sobject: 'Contact', schema: narrow, nameField: null })
      await store.addView('Account', 'wide')
      await store.addView('Account', 'narrow')
      await store.addView('Account', 'wide')
      await store.addView('Contact', 'c')
      expect((await store.listViews('Account')).map((v) => [v.id, v.schema])).toEqual([
        ['wide', wide],
        ['narrow', narrow],
      ])
      expect((await store.listViews('Contact')).map((v) => v.id)).toEqual(['c'])
      expect(await store.listViews('Case')).toEqual([])
      expect(await store.listViewIds('Account')).toEqual(['wide', 'narrow'])
      expect(await store.listViewIds('Case')).toEqual([])
    })

    it('creates, reads and revokes sessions', async () => {
      await store.createSession({
        id: 's1',
        userId: 'u1',
        device: 'd1',
        createdAt: 1,
        expiresAt: 100,
        revokedAt: null,
      })
      expect(await store.getSession('s1')).toEqual({
        id: 's1',
        userId: 'u1',
        device: 'd1',
        createdAt: 1,
        expiresAt: 100,
        revokedAt: null,
      })
      await store.revokeSession('s1', 50)
      await store.revokeSession('s1', 60)
      expect((await store.getSession('s1'))?.revokedAt).toBe(50)
      await store.purgeExpired(200, 150)
      expect(await store.getSession('s1')).toBeUndefined()
    })

    it('binds a device id to the first user who claims it, for good', async () => {
      expect(await store.claimDevice('phone', 'u1', 1)).toBe('u1')
      expect(await store.claimDevice('phone', 'u2', 2)).toBe('u1')
      expect(await store.claimDevice('phone', 'u1', 3)).toBe('u1')
      expect(await store.claimDevice('tablet', 'u2', 4)).toBe('u2')
      await store.purgeExpired(1e12, 1e12)
      expect(await store.claimDevice('phone', 'u2', 5)).toBe('u1')
    })

    it('hands out a sign-in state once, and never after it expired', async () => {
      const r = { state: 'st', verifier: 'v', device: 'd1', returnTo: 'http://x/', expiresAt: 100 }
      await store.putOAuthState(r)
      expect(await store.takeOAuthState('st', 50)).toEqual(r)
      expect(await store.takeOAuthState('st', 50)).toBeUndefined()
      await store.putOAuthState({ ...r, state: 'old' })
      expect(await store.takeOAuthState('old', 100)).toBeUndefined()
    })

    it('stores users with their encrypted refresh token as bytes', async () => {
      const user = {
        id: 'u1',
        orgId: 'o1',
        username: 'rep1@briefcase.test',
        name: 'Maya',
        email: null,
        instanceUrl: 'http://127.0.0.1:1',
        refreshToken: bytes(7, 8, 9),
        updatedAt: 5,
      }
      await store.putUser(user)
      await store.putUser({ ...user, name: 'Maya Patel', updatedAt: 6 })
      const back = await store.getUser('u1')
      expect(back?.name).toBe('Maya Patel')
      expect([...(back?.refreshToken ?? [])]).toEqual([7, 8, 9])
      expect(await store.getUser('u2')).toBeUndefined()
    })

    it('keeps preferences per user, null until set', async () => {
      expect(await store.getPreferences('u1')).toBeNull()
      await store.putPreferences('u1', ['object:Account', 'myTasks'], 1)
      await store.putPreferences('u1', [], 2)
      expect(await store.getPreferences('u1')).toEqual([])
      expect(await store.getPreferences('u2')).toBeNull()
    })
  })
}
