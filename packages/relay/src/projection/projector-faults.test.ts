import type { DraftKey } from '@briefcase/record'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { ProjectionStage } from './context.js'
import type { Device, Harness } from './org-harness.contract.js'
import { REP1, REP2, startHarness } from './org-harness.contract.js'
import type { ProjectorConfig } from './projector.js'
import { createProjector } from './projector.js'
import type { DocRef } from './ports.js'

let h: Harness
beforeEach(async () => {
  h = await startHarness()
})
afterEach(async () => {
  await h.close()
})

/** A fake clock the projector's sleeps advance, recording them. */
function fakeTime(): { now: () => number; sleep: (ms: number) => Promise<void>; sleeps: number[] } {
  let t = Date.now()
  const sleeps: number[] = []
  return {
    now: () => t,
    sleep: (ms) => {
      sleeps.push(ms)
      t += ms
      return Promise.resolve()
    },
    sleeps,
  }
}

async function editedAccounts(n: number): Promise<{ phone: Device; refs: DocRef[] }> {
  const group = await h.group('Account', REP1)
  const phone = h.device(REP1, 'phone')
  const refs: DocRef[] = []
  for (let i = 0; i < n; i++) {
    const ref = await h.load('Account', await h.create('Account', { Name: `A${i}` }), REP1)
    ;(await phone.open(ref)).set('Name', `A${i} edited`)
    await phone.push(ref, group)
    refs.push(ref)
  }
  return { phone, refs }
}

function config(
  time: ReturnType<typeof fakeTime>,
  extra: Partial<ProjectorConfig> = {},
): ProjectorConfig {
  // The faults are aimed at the separate SystemModstamp check and the write after it.
  return h.config({
    now: time.now,
    sleep: time.sleep,
    random: () => 0.5,
    options: { maxConditionalRows: 0 },
    ...extra,
  })
}

