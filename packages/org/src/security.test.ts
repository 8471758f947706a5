import type { Connection } from 'jsforce'
import { ProfileName } from './security/profiles.js'
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

let t: TestOrg
let rep1: Connection
let rep2: Connection
let manager: Connection

beforeAll(async () => {
  t = await startOrg()
  ;[rep1, rep2, manager] = await Promise.all([t.login(REP1), t.login(REP2), t.login(MANAGER)])
})
afterAll(() => t.close())

const opportunity = (name: string): Record<string, unknown> => ({
  Name: name,
  StageName: 'Qualification',
  CloseDate: '2030-06-30',
})

describe("sharing: Opportunity is private to its owner and the owner's manager", () => {
  test('another rep cannot see it: retrieve is NOT_FOUND and queries leave it out', async () => {
    const id = idOf(await rep1.sobject('Opportunity').create(opportunity('Private Deal')))
    expect((await rep1.query(`SELECT COUNT() FROM Opportunity WHERE Id = '${id}'`)).totalSize).toBe(
      1,
    )
    expect((await rep2.query(`SELECT COUNT() FROM Opportunity WHERE Id = '${id}'`)).totalSize).toBe(
      0,
    )
    const err = await failure(rep2.sobject('Opportunity').retrieve(id))
    expect(err.errorCode).toBe('NOT_FOUND')
    expect(await rep2.sobject('Opportunity').retrieve([id])).toEqual([null])
  })

  test("the manager sees and edits every rep's opportunities", async () => {
    const id = idOf(await rep1.sobject('Opportunity').create(opportunity('Team Deal')))
    const r = await manager.sobject('Opportunity').retrieve(id)
    expect(r.Name).toBe('Team Deal')
    expect((await manager.sobject('Opportunity').update({ Id: id, Amount: 1000 })).success).toBe(
      true,
    )
    const visible = await manager.query<{ OwnerId: string }>('SELECT OwnerId FROM Opportunity')
    const owners = new Set(visible.records.map((x) => x.OwnerId))
    expect(owners).toEqual(new Set(t.org.users.map((u) => u.id)))
  })

  test('update and delete of an invisible record answer INSUFFICIENT_ACCESS_OR_READONLY', async () => {
    const id = idOf(await rep1.sobject('Opportunity').create(opportunity('Not Yours')))
    const update = await t.fetch(`/services/data/v62.0/sobjects/Opportunity/${id}`, {
      method: 'PATCH',
      token: rep2.accessToken ?? '',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ Name: 'Mine now' }),
    })
    expect(update.status).toBe(400)
    expect(await update.json()).toMatchInlineSnapshot(`
      [
        {
          "errorCode": "INSUFFICIENT_ACCESS_OR_READONLY",
          "fields": [],
          "message": "insufficient access rights on object id",
        },
      ]
    `)
    expect((await failure(rep2.sobject('Opportunity').destroy(id))).errorCode).toBe(
      'INSUFFICIENT_ACCESS_OR_READONLY',
    )
    const bulk = await rep2.sobject('Opportunity').update([{ Id: id, Name: 'x' }])
    expect(bulk[0]?.errors).toEqual([
      {
        statusCode: 'INSUFFICIENT_ACCESS_OR_READONLY',
        message: 'insufficient access rights on object id',
        fields: [],
      },
    ])
  })

  test('a lookup to an invisible record is INSUFFICIENT_ACCESS_ON_CROSS_REFERENCE_ENTITY', async () => {
    const id = idOf(await rep1.sobject('Opportunity').create(opportunity('Hidden Parent')))
    const err = await failure(rep2.sobject('Task').create({ Subject: 'Sneaky', WhatId: id }))
    expect(err.errorCode).toBe('INSUFFICIENT_ACCESS_ON_CROSS_REFERENCE_ENTITY')
  })

  test('upsert by a key another rep holds privately meets the unique index', async () => {
    await rep1
      .sobject('Opportunity')
      .upsert(
        { ...opportunity('Keyed'), Briefcase_Draft_Key__c: 'bc-private' },
        'Briefcase_Draft_Key__c',
      )
    const err = await failure(
      rep2
        .sobject('Opportunity')
        .upsert(
          { ...opportunity('Keyed 2'), Briefcase_Draft_Key__c: 'bc-private' },
          'Briefcase_Draft_Key__c',
        ),
    )
    expect(err.errorCode).toBe('DUPLICATE_VALUE')
  })

  test('public objects: everyone reads and edits; only the owner or a manager above may delete', async () => {
    const id = idOf(await rep1.sobject('Account').create({ Name: 'Shared Account' }))
    expect(
      (await rep2.sobject('Account').update({ Id: id, Website: 'https://shared.example.com' }))
        .success,
    ).toBe(true)
    expect((await failure(rep2.sobject('Account').destroy(id))).errorCode).toBe(
      'INSUFFICIENT_ACCESS_OR_READONLY',
    )
    expect((await manager.sobject('Account').destroy(id)).success).toBe(true)
  })

  test('transferring ownership moves visibility with it', async () => {
    const id = idOf(await rep1.sobject('Opportunity').create(opportunity('Handover')))
    await rep1.sobject('Opportunity').update({ Id: id, OwnerId: t.org.users[1]?.id })
    expect((await rep2.sobject('Opportunity').retrieve(id)).Name).toBe('Handover')
    expect((await failure(rep1.sobject('Opportunity').retrieve(id))).errorCode).toBe('NOT_FOUND')
  })
})

