import type { BriefcaseClient, PendingChangeView } from '@briefcase/client'
import type { ObjectDescription } from '../client-types.js'
import { errorMessage } from '../format/error-message.js'
import { ClientController } from './client-controller.js'
import { LatestLoad } from './latest-load.js'

/**
 * Brings the pending changes in the order they go to Salesforce, and retries, discards and
 * dismisses them.
 *
 * @example
 * ```ts
 * class MyPending extends LitElement {
 *   #pending = new PendingController(this)
 *   render() { return html`${this.#pending.changes.map((c) => c.name)}` }
 * }
 * ```
 */
export class PendingController extends ClientController {
  /** Records with a change Salesforce does not have yet, or a notice, oldest change first. */
  changes: PendingChangeView[] = []
  /** False until the first listing arrived. */
  loaded = false
  /** Documents with an action (retry, discard, dismiss) in flight. */
  readonly busy: Set<string> = new Set()
  /** Schemas of the objects listed (labels of objects and fields), as they arrive. */
  readonly descriptions: Map<string, ObjectDescription> = new Map()
  /** Names of cached records by Id or draft key, to show references by name. */
  names: ReadonlyMap<string, string> = new Map()
  #load = new LatestLoad(
    async () => {
      const client = this.client
      if (!client) return { changes: [], entries: [] }
      const [changes, entries] = await Promise.all([client.pendingChanges(), client.listCache()])
      return { changes, entries }
    },
    ({ changes, entries }) => {
      this.names = new Map(entries.map((e) => [e.key, e.name]))
      this.changes = changes.filter((c) => c.state !== 'written')
      this.loaded = true
      this.host.requestUpdate()
      this.#describe(new Set(this.changes.map((c) => c.sobject)))
    },
    (error) => {
      this.error = errorMessage(error)
      this.host.requestUpdate()
    },
  )

  protected attach(client: BriefcaseClient): () => void {
    // A pending change's fields and values change without its state changing: follow the cache
    // index (`cache-change`) and loaded records (`record-change`) as well as state changes.
    const events = ['pending-change', 'notice', 'cache-change', 'record-change'] as const
    const onChange = (): void => this.#load.schedule()
    for (const type of events) client.addEventListener(type, onChange)
    this.#load.schedule()
    return () => {
      for (const type of events) client.removeEventListener(type, onChange)
    }
  }

  protected override cameOnline(): void {
    this.#load.schedule()
  }

  protected reset(): void {
    this.#load.cancel()
    this.changes = []
    this.loaded = false
  }

  /** Sends the record's changes again now. */
  retry(doc: string): Promise<void> {
    return this.#act(doc, (client) => client.retry(doc))
  }

  /** Puts Salesforce's values back (a create: deletes the draft). */
  discard(doc: string, fields?: readonly string[]): Promise<void> {
    return this.#act(doc, (client) => client.discard(doc, fields))
  }

  /** Takes back this device's delete while it is still on the device only. */
  undoDelete(doc: string): Promise<void> {
    return this.#act(doc, (client) => client.undoDelete(doc))
  }

  /** Drops the record's superseded and deleted notices. */
  dismiss(doc: string): Promise<void> {
    return this.#act(doc, (client) => client.dismissNotices(doc))
  }

  /** Loads the schemas of objects not described yet (labels only: failures leave API names). */
  #describe(sobjects: Set<string>): void {
    const client = this.client
    if (!client) return
    for (const sobject of sobjects) {
      if (this.descriptions.has(sobject)) continue
      client.schema(sobject).then(
        (description) => {
          this.descriptions.set(sobject, description)
          this.host.requestUpdate()
        },
        () => undefined,
      )
    }
  }

  async #act(doc: string, action: (client: BriefcaseClient) => Promise<void>): Promise<void> {
    const client = this.client
    if (!client) return
    this.busy.add(doc)
    this.host.requestUpdate()
    await this.guard(() => action(client))
    this.busy.delete(doc)
    await this.#load.run()
  }
}
