import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RelayHarness } from './testing/relay-harness.js'
import { eventually, startRelayHarness } from './testing/relay-harness.js'

let h: RelayHarness
beforeAll(async () => {
  h = await startRelayHarness()
})
afterAll(async () => {
  await h.close()
})

describe('a record the user lost access to', () => {
  it('says "You no longer have access" once the relay cuts its live socket (4403), and receives nothing more', async () => {
    const { client } = await h.device('access-phone', 'rep1@briefcase.test')
    const rep1 = client.session?.user.id
    const manager = h.org.users.find((u) => u.username === 'manager@briefcase.test')
    await eventually(() => client.online, 'online')
    await client.refresh()
    const owned = new Set(
      (h.org.snapshot().Opportunity ?? [])
        .filter((o) => o.OwnerId === rep1 && o.IsDeleted !== true)
        .map((o) => `Opportunity/${String(o.Id)}`),
    )
    const entry = (await client.listCache({ sobject: 'Opportunity' })).find((e) => owned.has(e.doc))
    if (!entry || !manager) throw new Error('rep1 has no cached Opportunity of their own')
    const handle = await client.open(entry.doc)
    await eventually(() => handle.live, 'live')
    expect(handle.syncError).toBeNull()
    const changes: (string | null)[] = []
    handle.addEventListener('live-change', () => changes.push(handle.syncError?.code ?? null))

    const id = entry.doc.slice('Opportunity/'.length)
    const res = await fetch(`${h.relay.url}/services/data/v62.0/sobjects/Opportunity/${id}`, {
      method: 'PATCH',
      headers: {
        authorization: `Bearer ${h.org.issueToken(manager.username)}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ OwnerId: manager.id, Name: 'Taken Over Deal' }),
    })
    expect(res.status).toBe(204)
    await h.relay.relay.projection?.puller.pullOnce()

    await eventually(() => handle.syncError !== null, 'access lost')
    expect(handle.syncError).toEqual({
      code: 'BRIEFCASE_ACCESS_LOST',
      message: 'You no longer have access to this record.',
    })
    expect(handle.live).toBe(false)
    expect(changes).toContain('BRIEFCASE_ACCESS_LOST')
    expect(handle.get('Name')).not.toBe('Taken Over Deal')
    // The client does not keep knocking: the refusal is final for this socket.
    await new Promise((resolve) => setTimeout(resolve, 500))
    expect(handle.live).toBe(false)
    expect(handle.syncError?.code).toBe('BRIEFCASE_ACCESS_LOST')
  })
})