describe('field-level security for Field Reps on Account', () => {
  test('Rating is readable but not writable; describe says so for the rep only', async () => {
    const repDescribe = await rep1.sobject('Account').describe()
    expect(repDescribe.fields.find((f) => f.name === 'Rating')).toMatchObject({
      createable: false,
      updateable: false,
    })
    const mgrDescribe = await manager.sobject('Account').describe()
    expect(mgrDescribe.fields.find((f) => f.name === 'Rating')).toMatchObject({
      createable: true,
      updateable: true,
    })
    const err = await failure(rep1.sobject('Account').create({ Name: 'Rated', Rating: 'Hot' }))
    expect(err.errorCode).toBe('INVALID_FIELD_FOR_INSERT_UPDATE')
    expect((err as unknown as { data: { fields: string[] } }).data.fields).toEqual(['Rating'])
    const id = idOf(
      await manager.sobject('Account').create({ Name: 'Rated by manager', Rating: 'Warm' }),
    )
    expect((await rep1.sobject('Account').retrieve(id)).Rating).toBe('Warm')
  })

  test('Credit_Limit__c is invisible to reps: absent from describe and records, INVALID_FIELD in queries and writes', async () => {
    const repDescribe = await rep1.sobject('Account').describe()
    expect(repDescribe.fields.some((f) => f.name === 'Credit_Limit__c')).toBe(false)
    const id = idOf(
      await manager.sobject('Account').create({ Name: 'Credit', Credit_Limit__c: 50000 }),
    )
    expect(await rep1.sobject('Account').retrieve(id)).not.toHaveProperty('Credit_Limit__c')
    expect((await manager.sobject('Account').retrieve(id)).Credit_Limit__c).toBe(50000)
    expect(
      (await failure(rep1.query('SELECT Credit_Limit__c FROM Account LIMIT 1'))).errorCode,
    ).toBe('INVALID_FIELD')
    expect(
      (await failure(rep1.sobject('Account').retrieve(id, { fields: ['Credit_Limit__c'] })))
        .errorCode,
    ).toBe('INVALID_FIELD')
    expect(
      (await failure(rep1.sobject('Account').update({ Id: id, Credit_Limit__c: 1 }))).errorCode,
    ).toBe('INVALID_FIELD')
  })

  test('an admin changing field-level security takes effect on the next request', async () => {
    const id = idOf(await manager.sobject('Account').create({ Name: 'FLS', Phone: '4155550100' }))
    t.org.setFieldAccess(ProfileName.fieldRep, 'Account', 'Phone', 'hidden')
    try {
      const describe = await rep1.sobject('Account').describe()
      expect(describe.fields.some((f) => f.name === 'Phone')).toBe(false)
      expect(await rep1.sobject('Account').retrieve(id)).not.toHaveProperty('Phone')
      expect((await manager.sobject('Account').retrieve(id)).Phone).toBe('4155550100')
    } finally {
      t.org.setFieldAccess(ProfileName.fieldRep, 'Account', 'Phone', 'edit')
    }
    expect((await rep1.sobject('Account').retrieve(id)).Phone).toBe('4155550100')
  })
})

