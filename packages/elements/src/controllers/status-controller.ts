import type { BriefcaseClient, ClientStatus } from '@briefcase/client'
import { ClientController } from './client-controller.js'
import { errorMessage } from '../format/error-message.js'
import { LatestLoad } from './latest-load.js'

/**
 * Brings the client's status (online, syncing, last refresh) and the number of records with a
 * change Salesforce does not have yet.
 *
 * @example
 * ```ts
 * class MyBar extends LitElement {
 *   #status = new StatusController(this)
 *   render() { return html`${this.#status.status?.online ? 'Online' : 'Offline'}` }
 * }
 * ```
 */
export class StatusController extends ClientController {
  /** The client's status; `null` before a client is known. */
  get status(): ClientStatus | null {
    return this.client?.status ?? null
  }

  /** Records whose changes Salesforce does not have yet. */
  pendingCount = 0
  /** Records whose change Salesforce refused. */
  failedCount = 0
  #pending = new LatestLoad(
    () => this.client?.pendingChanges() ?? Promise.resolve([]),
    (changes) => {
      const open = changes.filter((c) => c.operation !== null && c.state !== 'written')
      this.pendingCount = open.length
      this.failedCount = open.filter((c) => c.state === 'failed').length
      this.host.requestUpdate()
    },
    (error) => {
      this.error = errorMessage(error)
    },
  )

  protected attach(client: BriefcaseClient): () => void {
    const events = ['pending-change', 'cache-change'] as const
    const onPending = (): void => this.#pending.schedule()
    for (const type of events) client.addEventListener(type, onPending)
    this.#pending.schedule()
    return () => {
      for (const type of events) client.removeEventListener(type, onPending)
    }
  }

  protected override cameOnline(): void {
    this.#pending.schedule()
  }

  protected reset(): void {
    this.#pending.cancel()
    this.pendingCount = 0
    this.failedCount = 0
  }

  /** Stops all network use until `goOnline()`. */
  goOffline(): void {
    this.client?.goOffline()
    this.host.requestUpdate()
  }

  /** Lifts `goOffline()` and syncs. */
  async goOnline(): Promise<void> {
    await this.guard(async () => this.client?.goOnline())
  }
}
