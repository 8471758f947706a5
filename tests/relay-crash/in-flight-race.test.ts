import type { Org, OrgUser } from '@briefcase/org'
import { createOrg } from '@briefcase/org'
import type { RecordDocument } from '@briefcase/record'
import {
  RecordDocument as Doc,
  createHybridClock,
  parseDeviceId,
  yjsEngine,
} from '@briefcase/record'
import type { TestRelay } from '@briefcase/relay/testing'
import { startTestRelay } from '@briefcase/relay/testing'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  SqliteProjectionStore,
  SqlitePullStore,
  createProjector,
  createPuller,
  hubDocs,
  hubPullDocs,
  inFlightIds,
} from '../../packages/relay/src/projection/index.js'
import { connect, groupOf, openHub } from './trial.js'

/**
 * Finding 5, driven deterministically: the relay is killed while a write is in flight; the call
 * lands in Salesforce after the restart but before recovery reconciled it; the puller runs first.
 * Salesforce stamps our own write with a whole-second LastModifiedDate later than the device's
 * next, acknowledged edit: taken for a server change, it would beat (lose) that edit.
 */
describe('a call landing between restart and reconciliation', () => {
  let org: Org
  let t: TestRelay
  let dir: string
  beforeAll(async () => {
    org = createOrg({ accounts: 4 })
    t = await startTestRelay({ org })
    dir = mkdtempSync(join(tmpdir(), 'briefcase-in-flight-'))
  })
  afterAll(async () => {
    await t.close()
    await org.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('is reconciled before the puller touches the record: 0 acknowledged edits lost', async () => {
    const rep1 = org.users.find((u) => u.username === 'rep1@briefcase.test') as OrgUser
    const conn = connect(t.url, org, rep1)
    const file = join(dir, 'relay.sqlite')
    const relay = openHub(file)
    const { hub } = relay
    const accounts = await groupOf(conn, 'Account', hub)
    const made = await conn.sobject('Account').create({ Name: 'In Flight Co' })
    if (!made.success) throw new Error('create failed')
    const id = made.id
    const fields = Object.keys(accounts.schema.fields)
    const [row] = (
      await conn.query<Record<string, unknown>>(
        `SELECT ${fields.join(', ')} FROM Account WHERE Id = '${id}'`,
      )
    ).records
    const ref = { name: `Account/${id}`, group: accounts.id }
    hub.release(hub.create(ref, accounts))
    await hub.mutate(ref, (doc, hot) => {
      hub.noteUser(hot, rep1.id)
      doc.applyServerRecord(row as Record<string, unknown>, {
        salesforceId: id as never,
        lastModifiedDate: String(row?.LastModifiedDate),
        systemModstamp: String(row?.SystemModstamp),
        lastModifiedById: rep1.id,
      })
    })
    const clock = createHybridClock({ device: parseDeviceId('phone') })
    const state = await hub.read(ref, (doc) => doc.encodeState())
    const device: RecordDocument = Doc.open({
      engine: yjsEngine,
      name: ref.name,
      schema: accounts.schema,
      state: state as Uint8Array,
      actor: { user: rep1.id, device: clock.device },
      clock,
    })
    const send = (): Promise<unknown> =>
      hub.mutate(ref, (doc) =>
        doc.applyUpdate(device.encodeUpdate(doc.encodeStateVector()), 'device'),
      )

    // The first edit; the relay records its call and is killed before the answer.
    device.set('Website', 'https://first.example')
    await send()
    const projectionStore = new SqliteProjectionStore({ database: relay.store.database })
    const crashing = createProjector({
      docs: hubDocs(hub),
      store: projectionStore,
      salesforce: { connection: () => Promise.resolve(conn) },
      onStage: (stage) => {
        if (stage === 'intent-recorded') throw new Error('killed')
      },
    })
    await crashing.runOnce().catch(() => undefined)
    expect(await inFlightIds(projectionStore)).toEqual(new Set([id]))
    // The device's next edit: the relay holds it (acknowledged).
    device.set('Website', 'https://second.example')
    await send()
    // The killed relay's call lands now, in a later second than that edit.
    await new Promise((resolve) => setTimeout(resolve, 1010 - (Date.now() % 1000)))
    await conn.sobject('Account').update({ Id: id, Website: 'https://first.example' })

    // Restart: the puller runs before the projector has reconciled the call.
    const puller = createPuller({
      docs: hubPullDocs(hub),
      store: new SqlitePullStore({ database: relay.store.database }),
      salesforce: { connection: () => Promise.resolve(conn) },
      inFlight: () => inFlightIds(projectionStore),
    })
    await puller.pullOnce()
    expect(await hub.read(ref, (doc) => doc.get('Website'))).toBe('https://second.example')
    const projector = createProjector({
      docs: hubDocs(hub),
      store: projectionStore,
      salesforce: { connection: () => Promise.resolve(conn) },
      options: { inFlightSettleMs: 300 },
    })
    await projector.runOnce()
    expect(await projector.runOnce()).toMatchObject({ calls: 0 })
    await puller.pullOnce()
    const website: unknown = (await conn.sobject('Account').retrieve(id)).Website
    expect(website).toBe('https://second.example')
    expect(await hub.read(ref, (doc) => [doc.get('Website'), doc.pending()])).toEqual([
      'https://second.example',
      null,
    ])
    await relay.close()
  })
})
