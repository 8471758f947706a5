import type { Org } from '@briefcase/org'
import { createOrg } from '@briefcase/org'
import type { TestRelay } from '@briefcase/relay/testing'
import { startTestRelay } from '@briefcase/relay/testing'
import { afterAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { Device } from './device.js'

type Row = Record<string, unknown>

/** A raw live connection: every frame it receives, and how it closed. */
async function openLive(
  t: TestRelay,
  device: Device,
  name: string,
): Promise<{ frames: Buffer[]; closed: Promise<{ code: number; reason: string }> }> {
  const ws = new WebSocket(
    `${t.url.replace(/^http/, 'ws')}/sync/live/${name}?token=${device.token}`,
  )
  const frames: Buffer[] = []
  ws.on('message', (data: Buffer) => frames.push(data))
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  )
  await new Promise((resolve, reject) => {
    ws.once('open', resolve)
    ws.once('error', reject)
  })
  return { frames, closed }
}

/**
 * Finding 4: access was checked only at connect. The manager takes over rep1's private
 * Opportunity; rep1's open socket must be cut, and receive nothing more of it.
 */
describe('access re-checked while connected', () => {
  const started: { org: Org; t: TestRelay }[] = []
  afterAll(async () => {
    for (const { org, t } of started) {
      await t.close()
      await org.close()
    }
  })

  async function setUp(liveAccessRecheckMs?: number) {
    const org = createOrg({ accounts: 6 })
    const t = await startTestRelay({
      org,
      projection: { options: { debounceMs: 10 }, pull: { intervalMs: 3_600_000 } },
      ...(liveAccessRecheckMs === undefined ? {} : { relay: { liveAccessRecheckMs } }),
    })
    started.push({ org, t })
    const rep1 = await Device.signIn(t.url, 'rep1', 'access-rep1')
    const manager = await Device.signIn(t.url, 'manager', 'access-manager')
    const opp = (org.snapshot().Opportunity ?? []).find(
      (o: Row) => o.OwnerId === rep1.userId && o.IsDeleted !== true,
    )
    const id = String(opp?.Id)
    const takeOver = async (fields: Row): Promise<void> => {
      const res = await fetch(`${t.url}/services/data/v62.0/sobjects/Opportunity/${id}`, {
        method: 'PATCH',
        headers: {
          authorization: `Bearer ${org.issueToken('manager@briefcase.test')}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({ OwnerId: manager.userId, ...fields }),
      })
      expect(res.status).toBe(204)
    }
    return { t, rep1, manager, name: `Opportunity/${id}`, takeOver }
  }

  it('cuts an open socket before an ownership change is merged (its change event, or the puller pass): nothing more is received', async () => {
    const { t, rep1, manager, name, takeOver } = await setUp()
    await manager.bulk([name])
    const live = await openLive(t, rep1, name)
    await new Promise((resolve) => setTimeout(resolve, 100))
    const before = live.frames.length
    await takeOver({ Name: 'Taken Over Deal', Amount: 987654 })
    await t.relay.projection?.puller.pullOnce()
    const { code, reason } = await live.closed
    expect(code).toBe(4403)
    expect(reason).toMatch(/^BRIEFCASE_ACCESS_LOST: You no longer have access/)
    const after = Buffer.concat(live.frames.slice(before)).toString('latin1')
    expect(after).not.toContain('Taken Over Deal')
    // The manager's document has the change: the pass did merge it.
    await manager.bulk([name])
    expect((await manager.open(name)).get('Name')).toBe('Taken Over Deal')
    // rep1 cannot open it again.
    const [answer] = await rep1.bulk([name])
    expect(answer).toMatchObject({ ok: false, code: 'BRIEFCASE_FORBIDDEN' })
  })

  it('cuts an open socket within the periodic re-check, with no pull at all', async () => {
    const { t, rep1, name, takeOver } = await setUp(300)
    const live = await openLive(t, rep1, name)
    await takeOver({})
    const started = Date.now()
    const { code } = await live.closed
    expect(code).toBe(4403)
    expect(Date.now() - started).toBeLessThan(3000)
  })
})
