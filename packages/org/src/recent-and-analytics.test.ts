import type { Connection } from 'jsforce'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { failure, MANAGER, REP1, REP2, startOrg, str, type TestOrg } from './testing/org-server.js'

let t: TestOrg
let rep1: Connection
let rep2: Connection

type Row = Record<string, unknown>
interface ListViews {
  listviews: Array<{ id: string; label: string; developerName: string }>
}

beforeAll(async () => {
  t = await startOrg()
  rep1 = await t.login(REP1)
  rep2 = await t.login(REP2)
})
afterAll(() => t.close())

describe('recently viewed', () => {
  test('each user has seeded history over at least six objects, newest first', async () => {
    const recent = (await rep1.recent(200)) as Row[]
    const types = new Set(recent.map((r) => str((r.attributes as Row).type)))
    expect(types.size).toBeGreaterThanOrEqual(6)
    expect(Object.keys(recent[0] ?? {})).toEqual(['attributes', 'Id', 'Name'])
    const q = await rep1.query<Row>(
      'SELECT Id, LastViewedDate FROM Account WHERE LastViewedDate != null ORDER BY LastViewedDate DESC',
    )
    const accountsInRecent = recent
      .filter((r) => (r.attributes as Row).type === 'Account')
      .map((r) => r.Id)
    expect(accountsInRecent).toEqual(q.records.map((r) => r.Id))
    const other = (await rep2.recent(200)) as Row[]
    expect(other.map((r) => r.Id)).not.toEqual(recent.map((r) => r.Id))
  })

  test('the limit parameter and per-object recent items', async () => {
    expect(await rep1.recent(3)).toHaveLength(3)
    const contacts = await rep1.sobject('Contact').recent()
    expect(contacts.length).toBeGreaterThan(0)
    expect(contacts.every((r) => str(r.Id).startsWith('003'))).toBe(true)
  })
})

describe('dashboards (Analytics REST API)', () => {
  test('list: at least five dashboards, recently viewed first', async () => {
    const list = await rep1.analytics.dashboards()
    expect(list.length).toBeGreaterThanOrEqual(5)
    expect(list[0]).toEqual({
      id: expect.stringMatching(/^01Z/) as string,
      name: expect.any(String) as string,
      statusUrl: `/services/data/v62.0/analytics/dashboards/${list[0]?.id}/status`,
      url: `/services/data/v62.0/analytics/dashboards/${list[0]?.id}`,
    })
    const soql = await rep1.query<Row>(
      'SELECT Id, Title FROM Dashboard ORDER BY LastViewedDate DESC NULLS LAST',
    )
    expect(soql.records.map((r) => r.Id).slice(0, 3)).toEqual(list.slice(0, 3).map((d) => d.id))
  })

  test('results carry metadata and component data computed from current records', async () => {
    const list = await rep1.analytics.dashboards()
    const service = list.find((d) => d.name === 'Service Overview')
    const result = await rep1.request<{ componentData: Row[]; dashboardMetadata: Row }>(
      str(service?.url),
    )
    expect(result.dashboardMetadata).toMatchObject({
      name: 'Service Overview',
      id: service?.id,
      attributes: { type: 'Dashboard' },
    })
    const byStatus = result.componentData[0] as {
      componentId: string
      reportResult: {
        factMap: Record<string, { aggregates: Array<{ value: number }> }>
        groupingsDown: { groupings: Array<{ label: string; key: string }> }
      }
      status: Row
    }
    expect(byStatus.status).toMatchObject({ dataStatus: 'DATA', refreshStatus: 'IDLE' })
    const total = byStatus.reportResult.factMap['T!T']?.aggregates[0]?.value
    const manager = await t.login(MANAGER)
    expect(total).toBe((await manager.query('SELECT COUNT() FROM Case')).totalSize)
    const newKey = byStatus.reportResult.groupingsDown.groupings.find((g) => g.label === 'New')?.key
    const before = byStatus.reportResult.factMap[`${newKey}!T`]?.aggregates[0]?.value ?? 0
    await rep1.sobject('Case').create({ Subject: 'Dashboard moves' })
    const again = await rep1.analytics.dashboard(str(service?.id)).components()
    const after = (again.componentData[0] as unknown as typeof byStatus).reportResult.factMap[
      `${newKey}!T`
    ]?.aggregates[0]?.value
    expect(after).toBe(before + 1)
  })

  test('status and describe; an unknown dashboard is NOT_FOUND', async () => {
    const [first] = await rep1.analytics.dashboards()
    const dash = rep1.analytics.dashboard(str(first?.id))
    const status = await dash.status()
    expect(status.componentStatus.every((c) => c.refreshStatus === 'IDLE')).toBe(true)
    const meta = await dash.describe()
    expect(meta.id).toBe(first?.id)
    expect(
      (await failure(rep1.analytics.dashboard('01Z000000000000AAA').describe())).errorCode,
    ).toBe('NOT_FOUND')
  })
})

