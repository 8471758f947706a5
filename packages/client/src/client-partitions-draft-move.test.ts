import { ProfileName } from '@briefcase/org'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RecordHandle } from './record-handle.js'
import type { RelayHarness, TestDevice } from './testing/relay-harness.js'
import { eventually, startRelayHarness } from './testing/relay-harness.js'
import { storedText } from './testing/stored-text.js'

type Row = Record<string, unknown>

let h: RelayHarness
beforeAll(async () => {
  // The relay describes a user afresh on every request: a changed profile is seen at once.
  h = await startRelayHarness(4, {
    projection: { options: { debounceMs: 10 } },
    relay: { cacheTtlMs: { describe: 0 } },
  })
  // The relay knows the reps' view and the manager's before any test changes a profile.
  for (const [name, user] of [
    ['views-rep', 'rep1@briefcase.test'],
    ['views-manager', 'manager@briefcase.test'],
  ] as const) {
    const device = await h.device(name, user)
    await eventually(() => device.client.online, `${name} online`)
    await device.client.schema('Account')
  }
  await h.closeDevices()
}, 60_000)
afterAll(async () => {
  await h.close()
})

/**
 * A device's network that, once `armed`, fails the second bulk request after the next schema
 * request: a move fetches the schema afresh, asks the relay again, changes the documents, then
 * fetches them (the request that fails).
 */
interface Network {
  fetch: typeof fetch
  armed: boolean
  failed: string[]
}

function network(): Network {
  let countdown = 0
  const n: Network = {
    armed: false,
    failed: [],
    fetch: (input, init) => {
      const path = new URL(input instanceof Request ? input.url : String(input)).pathname
      if (n.armed && path.startsWith('/api/schemas/')) {
        n.armed = false
        countdown = 2
      } else if (countdown > 0 && path.startsWith('/sync/bulk') && --countdown === 0) {
        n.failed.push(path)
        return Promise.reject(new TypeError('fetch failed'))
      }
      return fetch(input, init)
    },
  }
  return n
}

/** A partition's fields, sorted, joined by commas. */
const fieldsOf = (p: { schema: { fields: object } }): string =>
  Object.keys(p.schema.fields).sort().join()

/** A device name made of a record's name. */
const tag = (name: string): string => name.replace(/\W+/g, '-')

const accountsNamed = (name: string): Row[] =>
  (h.org.snapshot().Account ?? []).filter((r: Row) => r.Name === name && r.IsDeleted !== true)

/**
 * A manager's offline draft of an Account with Credit_Limit__c (a document per partition, ADR
 * 0005) whose main document loses `field` to a partition of its own while offline: reps may no
 * longer read it. Returns the draft's handle once the relay knows the reps' new view, and the
 * number of documents the draft has in the new layout.
 */
async function draftAcrossLayouts(
  manager: TestDevice,
  name: string,
  field: string,
  value: string,
): Promise<{ draft: RecordHandle; documents: number }> {
  const rep = await h.device(`${tag(name)}-rep`, 'rep1@briefcase.test')
  await eventually(() => rep.client.online && manager.client.online, 'both online')
  await rep.client.schema('Account')
  const before = (await manager.client.schema('Account')).partitions ?? []
  manager.client.goOffline()
  const draft = await manager.client.create('Account', {
    Name: name,
    [field]: value,
    Credit_Limit__c: 12_345,
  })
  expect(draft.documents).toHaveLength(before.length + 1)
  await draft.insertText('Description', 0, '<typed offline>')
  h.org.setFieldAccess(ProfileName.fieldRep, 'Account', field, 'hidden')
  // A rep's describe records the new view: `field` moves out of the main partition.
  const after = await h.device(`${tag(name)}-rep-after`, 'rep1@briefcase.test')
  await eventually(() => after.client.online, 'the rep online')
  expect(Object.hasOwn((await after.client.schema('Account')).schema.fields, field)).toBe(false)
  return { draft, documents: before.length + 2 }
}

/** The org holds one Account named `name`, with every value, created and written by `by`. */
async function createdOnceWith(name: string, values: Row, by: TestDevice): Promise<Row> {
  await eventually(
    () =>
      accountsNamed(name).some(
        (r) =>
          Object.entries(values).every(([f, v]) => r[f] === v) &&
          String(r.Description).startsWith('<typed offline>'),
      ),
    `${name} in the org with ${JSON.stringify(values)}`,
    30_000,
  ).catch(() => {
    throw new Error(`The org holds ${JSON.stringify(accountsNamed(name))}`)
  })
  const rows = accountsNamed(name)
  expect(rows).toHaveLength(1)
  const row = rows[0] as Row
  expect(row.CreatedById).toBe(by.client.session?.user.id)
  expect(row.LastModifiedById).toBe(by.client.session?.user.id)
  return row
}

