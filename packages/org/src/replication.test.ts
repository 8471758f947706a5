import type { Connection } from 'jsforce'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { failure, idOf, REP1, REP2, startOrg, str, type TestOrg } from './testing/org-server.js'

const T0 = Date.parse('2025-03-12T10:00:30Z')
let now = T0
let t: TestOrg
let rep1: Connection
let rep2: Connection
let created = ''
let updated = ''
let deleted = ''
let privateOpp = ''

beforeAll(async () => {
  t = await startOrg({ now: () => now })
  rep1 = await t.login(REP1)
  rep2 = await t.login(REP2)
  const seeded = await rep1.query<{ Id: string }>('SELECT Id FROM Account ORDER BY Name LIMIT 2')
  updated = str(seeded.records[0]?.Id)
  now = Date.parse('2025-03-12T10:01:30Z')
  created = idOf(await rep1.sobject('Account').create({ Name: 'Replicated' }))
  privateOpp = idOf(
    await rep1
      .sobject('Opportunity')
      .create({ Name: 'Replicated Deal', StageName: 'Prospecting', CloseDate: '2025-06-01' }),
  )
  now = Date.parse('2025-03-12T10:02:30Z')
  await rep1.sobject('Account').update({ Id: updated, Website: 'https://changed.example.com' })
  now = Date.parse('2025-03-12T10:04:10Z')
  deleted = idOf(await rep1.sobject('Account').create({ Name: 'Doomed' }))
  await rep1.sobject('Account').destroy(deleted)
  now = Date.parse('2025-03-12T10:05:20Z')
})
afterAll(() => t.close())

describe('getUpdated', () => {
  test('returns ids whose SystemModstamp is in the window, seconds ignored, with latestDateCovered', async () => {
    const res = await rep1
      .sobject('Account')
      .updated('2025-03-12T10:00:59Z', '2025-03-12T10:05:59Z')
    expect(new Set(res.ids)).toEqual(new Set([created, updated]))
    expect(res.latestDateCovered).toBe('2025-03-12T10:05:00.000+0000')
    const narrow = await rep1
      .sobject('Account')
      .updated('2025-03-12T10:02:00Z', '2025-03-12T10:03:00Z')
    expect(narrow.ids).toEqual([updated])
  })

  test('an end in the future is covered only up to now', async () => {
    const res = await rep1
      .sobject('Account')
      .updated('2025-03-12T10:00:00Z', '2025-03-13T00:00:00Z')
    expect(res.latestDateCovered).toBe('2025-03-12T10:05:00.000+0000')
  })

  test('sharing applies: another rep does not learn of a private opportunity', async () => {
    const mine = await rep1
      .sobject('Opportunity')
      .updated('2025-03-12T10:00:00Z', '2025-03-12T10:05:00Z')
    expect(mine.ids).toEqual([privateOpp])
    const theirs = await rep2
      .sobject('Opportunity')
      .updated('2025-03-12T10:00:00Z', '2025-03-12T10:05:00Z')
    expect(theirs.ids).toEqual([])
  })

  test('a start after the end or more than 30 days ago is INVALID_REPLICATION_DATE', async () => {
    const reversed = await failure(
      rep1.sobject('Account').updated('2025-03-12T10:05:00Z', '2025-03-12T10:00:00Z'),
    )
    expect(reversed.errorCode).toBe('INVALID_REPLICATION_DATE')
    const old = await failure(
      rep1.sobject('Account').updated('2025-01-01T00:00:00Z', '2025-03-12T10:00:00Z'),
    )
    expect(old.errorCode).toBe('INVALID_REPLICATION_DATE')
  })
})

describe('getDeleted', () => {
  test('reads the delete log', async () => {
    const res = await rep1
      .sobject('Account')
      .deleted('2025-03-12T10:00:00Z', '2025-03-12T10:05:00Z')
    expect(res.deletedRecords).toEqual([
      { id: deleted, deletedDate: '2025-03-12T10:04:10.000+0000' },
    ])
    expect(res.latestDateCovered).toBe('2025-03-12T10:05:00.000+0000')
    expect(res.earliestDateAvailable).toBe('2025-03-12T10:04:00.000+0000')
    const before = await rep1
      .sobject('Account')
      .deleted('2025-03-12T10:00:00Z', '2025-03-12T10:04:00Z')
    expect(before.deletedRecords).toEqual([])
  })
})
