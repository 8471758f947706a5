import type { Org } from '@briefcase/org'
import { createOrg } from '@briefcase/org'
import type { YjsEngineDoc } from '@briefcase/record'
import { RecordDocument, yjsEngine } from '@briefcase/record'
import type { TestRelay } from '@briefcase/relay/testing'
import { startTestRelay } from '@briefcase/relay/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import * as Y from 'yjs'
import { Device, updateFrame } from './device.js'

/**
 * Creating a record under a parent: a draft's lookups naming Salesforce records are checked
 * against the user's record-level rights (`UserRecordAccess`) before the create is accepted.
 * Opportunity is private in the org: rep1 may not read rep2's.
 */
describe('create under a parent the user may not read', () => {
  let org: Org
  let t: TestRelay
  let rep1: Device
  const opportunityOf = (userId: string): string =>
    String(
      org.snapshot().Opportunity?.find((o) => o.OwnerId === userId && o.IsDeleted !== true)?.Id,
    )
  const taskDraft = async (whatId: string, subject: string): Promise<RecordDocument> =>
    RecordDocument.createDraft({
      engine: yjsEngine,
      schema: await rep1.schema('Task'),
      actor: { user: rep1.userId, device: rep1.clock.device },
      clock: rep1.clock,
      values: { Subject: subject, WhatId: whatId },
    })

  beforeAll(async () => {
    org = createOrg({ accounts: 6 })
    t = await startTestRelay({ org })
    rep1 = await Device.signIn(t.url, 'rep1', 'parent-rep1')
  })
  afterAll(async () => {
    rep1.close()
    await t.close()
    await org.close()
  })

  it('bulk: refuses the draft whole with BRIEFCASE_PARENT_FORBIDDEN, and accepts one under a parent the user reads', async () => {
    const rep2 = await Device.signIn(t.url, 'rep2', 'parent-rep2')
    const foreign = await taskDraft(opportunityOf(rep2.userId), 'Call about their deal')
    const own = await taskDraft(opportunityOf(rep1.userId), 'Call about my deal')
    rep1.adopt(foreign)
    rep1.adopt(own)
    const [refused, accepted] = await rep1.bulk([foreign.name, own.name])
    expect(refused).toMatchObject({ ok: false, code: 'BRIEFCASE_PARENT_FORBIDDEN' })
    expect(refused?.ok === false && refused.message).toMatch(/WhatId names 006/)
    expect(accepted?.ok).toBe(true)
    // Nothing of the refused draft was stored: another device of rep1 finds no Subject.
    const other = await Device.signIn(t.url, 'rep1', 'parent-rep1-b')
    const [again] = await other.bulk([foreign.name])
    expect(again?.ok).toBe(true)
    expect((await other.open(foreign.name)).get('Subject')).toBeNull()
  })

  it('live: refuses the draft update (the socket is closed with the code) and stores nothing', async () => {
    const rep2 = await Device.signIn(t.url, 'rep2', 'parent-rep2-live')
    const draft = await taskDraft(opportunityOf(rep2.userId), 'Live call about their deal')
    const ws = new WebSocket(
      `${t.url.replace(/^http/, 'ws')}/sync/live/${draft.name}?token=${rep1.token}`,
    )
    const closed = new Promise<{ code: number; reason: string }>((resolve) =>
      ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    )
    await new Promise((resolve, reject) => {
      ws.once('open', resolve)
      ws.once('error', reject)
    })
    ws.send(updateFrame(Y.encodeStateAsUpdate((draft.engineDoc as YjsEngineDoc).ydoc)))
    const { reason } = await closed
    expect(reason).toMatch(/^BRIEFCASE_PARENT_FORBIDDEN/)
    const other = await Device.signIn(t.url, 'rep1', 'parent-rep1-c')
    const [answer] = await other.bulk([draft.name])
    expect(answer?.ok).toBe(true)
    expect((await other.open(draft.name)).get('Subject')).toBeNull()
  })
})
