import { createOrg } from '@briefcase/org'
import type { Org } from '@briefcase/org'
import { signInDevice, startTestRelay } from '@briefcase/relay/testing'
import type { TestRelay, TestRelayOptions } from '@briefcase/relay/testing'
import { IDBFactory } from 'fake-indexeddb'
import WebSocket from 'ws'
import type { BriefcaseClient } from '../briefcase-client.js'
import { createBriefcaseClient } from '../create-client.js'
import type { BriefcaseClientOptions, WebSocketConstructor } from '../options.js'

/** A relay with an embedded org on a free port, and devices signed in to it. */
export interface RelayHarness {
  org: Org
  relay: TestRelay
  /** Closes the devices made since the last call (each test's own). */
  closeDevices(): Promise<void>
  /** A device (its own IndexedDB) signed in as `username`. */
  device(
    name: string,
    username: string,
    options?: Partial<BriefcaseClientOptions>,
  ): Promise<TestDevice>
  close(): Promise<void>
}

/** A simulated device: a client and what it was built from. */
export interface TestDevice {
  client: BriefcaseClient
  factory: IDBFactory
  token: string
  /** A fresh client on the same device (a reload). */
  reload(options?: Partial<BriefcaseClientOptions>): Promise<BriefcaseClient>
}

/**
 * Starts an org and a relay; devices talk to them over real HTTP and WebSockets. `relayOptions`:
 * the relay's own (default: its projector and puller as configured by default).
 */
export async function startRelayHarness(
  accounts = 12,
  relayOptions: Omit<TestRelayOptions, 'org'> = { projection: true },
): Promise<RelayHarness> {
  const org = createOrg({ accounts })
  const relay = await startTestRelay({ org, ...relayOptions })
  let clients: BriefcaseClient[] = []
  const make = (
    factory: IDBFactory,
    token: string,
    options: Partial<BriefcaseClientOptions>,
  ): BriefcaseClient => {
    const client = createBriefcaseClient({
      relayUrl: relay.url,
      session: token,
      indexedDB: factory,
      WebSocket: WebSocket as unknown as WebSocketConstructor,
      environment: { BroadcastChannel: null, locks: null, events: null, document: null },
      timings: {
        pushDelayMs: 10,
        pendingPollMs: 250,
        openPollMs: 500,
        reconnectMinMs: 20,
        reconnectMaxMs: 200,
      },
      ...options,
    })
    clients.push(client)
    return client
  }
  return {
    org,
    relay,
    async device(name, username, options = {}) {
      const user = org.users.find((u) => u.username === username)
      if (!user) throw new Error(`No user ${username}`)
      const token = await signInDevice({
        relayUrl: relay.url,
        username,
        password: user.password,
        device: name,
      })
      const factory = new IDBFactory()
      const client = make(factory, token, options)
      await client.ready
      return {
        client,
        factory,
        token,
        async reload(more = {}) {
          await client.close()
          const next = make(factory, token, { ...options, ...more })
          await next.ready
          return next
        },
      }
    },
    async closeDevices() {
      const open = clients
      clients = []
      await Promise.all(open.map((c) => c.close()))
    },
    async close() {
      await Promise.all(clients.map((c) => c.close()))
      await relay.close()
      await org.close()
    },
  }
}

/** Waits until `check` holds (polling), or fails with `what`. */
export async function eventually(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 5000,
): Promise<void> {
  const until = Date.now() + timeoutMs
  while (Date.now() < until) {
    if (await check()) return
    await new Promise((r) => setTimeout(r, 20))
  }
  throw new Error(`Timed out waiting for ${what}`)
}
