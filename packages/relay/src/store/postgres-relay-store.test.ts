import { afterAll, describe, expect, it } from 'vitest'
import { checkPostgres, testSchemas } from '../testing/postgres.js'
import { openPostgresDatabase } from './postgres-database.js'
import { PostgresRelayStore } from './postgres-relay-store.js'
import { POSTGRES_MIGRATIONS } from './postgres-schema.js'
import { runRelayStoreContract } from './relay-store.contract.js'
import { docKeyString } from './relay-store.js'

const postgres = await checkPostgres()
const schemas = testSchemas()
afterAll(() => schemas.dropAll())

const key = { name: 'Account/001000000000001AAA', group: 'g' }
const meta = { sobject: 'Account', key: '001000000000001AAA', engine: 'yjs' }

/** Two stores on one schema, each with its own pool: two relays. */
async function twoRelays(): Promise<[PostgresRelayStore, PostgresRelayStore]> {
  const a = await schemas.open()
  const b = await openPostgresDatabase({ url: schemas.url, schema: a.schema })
  schemas.track(b)
  return [new PostgresRelayStore({ database: a }), new PostgresRelayStore({ database: b })]
}

describe.skipIf(!postgres.available)(postgres.title('PostgresRelayStore'), () => {
  runRelayStoreContract(
    'postgres',
    async () => new PostgresRelayStore({ database: await schemas.open() }),
  )

  it('flushes synced commits whatever the server default, and syncs written ones with one synced write', async () => {
    const database = await schemas.open()
    const store = new PostgresRelayStore({ database, now: () => 42 })
    const [setting] = await database.query<{ synchronous_commit: string }>(
      'SHOW synchronous_commit',
    )
    expect(setting?.synchronous_commit).toBe('on')
    await store.commit([{ key, meta, updates: [new Uint8Array([1])] }], { durability: 'written' })
    const mark = () => database.query<{ at: number }>('SELECT at FROM relay_sync_mark WHERE id > 1')
    expect(await mark()).toEqual([])
    await store.sync()
    expect(await mark()).toEqual([{ at: 42 }])
  })

  it('migrates once when several relays start at once, and not again after', async () => {
    const first = await schemas.open()
    const others = await Promise.all(
      [1, 2, 3].map(() => openPostgresDatabase({ url: schemas.url, schema: first.schema })),
    )
    others.forEach((d) => schemas.track(d))
    const rows = await first.query<{ version: number }>(
      'SELECT version FROM briefcase_migrations ORDER BY version',
    )
    expect(rows.map((r) => r.version)).toEqual(POSTGRES_MIGRATIONS.map((_, i) => i + 1))
  })

  it('numbers one document’s updates in commit order while two relays append to it at once', async () => {
    const [a, b] = await twoRelays()
    await a.commit([{ key, meta }])
    const seen: number[] = []
    let last = 0
    let writing = true
    const reader = (async () => {
      // A reader that asks only for what follows the last number it saw must miss nothing.
      while (writing) {
        const doc = (await a.loadDocs([key])).get(docKeyString(key))
        for (const u of doc?.updates ?? []) {
          if (u.seq > last) {
            seen.push(u.data[0] as number)
            last = u.seq
          }
        }
      }
    })()
    const append = (store: PostgresRelayStore, base: number) =>
      (async () => {
        for (let i = 0; i < 40; i++)
          await store.commit([{ key, updates: [new Uint8Array([base + i])] }])
      })()
    await Promise.all([append(a, 0), append(b, 100)])
    writing = false
    await reader
    const doc = (await b.loadDocs([key])).get(docKeyString(key))
    for (const u of doc?.updates ?? []) if (u.seq > last) seen.push(u.data[0] as number)
    expect(seen.toSorted((x, y) => x - y)).toEqual([
      ...Array.from({ length: 40 }, (_, i) => i),
      ...Array.from({ length: 40 }, (_, i) => 100 + i),
    ])
    expect(await a.updateCount(key)).toBe(80)
  })

  it('commits many documents at once from two relays, in any order, without deadlock or loss', async () => {
    const [a, b] = await twoRelays()
    const keys = Array.from({ length: 20 }, (_, i) => ({
      name: `Account/001${String(i).padStart(15, '0')}`,
      group: 'g',
    }))
    const batch = (order: typeof keys, round: number, base: number) =>
      order.map((k) => ({
        key: k,
        meta: { sobject: 'Account', key: k.name.slice(8), engine: 'yjs' },
        updates: [new Uint8Array([base + round])],
        pending: {
          sobject: 'Account',
          operation: 'update' as const,
          firstChangeAt: `h${round}`,
          dependsOn: [`bc-${round}`],
          status: null,
        },
        users: [`u${base}`],
      }))
    await Promise.all([
      (async () => {
        for (let r = 0; r < 10; r++) await a.commit(batch(keys, r, 0))
      })(),
      (async () => {
        for (let r = 0; r < 10; r++) await b.commit(batch(keys.toReversed(), r, 100))
      })(),
    ])
    const docs = await a.loadDocs(keys)
    for (const k of keys) {
      const updates = docs.get(docKeyString(k))?.updates.map((u) => u.data[0] as number) ?? []
      expect(updates.toSorted((x, y) => x - y)).toEqual([
        ...Array.from({ length: 10 }, (_, i) => i),
        ...Array.from({ length: 10 }, (_, i) => 100 + i),
      ])
      expect(await a.docUsers(k)).toEqual(['u0', 'u100'])
    }
    expect((await a.listPending()).map((p) => p.dependsOn)).toEqual(keys.map(() => ['bc-9']))
  })

  it('answers each write of a batch with its own last sequence number, one document named twice', async () => {
    const [a] = await twoRelays()
    const other = { name: 'Contact/003000000000001AAA', group: 'g' }
    const seqs = await a.commit([
      { key, meta, updates: [new Uint8Array([1]), new Uint8Array([2])] },
      { key: other, meta: { ...meta, sobject: 'Contact' }, users: ['u1'] },
      { key, updates: [new Uint8Array([3])], meta: { ...meta, displayName: 'Acme' } },
    ])
    const doc = (await a.loadDocs([key])).get(docKeyString(key))
    expect(doc?.updates.map((u) => [...u.data])).toEqual([[1], [2], [3]])
    expect(seqs).toEqual([doc?.updates[1]?.seq, 0, doc?.updates[2]?.seq])
    expect(doc?.meta.displayName).toBe('Acme')
    expect(await a.updateCount(key)).toBe(3)
  })

  it('compacts while another relay appends, losing nothing', async () => {
    const [a, b] = await twoRelays()
    await a.commit([{ key, meta, updates: [new Uint8Array([0])] }])
    const appends = (async () => {
      for (let i = 1; i <= 30; i++) await b.commit([{ key, updates: [new Uint8Array([i])] }])
    })()
    const folded = new Set<number>()
    for (let round = 0; round < 10; round++) {
      const doc = (await a.loadDocs([key])).get(docKeyString(key))
      if (!doc) throw new Error('document missing')
      const state = [...(doc.state ?? []), ...doc.updates.map((u) => u.data[0] as number)]
      state.forEach((v) => folded.add(v))
      await a.compact(key, new Uint8Array(state), doc.updates.at(-1)?.seq ?? doc.stateSeq)
    }
    await appends
    const doc = (await a.loadDocs([key])).get(docKeyString(key))
    const all = [...(doc?.state ?? []), ...(doc?.updates ?? []).map((u) => u.data[0] as number)]
    expect(all.toSorted((x, y) => x - y)).toEqual(Array.from({ length: 31 }, (_, i) => i))
    expect(await a.updateCount(key)).toBe(doc?.updates.length)
  })

  it('gives a device to the first of many relays claiming it, and a sign-in state to one', async () => {
    const [a, b] = await twoRelays()
    const owners = await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).claimDevice('phone', `u${i}`, i)),
    )
    expect(new Set(owners).size).toBe(1)
    await a.putOAuthState({
      state: 'st',
      verifier: 'v',
      device: 'phone',
      returnTo: 'http://x/',
      expiresAt: 1e12,
    })
    const taken = await Promise.all(
      Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).takeOAuthState('st', 1)),
    )
    expect(taken.filter((t) => t !== undefined)).toHaveLength(1)
  })
})
