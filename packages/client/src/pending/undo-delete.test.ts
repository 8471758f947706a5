import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { BriefcaseClient } from '../briefcase-client.js'
import { isBriefcaseClientError } from '../errors.js'
import type { RelayHarness } from '../testing/relay-harness.js'
import { eventually, startRelayHarness } from '../testing/relay-harness.js'

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

/** A cached Account the signed-in rep owns (owners may delete), after a refresh. */
async function ownAccount(client: BriefcaseClient, skip = 0): Promise<string> {
  await eventually(() => client.online, 'online')
  await client.refresh()
  const owner = client.session?.user.id
  const owned: string[] = []
  for (const entry of await client.listCache({ sobject: 'Account' })) {
    const probe = await client.open(entry.doc, { live: false })
    if (probe.get('OwnerId') === owner && !probe.isDeleted()) owned.push(entry.doc)
    await probe.close()
  }
  const doc = owned[skip]
  if (!doc) throw new Error('no account of the rep cached')
  return doc
}

describe('undoing a delete', () => {
  it('brings the record back with its pending edits while the delete is on the device only; the edits then reach Salesforce', async () => {
    const { client } = await h.device('undo-phone', 'rep1@briefcase.test')
    const doc = await ownAccount(client)
    const handle = await client.open(doc)
    client.goOffline()
    await handle.set('Phone', '+1 415 555 0177')
    await handle.delete()
    expect((await client.listCache()).find((e) => e.doc === doc)?.deleted).toBe(true)
    expect((await client.pendingChanges()).find((p) => p.doc === doc)).toMatchObject({
      operation: 'delete',
      state: 'saved',
    })

    await client.undoDelete(doc)
    expect(handle.isDeleted()).toBe(false)
    expect(handle.get('Phone')).toBe('+1 415 555 0177')
    expect((await client.listCache()).find((e) => e.doc === doc)?.deleted).toBe(false)
    const view = (await client.pendingChanges()).find((p) => p.doc === doc)
    expect(view?.operation).toBe('update')
    expect(view?.fields.map((f) => f.field)).toEqual(['Phone'])

    await client.goOnline()
    const key = doc.split('/')[1]
    await eventually(
      () => h.org.snapshot().Account?.find((a) => a.Id === key)?.Phone === '+1 415 555 0177',
      'the edit in Salesforce',
      15_000,
    )
    expect(h.org.snapshot().Account?.find((a) => a.Id === key)?.IsDeleted).toBe(false)
    await handle.close()
  })

  it('is refused once the relay holds the delete, and the delete reaches Salesforce', async () => {
    const { client } = await h.device('undo-late', 'rep1@briefcase.test')
    const doc = await ownAccount(client, 1)
    const handle = await client.open(doc, { live: false })
    await handle.delete()
    const key = doc.split('/')[1]
    await eventually(
      async () => (await client.pendingChanges()).find((p) => p.doc === doc)?.state !== 'saved',
      'the relay to receive the delete',
      15_000,
    )
    const error = await client.undoDelete(doc).catch((e: unknown) => e)
    expect(isBriefcaseClientError(error, 'BRIEFCASE_INVALID_OPERATION')).toBe(true)
    expect(handle.isDeleted()).toBe(true)
    await eventually(
      () => h.org.snapshot().Account?.find((a) => a.Id === key)?.IsDeleted === true,
      'the delete in Salesforce',
      15_000,
    )
    await handle.close()
  })

  it('is refused for a record that is not deleted', async () => {
    const { client } = await h.device('undo-none', 'rep1@briefcase.test')
    const doc = await ownAccount(client, 2)
    const error = await client.undoDelete(doc).catch((e: unknown) => e)
    expect(isBriefcaseClientError(error, 'BRIEFCASE_INVALID_OPERATION')).toBe(true)
  })
})
