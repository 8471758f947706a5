import type { Org } from '@briefcase/org'
import { createOrg } from '@briefcase/org'
import type {
  CachePlan,
  LookupResult,
  OfflineItemsResponse,
  Preferences,
  QuickAction,
  SchemaResponse,
  ViewResponse,
} from '@briefcase/protocol'
import type { TestRelay } from '@briefcase/relay/testing'
import { startTestRelay } from '@briefcase/relay/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Device } from './device.js'

type Row = Record<string, string | number | boolean | null>

describe('the relay JSON API: schemas, views, cache plan, preferences, quick actions, lookup', () => {
  let org: Org
  let t: TestRelay
  let rep1: Device
  let rep1Id: string
  beforeAll(async () => {
    org = createOrg({ accounts: 16 })
    t = await startTestRelay({ org })
    rep1 = await Device.signIn(t.url, 'rep1', 'api-rep1')
    rep1Id = rep1.userId
  })
  afterAll(async () => {
    rep1.close()
    await t.close()
    await org.close()
  })
  const mine = (sobject: string): Row[] =>
    (org.snapshot()[sobject] ?? []).filter((r: Row) => r.OwnerId === rep1Id && r.IsDeleted !== true)

  it("describes an object as the user sees it, and refuses an object the org doesn't have", async () => {
    const schema = await rep1.json<SchemaResponse>('/api/schemas/Account')
    expect(schema).toMatchObject({ label: 'Account', labelPlural: 'Accounts', nameField: 'Name' })
    expect(schema.schema.fields.Rating?.updateable).toBe(false)
    expect(schema.schema.fields.Briefcase_Draft_Key__c?.createable).toBe(false)
    expect(schema.schema.fields.Credit_Limit__c).toBeUndefined()
    expect(schema.schema.fields.LastViewedDate).toBeUndefined()
    const missing = await rep1.fetch('/api/schemas/Nope__c')
    expect(missing.status).toBe(404)
  })

  it('marks a record viewed in Salesforce and answers its document and name', async () => {
    const account = mine('Account')[0] as Row
    const view = await rep1.json<ViewResponse>(`/api/records/Account/${String(account.Id)}/view`, {
      method: 'POST',
    })
    expect(view).toEqual({ doc: `Account/${String(account.Id)}`, name: account.Name })
    const recent = (await (
      await fetch(`${t.url}/services/data/v62.0/recent`, {
        headers: { authorization: `Bearer ${org.issueToken('rep1@briefcase.test')}` },
      })
    ).json()) as { Id: string }[]
    expect(recent[0]?.Id).toBe(account.Id)
  })

  it('plans the default cache (recent records, My Tasks, dashboards); the bulk sync creates its documents', async () => {
    const viewed = mine('Contact')
      .slice(0, 3)
      .map((c) => String(c.Id))
    for (const id of viewed) await rep1.fetch(`/api/records/Contact/${id}/view`, { method: 'POST' })
    const plan = await rep1.json<CachePlan>('/api/cache-plan', { method: 'POST' })
    expect(plan.usingDefault).toBe(true)
    const items = new Set(plan.records.map((r) => r.item))
    expect(items.has('recent:Account')).toBe(true)
    expect(items.has('recent:Contact')).toBe(true)
    const contacts = plan.records.filter((r) => r.item === 'recent:Contact').map((r) => r.id)
    expect(contacts.length).toBeLessThanOrEqual(30)
    expect(contacts.slice(0, 3).sort()).toEqual([...viewed].sort())
    const recentObjects = new Set(
      plan.records.filter((r) => r.item.startsWith('recent:')).map((r) => r.item),
    )
    expect(recentObjects.size).toBeLessThanOrEqual(5)
    const tasks = plan.records.filter((r) => r.item === 'myTasks')
    const open = mine('Task').filter((r) => r.IsClosed !== true)
    expect(tasks.map((r) => r.id).sort()).toEqual(open.map((r) => String(r.Id)).sort())
    expect(plan.dashboards.length).toBeGreaterThan(0)
    expect(plan.dashboards.length).toBeLessThanOrEqual(5)
    for (const d of plan.dashboards) {
      // The org's results for that dashboard, as the device will show them offline.
      expect(d.snapshot, d.id).toMatchObject({
        dashboardMetadata: { attributes: { dashboardId: d.id, dashboardName: d.title } },
        componentData: expect.any(Array) as unknown,
      })
    }
    const answers = await rep1.bulk(plan.records.map((r) => r.doc))
    expect(answers.every((a) => a.ok)).toBe(true)
    const stored = await t.store.listDocs({ limit: 10_000 })
    const names = new Set(stored.map((m) => m.name))
    for (const r of plan.records) expect(names.has(r.doc), r.doc).toBe(true)
  })

  it('lists offline items, keeps at most 7 preferences, and plans from them (a briefcase filter brings related records)', async () => {
    const { items } = await rep1.json<OfflineItemsResponse>('/api/offline-items')
    const ids = items.map((i) => i.id)
    expect(ids).toContain('object:Account')
    expect(ids).toContain('myTasks')
    expect(ids).toContain('briefcase:my-accounts')
    expect(items.find((i) => i.id === 'briefcase:my-accounts')?.description).toMatch(/Contacts/)
    expect(ids.some((id) => id.startsWith('dashboard:'))).toBe(true)
    expect(ids.some((id) => id.startsWith('listView:'))).toBe(true)

    expect(await rep1.json<Preferences>('/api/preferences')).toEqual({ items: [] })
    const listView = ids.find((id) => id.startsWith('listView:Account:')) as string
    const put = await rep1.json<Preferences>('/api/preferences', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ items: ['briefcase:my-accounts', listView] }),
    })
    expect(put.items).toEqual(['briefcase:my-accounts', listView])
    const plan = await rep1.json<CachePlan>('/api/cache-plan', { method: 'POST' })
    expect(plan.usingDefault).toBe(false)
    const accounts = plan.records.filter(
      (r) => r.item === 'briefcase:my-accounts' && r.sobject === 'Account',
    )
    expect(accounts.map((r) => r.id).sort()).toEqual(
      mine('Account')
        .map((r) => String(r.Id))
        .sort(),
    )
    const contacts = plan.records.filter((r) => r.sobject === 'Contact')
    expect(contacts.length).toBeGreaterThan(0)
    for (const c of contacts) expect(c.parent).toMatch(/^Account\//)
    expect(plan.records.some((r) => r.item === listView)).toBe(true)
    expect(plan.dashboards).toEqual([])
  })

  it('offers the create actions and looks records up by name', async () => {
    const actions = await rep1.json<QuickAction[]>('/api/quick-actions')
    expect(actions).toContainEqual({
      name: 'Account.create',
      sobject: 'Account',
      label: 'New Account',
    })
    const account = mine('Account')[0] as Row
    const part = String(account.Name).slice(1, 5)
    const found = await rep1.json<LookupResult[]>(
      `/api/lookup/Account?q=${encodeURIComponent(part)}`,
    )
    expect(found).toContainEqual({ id: account.Id, name: account.Name })
    expect(
      await rep1.json<LookupResult[]>(`/api/lookup/Account?q=${encodeURIComponent("%_'\\")}`),
    ).toEqual([])
    // By Id: the name a lookup value shows (the 15-character form too), a user's as well.
    expect(await rep1.json<LookupResult[]>(`/api/lookup/Account?id=${String(account.Id)}`)).toEqual(
      [{ id: account.Id, name: account.Name }],
    )
    const user = org.users.find((u) => u.id === rep1Id)
    expect(await rep1.json<LookupResult[]>(`/api/lookup/User?id=${rep1Id.slice(0, 15)}`)).toEqual([
      { id: rep1Id, name: user?.name },
    ])
    const bad = await rep1.fetch(`/api/lookup/Account?id=${encodeURIComponent("x' OR Name != '")}`)
    expect(bad.status).toBe(400)
  })
})
