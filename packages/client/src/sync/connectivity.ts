import type { RelayOutcome } from '../relay/relay-api.js'
import { backoffDelay } from './backoff.js'

/** What {@link Connectivity} needs. */
export interface ConnectivityOptions {
  /** `navigator.onLine`. */
  onLine: () => boolean
  /** Fires `online` / `offline` (the window), if any. */
  events: EventTarget | null
  random: () => number
  reconnectMinMs: number
  reconnectMaxMs: number
  /** Asks the relay whether it is there (its outcome arrives through {@link Connectivity.report}). */
  probe: () => Promise<void>
  /** Any change of the state. */
  onChange: () => void
  /** The client just came online (start or reconnect): sync. */
  onOnline: () => void
  /** The client just went offline: close live connections. */
  onOffline: () => void
}

/**
 * Online = `navigator.onLine` and the relay reachable (and accepting the session), unless forced
 * offline. While the relay is unreachable it is probed with exponential backoff and full jitter;
 * the browser's `online` event probes at once.
 */
export class Connectivity {
  readonly #o: ConnectivityOptions
  #forced = false
  #reachable: boolean | null = null
  #authenticated = true
  #active = false
  #online = false
  #attempts = 0
  #timer: ReturnType<typeof setTimeout> | null = null
  readonly #onBrowserChange = (): void => this.#browserChanged()

  constructor(options: ConnectivityOptions) {
    this.#o = options
  }

  get online(): boolean {
    return this.#online
  }

  get forcedOffline(): boolean {
    return this.#forced
  }

  get reachable(): boolean | null {
    return this.#reachable
  }

  get authenticated(): boolean {
    return this.#authenticated
  }

  /** True when requests may be tried (not forced offline, browser online). */
  get networkAllowed(): boolean {
    return !this.#forced && this.#o.onLine()
  }

  /** Starts following the network for a signed-in user, and probes the relay. */
  start(): void {
    if (this.#active) return
    this.#active = true
    this.#authenticated = true
    this.#o.events?.addEventListener('online', this.#onBrowserChange)
    this.#o.events?.addEventListener('offline', this.#onBrowserChange)
    this.#probeSoon(0)
  }

  stop(): void {
    this.#active = false
    this.#clearTimer()
    this.#o.events?.removeEventListener('online', this.#onBrowserChange)
    this.#o.events?.removeEventListener('offline', this.#onBrowserChange)
    this.#evaluate()
  }

  /** What a relay request found out. */
  report(outcome: RelayOutcome): void {
    this.#reachable = outcome.reachable
    if (outcome.authenticated !== undefined) this.#authenticated = outcome.authenticated
    this.#evaluate()
  }

  /** A live connection dropped: check the relay soon (with backoff if it stays away). */
  lost(): void {
    if (this.#online) this.#probeSoon(this.#nextDelay())
  }

  goOffline(): void {
    this.#forced = true
    this.#clearTimer()
    this.#evaluate()
  }

  goOnline(): Promise<void> {
    this.#forced = false
    this.#attempts = 0
    this.#clearTimer()
    this.#evaluate()
    return this.#active ? this.#probe() : Promise.resolve()
  }

  #browserChanged(): void {
    this.#attempts = 0
    this.#evaluate()
    if (this.networkAllowed) this.#probeSoon(0)
  }

  #evaluate(): void {
    const online =
      this.#active && this.networkAllowed && this.#reachable === true && this.#authenticated
    const changed = online !== this.#online
    this.#online = online
    if (changed) {
      if (online) {
        this.#attempts = 0
        this.#clearTimer()
      }
      this.#o.onChange()
      if (online) this.#o.onOnline()
      else this.#o.onOffline()
    } else {
      this.#o.onChange()
    }
    const retry = this.#active && this.networkAllowed && this.#authenticated && !online
    if (!retry) this.#clearTimer()
    else if (this.#reachable === false && this.#timer === null) {
      this.#probeSoon(this.#nextDelay())
    }
  }

  #nextDelay(): number {
    const delay = backoffDelay(
      this.#attempts,
      this.#o.reconnectMinMs,
      this.#o.reconnectMaxMs,
      this.#o.random,
    )
    this.#attempts += 1
    return delay
  }

  #probeSoon(delay: number): void {
    this.#clearTimer()
    this.#timer = setTimeout(() => {
      this.#timer = null
      void this.#probe()
    }, delay)
  }

  async #probe(): Promise<void> {
    if (!this.#active || !this.networkAllowed) return
    await this.#o.probe()
  }

  #clearTimer(): void {
    if (this.#timer !== null) clearTimeout(this.#timer)
    this.#timer = null
  }
}
