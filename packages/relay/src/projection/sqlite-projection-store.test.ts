import Database from 'better-sqlite3'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { runProjectionStoreContract } from './projection-store.contract.js'
import { SqliteProjectionStore } from './sqlite-projection-store.js'

const dir = mkdtempSync(join(tmpdir(), 'projection-store-'))
let n = 0
afterAll(() => rmSync(dir, { recursive: true, force: true }))

runProjectionStoreContract(
  'sqlite (file, WAL)',
  () => new SqliteProjectionStore({ file: join(dir, `s${++n}.sqlite`) }),
)

describe('SqliteProjectionStore', () => {
  it('keeps an in-flight call across reopening the file', async () => {
    const file = join(dir, 'reopen.sqlite')
    const a = new SqliteProjectionStore({ file })
    const write = {
      ref: { name: 'Account/bc-1', group: 'g' },
      sobject: 'Account',
      kind: 'update' as const,
      salesforceId: '001000000000001AAA',
      draftKey: null,
      fields: { Name: { value: 'A', stamp: '0000000010000phone' } },
      refs: {},
    }
    const id = await a.recordIntent('005A', [write], 1)
    await a.close()
    const b = new SqliteProjectionStore({ file })
    expect(await b.unsettledIntents()).toEqual([
      { id, author: '005A', writes: [write], createdAt: 1 },
    ])
    await b.close()
  })

  it('adds its tables to a shared database and leaves it open', async () => {
    const db = new Database(':memory:')
    const store = new SqliteProjectionStore({ database: db })
    await store.close()
    expect(db.open).toBe(true)
    const tables = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
      .all()
    expect(tables).toEqual([
      { name: 'projection_block' },
      { name: 'projection_draft' },
      { name: 'projection_outbox' },
      { name: 'sqlite_sequence' },
    ])
    db.close()
  })
})
