import type { Org } from '@briefcase/org'
import { createOrg } from '@briefcase/org'
import type { YjsEngineDoc } from '@briefcase/record'
import { MapRoot, sealEnvelope } from '@briefcase/record'
import { MAX_FRAME_BYTES, decodeBulkResponse, encodeBulkRequest } from '@briefcase/protocol'
import type { TestRelay } from '@briefcase/relay/testing'
import { startTestRelay } from '@briefcase/relay/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import * as Y from 'yjs'
import { Device, until, updateFrame } from './device.js'

type Row = Record<string, string | number | boolean | null>

function bytes(docs: Parameters<typeof encodeBulkRequest>[0]): Uint8Array<ArrayBuffer> {
  return encodeBulkRequest(docs) as Uint8Array<ArrayBuffer>
}

describe('authorization and hostile input', () => {
  let org: Org
  let t: TestRelay
  let rep1: Device
  let rep2: Device
  let manager: Device
  let privateOpportunity: string
  let account: string
  beforeAll(async () => {
    org = createOrg({ accounts: 12 })
    t = await startTestRelay({ org })
    const rep1Id = org.users.find((u) => u.username === 'rep1@briefcase.test')?.id
    const snap = org.snapshot()
    const opp = (snap.Opportunity ?? []).find(
      (o: Row) => o.OwnerId === rep1Id && o.IsDeleted !== true,
    )
    privateOpportunity = `Opportunity/${String(opp?.Id)}`
    const acc = (snap.Account ?? []).find(
      (a: Row) => a.Credit_Limit__c !== null && a.IsDeleted !== true,
    )
    account = `Account/${String(acc?.Id)}`
    rep1 = await Device.signIn(t.url, 'rep1', 'sec-rep1')
    rep2 = await Device.signIn(t.url, 'rep2', 'sec-rep2')
    manager = await Device.signIn(t.url, 'manager', 'sec-manager')
  })
  afterAll(async () => {
    for (const d of [rep1, rep2, manager]) d.close()
    await t.close()
  })

  const upgrade = (path: string): Promise<{ status?: number; ws?: WebSocket }> =>
    new Promise((resolve) => {
      const ws = new WebSocket(`${t.url.replace(/^http/, 'ws')}${path}`)
      ws.on('open', () => resolve({ ws }))
      ws.on('unexpected-response', (_req, res) => resolve({ status: res.statusCode ?? 0 }))
    })
  const closed = (ws: WebSocket): Promise<number> =>
    new Promise((resolve) => ws.on('close', (code) => resolve(code)))

  it("refuses another user's private Opportunity in bulk, live and view, and lets its owner and the manager read it", async () => {
    expect((await rep1.bulk([privateOpportunity]))[0]?.ok).toBe(true)
    expect((await manager.bulk([privateOpportunity]))[0]?.ok).toBe(true)
    const [refused] = await rep2.bulk([privateOpportunity])
    expect(refused).toMatchObject({ ok: false, code: 'BRIEFCASE_FORBIDDEN' })
    expect(rep2.docs.has(privateOpportunity)).toBe(false)
    const live = await upgrade(`/sync/live/${privateOpportunity}?token=${rep2.token}`)
    expect(live.status).toBe(403)
    const view = await rep2.fetch(`/api/records/${privateOpportunity}/view`, { method: 'POST' })
    expect(view.status).toBe(403)
    expect(((await view.json()) as { error: { code: string } }).error.code).toBe(
      'BRIEFCASE_FORBIDDEN',
    )
  })

  it('never sends a rep a field hidden from them, while the manager gets it', async () => {
    await rep1.bulk([account])
    const managerNames = await manager.names(account)
    await manager.bulk(managerNames)
    const repDoc = await rep1.open(account)
    expect(JSON.stringify(repDoc.snapshot())).not.toContain('Credit_Limit__c')
    const ydoc = (repDoc.engineDoc as YjsEngineDoc).ydoc
    expect(JSON.stringify(ydoc.toJSON())).not.toContain('Credit_Limit__c')
    expect(Object.keys((await rep1.schema('Account')).fields)).not.toContain('Credit_Limit__c')
    expect((await rep1.describe('Account')).partitions).toEqual([])
    // The manager reads the record's main document (shared with the rep) and the one holding
    // Credit_Limit__c (ADR 0005).
    expect(managerNames).toHaveLength(2)
    const creditName = await manager.nameOf(account, 'Credit_Limit__c')
    expect((await manager.open(creditName)).get('Credit_Limit__c')).not.toBeNull()
    expect(Object.keys((await manager.open(account)).schema.fields)).not.toContain(
      'Credit_Limit__c',
    )
    const stored = await t.store.listDocs({ name: account })
    expect(new Set(stored.map((m) => m.group)).size).toBe(2)
    // The rep may not sync it, by bulk or live.
    const [refused] = await rep1.bulk([creditName])
    expect(refused).toMatchObject({ ok: false, code: 'BRIEFCASE_FORBIDDEN' })
    expect(JSON.stringify(rep1.docs.get(creditName)?.snapshot() ?? null)).not.toContain('Credit')
  })

  it("refuses a forged bulk update (a read-only field, the shadow) and applies the request's other documents", async () => {
    const other = (org.snapshot().Account ?? []).find(
      (a: Row) => `Account/${String(a.Id)}` !== account,
    )
    const otherName = `Account/${String(other?.Id)}`
    await rep1.bulk([account, otherName])
    const forged = await rep1.open(account)
    const ydoc = (forged.engineDoc as YjsEngineDoc).ydoc
    ydoc.getMap(MapRoot.shadow).set('Name', 'Forged')
    ;(await rep1.open(otherName)).set('Phone', '4155550111')
    const answers = await rep1.bulk([account, otherName])
    expect(answers[0]).toMatchObject({ ok: false, code: 'BRIEFCASE_FORBIDDEN' })
    expect(answers[1]?.ok).toBe(true)
    rep1.docs.delete(account)
    rep1.relayVectors.delete(account)
    const [fresh] = await rep1.bulk([account])
    expect(fresh?.ok).toBe(true)
    expect((await rep1.open(account)).get('Name')).not.toBe('Forged')
    const d = await rep1.open(account)
    expect(() => d.set('Rating', 'Hot')).toThrow(/updateable/)
  })

  it('answers bad requests with stable JSON error codes', async () => {
    const garbage = await rep1.fetch('/sync/bulk', {
      method: 'POST',
      body: new Uint8Array([1, 200, 200, 200]),
    })
    expect(garbage.status).toBe(400)
    expect(((await garbage.json()) as { error: { code: string } }).error.code).toBe(
      'BRIEFCASE_BAD_REQUEST',
    )
    const res = await rep1.fetch('/sync/bulk', {
      method: 'POST',
      body: bytes([
        { name: 'Account/nope', stateVector: new Uint8Array(), update: new Uint8Array() },
        {
          name: 'Nope__x/001000000000001AAA',
          stateVector: new Uint8Array(),
          update: new Uint8Array(),
        },
        {
          name: account,
          stateVector: new Uint8Array(),
          update: sealEnvelope({
            engine: 'yjs',
            kind: 1,
            name: 'Account/001000000000001AAA' as never,
            payload: new Uint8Array([0, 0]),
          }),
        },
      ]),
    })
    const docs = decodeBulkResponse(new Uint8Array(await res.arrayBuffer()))
    expect(docs.map((d) => (d.ok ? 'ok' : d.code))).toEqual([
      'BRIEFCASE_INVALID_NAME',
      'BRIEFCASE_NOT_FOUND',
      'BRIEFCASE_FOREIGN_UPDATE',
    ])
    const route = await rep1.fetch('/nowhere')
    expect(route.status).toBe(404)
    expect(((await route.json()) as { error: { code: string } }).error.code).toBe(
      'BRIEFCASE_NOT_FOUND',
    )
    const prefs = await rep1.fetch('/api/preferences', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ items: ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'] }),
    })
    expect(prefs.status).toBe(400)
    expect(((await prefs.json()) as { error: { code: string } }).error.code).toBe(
      'BRIEFCASE_TOO_MANY_PREFERENCES',
    )
    const noToken = await upgrade(`/sync/live/${account}`)
    expect(noToken.status).toBe(401)
  })

  it('closes only the connection that sends a malformed, oversized or forged frame', async () => {
    const watcher = await Device.signIn(t.url, 'rep1', 'sec-watch')
    await watcher.live(account)
    const watched = await watcher.open(account)
    const path = `/sync/live/${account}?token=${rep1.token}`

    const bad = await upgrade(path)
    const badClosed = closed(bad.ws as WebSocket)
    bad.ws?.send(new Uint8Array([0, 9, 9, 9]))
    expect(await badClosed).toBe(1003)

    const text = await upgrade(path)
    const textClosed = closed(text.ws as WebSocket)
    text.ws?.send('hello')
    expect(await textClosed).toBe(1003)

    const big = await upgrade(path)
    const bigClosed = closed(big.ws as WebSocket)
    big.ws?.send(new Uint8Array(MAX_FRAME_BYTES + 10))
    expect(await bigClosed).toBe(1009)

    const forger = await upgrade(path)
    const forgerClosed = closed(forger.ws as WebSocket)
    const replica = new Y.Doc()
    Y.applyUpdate(replica, Y.encodeStateAsUpdate((watched.engineDoc as YjsEngineDoc).ydoc))
    const sv = Y.encodeStateVector(replica)
    replica.getMap(MapRoot.status).set('current', { state: 'ok', at: 'x' })
    forger.ws?.send(updateFrame(Y.encodeStateAsUpdate(replica, sv)))
    expect(await forgerClosed).toBe(1008)

    const writer = await Device.signIn(t.url, 'rep1', 'sec-writer')
    await writer.live(account)
    ;(await writer.open(account)).set('Phone', '4155550177')
    await until(() => watched.get('Phone') === '4155550177')
    expect(watched.status()).toBeNull()
    watcher.close()
    writer.close()
  })
})
