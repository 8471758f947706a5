import { ProfileName } from '@briefcase/org'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RelayHarness, TestDevice } from './testing/relay-harness.js'
import { eventually, startRelayHarness } from './testing/relay-harness.js'
import { storedText } from './testing/stored-text.js'
import { BriefcaseClientErrorCode, isBriefcaseClientError } from './errors.js'

type Row = Record<string, unknown>

let h: RelayHarness
/** Accounts rep1 owns (the manager reads them too). */
let accounts: string[]
beforeAll(async () => {
  // No projection: whatever the relay holds stays unwritten to Salesforce (the shadows never
  // take it). The relay describes a user afresh on every request: a changed profile is seen at
  // once.
  h = await startRelayHarness(4, { projection: false, relay: { cacheTtlMs: { describe: 0 } } })
  const rep1 = h.org.users.find((u) => u.username === 'rep1@briefcase.test')
  accounts = (h.org.snapshot().Account ?? [])
    .filter((r: Row) => r.IsDeleted !== true && r.OwnerId === rep1?.id)
    .map((r: Row) => `Account/${String(r.Id)}`)
}, 60_000)
afterAll(async () => {
  await h.close()
})

const count = (text: string, part: string): number => text.split(part).length - 1

/** Waits until the relay acknowledged every change of `doc` that `device` made. */
const received = (device: TestDevice, doc: string, what: string): Promise<void> =>
  eventually(
    async () =>
      (await device.client.listCache({ sobject: 'Account' })).some(
        (e) => e.doc === doc && e.syncStatus === 'received',
      ),
    what,
    10_000,
  )

/**
 * A document the relay refuses (an offline edit of a field the user lost, ADR 0005) is forwarded
 * by the device: only the edits the relay does not hold already. The relay holds (and forwards
 * itself) what it received earlier and has not written to Salesforce yet.
 */
describe('a refused document holding edits the relay already has', () => {
  it('forwards each long-text insertion once, others’ concurrent insertions kept in place, and keeps nothing of the lost field', async () => {
    const doc = accounts[0] as string
    const rep = await h.device('held-rep', 'rep1@briefcase.test')
    const manager = await h.device('held-manager', 'manager@briefcase.test')
    await eventually(() => rep.client.online && manager.client.online, 'both online')
    const r = await rep.client.open(doc)
    const m = await manager.client.open(doc)
    await eventually(() => r.live && m.live, 'both live', 15_000)
    const seed = String(r.get('Description') ?? '')
    const phone = String(r.get('Phone'))

    // Typed online: the relay durably holds it (the rep's device saw it acknowledged), and
    // nothing writes it to Salesforce.
    await r.insertText('Description', 0, '<held>')
    // (Brackets unlike the manager's: a diff aligns look-alike neighbours either way.)
    await r.insertText('Description', `<held>${seed}`.length, '(gone)')
    await eventually(() => m.get('Description') === `<held>${seed}(gone)`, 'the manager sees it')
    await received(rep, doc, 'the relay acknowledged the rep’s insertion')

    // Offline: the rep types before it, deletes the rest, and edits a field it is about to lose.
    rep.client.goOffline()
    await r.insertText('Description', 0, '<off>')
    await r.deleteText('Description', `<off><held>${seed}`.length, '(gone)'.length)
    await r.set('Phone', '4155550666')
    // Meanwhile the manager inserts into the same text, next to the rep's held insertion and at
    // its end.
    await m.insertText('Description', '<held>'.length, '<mid>')
    await m.insertText('Description', `<held><mid>${seed}(gone)`.length, '<end>')
    await received(manager, doc, 'the relay holds the manager’s insertions')
    h.org.setFieldAccess(ProfileName.fieldRep, 'Account', 'Phone', 'hidden')

    // Back online: the rep's document is refused (Phone), its edits move to the current ones.
    await rep.client.goOnline()
    await eventually(
      () => !Object.hasOwn(r.schema.schema.fields, 'Phone'),
      'the rep’s handle lost Phone',
      20_000,
    )
    const expected = `<off><held><mid>${seed}<end>`
    await eventually(() => r.get('Description') === expected, 'the rep’s text', 20_000).catch(
      () => {
        throw new Error(`The rep's text is ${JSON.stringify(r.get('Description'))}`)
      },
    )
    manager.client.goOffline()
    await manager.client.goOnline()
    await eventually(() => m.documents.length === 3 && m.live, 'the manager moved', 20_000)
    await eventually(() => m.get('Description') === expected, 'the manager’s text', 20_000).catch(
      () => {
        throw new Error(`The manager's text is ${JSON.stringify(m.get('Description'))}`)
      },
    )
    expect(count(String(r.get('Description')), '<held>')).toBe(1)
    // Phone was the rep's to edit no more: the manager still reads Salesforce's value.
    expect(m.get('Phone')).toBe(phone)

    const stored = await storedText(rep.factory)
    expect(stored).not.toContain(phone)
    expect(stored).not.toContain('4155550666')
    expect(r.documents.some((d) => Object.hasOwn(d.schema.fields, 'Phone'))).toBe(false)
    await r.close()
    await m.close()
    await h.closeDevices()
  }, 90_000)

  it('keeps a refused document’s edits through a request that fails mid-move, and forwards them once on the next sync', async () => {
    const doc = accounts[1] as string
    // The network fails the move's fetch of the current document (its only plain bulk request).
    const calls = { failing: false, failed: 0 }
    const flaky: typeof fetch = (input, init) => {
      const url = input instanceof Request ? input.url : String(input)
      if (calls.failing && new URL(url).pathname === '/sync/bulk') {
        calls.failed++
        return Promise.reject(new TypeError('fetch failed'))
      }
      return fetch(input, init)
    }
    const rep = await h.device('flaky-rep', 'rep1@briefcase.test', { fetch: flaky })
    await eventually(() => rep.client.online, 'online')
    const r = await rep.client.open(doc)
    await eventually(() => r.live, 'live', 15_000)
    const seed = String(r.get('Description') ?? '')
    const website = String(r.get('Website'))
    await r.insertText('Description', 0, '<held>')
    await received(rep, doc, 'the relay acknowledged the rep’s insertion')

    rep.client.goOffline()
    await r.insertText('Description', 0, '<off>')
    await r.set('Website', 'https://offline.example.com')
    // (Phone went in the test before: this one loses Website.)
    h.org.setFieldAccess(ProfileName.fieldRep, 'Account', 'Website', 'hidden')
    calls.failing = true
    await rep.client.goOnline()
    await eventually(() => calls.failed > 0, 'the move’s fetch failed', 20_000)
    // Still stored: the offline insertion is on the device (the refused document kept).
    expect(await storedText(rep.factory)).toContain('<off>')

    calls.failing = false
    // Each failed request took the client offline until its next probe of the relay answered (the
    // probe's request never failed), so the next sync is the first the client accepts from now.
    await eventually(
      () =>
        rep.client.sync().then(
          () => true,
          (error: unknown) => {
            if (isBriefcaseClientError(error, BriefcaseClientErrorCode.offline)) return false
            throw error
          },
        ),
      'a sync the client accepts',
      30_000,
    )
    await eventually(
      () => !Object.hasOwn(r.schema.schema.fields, 'Website'),
      'the rep’s handle moved',
      20_000,
    )
    await eventually(() => r.get('Description') === `<off><held>${seed}`, 'the rep’s text', 20_000)
    const stored = await storedText(rep.factory)
    expect(stored).not.toContain(website)
    expect(stored).not.toContain('offline.example.com')
    await r.close()
    await h.closeDevices()
  }, 90_000)
})
