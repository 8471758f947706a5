import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { MANAGER, startOrg, type TestOrg } from '../testing/org-server.js'

let t: TestOrg
beforeEach(async () => {
  t = await startOrg({ seed: false, streaming: { connectTimeoutMs: 300 } })
})
afterEach(async () => {
  await t.close()
})

/** Posts Bayeux messages the way jsforce does (`Authorization: OAuth <token>`). */
async function bayeux(messages: object[], token?: string): Promise<Record<string, unknown>[]> {
  const res = await fetch(`${t.url}/cometd/62.0`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `OAuth ${token}` } : {}),
    },
    body: JSON.stringify(messages),
  })
  expect(res.headers.get('content-type')).toBe('application/json;charset=UTF-8')
  return (await res.json()) as Record<string, unknown>[]
}

const handshake = {
  channel: '/meta/handshake',
  version: '1.0',
  supportedConnectionTypes: ['long-polling'],
  id: '1',
}

describe('CometD endpoint', () => {
  it('answers a handshake as Salesforce does, and refuses one without a valid session', async () => {
    const token = t.org.issueToken(MANAGER)
    const [ok] = await bayeux([handshake], token)
    expect(ok).toMatchObject({
      channel: '/meta/handshake',
      id: '1',
      successful: true,
      version: '1.0',
      minimumVersion: '1.0',
      supportedConnectionTypes: ['long-polling'],
      ext: { replay: true, 'payload.format': true },
      clientId: expect.stringMatching(/^[a-z0-9]{20,27}$/) as string,
    })
    expect(await bayeux([handshake], 'not-a-token')).toEqual([
      {
        channel: '/meta/handshake',
        id: '1',
        successful: false,
        error: '403::Handshake denied',
        advice: { reconnect: 'none' },
        ext: { sfdc: { failureReason: '401::Authentication invalid' } },
      },
    ])
  })

  it('answers the first connect at once with advice, holds the next, and forgets dropped clients', async () => {
    const token = t.org.issueToken(MANAGER)
    const [hs] = await bayeux([handshake], token)
    const clientId = hs?.clientId as string
    const connect = { channel: '/meta/connect', clientId, connectionType: 'long-polling' }
    expect(await bayeux([{ ...connect, id: '2' }], token)).toEqual([
      {
        channel: '/meta/connect',
        id: '2',
        clientId,
        successful: true,
        advice: { interval: 0, timeout: 300, reconnect: 'retry' },
      },
    ])
    const started = Date.now()
    expect(await bayeux([{ ...connect, id: '3' }], token)).toEqual([
      { channel: '/meta/connect', id: '3', clientId, successful: true },
    ])
    expect(Date.now() - started).toBeGreaterThanOrEqual(250)
    // Batched with another message, a connect is answered at once (its partner's reply would wait).
    const batched = Date.now()
    const replies = await bayeux(
      [
        { ...connect, id: '3b' },
        { channel: '/meta/subscribe', clientId, subscription: '/data/ChangeEvents', id: '3c' },
      ],
      token,
    )
    expect(replies.map((r) => [r.id, r.successful])).toEqual([
      ['3b', true],
      ['3c', true],
    ])
    expect(Date.now() - batched).toBeLessThan(250)
    t.org.dropStreamingClients()
    expect(await bayeux([{ ...connect, id: '4' }], token)).toEqual([
      {
        channel: '/meta/connect',
        id: '4',
        clientId,
        successful: false,
        error: '403::Unknown client',
        advice: { reconnect: 'handshake', interval: 0 },
      },
    ])
  })

  it('delivers an event to a connect held longer than the client timeout (a held client is not forgotten)', async () => {
    await t.close()
    t = await startOrg({ seed: false, streaming: { connectTimeoutMs: 5000, clientTimeoutMs: 100 } })
    const token = t.org.issueToken(MANAGER)
    const [hs] = await bayeux([handshake], token)
    const clientId = hs?.clientId as string
    const connect = { channel: '/meta/connect', clientId, connectionType: 'long-polling' }
    await bayeux([{ ...connect, id: '2' }], token)
    const channel = '/data/AccountChangeEvent'
    const [subscribed] = await bayeux(
      [{ channel: '/meta/subscribe', clientId, subscription: channel, id: '3' }],
      token,
    )
    expect(subscribed?.successful).toBe(true)
    const held = bayeux([{ ...connect, id: '4' }], token)
    // The change comes after the client timeout, while the connect is held.
    await new Promise((resolve) => setTimeout(resolve, 300))
    const created = await t.fetch('/services/data/v62.0/sobjects/Account', {
      method: 'POST',
      token,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ Name: 'Held Co' }),
    })
    expect(created.status).toBe(201)
    const replies = await held
    expect(replies.map((r) => [r.channel, r.successful ?? 'event'])).toEqual([
      [channel, 'event'],
      ['/meta/connect', true],
    ])
  })

  it('refuses API versions before 37.0 and transports other than long polling', async () => {
    const res = await fetch(`${t.url}/cometd/36.0`, { method: 'POST', body: '[]' })
    expect(res.status).toBe(400)
    const token = t.org.issueToken(MANAGER)
    const [refused] = await bayeux(
      [{ ...handshake, supportedConnectionTypes: ['websocket'] }],
      token,
    )
    expect(refused).toMatchObject({
      successful: false,
      error: '400::Invalid connection type websocket',
    })
  })
})