describe('validation rule and workflow', () => {
  test('Account Phone with fewer than 10 digits is FIELD_CUSTOM_VALIDATION_EXCEPTION, on create and update', async () => {
    const res = await t.fetch('/services/data/v62.0/sobjects/Account', {
      method: 'POST',
      token: rep1.accessToken ?? '',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ Name: 'Short phone', Phone: '555-1234' }),
    })
    expect(res.status).toBe(400)
    expect(await res.json()).toEqual([
      {
        message: 'Phone must contain at least 10 digits.',
        errorCode: 'FIELD_CUSTOM_VALIDATION_EXCEPTION',
        fields: ['Phone'],
      },
    ])
    const id = idOf(
      await rep1.sobject('Account').create({ Name: 'Good phone', Phone: '+1 (415) 555-1234' }),
    )
    expect(
      (await failure(rep1.sobject('Account').update({ Id: id, Phone: '12345' }))).errorCode,
    ).toBe('FIELD_CUSTOM_VALIDATION_EXCEPTION')
    expect((await rep1.sobject('Account').update({ Id: id, Phone: '' })).success).toBe(true)
  })

  test('setting or changing StageName sets Probability in the same save', async () => {
    const id = idOf(
      await rep1.sobject('Opportunity').create({ ...opportunity('Workflow'), Probability: 55 }),
    )
    const created = await rep1.sobject('Opportunity').retrieve(id)
    expect(created.Probability).toBe(20)
    expect(created.SystemModstamp).toBe(created.LastModifiedDate)
    await rep1.sobject('Opportunity').update({ Id: id, Probability: 33 })
    expect((await rep1.sobject('Opportunity').retrieve(id)).Probability).toBe(33)
    t.org.advanceClock(3000)
    await rep1.sobject('Opportunity').update({ Id: id, StageName: 'Negotiation/Review' })
    const moved = await rep1.sobject('Opportunity').retrieve(id)
    expect(moved.Probability).toBe(90)
    expect(moved.IsClosed).toBe(false)
    await rep1.sobject('Opportunity').update({ Id: id, StageName: 'Closed Won' })
    const won = await rep1
      .sobject('Opportunity')
      .retrieve(id, { fields: ['Probability', 'IsWon', 'IsClosed'] })
    expect([won.Probability, won.IsWon, won.IsClosed]).toEqual([100, true, true])
  })

  test('Task.IsClosed follows Status', async () => {
    const id = idOf(await rep1.sobject('Task').create({ Subject: 'Close me' }))
    expect((await rep1.sobject('Task').retrieve(id)).IsClosed).toBe(false)
    await rep1.sobject('Task').update({ Id: id, Status: 'Completed' })
    expect((await rep1.sobject('Task').retrieve(id)).IsClosed).toBe(true)
  })

  test('deleting an account takes its contacts, opportunities and cases to the recycle bin', async () => {
    const acc = idOf(await rep1.sobject('Account').create({ Name: 'Cascade' }))
    const contact = idOf(await rep1.sobject('Contact').create({ LastName: 'Kid', AccountId: acc }))
    const opp = idOf(
      await rep1.sobject('Opportunity').create({ ...opportunity('Kid deal'), AccountId: acc }),
    )
    await rep1.sobject('Account').destroy(acc)
    const deleted = await rep1.query<{ Id: string; IsDeleted: boolean }>(
      `SELECT Id, IsDeleted FROM Contact WHERE Id = '${contact}'`,
      { scanAll: true },
    )
    expect(deleted.records.map((r) => r.IsDeleted)).toEqual([true])
    expect((await failure(rep1.sobject('Opportunity').retrieve(opp))).errorCode).toBe(
      'ENTITY_IS_DELETED',
    )
    expect(str(opp).slice(0, 3)).toBe('006')
  })
})

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
