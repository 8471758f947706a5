import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { runRelayStoreContract } from './relay-store.contract.js'
import { docKeyString } from './relay-store.js'
import { SqliteRelayStore } from './sqlite-relay-store.js'

const dir = mkdtempSync(join(tmpdir(), 'relay-store-'))
let n = 0
afterAll(() => rmSync(dir, { recursive: true, force: true }))

runRelayStoreContract(
  'sqlite (file, WAL)',
  () => new SqliteRelayStore({ file: join(dir, `s${++n}.sqlite`) }),
)

describe('SqliteRelayStore', () => {
  it('runs in WAL mode (synchronous NORMAL between synced commits), and keeps a commit across reopening', async () => {
    const file = join(dir, 'reopen.sqlite')
    const key = { name: 'Account/001000000000001AAA', group: 'g' }
    const a = new SqliteRelayStore({ file })
    expect(a.database.pragma('journal_mode', { simple: true })).toBe('wal')
    expect(a.database.pragma('synchronous', { simple: true })).toBe(1)
    await a.commit([
      {
        key,
        meta: { sobject: 'Account', key: '001000000000001AAA', engine: 'yjs' },
        updates: [new Uint8Array([5])],
      },
    ])
    expect(a.database.pragma('synchronous', { simple: true })).toBe(1)
    await a.commit([{ key, updates: [new Uint8Array([6])] }], { durability: 'written' })
    await a.close()
    const b = new SqliteRelayStore({ file })
    expect([...((await b.loadDocs([key])).get(docKeyString(key))?.updates[0]?.data ?? [])]).toEqual(
      [5],
    )
    await b.close()
  })

  it('checkpoints on a worker thread from its first document commit, never on the relay connection, and the WAL reaches the database file', async () => {
    const file = join(dir, 'checkpoint.sqlite')
    const ignored: Error[] = []
    const store = new SqliteRelayStore({
      file,
      syncIntervalMs: 20,
      onIgnoredError: (e) => ignored.push(e),
    })
    // Idle: no thread yet, SQLite's automatic checkpoints on.
    expect(store.database.pragma('wal_autocheckpoint', { simple: true })).toBe(1000)
    const key = { name: 'Account/001000000000002AAA', group: 'g' }
    const big = new Uint8Array(512 * 1024).fill(7)
    await store.commit(
      [
        {
          key,
          meta: { sobject: 'Account', key: '001000000000002AAA', engine: 'yjs' },
          updates: [big],
        },
      ],
      { durability: 'written' },
    )
    expect(store.database.pragma('wal_autocheckpoint', { simple: true })).toBe(0)
    await store.sync()
    const deadline = Date.now() + 15_000
    while (statSync(file).size < big.byteLength && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20))
    expect(statSync(file).size).toBeGreaterThanOrEqual(big.byteLength)
    expect(ignored).toEqual([])
    await store.close()
  })

  it('fsyncs every commit with synchronous FULL', async () => {
    const store = new SqliteRelayStore({ file: join(dir, 'full.sqlite'), synchronous: 'FULL' })
    expect(store.database.pragma('synchronous', { simple: true })).toBe(2)
    await store.close()
  })

  it('shares a database it was given and leaves it open on close', async () => {
    const owner = new SqliteRelayStore({ file: join(dir, 'shared.sqlite') })
    const guest = new SqliteRelayStore({ database: owner.database })
    await guest.close()
    expect(owner.database.open).toBe(true)
    await owner.close()
    expect(owner.database.open).toBe(false)
  })
})
