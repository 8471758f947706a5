import type { Connection } from 'jsforce'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import {
  failure,
  idOf,
  MANAGER,
  REP1,
  REP2,
  startOrg,
  str,
  type TestOrg,
} from './testing/org-server.js'

const NOW = Date.parse('2025-03-12T15:30:00Z')
let t: TestOrg
let rep1: Connection

type Row = Record<string, unknown>

beforeAll(async () => {
  t = await startOrg({ now: () => NOW })
  rep1 = await t.login(REP1)
  const accounts = [
    {
      Name: 'Q-Alpha',
      Industry: 'Technology',
      AnnualRevenue: 500_000,
      NumberOfEmployees: 10,
      Rating: 'Hot',
    },
    { Name: 'Q-Beta', Industry: 'Retail', AnnualRevenue: 2_000_000, NumberOfEmployees: 200 },
    {
      Name: 'q-gamma',
      Industry: 'Technology',
      AnnualRevenue: 9_000_000,
      NumberOfEmployees: 900,
      Rating: 'Cold',
    },
    { Name: 'Q-Delta_1', Industry: null, AnnualRevenue: null, NumberOfEmployees: 50 },
  ]
  // Rating is read-only for Field Reps, so the manager creates them, owned by rep1.
  const manager = await t.login(MANAGER)
  for (const a of accounts)
    await manager.sobject('Account').create({ ...a, OwnerId: t.org.users[0]?.id })
  const alpha = await rep1.query<Row>("SELECT Id FROM Account WHERE Name = 'Q-Alpha'")
  const alphaId = str(alpha.records[0]?.Id)
  const dates = [-40, -7, -1, 0, 1, 7, 40]
  for (const d of dates) {
    const close = new Date(NOW + d * 86_400_000).toISOString().slice(0, 10)
    await rep1.sobject('Opportunity').create({
      Name: `Q-Opp ${d}`,
      AccountId: alphaId,
      StageName: 'Prospecting',
      CloseDate: close,
    })
  }
  await rep1.sobject('Contact').create({ LastName: 'Q-Orphan' })
})
afterAll(() => t.close())

const names = (rows: Row[]): string[] => rows.map((r) => str(r.Name))

describe('SELECT', () => {
  test('fields come back in SELECT order with attributes; parent fields nest; an empty lookup is null', async () => {
    const res = await rep1.query<Row>(
      "SELECT Name, Account.Name, Account.Owner.Alias FROM Opportunity WHERE Name = 'Q-Opp 0'",
    )
    expect(res.totalSize).toBe(1)
    expect(res.done).toBe(true)
    const row = res.records[0] ?? {}
    expect(Object.keys(row)).toEqual(['attributes', 'Name', 'Account'])
    expect(row.Account).toEqual({
      attributes: {
        type: 'Account',
        url: expect.stringMatching(/^\/services\/data\/v62\.0\/sobjects\/Account\/001/) as string,
      },
      Name: 'Q-Alpha',
      Owner: {
        attributes: {
          type: 'User',
          url: `/services/data/v62.0/sobjects/User/${t.org.users[0]?.id}`,
        },
        Alias: 'mpatel',
      },
    })
    const orphan = await rep1.query<Row>(
      "SELECT LastName, Account.Name FROM Contact WHERE LastName = 'Q-Orphan'",
    )
    expect(orphan.records[0]?.Account).toBeNull()
  })

  test('COUNT() answers totalSize and no records', async () => {
    const res = await rep1.query("SELECT COUNT() FROM Account WHERE Name LIKE 'Q-%'")
    expect(res).toEqual({ totalSize: 4, done: true, records: [] })
  })

  test('polymorphic What.Name and What.Type resolve per record', async () => {
    const opp = await rep1.query<Row>("SELECT Id FROM Opportunity WHERE Name = 'Q-Opp 1'")
    const oppId = str(opp.records[0]?.Id)
    idOf(await rep1.sobject('Task').create({ Subject: 'Q-Task', WhatId: oppId }))
    const res = await rep1.query<Row>(
      "SELECT What.Name, What.Type FROM Task WHERE Subject = 'Q-Task'",
    )
    expect(res.records[0]?.What).toEqual({
      attributes: {
        type: 'Opportunity',
        url: `/services/data/v62.0/sobjects/Opportunity/${oppId}`,
      },
      Name: 'Q-Opp 1',
      Type: 'Opportunity',
    })
  })
})