describe('projector under faults', () => {
  it('retries 5xx answers with growing backoff, then writes', async () => {
    const { phone, refs } = await editedAccounts(2)
    h.org.setFaults({
      failNext: [
        {
          method: 'POST',
          pathIncludes: '/composite',
          status: 500,
          errorCode: 'UNKNOWN_EXCEPTION',
          message: 'boom',
          times: 3,
        },
      ],
    })
    const time = fakeTime()
    const report = await createProjector(config(time)).runOnce()
    expect(report).toMatchObject({ written: 2, refused: 0 })
    expect(time.sleeps).toEqual([375, 750, 1500])
    expect(h.records('Account').filter((r) => String(r.Name).endsWith('edited'))).toHaveLength(2)
    for (const ref of refs) expect((await phone.pull(ref)).status()?.state).toBe('ok')
  })

  it('keeps order through a failure: a second author’s write never overtakes the first’s retry', async () => {
    const id = await h.create('Account', { Name: 'Ordered' })
    const ref = await h.load('Account', id, REP1)
    let t = Date.now()
    const a = h.device(REP1, 'a', () => ++t)
    const b = h.device(REP2, 'b', () => ++t)
    ;(await a.open(ref)).set('Website', 'https://first.example')
    ;(await b.open(ref)).set('Phone', '4155550188')
    await a.push(ref, await h.group('Account', REP1))
    await b.push(ref, await h.group('Account', REP2))
    h.org.clearCalls()
    h.org.setFaults({
      failNext: [
        { method: 'POST', status: 503, errorCode: 'SERVER_UNAVAILABLE', message: 'busy', times: 1 },
      ],
    })
    const time = fakeTime()
    expect(await createProjector(config(time)).runOnce()).toMatchObject({ written: 2 })
    const composites = h.org.calls().filter((c) => c.path.endsWith('/composite'))
    // (The fault answers before authentication: no user on the failed call.)
    expect(composites.map((c) => [c.user, c.status])).toEqual([
      [null, 503],
      [REP1, 200],
      [REP1, 200],
      [REP2, 200],
      [REP2, 200],
    ])
    expect(h.records('Account').find((r) => r.Id === id)).toMatchObject({
      Website: 'https://first.example',
      Phone: '4155550188',
      LastModifiedById: h.users.rep2.id,
    })
  })

  it('pauses every write on REQUEST_LIMIT_EXCEEDED and on lock contention, then writes', async () => {
    await editedAccounts(1)
    h.org.setFaults({
      limitBurst: 1,
      failNext: [
        {
          method: 'POST',
          status: 400,
          errorCode: 'UNABLE_TO_LOCK_ROW',
          message: 'locked',
          times: 1,
        },
      ],
    })
    const time = fakeTime()
    expect(await createProjector(config(time)).runOnce()).toMatchObject({ written: 1 })
    expect(time.sleeps.length).toBeGreaterThanOrEqual(2)
  })

  it('retries a dropped connection, reconciling the call first: nothing duplicated', async () => {
    const accounts = await h.group('Account', REP1)
    const phone = h.device(REP1, 'phone')
    const draft = phone.draft(accounts, { Name: 'Dropped Co' })
    await phone.push(draft.ref, accounts)
    h.org.setFaults({ dropConnectionRate: 1 })
    const time = fakeTime()
    const sleep = async (ms: number): Promise<void> => {
      h.org.setFaults({ dropConnectionRate: 0 })
      await time.sleep(ms)
    }
    expect(await createProjector(config(time, { sleep })).runOnce()).toMatchObject({ written: 1 })
    expect(h.records('Account').filter((r) => r.Name === 'Dropped Co')).toHaveLength(1)
    expect(await h.store.unsettledIntents()).toEqual([])
  })

  it('waits for a call left in flight that lands late, and takes it as our own write', async () => {
    const accounts = await h.group('Account', REP1)
    const id = await h.create('Account', { Name: 'Late Co', Phone: '4155550100' })
    const ref = await h.load('Account', id, REP1)
    const phone = h.device(REP1, 'phone')
    ;(await phone.open(ref)).set('Phone', '4155550111')
    await phone.push(ref, accounts)
    // The relay dies once the call is recorded; the call reaches Salesforce only after the
    // restarted relay's first read of the record (as a request sent just before a crash can).
    const crash = (s: ProjectionStage): void => {
      if (s === 'intent-recorded') throw new Error('crash')
    }
    await expect(createProjector(h.config({ onStage: crash })).runOnce()).rejects.toThrow('crash')
    const time = fakeTime()
    const sleep = async (ms: number): Promise<void> => {
      if (time.sleeps.length === 0) {
        await h.conn(REP1).sobject('Account').update({ Id: id, Phone: '4155550111' })
      }
      await time.sleep(ms)
    }
    const report = await createProjector(config(time, { sleep })).runOnce()
    expect(report).toMatchObject({ recovered: 1, merged: 0, calls: 0 })
    expect(time.sleeps.length).toBe(1)
    const doc = await phone.pull(ref)
    expect(doc.get('Phone')).toBe('4155550111')
    // Acknowledged as our write: no server change, nothing pending, no notice.
    expect(doc.pending()).toBeNull()
    expect(await h.store.unsettledIntents()).toEqual([])
  })

  for (const stage of [
    'intent-recorded',
    'response-received',
    'acks-applied',
  ] as ProjectionStage[]) {
    it(`recovers from a crash at ${stage}: no duplicate, nothing lost`, async () => {
      const accounts = await h.group('Account', REP1)
      const contacts = await h.group('Contact', REP1)
      const id = await h.create('Account', { Name: 'Existing' })
      const existing = await h.load('Account', id, REP1)
      const phone = h.device(REP1, 'phone')
      const parent = phone.draft(accounts, { Name: 'Crash Co' })
      const child = phone.draft(contacts, { LastName: 'Crash', AccountId: parent.doc.draftKey() })
      ;(await phone.open(existing)).set('Name', 'Existing edited')
      for (const [ref, group] of [
        [parent.ref, accounts],
        [child.ref, contacts],
        [existing, accounts],
      ] as const) {
        await phone.push(ref, group)
      }
      const crash = (s: ProjectionStage): void => {
        if (s === stage) throw new Error(`crash at ${s}`)
      }
      await expect(createProjector(h.config({ onStage: crash })).runOnce()).rejects.toThrow('crash')
      // The restarted projector's clock runs on its sleeps: a call not found whole is concluded
      // once it is older than `inFlightSettleMs`.
      const time = fakeTime()
      const report = await createProjector(config(time)).runOnce()
      expect(report.recovered).toBe(1)
      if (stage === 'intent-recorded') {
        expect(time.sleeps).toHaveLength(1)
        expect(time.sleeps[0]).toBeGreaterThan(19_000)
        expect(time.sleeps[0]).toBeLessThanOrEqual(20_000)
      } else expect(time.sleeps).toEqual([])
      const key = parent.doc.draftKey() as DraftKey
      const accountsNamed = h.records('Account').filter((r) => r.Briefcase_Draft_Key__c === key)
      expect(accountsNamed).toHaveLength(1)
      const kids = h.records('Contact').filter((r) => r.LastName === 'Crash')
      expect(kids).toHaveLength(1)
      expect(kids[0]?.AccountId).toBe(accountsNamed[0]?.Id)
      expect(h.records('Account').find((r) => r.Id === id)?.Name).toBe('Existing edited')
      for (const ref of [parent.ref, child.ref, existing]) {
        const doc = await phone.pull(ref)
        expect(doc.pending()?.operation ?? null).toBeNull()
      }
      expect(await h.store.unsettledIntents()).toEqual([])
    })
  }
})