describe('list views', () => {
  test('every main object has All, My and Recently Viewed views with SOQL that runs', async () => {
    for (const type of [
      'Account',
      'Contact',
      'Opportunity',
      'Case',
      'Lead',
      'Task',
      'Site_Visit__c',
    ]) {
      const res = (await rep1.sobject(type).listviews()) as ListViews
      const labels = res.listviews.map((v) => v.label)
      expect(labels.some((l) => l.startsWith('All'))).toBe(true)
      expect(labels.some((l) => l.startsWith('My'))).toBe(true)
      expect(labels.some((l) => l.startsWith('Recently Viewed'))).toBe(true)
      for (const view of res.listviews) {
        const described = (await rep1.sobject(type).listview(view.id).describe()) as {
          query: string
        }
        const rows = await rep1.query(described.query)
        expect(rows.done, `${type} ${view.id}`).toBeDefined()
      }
    }
  })

  test("My views use the caller's scope; results return column values", async () => {
    const views = (await rep1.sobject('Account').listviews()) as ListViews
    const mine = views.listviews.find((v) => v.developerName === 'MyAccounts')
    const described = (await rep1.sobject('Account').listview(str(mine?.id)).describe()) as {
      query: string
    }
    expect(described.query).toContain('USING SCOPE mine')
    const owners = await rep1.query<Row>(
      described.query.replace('Owner.Alias, ', 'OwnerId, Owner.Alias, '),
    )
    expect(new Set(owners.records.map((r) => r.OwnerId))).toEqual(new Set([t.org.users[0]?.id]))
    const results = (await rep1.sobject('Account').listview(str(mine?.id)).results()) as {
      records: Array<{ columns: Array<{ fieldNameOrPath: string; value: string | null }> }>
    }
    expect(results.records.length).toBeGreaterThan(0)
    const firstRow = results.records[0] ?? { columns: [] }
    expect(firstRow.columns.find((c) => c.fieldNameOrPath === 'Owner.Alias')?.value).toBe('mpatel')
  })
})

describe('quick actions', () => {
  test('global quick actions list <Object>.create actions of type Create', async () => {
    const actions = await rep1.quickActions()
    expect(actions.map((a) => a.name).sort()).toEqual(
      ['Account', 'Case', 'Contact', 'Event', 'Lead', 'Opportunity', 'Site_Visit__c', 'Task'].map(
        (o) => `${o}.create`,
      ),
    )
    expect(actions.every((a) => a.type === 'Create')).toBe(true)
  })

  test("per-object quick actions put the object's own action first; describe, defaults and execute work", async () => {
    const actions = (await rep1.sobject('Contact').quickActions()) as Array<{ name: string }>
    expect(actions[0]?.name).toBe('Contact.create')
    const action = rep1.quickAction('Contact.create')
    const described = await action.describe()
    expect(described.targetSobjectType).toBe('Contact')
    const defaults = await action.defaultValues()
    expect(defaults.OwnerId).toBe(t.org.users[0]?.id)
    const result = await action.execute('', { LastName: 'From quick action' })
    expect(result).toMatchObject({ success: true, created: true })
    expect((await rep1.sobject('Contact').retrieve(result.id)).LastName).toBe('From quick action')
  })
})