describe('child relationship subqueries', () => {
  test('children come back as a nested query result; none is null', async () => {
    const res = await rep1.query<Row>(
      "SELECT Name, (SELECT Name, StageName FROM Opportunities WHERE Name LIKE 'Q-Opp 4%' OR Name = 'Q-Opp -1' ORDER BY Name DESC LIMIT 2), (SELECT Id FROM Contacts) FROM Account WHERE Name IN ('Q-Alpha', 'Q-Beta') ORDER BY Name",
    )
    const [alpha, beta] = res.records
    expect(alpha?.Opportunities).toEqual({
      totalSize: 2,
      done: true,
      records: [
        {
          attributes: expect.objectContaining({ type: 'Opportunity' }) as unknown,
          Name: 'Q-Opp 40',
          StageName: 'Prospecting',
        },
        {
          attributes: expect.objectContaining({ type: 'Opportunity' }) as unknown,
          Name: 'Q-Opp -1',
          StageName: 'Prospecting',
        },
      ],
    })
    expect(alpha?.Contacts).toBeNull()
    expect(beta?.Opportunities).toBeNull()
  })

  test('an unknown child relationship is INVALID_TYPE', async () => {
    const err = await failure(rep1.query('SELECT Id, (SELECT Id FROM Nopes) FROM Account'))
    expect(err.errorCode).toBe('INVALID_TYPE')
  })
})

