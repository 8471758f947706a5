import type { Org } from '@briefcase/org'
import { createOrg } from '@briefcase/org'
import type { YjsEngineDoc } from '@briefcase/record'
import type { TestRelay } from '@briefcase/relay/testing'
import { startTestRelay } from '@briefcase/relay/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import * as Y from 'yjs'
import { Device, until, updateFrame } from './device.js'

type Row = Record<string, unknown>

/**
 * Finding 1: device ids are visible in every document a user edited. A second user who signs in
 * proposing another user's device id, and stamps edits with it, must not write with that user's
 * authority, in bulk or live.
 */
describe('identity bound to the session: writing as someone else', () => {
  let org: Org
  let t: TestRelay
  let rep1: Device
  let accountId: string
  const name = (): string => `Account/${accountId}`
  const row = (): Row | undefined => org.snapshot().Account?.find((r) => r.Id === accountId)

  beforeAll(async () => {
    org = createOrg({ accounts: 6 })
    t = await startTestRelay({ org, projection: { options: { debounceMs: 10 } } })
    rep1 = await Device.signIn(t.url, 'rep1', 'rep1-phone')
    accountId = String(
      org.snapshot().Account?.find((r) => r.OwnerId === rep1.userId && r.IsDeleted !== true)?.Id,
    )
    await rep1.bulk([name()])
    ;(await rep1.open(name())).set('Phone', '4155550101')
    await rep1.bulk()
    await until(() => row()?.Phone === '4155550101', 10_000)
  })
  afterAll(async () => {
    rep1.close()
    await t.close()
    await org.close()
  })

  it("never binds another user's device id to a session: the second user gets an id the relay issues", async () => {
    expect(rep1.sessionDevice).toBe('rep1-phone')
    const rep2 = await Device.signIn(t.url, 'rep2', 'rep1-phone')
    expect(rep2.sessionDevice).not.toBe('rep1-phone')
    expect(rep2.sessionDevice).toMatch(/^r-[0-9a-f]{20}$/)
    expect(rep2.id).toBe(rep2.sessionDevice)
    // rep1 signing in again on the same device keeps it.
    const again = await Device.signIn(t.url, 'rep1', 'rep1-phone')
    expect(again.sessionDevice).toBe('rep1-phone')
  })

  it("refuses, whole, a bulk update stamped with another user's device, and nothing is written", async () => {
    const attacker = await Device.signIn(t.url, 'rep2', 'rep1-phone', { keepProposedId: true })
    expect(attacker.id).toBe('rep1-phone')
    await attacker.bulk([name()])
    const doc = await attacker.open(name())
    doc.set('Phone', '6666666666')
    doc.set('Website', 'https://impersonated.example')
    const [answer] = await attacker.bulk([name()])
    expect(answer).toMatchObject({ ok: false, code: 'BRIEFCASE_IDENTITY_MISMATCH' })
    const reader = await Device.signIn(t.url, 'rep1', 'rep1-reader')
    await reader.bulk([name()])
    const seen = await reader.open(name())
    expect(seen.get('Phone')).toBe('4155550101')
    expect(seen.get('Website') ?? null).not.toBe('https://impersonated.example')
    await t.relay.projection?.projector.runOnce()
    expect(row()?.Phone).toBe('4155550101')
    expect(row()?.Website).not.toBe('https://impersonated.example')
  })

  it("closes a live connection whose update is stamped with another user's device, and nothing is written", async () => {
    const attacker = await Device.signIn(t.url, 'rep2', 'rep1-phone', { keepProposedId: true })
    await attacker.bulk([name()])
    const doc = await attacker.open(name())
    const ydoc = (doc.engineDoc as YjsEngineDoc).ydoc
    const before = Y.encodeStateVector(ydoc)
    doc.set('Phone', '7777777777')
    const ws = new WebSocket(
      `${t.url.replace(/^http/, 'ws')}/sync/live/${name()}?token=${attacker.token}`,
    )
    await new Promise((resolve, reject) => {
      ws.once('open', resolve)
      ws.once('error', reject)
    })
    const closed = new Promise<{ code: number; reason: string }>((resolve) =>
      ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    )
    ws.send(updateFrame(Y.encodeStateAsUpdate(ydoc, before)))
    const { code, reason } = await closed
    expect(code).toBe(1008)
    expect(reason).toMatch(/^BRIEFCASE_IDENTITY_MISMATCH/)
    const reader = await Device.signIn(t.url, 'rep1', 'rep1-reader-2')
    await reader.bulk([name()])
    expect((await reader.open(name())).get('Phone')).toBe('4155550101')
    await t.relay.projection?.projector.runOnce()
    expect(row()?.Phone).toBe('4155550101')
    expect(row()?.LastModifiedById).toBe(rep1.userId)
  })
})
