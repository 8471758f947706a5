import type { Connection } from 'jsforce'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { failure, idOf, MANAGER, REP1, REP2, startOrg, type TestOrg } from './testing/org-server.js'

let t: TestOrg
let rep1: Connection
let rep2: Connection
let manager: Connection

beforeAll(async () => {
  t = await startOrg()
  ;[rep1, rep2, manager] = await Promise.all([t.login(REP1), t.login(REP2), t.login(MANAGER)])
})
afterAll(() => t.close())

type AccessRow = Record<string, unknown>

async function access(conn: Connection, ids: readonly string[]): Promise<AccessRow[]> {
  const userId = (await conn.identity()).user_id
  const result = await conn.query<AccessRow>(
    `SELECT RecordId, HasReadAccess, HasEditAccess, HasDeleteAccess, MaxAccessLevel FROM UserRecordAccess WHERE UserId = '${userId}' AND RecordId IN ('${ids.join("','")}')`,
  )
  return result.records.map(({ attributes: _a, ...rest }) => rest)
}

describe('UserRecordAccess: a user’s access to records, per record', () => {
  test("owner: all; another rep: read and edit of a public Account, none of a private Opportunity; the owner's manager: all", async () => {
    const account = idOf(await rep1.sobject('Account').create({ Name: 'Access Co' }))
    const opportunity = idOf(
      await rep1.sobject('Opportunity').create({
        Name: 'Access Deal',
        StageName: 'Qualification',
        CloseDate: '2030-06-30',
      }),
    )
    expect(await access(rep1, [account, opportunity])).toEqual([
      {
        RecordId: account,
        HasReadAccess: true,
        HasEditAccess: true,
        HasDeleteAccess: true,
        MaxAccessLevel: 'All',
      },
      {
        RecordId: opportunity,
        HasReadAccess: true,
        HasEditAccess: true,
        HasDeleteAccess: true,
        MaxAccessLevel: 'All',
      },
    ])
    const [acc, opp] = await access(rep2, [account, opportunity])
    expect(acc).toMatchObject({ HasReadAccess: true, HasDeleteAccess: false })
    expect(opp).toMatchObject({
      HasReadAccess: false,
      HasEditAccess: false,
      HasDeleteAccess: false,
      MaxAccessLevel: 'None',
    })
    expect((await access(manager, [opportunity]))[0]).toMatchObject({ HasDeleteAccess: true })
  })

  test('follows an ownership change at once', async () => {
    const account = idOf(await rep2.sobject('Account').create({ Name: 'Moving Co' }))
    expect((await access(rep2, [account]))[0]).toMatchObject({ HasDeleteAccess: true })
    const rep1Id = (await rep1.identity()).user_id
    await manager.sobject('Account').update({ Id: account, OwnerId: rep1Id })
    expect((await access(rep2, [account]))[0]).toMatchObject({ HasDeleteAccess: false })
  })

  test('needs UserId and RecordId, at most 200 RecordIds, and only the caller’s own UserId', async () => {
    const e1 = await failure(rep1.query('SELECT RecordId FROM UserRecordAccess'))
    expect(e1.errorCode).toBe('MALFORMED_QUERY')
    const rep2Id = (await rep2.identity()).user_id
    const account = idOf(await rep1.sobject('Account').create({ Name: 'Other Co' }))
    const e2 = await failure(
      rep1.query(
        `SELECT RecordId FROM UserRecordAccess WHERE UserId = '${rep2Id}' AND RecordId = '${account}'`,
      ),
    )
    expect(e2.errorCode).toBe('INSUFFICIENT_ACCESS')
    const rep1Id = (await rep1.identity()).user_id
    const many = Array.from({ length: 201 }, () => account)
    const e3 = await failure(
      rep1.query(
        `SELECT RecordId FROM UserRecordAccess WHERE UserId = '${rep1Id}' AND RecordId IN ('${many.join("','")}')`,
      ),
    )
    expect(e3.errorCode).toBe('MALFORMED_QUERY')
  })
})