describe('WHERE', () => {
  const where = async (clause: string): Promise<string[]> =>
    names(
      (
        await rep1.query<Row>(
          `SELECT Name FROM Account WHERE Name LIKE 'Q-%' AND (${clause}) ORDER BY Name`,
        )
      ).records,
    )

  test('comparison operators on numbers and strings; string equality ignores case', async () => {
    expect(await where('AnnualRevenue > 1000000')).toEqual(['Q-Beta', 'q-gamma'])
    expect(await where('AnnualRevenue <= 2000000')).toEqual(['Q-Alpha', 'Q-Beta'])
    expect(await where("Name = 'Q-GAMMA'")).toEqual(['q-gamma'])
    expect(await where("Industry != 'Technology'")).toEqual(['Q-Beta', 'Q-Delta_1'])
    expect(await where("Name < 'Q-C'")).toEqual(['Q-Alpha', 'Q-Beta'])
  })

  test('IN, NOT IN, null, LIKE with _ and escapes', async () => {
    expect(await where("Industry IN ('Retail', 'Energy')")).toEqual(['Q-Beta'])
    expect(await where("Rating NOT IN ('Hot')")).toEqual(['Q-Beta', 'Q-Delta_1', 'q-gamma'])
    expect(await where('Industry = null')).toEqual(['Q-Delta_1'])
    expect(await where('AnnualRevenue != null')).toEqual(['Q-Alpha', 'Q-Beta', 'q-gamma'])
    expect(await where("Name LIKE 'q-_eta'")).toEqual(['Q-Beta'])
    expect(await where("Name LIKE '%\\_1'")).toEqual(['Q-Delta_1'])
  })

  test('Id = and Id IN name those records only (18 or 15 characters), with the rest of the clause', async () => {
    const all = await rep1.query<Row>("SELECT Id, Name FROM Account WHERE Name LIKE 'Q-%'")
    const id = (name: string): string => str(all.records.find((r) => r.Name === name)?.Id)
    const [alpha, beta, gamma] = [id('Q-Alpha'), id('Q-Beta'), id('q-gamma')]
    // A well-formed Id of no record (the Account prefix, a counter nothing was given).
    const nobody = (await rep1.query<Row>("SELECT Id FROM Account WHERE Id = '001000000000000AAA'"))
      .records
    expect(nobody).toEqual([])
    expect(await where(`Id = '${beta}'`)).toEqual(['Q-Beta'])
    expect(
      await where(`Id IN ('${alpha}', '${beta.slice(0, 15)}', '${gamma}', '${alpha}')`),
    ).toEqual(['Q-Alpha', 'Q-Beta', 'q-gamma'])
    expect(await where(`Id IN ('${alpha}', '${gamma}') AND Industry = 'Technology'`)).toEqual([
      'Q-Alpha',
      'q-gamma',
    ])
    expect(await where(`Id IN ('${alpha}', '${beta}') AND NumberOfEmployees > 100`)).toEqual([
      'Q-Beta',
    ])
    expect(await where(`Id = '${alpha}' OR Id = '${gamma}'`)).toEqual(['Q-Alpha', 'q-gamma'])
    expect(await where(`Id NOT IN ('${alpha}', '${beta}')`)).toEqual(['Q-Delta_1', 'q-gamma'])
    expect(await where(`NOT Id = '${alpha}'`)).toEqual(['Q-Beta', 'Q-Delta_1', 'q-gamma'])
    expect(await where('Id = null')).toEqual([])
    expect(await where(`Id IN ('${beta}', null)`)).toEqual(['Q-Beta'])
    const opps = await rep1.query<Row>(
      `SELECT Name FROM Opportunity WHERE AccountId = '${alpha}' AND Name = 'Q-Opp 40'`,
    )
    expect(names(opps.records)).toEqual(['Q-Opp 40'])
  })

  test('AND, OR, NOT and parentheses', async () => {
    expect(await where("Industry = 'Technology' AND NumberOfEmployees > 100")).toEqual(['q-gamma'])
    expect(
      await where("(Industry = 'Retail' OR Rating = 'Hot') AND NumberOfEmployees < 500"),
    ).toEqual(['Q-Alpha', 'Q-Beta'])
    expect(await where("NOT Industry = 'Technology'")).toEqual(['Q-Beta', 'Q-Delta_1'])
  })

  test('relationship fields filter too', async () => {
    const res = await rep1.query<Row>(
      "SELECT Name FROM Opportunity WHERE Account.Name = 'Q-Alpha' AND Name = 'Q-Opp 40'",
    )
    expect(names(res.records)).toEqual(['Q-Opp 40'])
  })

  test('date literals on a date field (UTC, the org clock is 2025-03-12)', async () => {
    const opps = async (clause: string): Promise<string[]> =>
      names(
        (
          await rep1.query<Row>(
            `SELECT Name FROM Opportunity WHERE Name LIKE 'Q-Opp %' AND ${clause} ORDER BY CloseDate`,
          )
        ).records,
      )
    expect(await opps('CloseDate = TODAY')).toEqual(['Q-Opp 0'])
    expect(await opps('CloseDate = YESTERDAY')).toEqual(['Q-Opp -1'])
    expect(await opps('CloseDate = LAST_N_DAYS:7')).toEqual(['Q-Opp -7', 'Q-Opp -1', 'Q-Opp 0'])
    expect(await opps('CloseDate = NEXT_N_DAYS:7')).toEqual(['Q-Opp 1', 'Q-Opp 7'])
    expect(await opps('CloseDate > TODAY')).toEqual(['Q-Opp 1', 'Q-Opp 7', 'Q-Opp 40'])
    expect(await opps('CloseDate < LAST_N_DAYS:7')).toEqual(['Q-Opp -40'])
    expect(await opps('CloseDate = THIS_MONTH')).toEqual([
      'Q-Opp -7',
      'Q-Opp -1',
      'Q-Opp 0',
      'Q-Opp 1',
      'Q-Opp 7',
    ])
    expect(await opps('CloseDate >= 2025-03-19')).toEqual(['Q-Opp 7', 'Q-Opp 40'])
  })

  test('date literals and datetimes on a datetime field', async () => {
    const count = async (clause: string): Promise<number> =>
      (await rep1.query(`SELECT COUNT() FROM Account WHERE Name LIKE 'Q-%' AND ${clause}`))
        .totalSize
    expect(await count('CreatedDate = TODAY')).toBe(4)
    expect(await count('CreatedDate = LAST_N_DAYS:30')).toBe(4)
    expect(await count('CreatedDate > 2025-03-12T15:29:59Z')).toBe(4)
    expect(await count('CreatedDate > 2025-03-12T15:30:00Z')).toBe(0)
    expect(await count('CreatedDate < 2025-03-12T17:30:00+02:00')).toBe(0)
    expect(await count('LastModifiedDate >= 2025-03-12T15:30:00.000Z')).toBe(4)
  })

  test('the SOQL jsforce builds with find() runs as written', async () => {
    const rows = await rep1
      .sobject('Account')
      .find(
        {
          Name: { $like: 'Q-%' },
          Industry: { $in: ['Technology', 'Retail'] },
          AnnualRevenue: { $gte: 500000 },
          Rating: { $exists: true },
        },
        ['Id', 'Name'],
      )
      .sort({ Name: -1 })
      .limit(5)
    expect(names(rows as Row[])).toEqual(['q-gamma', 'Q-Alpha'])
  })
})

