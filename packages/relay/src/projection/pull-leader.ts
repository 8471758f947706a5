import type { Leases } from '../lease/leases.js'
import type { ProjectionLogger } from './ports.js'

/** Options of {@link PullLeader}. */
export interface PullLeaderOptions {
  leases: Leases
  /** The lease (`PULL_LEASE`). */
  lease: string
  /** Starts the work (the change stream, or the puller's polls). */
  start: () => void
  /** Stops it. */
  stop: () => Promise<void>
  /** How often the lease is claimed or checked, in ms (default 2000). */
  everyMs?: number
  logger: ProjectionLogger
}

/**
 * Runs a piece of work on the one relay holding its lease: claims the lease every `everyMs`,
 * starts the work when it gets it and stops it when the lease lapses (another relay took over
 * after this one stalled). A dead relay's lease expires and the next claim elsewhere takes it.
 */
export class PullLeader {
  readonly #o: PullLeaderOptions
  #timer: ReturnType<typeof setInterval> | undefined
  #running = false
  #turn: Promise<void> = Promise.resolve()

  constructor(options: PullLeaderOptions) {
    this.#o = options
  }

  /** Whether the work runs on this relay now. */
  get running(): boolean {
    return this.#running
  }

  begin(): void {
    if (this.#timer) return
    this.#timer = setInterval(() => this.#tick(), this.#o.everyMs ?? 2000)
    this.#timer.unref()
    this.#tick()
  }

  /** Stops claiming, stops the work and gives the lease up. */
  async end(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer)
    this.#timer = undefined
    await this.#turn
    if (this.#running) {
      this.#running = false
      await this.#o.stop()
    }
    await this.#o.leases.release([this.#o.lease]).catch(() => undefined)
  }

  #tick(): void {
    this.#turn = this.#turn.then(async () => {
      if (!this.#timer) return
      const { leases, lease, logger } = this.#o
      await leases.claim([lease]).catch((error: unknown) => {
        logger.warn({ error: String(error) }, 'Claiming the pull lease failed')
      })
      const mine = leases.holds(lease)
      if (mine && !this.#running) {
        this.#running = true
        logger.info({ lease }, 'This relay pulls Salesforce changes now')
        this.#o.start()
      } else if (!mine && this.#running) {
        this.#running = false
        logger.warn({ lease }, 'Pull lease lost: another relay pulls now')
        await this.#o.stop()
      }
    })
  }
}
