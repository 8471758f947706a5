import type { Org } from '@briefcase/org'
import type { RecordDocument } from '@briefcase/record'
import { createOrg } from '@briefcase/org'
import type { TestRelay } from '@briefcase/relay/testing'
import { startTestRelay } from '@briefcase/relay/testing'
import { afterEach, describe, expect, it } from 'vitest'
import { Device, until } from '../relay/device.js'

/**
 * Live edits are coalesced before they are written (issue 13): the relay's own projector, real
 * sockets, the embedded org counting the calls. Windows are scaled down by ten through the options
 * (idle 200 ms, max wait 1.5 s) so a minute of typing takes six seconds; one test keeps the
 * defaults for the "in Salesforce within 3 s after typing stops" window.
 */
let org: Org
let t: TestRelay
const devices: Device[] = []

afterEach(async () => {
  for (const d of devices.splice(0)) d.close()
  await t.close()
  await org.close()
})

async function start(options: { idleMs?: number; maxWaitMs?: number } = {}): Promise<void> {
  org = createOrg({ accounts: 30 })
  t = await startTestRelay({
    org,
    projection: { options: { debounceMs: 10, ...options }, pull: { intervalMs: 3_600_000 } },
    // Access answers and re-checks scaled down by ten too: the record-rights answers of a scaled
    // minute expire within the run, as in a real one.
    relay: {
      cacheTtlMs: { access: 6_000, heldAccess: 30_000 },
      liveAccessRecheckMs: 12_000,
    },
  })
}

async function device(user: 'rep1' | 'rep2' | 'manager', id: string): Promise<Device> {
  const d = await Device.signIn(t.url, user, id)
  devices.push(d)
  return d
}

const accounts = (): string[] =>
  (org.snapshot().Account ?? []).filter((r) => r.IsDeleted !== true).map((r) => String(r.Id))
const row = (id: string): Record<string, unknown> | undefined =>
  org.snapshot().Account?.find((r) => r.Id === id)
const calls = (): string[] =>
  org.calls().map((c) => `${c.method} ${c.path.replace(/\/services\/data\/v[\d.]+/, '')}`)
const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * Waits until the relay follows Account's change events: an object's first documents are followed
 * by one catch-up read once its subscription holds, which is not what these tests count.
 */
async function followed(): Promise<void> {
  await until(
    () => t.relay.projection?.stream?.status().streamed.includes('Account') ?? true,
    10_000,
  )
}

/** The `n`th Account, cached by a new device of `user` and opened live; the org's calls cleared. */
async function editLive(user: 'rep1' | 'rep2' | 'manager', deviceId: string, n: number) {
  const id = accounts()[n] as string
  const name = `Account/${id}`
  const phone = await device(user, deviceId)
  await phone.bulk([name])
  const provider = await phone.live(name)
  const doc = await phone.open(name)
  await followed()
  org.clearCalls()
  return { id, phone, provider, doc }
}

