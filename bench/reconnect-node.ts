/**
 * The Node device of `relay-reconnect.ts` (`DEVICE=node`): the real `@briefcase/client` in this
 * process, on fake-indexeddb (as the client's tests use; it structured-clones every value, which
 * weighs on the figures) and `ws`, signed in through the relay's and the org's sign-in pages with
 * `fetch` (`signInDevice`). Device CPU = this process's (relay and org run in their own).
 */
import { writeFileSync } from 'node:fs'
import { Session } from 'node:inspector'
import { join } from 'node:path'
import type { WebSocketConstructor } from '@briefcase/client'
import { createBriefcaseClient } from '@briefcase/client'
import { signInDevice } from '@briefcase/relay/testing'
import { IDBFactory } from 'fake-indexeddb'
import WebSocket from 'ws'
import type { BenchDevice, DeviceCpu } from './reconnect-device.js'
import { RequestCounter, USER, until } from './reconnect-device.js'
import { check, editOffline, fill, sync } from './reconnect-steps.js'

/** With PROFILE=<dir>: a CPU profile of this process (the device) around a step. */
async function startProfile(): Promise<{ stop: (name: string) => Promise<void> } | undefined> {
  const dir = process.env.PROFILE
  if (!dir) return undefined
  const session = new Session()
  session.connect()
  const post = (method: string): Promise<unknown> =>
    new Promise((resolve, reject) =>
      session.post(method, (err, res) => (err ? reject(err) : resolve(res))),
    )
  await post('Profiler.enable')
  await post('Profiler.start')
  return {
    async stop(name) {
      const { profile } = (await post('Profiler.stop')) as { profile: unknown }
      writeFileSync(join(dir, `${name}.cpuprofile`), JSON.stringify(profile))
      session.disconnect()
    },
  }
}

/** This process's CPU seconds from now, on demand. */
function cpuSince(): () => DeviceCpu {
  const start = process.cpuUsage()
  return () => {
    const spent = process.cpuUsage(start)
    return { deviceCpu: (spent.user + spent.system) / 1e6, processes: {} }
  }
}

/** Signs a Node device in (`signInDevice`) and starts its client. */
export async function nodeDevice(relayUrl: string, device: string): Promise<BenchDevice> {
  const token = await signInDevice({ relayUrl, ...USER, device })
  const counter = new RequestCounter()
  const client = createBriefcaseClient({
    relayUrl,
    session: token,
    indexedDB: new IDBFactory(),
    WebSocket: WebSocket as unknown as WebSocketConstructor,
    environment: { BroadcastChannel: null, locks: null, events: null, document: null },
    fetch: (input, init) => {
      counter.saw(input instanceof Request ? input.url : String(input), Date.now())
      return fetch(input, init)
    },
    autoSync: false,
    timings: { requestTimeoutMs: 600_000 },
  })
  await client.ready
  await until(() => client.online, 'online', 30_000)

  return {
    async fill(item, name) {
      const trips = counter.mark()
      const cpu = cpuSince()
      const profile = await startProfile()
      const step = await fill(client, item)
      await profile?.stop(name)
      const spent = cpu()
      return { ...step, planMs: counter.lastBulkAt - step.startedAt, ...trips(), ...spent }
    },
    editOffline: (docs, prefix) => editOffline(client, docs, prefix),
    goOnline: () => client.goOnline(),
    async sync(name) {
      const trips = counter.mark()
      const cpu = cpuSince()
      const profile = await startProfile()
      const step = await sync(client)
      await profile?.stop(name)
      const spent = cpu()
      return { ...step, ...trips(), ...spent }
    },
    check: (changed, website) => check(client, changed, website),
    close: () => client.close(),
  }
}