/** A rep opening the Account reads neither the moved value nor Credit_Limit__c, nor stores them. */
async function hiddenFromReps(row: Row, name: string, field: string, value: string): Promise<void> {
  const rep = await h.device(`${tag(name)}-rep-reader`, 'rep1@briefcase.test')
  await eventually(() => rep.client.online, 'the reader online')
  const seen = await rep.client.open(`Account/${String(row.Id)}`)
  expect(seen.get('Name')).toBe(name)
  expect(seen.documents.some((d) => Object.hasOwn(d.schema.fields, field))).toBe(false)
  await seen.close()
  const stored = await storedText(rep.factory)
  expect(stored).not.toContain(value)
  expect(stored).not.toContain('Credit_Limit__c')
}

/**
 * A draft the relay never had, whose documents' layout changed while it was offline, is stored
 * again in the current layout by the device: every partition document of it, nothing lost,
 * created once; and crash-safe (the old documents stay until the new ones hold their values).
 */
describe('a partitioned draft whose layout changed offline', () => {
  it('keeps every value of a manager’s draft: one Account with the moved field and Credit_Limit__c, by the manager', async () => {
    const manager = await h.device('layout-manager', 'manager@briefcase.test')
    const { draft, documents } = await draftAcrossLayouts(
      manager,
      'Layout Moved Co',
      'Phone',
      '4155550606',
    )
    await manager.client.goOnline()
    const values = { Phone: '4155550606', Credit_Limit__c: 12_345 }
    const row = await createdOnceWith('Layout Moved Co', values, manager)
    await eventually(() => draft.documents.length === documents, 'the new layout', 20_000)
    // The handle takes the moved documents' values as they load.
    await eventually(
      () => draft.get('Phone') === '4155550606',
      'the moved value on screen',
      10_000,
    ).catch(() => {
      const held = draft.documents.map((d) => d.values())
      throw new Error(`The handle holds ${JSON.stringify(held)}`)
    })
    expect(draft.get('Phone')).toBe('4155550606')
    expect(draft.get('Credit_Limit__c')).toBe(12_345)
    await draft.close()
    await hiddenFromReps(row, 'Layout Moved Co', 'Phone', '4155550606')
    await h.closeDevices()
  }, 90_000)

  it('loses nothing and creates one record when the move’s request fails once', async () => {
    const net = network()
    const manager = await h.device('flaky-manager', 'manager@briefcase.test', { fetch: net.fetch })
    const { draft, documents } = await draftAcrossLayouts(
      manager,
      'Layout Flaky Co',
      'Website',
      'https://flaky.example.com',
    )
    net.armed = true
    await manager.client.goOnline()
    await eventually(() => net.failed.length > 0, 'the move’s fetch failed', 20_000)
    await eventually(() => manager.client.online, 'online again', 20_000)
    await manager.client.sync()
    const values = { Website: 'https://flaky.example.com', Credit_Limit__c: 12_345 }
    const row = await createdOnceWith('Layout Flaky Co', values, manager)
    await eventually(() => draft.documents.length === documents, 'the new layout', 20_000)
    expect(draft.get('Website')).toBe('https://flaky.example.com')
    await draft.close()
    await hiddenFromReps(row, 'Layout Flaky Co', 'Website', 'flaky.example.com')
    await h.closeDevices()
  }, 90_000)

  it('keeps the values of a draft’s partition document whose partition split offline (one the relay says moved)', async () => {
    // Reps lose Industry and Type at once: a partition of the two (devices signed in after it
    // fetch their schemas afresh).
    h.org.setFieldAccess(ProfileName.fieldRep, 'Account', 'Industry', 'hidden')
    h.org.setFieldAccess(ProfileName.fieldRep, 'Account', 'Type', 'hidden')
    const rep = await h.device('split-rep', 'rep1@briefcase.test')
    await eventually(() => rep.client.online, 'the rep online')
    await rep.client.schema('Account')
    const manager = await h.device('split-manager', 'manager@briefcase.test')
    await eventually(() => manager.client.online, 'the manager online')
    const parts = (await manager.client.schema('Account')).partitions ?? []
    expect(parts.map(fieldsOf)).toContain('Industry,Type')
    manager.client.goOffline()
    const values = { Industry: 'Retail', Type: 'Prospect', Credit_Limit__c: 4_321 }
    const draft = await manager.client.create('Account', { Name: 'Split Partition Co', ...values })
    expect(draft.documents).toHaveLength(parts.length + 1)
    await draft.insertText('Description', 0, '<typed offline>')
    // Reps read Type again: the partition splits in two, the draft's document of it is retired.
    h.org.setFieldAccess(ProfileName.fieldRep, 'Account', 'Type', 'edit')
    const after = await h.device('split-rep-after', 'rep1@briefcase.test')
    await eventually(() => after.client.online, 'the rep online')
    // (In a partition of its own: a rep of before did not read it.)
    const repParts = (await after.client.schema('Account')).partitions ?? []
    expect(repParts.map(fieldsOf)).toContain('Type')
    await manager.client.goOnline()
    await createdOnceWith('Split Partition Co', values, manager)
    await eventually(() => draft.documents.length === parts.length + 2, 'the new layout', 20_000)
    expect(draft.get('Industry')).toBe('Retail')
    expect(draft.get('Type')).toBe('Prospect')
    await draft.close()
    await h.closeDevices()
  }, 90_000)
})
