import type { Org } from '@briefcase/org'
import { createOrg } from '@briefcase/org'
import { RelayErrorCode, syncName } from '@briefcase/protocol'
import type { DraftKey, RecordDocument } from '@briefcase/record'
import { RecordDocument as Doc, newDraftKey, parseDeviceId, yjsEngine } from '@briefcase/record'
import type { TestRelay } from '@briefcase/relay/testing'
import { startTestRelay } from '@briefcase/relay/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Device, until } from './device.js'

type Row = Record<string, unknown>

/**
 * A manager's new Account arrives at the relay as two documents under one draft key (ADR 0005):
 * the main partition's and the one holding Credit_Limit__c. The record is created once, from the
 * main document, however the two arrive; Credit_Limit__c follows as the manager's update.
 */
describe('a new record whose documents arrive apart', () => {
  let org: Org
  let t: TestRelay
  let rep: Device
  let manager: Device
  let partition: string
  /**
   * Crashes the projector once, after Salesforce answered its next write call (armed by a test):
   * the call is left in flight, as when the relay dies or the answer is lost.
   */
  const crash = { armed: false, crashed: 0 }
  beforeAll(async () => {
    org = createOrg({ accounts: 2 })
    t = await startTestRelay({
      org,
      projection: {
        options: { debounceMs: 10, intervalMs: 200 },
        changeEvents: false,
        onStage: (stage) => {
          if (stage !== 'response-received' || !crash.armed) return
          crash.armed = false
          crash.crashed += 1
          throw new Error('crash after Salesforce created the record')
        },
      },
    })
    rep = await Device.signIn(t.url, 'rep1', 'cp-rep')
    manager = await Device.signIn(t.url, 'manager', 'cp-manager')
    await rep.describe('Account')
    const schema = await manager.describe('Account')
    expect(schema.partitions).toHaveLength(1)
    partition = schema.partitions?.[0]?.id ?? ''
  })
  afterAll(async () => {
    rep?.close()
    manager?.close()
    await t?.close()
    await org?.close()
  })

  const accountsNamed = (name: string): Row[] =>
    (org.snapshot().Account ?? []).filter((r: Row) => r.Name === name && r.IsDeleted !== true)

  /** The manager's draft: its main document and its Credit_Limit__c document, kept on the device. */
  async function draft(values: Row, limit: number): Promise<{ main: string; part: string }> {
    const key: DraftKey = newDraftKey()
    const make = async (p: string | null, v: Row): Promise<RecordDocument> =>
      Doc.createDraft({
        engine: yjsEngine,
        schema: await manager.schema('Account', p),
        actor: { user: manager.userId, device: parseDeviceId(manager.id) },
        clock: manager.clock,
        values: v,
        draftKey: key,
      })
    const main = `Account/${key}`
    const part = syncName(main, partition)
    manager.docs.set(main, await make(null, values))
    manager.docs.set(part, await make(partition, { Credit_Limit__c: limit }))
    return { main, part }
  }

  /** Waits for one Account named `name` holding `limit`, written as the manager; none more. */
  async function createdOnce(name: string, limit: number): Promise<Row> {
    await until(() => accountsNamed(name).some((r) => r.Credit_Limit__c === limit), 20_000)
    const rows = accountsNamed(name)
    expect(rows).toHaveLength(1)
    const row = rows[0] as Row
    expect(row.CreatedById).toBe(manager.userId)
    expect(row.LastModifiedById).toBe(manager.userId)
    return row
  }

  it('waits for the main document when the other arrives first, then writes both once', async () => {
    const { main, part } = await draft({ Name: 'Apart Co', Phone: '4155550111' }, 125_000)
    const [early] = await manager.bulk([part])
    expect(early?.ok).toBe(true)
    // The projector runs every 200 ms: a partition document alone never creates the record.
    await new Promise((r) => setTimeout(r, 1_000))
    expect(accountsNamed('Apart Co')).toHaveLength(0)
    expect(await manager.bulk([main])).toMatchObject([{ ok: true }])
    const row = await createdOnce('Apart Co', 125_000)
    expect(row.Phone).toBe('4155550111')
    // Both documents learn the Id.
    await until(async () => {
      await manager.bulk([main, part])
      return [main, part].every((n) => manager.docs.get(n)?.salesforceId() === row.Id)
    }, 20_000)
    expect(manager.docs.get(part)?.pending()).toBeNull()

    // Delivered again, whole, from a device that lost the relay's answers: nothing new.
    manager.relayVectors.clear()
    expect(await manager.bulk([part, main])).toMatchObject([{ ok: true }, { ok: true }])
    await new Promise((r) => setTimeout(r, 1_000))
    expect(accountsNamed('Apart Co')).toHaveLength(1)

    // The rep syncs the record's main document; the other is refused, its fields never sent.
    const answers = await rep.bulk([main, part])
    expect(answers[0]).toMatchObject({ ok: true })
    expect(answers[1]).toMatchObject({ ok: false, code: RelayErrorCode.forbidden })
    expect(rep.docs.get(main)?.get('Name')).toBe('Apart Co')
    expect(rep.docs.get(main)?.schema.fields).not.toHaveProperty('Credit_Limit__c')
    expect(rep.docs.has(part)).toBe(false)
  }, 60_000)

  it('sends the main document’s create once when the projector crashes after Salesforce made it', async () => {
    const { main, part } = await draft({ Name: 'Crash Create Co' }, 64_000)
    crash.armed = true
    expect(await manager.bulk([main, part])).toMatchObject([{ ok: true }, { ok: true }])
    const row = await createdOnce('Crash Create Co', 64_000)
    expect(crash.crashed).toBe(1)
    await until(async () => {
      await manager.bulk([main, part])
      return [main, part].every((n) => manager.docs.get(n)?.salesforceId() === row.Id)
    }, 20_000)
  }, 60_000)
})
