/**
 * The device of `relay-reconnect.ts`, behind one interface so the bench runs the same steps on
 * either: the real `@briefcase/client` in headless Chromium with the browser's IndexedDB
 * (`reconnect-chromium.ts`, the default) or in this Node process on fake-indexeddb
 * (`reconnect-node.ts`, `DEVICE=node`).
 */
import type { FillStep, StepTiming } from './reconnect-steps.js'

/** The seeded user the bench signs in as. */
export const USER = { username: 'manager@briefcase.test', password: 'manager-password' }

/** Bulk-sync requests the device made over a step, other requests apart. */
export interface Trips {
  trips: number
  otherRequests: number
}

/**
 * The device's CPU seconds over a step: all of it and, in Chromium, each kind of process's
 * (`renderer`, `browser`, `storage`, …; empty for the Node device).
 */
export interface DeviceCpu {
  deviceCpu: number
  processes: Readonly<Record<string, number>>
}

/** The first fill as the device saw it. */
export interface DeviceFill extends FillStep, Trips, DeviceCpu {
  /** Until the bulk sync's request started (cache plan, schemas, index written). */
  planMs: number
}

/** The reconnect's `client.sync()` as the device saw it. */
export interface DeviceSync extends StepTiming, Trips, DeviceCpu {
  failed: number
}

/** One signed-in device with a fresh cache. */
export interface BenchDevice {
  /**
   * Saves the offline preference `item` (`briefcase:<filter>`): cache plan and bulk sync. `name`
   * names the step's CPU profile (`PROFILE`), as in {@link sync}.
   */
  fill(item: string, name: string): Promise<DeviceFill>
  /** Goes offline and sets `Phone` of each of `docs` to `prefix` + its index. */
  editOffline(docs: readonly string[], prefix: string): Promise<void>
  /** Comes back online (`goOnline()`), untimed. */
  goOnline(): Promise<void>
  /** `client.sync()`, what a device runs on reconnect; with PROFILE=<dir>, `<dir>/<name>.cpuprofile`. */
  sync(name: string): Promise<DeviceSync>
  /** How many of `changed` hold `website`, and how many cached records are not on the relay. */
  check(changed: readonly string[], website: string): Promise<{ received: number; unsent: number }>
  close(): Promise<void>
}

/** Signs a device in to the relay at `relayUrl` and waits until it is online. */
export type DeviceFactory = (relayUrl: string, device: string) => Promise<BenchDevice>

/**
 * Counts bulk-sync requests (round trips) and the others, noting when the last bulk one started
 * (ms since the epoch).
 */
export class RequestCounter {
  #bulk = 0
  #other = 0
  #lastBulkAt = 0

  /** Records a request to `url` started at `at` (ms since the epoch). */
  saw(url: string, at: number): void {
    if (new URL(url).pathname.startsWith('/sync/bulk')) {
      this.#bulk += 1
      this.#lastBulkAt = at
    } else this.#other += 1
  }

  /** When the last bulk-sync request started (ms since the epoch). */
  get lastBulkAt(): number {
    return this.#lastBulkAt
  }

  /** Starts a step: {@link Trips} since now, on demand. */
  mark(): () => Trips {
    const bulk = this.#bulk
    const other = this.#other
    return () => ({ trips: this.#bulk - bulk, otherRequests: this.#other - other })
  }
}

/** Polls `check` every 100 ms until it holds, or throws after `ms`. */
export async function until(
  check: () => boolean | Promise<boolean>,
  what: string,
  ms: number,
): Promise<void> {
  const end = Date.now() + ms
  while (Date.now() < end) {
    if (await check()) return
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`Timed out waiting for ${what}`)
}