describe('ORDER BY, LIMIT, OFFSET', () => {
  test('multiple keys, DESC, NULLS FIRST/LAST, then LIMIT and OFFSET', async () => {
    const q = (tail: string): PromiseLike<{ records: Row[] }> =>
      rep1.query<Row>(`SELECT Name FROM Account WHERE Name LIKE 'Q-%' ${tail}`)
    expect(names((await q('ORDER BY AnnualRevenue DESC')).records)).toEqual([
      'q-gamma',
      'Q-Beta',
      'Q-Alpha',
      'Q-Delta_1',
    ])
    expect(names((await q('ORDER BY AnnualRevenue ASC NULLS LAST')).records)).toEqual([
      'Q-Alpha',
      'Q-Beta',
      'q-gamma',
      'Q-Delta_1',
    ])
    expect(names((await q('ORDER BY Industry, Name DESC')).records)).toEqual([
      'Q-Delta_1',
      'Q-Beta',
      'q-gamma',
      'Q-Alpha',
    ])
    expect(names((await q('ORDER BY Name LIMIT 2 OFFSET 1')).records)).toEqual([
      'Q-Beta',
      'Q-Delta_1',
    ])
  })
})

describe('paging', () => {
  test('batchSize from Sforce-Query-Options; nextRecordsUrl pages until done', async () => {
    const first = await rep1.request<{
      totalSize: number
      done: boolean
      records: Row[]
      nextRecordsUrl?: string
    }>({
      method: 'GET',
      url:
        '/services/data/v62.0/query?q=' +
        encodeURIComponent('SELECT Id FROM Account ORDER BY Name'),
      headers: { 'Sforce-Query-Options': 'batchSize=200' },
    })
    expect(first.done).toBe(false)
    expect(first.records).toHaveLength(200)
    expect(first.nextRecordsUrl).toMatch(
      /^\/services\/data\/v62\.0\/query\/01g[A-Za-z0-9]{15}-200$/,
    )
    const second = await rep1.queryMore(first.nextRecordsUrl ?? '')
    expect(second.done).toBe(true)
    expect(second.records.length).toBe(first.totalSize - 200)
    expect(second.nextRecordsUrl).toBeUndefined()
    const ids = new Set([...first.records, ...second.records].map((r) => str(r.Id)))
    expect(ids.size).toBe(first.totalSize)
  })

  test('jsforce autoFetch follows every page', async () => {
    const all: Row[] = []
    await new Promise<void>((resolve, reject) => {
      rep1
        .query('SELECT Id FROM Contact', {
          autoFetch: true,
          maxFetch: 100000,
          headers: { 'Sforce-Query-Options': 'batchSize=200' },
        })
        .on('record', (r: Row) => all.push(r))
        .on('end', () => resolve())
        .on('error', reject)
        .run()
    })
    const total = (await rep1.query('SELECT COUNT() FROM Contact')).totalSize
    expect(total).toBeGreaterThan(400)
    expect(all).toHaveLength(total)
  })

  test('an unknown locator is INVALID_QUERY_LOCATOR', async () => {
    const err = await failure(rep1.queryMore('/services/data/v62.0/query/01g5g00000000zzAAA-200'))
    expect(err.errorCode).toBe('INVALID_QUERY_LOCATOR')
  })
})

