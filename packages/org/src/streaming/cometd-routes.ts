import { Hono } from 'hono'
import type { OrgBindings, OrgEnv } from '../http/env.js'
import { bearerToken } from '../http/middleware.js'
import { parseVersion } from '../http/versions.js'
import type { Caller } from '../security/access.js'
import { callerFor, type OrgState } from '../state.js'
import type { BayeuxClient } from './bayeux-clients.js'
import type { BayeuxMessage } from './bayeux-meta.js'
import { eventMessage, failed, pendingEvents, subscribe, succeeded } from './bayeux-meta.js'

/** Events sent in one `/meta/connect` answer at most. */
const EVENTS_PER_CONNECT = 500
const JSON_TYPE = 'application/json;charset=UTF-8'

/** Who a request authenticates as, or why it does not. */
type Auth = { ok: true; caller: Caller } | { ok: false; reason: string }

function authenticate(state: OrgState, header: string | undefined): Auth {
  const token = bearerToken(header)
  if (!token) return { ok: false, reason: '401::Request requires authentication' }
  const check = state.sessions.check(token, state.clock.now())
  const caller = check.ok ? callerFor(state, check.session.userId) : undefined
  return caller ? { ok: true, caller } : { ok: false, reason: '401::Authentication invalid' }
}

/** Resolves after `ms`, or earlier when the client is woken (new events, a subscribe, a drop). */
function hold(client: BayeuxClient, ms: number, env: OrgBindings | undefined): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      // A client is seen while it holds a long poll: it is forgotten only after not reconnecting.
      client.lastSeen = Date.now()
      clearTimeout(timer)
      env?.outgoing?.off('close', done)
      if (client.wake === done) client.wake = undefined
      resolve()
    }
    client.wake?.()
    const timer = setTimeout(done, ms)
    client.wake = done
    env?.outgoing?.once('close', done)
  })
}

/** True when the HTTP exchange was cut (the answer can no longer reach the client). */
function cut(env: OrgBindings | undefined): boolean {
  const out = env?.outgoing
  return out !== undefined && (out.destroyed || out.socket?.destroyed === true)
}

/**
 * The Streaming API's CometD endpoint, `POST /cometd/<version>` (Bayeux over long polling, the
 * only transport Salesforce offers): handshake, connect, subscribe, unsubscribe, disconnect, for
 * Change Data Capture channels. Requests carry the session as `Authorization: OAuth <token>`
 * (jsforce) or `Bearer`. Streaming calls are not REST API calls: not logged, counted or faulted.
 */
export function cometdRoutes(state: OrgState): Hono<OrgEnv> {
  const app = new Hono<OrgEnv>()
  const { capture, clients } = state.streaming

  const connect = async (
    message: BayeuxMessage,
    client: BayeuxClient,
    caller: Caller,
    env: OrgBindings | undefined,
    mayHold: boolean,
  ): Promise<BayeuxMessage[]> => {
    if (message.connectionType !== 'long-polling') {
      return [failed(message, `400::Invalid connection type ${String(message.connectionType)}`)]
    }
    const reply = succeeded(message, { clientId: client.id })
    if (!client.connected) {
      client.connected = true
      const advice = { interval: 0, timeout: state.streaming.connectTimeoutMs, reconnect: 'retry' }
      return [{ ...reply, advice }]
    }
    let pending = pendingEvents(capture, client, EVENTS_PER_CONNECT)
    if (pending.messages.length === 0 && mayHold) {
      await hold(client, state.streaming.connectTimeoutMs, env)
      if (clients.get(client.id) !== client) {
        return [
          failed(message, '403::Unknown client', {
            advice: { reconnect: 'handshake', interval: 0 },
          }),
        ]
      }
      pending = pendingEvents(capture, client, EVENTS_PER_CONNECT)
    }
    if (cut(env)) return []
    for (const [channel, cursor] of pending.cursors) {
      const sub = client.subscriptions.get(channel)
      if (sub) sub.cursor = cursor
    }
    return [...pending.messages.map((m) => eventMessage(m.channel, m.event, caller)), reply]
  }

  const handle = async (
    message: BayeuxMessage,
    auth: Auth,
    env: OrgBindings | undefined,
    mayHold: boolean,
  ): Promise<BayeuxMessage[]> => {
    const channel = message.channel
    if (channel === '/meta/handshake') {
      if (!auth.ok) {
        return [
          failed(message, '403::Handshake denied', {
            advice: { reconnect: 'none' },
            ext: { sfdc: { failureReason: auth.reason } },
          }),
        ]
      }
      const types = message.supportedConnectionTypes
      if (Array.isArray(types) && !types.includes('long-polling')) {
        return [failed(message, `400::Invalid connection type ${types.join(',')}`)]
      }
      const client = clients.create(auth.caller.userId)
      return [
        succeeded(message, {
          ext: { replay: true, 'payload.format': true },
          minimumVersion: '1.0',
          clientId: client.id,
          supportedConnectionTypes: ['long-polling'],
          version: '1.0',
        }),
      ]
    }
    const client = clients.get(message.clientId)
    if (!client) {
      return [
        failed(message, '403::Unknown client', { advice: { reconnect: 'handshake', interval: 0 } }),
      ]
    }
    if (!auth.ok || auth.caller.userId !== client.userId) {
      clients.remove(client.id)
      const reason = auth.ok ? '401::Authentication invalid' : auth.reason
      return [failed(message, reason, { advice: { reconnect: 'none', interval: 0 } })]
    }
    switch (channel) {
      case '/meta/connect':
        return connect(message, client, auth.caller, env, mayHold)
      case '/meta/subscribe': {
        const reply = subscribe(state.schema, capture, client, auth.caller, message)
        client.wake?.()
        return [reply]
      }
      case '/meta/unsubscribe':
        client.subscriptions.delete(String(message.subscription))
        return [succeeded(message, { clientId: client.id, subscription: message.subscription })]
      case '/meta/disconnect':
        clients.remove(client.id)
        return [succeeded(message, { clientId: client.id })]
      default:
        return [failed(message, '403:denied_by_security_policy:create_denied')]
    }
  }

  // CometD's JavaScript client appends the message type (`/cometd/62.0/connect`): same endpoint.
  app.post('/cometd/:version/:type?', async (c) => {
    const version = c.req.param('version')
    if (!/^\d+\.\d$/.test(version) || !parseVersion(`v${version}`) || Number(version) < 37) {
      const error = `400::Unsupported API version. Only API versions '37.0' and later are supported. URI format: '/cometd/62.0'`
      return c.body(JSON.stringify([{ successful: false, error }]), 400, {
        'content-type': JSON_TYPE,
      })
    }
    let body: unknown
    try {
      body = await c.req.json()
    } catch {
      return c.body(JSON.stringify([{ successful: false, error: '400::Malformed JSON' }]), 400, {
        'content-type': JSON_TYPE,
      })
    }
    const messages = (Array.isArray(body) ? body : [body]).filter(
      (m): m is BayeuxMessage => typeof m === 'object' && m !== null,
    )
    const auth = authenticate(state, c.req.header('authorization'))
    const replies: BayeuxMessage[] = []
    // As CometD servers do, a connect batched with other messages is not held: their replies
    // would wait for it.
    const mayHold = messages.length === 1
    for (const m of messages) replies.push(...(await handle(m, auth, c.env, mayHold)))
    return c.body(JSON.stringify(replies), 200, { 'content-type': JSON_TYPE })
  })
  return app
}