describe('coalesced live writes', () => {
  it('500 characters typed over a (scaled) minute plus 5 other field edits cost at most 8 calls, all in Salesforce soon after typing stops', async () => {
    await start({ idleMs: 200, maxWaitMs: 1_500 })
    const { id, doc } = await editLive('rep1', 'phone', 0)
    const others: [string, string][] = [
      ['Phone', '4155550101'],
      ['Website', 'https://typed.example'],
      ['Industry', 'Energy'],
      ['BillingCity', 'Typed City'],
      ['NumberOfEmployees', '42'],
    ]
    let typed = ''
    for (let i = 0; i < 500; i++) {
      const ch = String.fromCharCode(97 + (i % 26))
      doc.insertText('Description', typed.length, ch)
      typed += ch
      if (i % 100 === 50) {
        const [field, value] = others.shift() as [string, string]
        doc.set(field, field === 'NumberOfEmployees' ? Number(value) : value)
      }
      await pause(12)
    }
    const stopped = Date.now()
    const text = doc.text('Description')
    expect(text.startsWith(typed)).toBe(true)
    await until(() => row(id)?.Description === text && row(id)?.NumberOfEmployees === 42, 3_000)
    expect(Date.now() - stopped).toBeLessThanOrEqual(3_000)
    expect(row(id)).toMatchObject({
      Phone: '4155550101',
      Website: 'https://typed.example',
      Industry: 'Energy',
      BillingCity: 'Typed City',
    })
    expect(calls().length).toBeGreaterThan(0)
    expect(calls().length).toBeLessThanOrEqual(8)
  })

  it('with the default windows (2 s idle), a short edit is in Salesforce within 3 s after typing stops, in one call', async () => {
    await start()
    const { id, doc } = await editLive('rep1', 'phone-default', 1)
    for (const ch of 'Hello') {
      doc.insertText('Description', 0, ch)
      await pause(50)
    }
    const typed = doc.text('Description')
    const stopped = Date.now()
    await until(() => row(id)?.Description === typed, 3_000)
    expect(Date.now() - stopped).toBeLessThanOrEqual(3_000)
    expect(calls()).toEqual(['POST /composite'])
  })

  it('a record whose editor leaves (socket closed) is written at once, not after the window', async () => {
    await start({ idleMs: 60_000, maxWaitMs: 60_000 })
    const { id, phone, doc } = await editLive('rep2', 'phone-leaves', 2)
    doc.set('Website', 'https://left.example')
    await pause(300)
    expect(row(id)?.Website).not.toBe('https://left.example')
    phone.close()
    await until(() => row(id)?.Website === 'https://left.example', 3_000)
    expect(calls()).toEqual(['POST /composite'])
  })

  it('a page gone hidden (awareness says hidden) is written at once', async () => {
    await start({ idleMs: 60_000, maxWaitMs: 60_000 })
    const { id, provider, doc } = await editLive('rep2', 'phone-hidden', 3)
    provider.awareness.setLocalStateField('user', 'rep2')
    doc.set('Website', 'https://hidden.example')
    await pause(300)
    expect(row(id)?.Website).not.toBe('https://hidden.example')
    provider.awareness.setLocalStateField('hidden', true)
    await until(() => row(id)?.Website === 'https://hidden.example', 3_000)
  })

  it('offline work by bulk sync is written at once', async () => {
    await start({ idleMs: 60_000, maxWaitMs: 60_000 })
    const id = accounts()[4] as string
    const name = `Account/${id}`
    const phone = await device('manager', 'phone-bulk')
    await phone.bulk([name])
    ;(await phone.open(name)).set('Website', 'https://bulk.example')
    await phone.bulk()
    await until(() => row(id)?.Website === 'https://bulk.example', 3_000)
  })

  it('20 devices on 20 records, one edit every 2 s each (scaled), cost at most 0.05 calls per edit, all calls counted (record-rights checks too)', async () => {
    await start({ idleMs: 200, maxWaitMs: 1_500 })
    const ids = accounts().slice(5, 25)
    const users = ['rep1', 'rep2', 'manager'] as const
    const docs: RecordDocument[] = []
    for (const [i, id] of ids.entries()) {
      const d = await device(users[i % users.length] as (typeof users)[number], `fleet-${i}`)
      await d.bulk([`Account/${id}`])
      await d.live(`Account/${id}`)
      docs.push(await d.open(`Account/${id}`))
    }
    org.clearCalls()
    let edits = 0
    // 6 s (a scaled minute): each device edits every 200 ms (a scaled 2 s), phases spread out.
    const ends = Date.now() + 6_000
    await Promise.all(
      docs.map(async (doc, i) => {
        await pause((i * 200) / docs.length)
        for (let n = 0; Date.now() < ends; n++) {
          doc.set('Phone', `415555${String(1000 + n)}`)
          edits += 1
          await pause(200)
        }
      }),
    )
    await until(() => ids.every((id, i) => row(id)?.Phone === docs[i]?.get('Phone')), 3_000)
    expect(edits).toBeGreaterThanOrEqual(500)
    // Every call the org counted: the projector's writes and the relay's rights checks alike.
    expect(org.calls().length / edits).toBeLessThanOrEqual(0.05)
  })
})

describe('record rights of records held open live', () => {
  const rightsQueries = (): number =>
    org
      .calls()
      .filter((c) => decodeURIComponent(c.query.replace(/\+/g, ' ')).includes('UserRecordAccess'))
      .length

  it('are asked afresh by the access re-check in one query per user, and then not once per edit', async () => {
    org = createOrg({ accounts: 30 })
    t = await startTestRelay({
      org,
      projection: { options: { debounceMs: 10, idleMs: 200 }, pull: { intervalMs: 3_600_000 } },
      relay: { cacheTtlMs: { access: 100, heldAccess: 60_000 }, liveAccessRecheckMs: 3_000 },
    })
    const ids = accounts().slice(0, 3)
    const phone = await device('rep1', 'held-phone')
    await phone.bulk(ids.map((id) => `Account/${id}`))
    const docs: RecordDocument[] = []
    for (const id of ids) {
      await phone.live(`Account/${id}`)
      docs.push(await phone.open(`Account/${id}`))
    }
    await followed()
    org.clearCalls()
    await until(() => rightsQueries() > 0, 5_000)
    await pause(300)
    // One re-check: one query of rep1's rights to the three records, not three.
    expect(rightsQueries()).toBe(1)
    org.clearCalls()
    for (const [n, doc] of docs.entries()) doc.set('Phone', `4155550${String(100 + n)}`)
    await until(() => ids.every((id, n) => row(id)?.Phone === `4155550${String(100 + n)}`), 3_000)
    // The answers (older than the 100 ms trusted for others) still hold for the open sockets.
    expect(rightsQueries()).toBe(0)
  })
})