describe('FOR VIEW and LastViewedDate', () => {
  test('FOR VIEW marks the records viewed for the caller only', async () => {
    const rep2 = await t.login(REP2)
    t.org.setClock(NOW + 60_000)
    try {
      const q = "SELECT Id, LastViewedDate FROM Account WHERE Name = 'Q-Beta'"
      const before = await rep1.query<Row>(q)
      expect(before.records[0]?.LastViewedDate).toBeNull()
      await rep1.query(`${q} FOR VIEW`)
      const after = await rep1.query<Row>(q)
      expect(after.records[0]?.LastViewedDate).toBe('2025-03-12T15:31:00.000+0000')
      const other = await rep2.query<Row>(q)
      expect(other.records[0]?.LastViewedDate).toBeNull()
      const recent = await rep1.recent(1)
      expect((recent[0] as Row | undefined)?.Name).toBe('Q-Beta')
    } finally {
      t.org.setClock(NOW)
    }
  })
})

describe('errors', () => {
  test("an unknown column is INVALID_FIELD, in Salesforce's message format", async () => {
    const err = await failure(rep1.query('SELECT Id, FullName FROM Account'))
    expect(err.errorCode).toBe('INVALID_FIELD')
    expect(err.message).toMatchInlineSnapshot(`
      "SELECT Id, FullName FROM Account
                 ^
      ERROR at Row:1:Column:12
      No such column 'FullName' on entity 'Account'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names."
    `)
  })

  test('an unknown object is INVALID_TYPE', async () => {
    const err = await failure(rep1.query('SELECT Id FROM Nope'))
    expect(err.errorCode).toBe('INVALID_TYPE')
  })

  test('unsupported syntax is MALFORMED_QUERY, never a wrong result', async () => {
    for (const soql of [
      'SELECT Industry, COUNT(Id) FROM Account GROUP BY Industry',
      'SELECT Id, (SELECT Id, (SELECT Id FROM Cases) FROM Contacts) FROM Account',
      "SELECT Id FROM Account WHERE Name = 'a' AND Industry = 'b' OR Rating = 'Hot'",
      'SELECT Id FROM Contact WHERE AccountId IN (SELECT Id FROM Account)',
      'SELECT Id FROM Account WHERE Name = :name',
      'SELECT Id FROM Account WITH SECURITY_ENFORCED',
      'SELECT FROM Account',
      '',
    ]) {
      const err = await failure(rep1.query(soql))
      expect(err.errorCode, soql).toBe('MALFORMED_QUERY')
    }
  })

  test('a value of the wrong type is INVALID_QUERY_FILTER_OPERATOR; long text cannot be filtered', async () => {
    const err = await failure(
      rep1.query("SELECT Id FROM Opportunity WHERE CloseDate > '2025-01-01'"),
    )
    expect(err.errorCode).toBe('INVALID_QUERY_FILTER_OPERATOR')
    expect(err.message.split('\n').at(-1)).toBe(
      "value of filter criterion for field 'CloseDate' must be of type date and should not be enclosed in quotes",
    )
    expect(
      (await failure(rep1.query("SELECT Id FROM Account WHERE Id = 'abc'"))).message,
    ).toContain('invalid ID field: abc')
    expect(
      (await failure(rep1.query("SELECT Id FROM Account WHERE Description = 'x'"))).errorCode,
    ).toBe('INVALID_FIELD')
    expect(
      (await failure(rep1.query('SELECT Id FROM Account ORDER BY Description'))).errorCode,
    ).toBe('INVALID_FIELD')
  })
})
