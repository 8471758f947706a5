import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { RelayHarness } from './testing/relay-harness.js'
import { eventually, startRelayHarness } from './testing/relay-harness.js'

let h: RelayHarness
beforeAll(async () => {
  h = await startRelayHarness()
})
afterEach(async () => {
  await h.closeDevices()
})
afterAll(async () => {
  await h.close()
})

describe('storage layout', () => {
  it('is the shared database by default', async () => {
    const { client, factory } = await h.device('new-phone', 'rep2@briefcase.test')
    await eventually(() => client.online, 'online')
    await client.refresh()
    const user = client.session?.user.id ?? ''
    const names = (await factory.databases()).map((d) => d.name ?? '')
    expect(names.sort()).toEqual(
      ['briefcase:sessions', `briefcase:${user}:docs`, `briefcase:${user}:index`].sort(),
    )
  })
})

describe('moving a device from database-per-record to the shared database', () => {
  it('keeps pending edits made in the old layout, and they sync after the move', async () => {
    const device = await h.device('old-phone', 'rep1@briefcase.test', {
      storageLayout: 'database-per-record',
    })
    const old = device.client
    await eventually(() => old.online, 'online')
    await old.refresh()
    const [first, second] = await old.listCache({ sobject: 'Account' })
    if (!first || !second) throw new Error('two accounts cached')
    old.goOffline()
    const edited = await old.open(first.doc)
    await edited.set('Phone', '+1 415 555 0181')
    await edited.insertText('Description', 0, 'Moved offline. ')
    const draft = await old.create('Account', { Name: 'Drafted before the move' })
    const oldNames = (await device.factory.databases()).map((d) => d.name ?? '')
    const user = old.session?.user.id ?? ''
    expect(oldNames).toContain(`briefcase:${user}:doc:${first.doc}`)
    expect(oldNames).not.toContain(`briefcase:${user}:docs`)
    const cached = await old.countCache()

    // The next start in the shared layout moves every record.
    const client = await device.reload({ storageLayout: 'shared-database' })
    const names = (await device.factory.databases()).map((d) => d.name ?? '')
    expect(names.filter((n) => n.startsWith(`briefcase:${user}:doc:`))).toEqual([])
    expect(names).toContain(`briefcase:${user}:docs`)
    expect(await client.countCache()).toBe(cached)
    client.goOffline()
    const moved = await client.open(first.doc, { live: false })
    expect(moved.get('Phone')).toBe('+1 415 555 0181')
    expect(String(moved.get('Description'))).toMatch(/^Moved offline\. /)
    expect((await client.open(draft.doc, { live: false })).get('Name')).toBe(
      'Drafted before the move',
    )
    const untouched = await client.open(second.doc, { live: false })
    expect(untouched.get('Name')).toBe(second.name)
    const pending = await client.pendingChanges()
    expect(pending.map((p) => [p.doc, p.operation])).toEqual([
      [first.doc, 'update'],
      [draft.doc, 'create'],
    ])

    await client.goOnline()
    const account = (): Record<string, unknown> | undefined =>
      h.org.snapshot().Account?.find((a) => a.Id === first.key)
    await eventually(() => account()?.Phone === '+1 415 555 0181', 'the edit in the org', 15_000)
    expect(String(account()?.Description)).toMatch(/^Moved offline\. /)
    await eventually(
      () => h.org.snapshot().Account?.some((a) => a.Name === 'Drafted before the move') ?? false,
      'the draft created in the org',
      15_000,
    )
  })
})
