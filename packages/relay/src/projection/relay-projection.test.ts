import type { Org } from '@briefcase/org'
import { createOrg } from '@briefcase/org'
import type { SchemaResponse } from '@briefcase/protocol'
import { decodeBulkResponse, encodeBulkRequest } from '@briefcase/protocol'
import type { RecordDocument } from '@briefcase/record'
import {
  RecordDocument as Doc,
  createHybridClock,
  parseDeviceId,
  yjsEngine,
} from '@briefcase/record'
import { afterEach, beforeEach, describe, expect, expectTypeOf, it } from 'vitest'
import type { DocHub } from '../docs/doc-hub.js'
import { SqlitePullStore } from '../pull/sqlite-pull-store.js'
import type { Relay } from '../relay.js'
import type { SqliteRelayStore } from '../store/sqlite-relay-store.js'
import { signInDevice } from '../testing/sign-in.js'
import type { TestRelay } from '../testing/test-relay.js'
import { startTestRelay } from '../testing/test-relay.js'
import type { ProjectionHub, ProjectionSessions, RelayProjection } from './relay-projection.js'
import { createRelayProjection } from './relay-projection.js'
import { SqliteProjectionStore } from './sqlite-projection-store.js'

/** A device syncing in bulk through the relay (one HTTP request per round). */
async function bulkDevice(url: string, username: string, password: string, id: string) {
  const token = await signInDevice({ relayUrl: url, username, password, device: id })
  const headers = { authorization: `Bearer ${token}` }
  const session = (await (await fetch(`${url}/auth/session`, { headers })).json()) as {
    user: { id: string }
  }
  const clock = createHybridClock({ device: parseDeviceId(id) })
  const docs = new Map<string, RecordDocument>()
  const schema = async (sobject: string): Promise<SchemaResponse['schema']> =>
    ((await (await fetch(`${url}/api/schemas/${sobject}`, { headers })).json()) as SchemaResponse)
      .schema
  return {
    docs,
    async sync(names: string[]): Promise<void> {
      const body = encodeBulkRequest(
        names.map((name) => {
          const doc = docs.get(name)
          return {
            name,
            stateVector: doc ? doc.encodeStateVector() : new Uint8Array(),
            update: doc ? doc.encodeState() : new Uint8Array(),
          }
        }),
      )
      const res = await fetch(`${url}/sync/bulk`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/octet-stream' },
        body: body as Uint8Array<ArrayBuffer>,
      })
      for (const a of decodeBulkResponse(new Uint8Array(await res.arrayBuffer()))) {
        if (!a.ok) throw new Error(`${a.name}: ${JSON.stringify(a)}`)
        const known = docs.get(a.name)
        if (known) known.applyUpdate(a.update)
        else {
          const doc = Doc.open({
            engine: yjsEngine,
            name: a.name,
            schema: await schema(a.name.split('/')[0] as string),
            actor: { user: session.user.id, device: clock.device },
            clock,
            state: a.update,
          })
          docs.set(a.name, doc)
        }
      }
    },
  }
}

let org: Org
let t: TestRelay
let projection: RelayProjection
beforeEach(async () => {
  org = createOrg({ accounts: 4 })
  t = await startTestRelay({ org })
  const database = (t.store as SqliteRelayStore).database
  projection = createRelayProjection({
    hub: t.relay.hub,
    salesforce: t.relay.salesforce,
    projectionStore: new SqliteProjectionStore({ database }),
    pullStore: new SqlitePullStore({ database }),
    metrics: t.relay.metrics,
  })
})
afterEach(async () => {
  await projection.stop()
  await t.close()
  await org.close()
})

describe('createRelayProjection', () => {
  it('takes the relay’s hub and sessions as they are', () => {
    expectTypeOf<DocHub>().toExtend<ProjectionHub>()
    expectTypeOf<Relay['salesforce']>().toExtend<ProjectionSessions>()
  })

  it('projects a device’s edit made through bulk sync, under the device user’s session', async () => {
    const account = (org.snapshot().Account ?? []).find((a) => a.IsDeleted !== true)
    const name = `Account/${String(account?.Id)}`
    const rep = org.users.find((u) => u.username === 'rep1@briefcase.test')
    const device = await bulkDevice(t.url, 'rep1@briefcase.test', rep?.password ?? '', 'phone')
    await device.sync([name])
    device.docs.get(name)?.set('Phone', '4155550142')
    await device.sync([name])
    org.clearCalls()
    expect(await projection.projector.runOnce()).toMatchObject({ written: 1, refused: 0 })
    expect(org.snapshot().Account?.find((a) => a.Id === account?.Id)?.Phone).toBe('4155550142')
    const writes = org.calls().filter((c) => c.path.endsWith('/composite'))
    // One call: the write carries its conflict check (If-Unmodified-Since).
    expect(writes.map((c) => c.user)).toEqual(['rep1@briefcase.test'])
    await device.sync([name])
    expect(device.docs.get(name)?.status()?.state).toBe('ok')
    expect(device.docs.get(name)?.pending()?.operation ?? null).toBeNull()
  })

  it('pulls a write into the documents of the other visibility groups right after it', async () => {
    const account = (org.snapshot().Account ?? []).find((a) => a.IsDeleted !== true)
    const name = `Account/${String(account?.Id)}`
    const password = (n: string): string => org.users.find((u) => u.username === n)?.password ?? ''
    const rep = await bulkDevice(
      t.url,
      'rep1@briefcase.test',
      password('rep1@briefcase.test'),
      'p1',
    )
    const boss = await bulkDevice(
      t.url,
      'manager@briefcase.test',
      password('manager@briefcase.test'),
      'm1',
    )
    await rep.sync([name])
    await boss.sync([name])
    rep.docs.get(name)?.set('Phone', '4155550199')
    await rep.sync([name])
    await projection.projector.runOnce()
    const deadline = Date.now() + 5000
    for (;;) {
      await boss.sync([name])
      if (boss.docs.get(name)?.get('Phone') === '4155550199') break
      if (Date.now() > deadline) throw new Error('the manager’s document did not get the change')
      await new Promise((r) => setTimeout(r, 20))
    }
    expect(boss.docs.get(name)?.pending()).toBeNull()
  })

  it('runs by itself after a device change once started', async () => {
    const account = (org.snapshot().Account ?? []).find((a) => a.IsDeleted !== true)
    const name = `Account/${String(account?.Id)}`
    const rep = org.users.find((u) => u.username === 'rep1@briefcase.test')
    const device = await bulkDevice(t.url, 'rep1@briefcase.test', rep?.password ?? '', 'phone')
    await device.sync([name])
    projection.start()
    device.docs.get(name)?.set('Website', 'https://started.example')
    await device.sync([name])
    const deadline = Date.now() + 5000
    while (
      org.snapshot().Account?.find((a) => a.Id === account?.Id)?.Website !==
      'https://started.example'
    ) {
      if (Date.now() > deadline) throw new Error('not projected in time')
      await new Promise((r) => setTimeout(r, 20))
    }
  })
})
