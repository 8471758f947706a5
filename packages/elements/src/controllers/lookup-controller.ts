import type { BriefcaseClient } from '@briefcase/client'
import type { LookupMatch } from '../client-types.js'
import { ClientController } from './client-controller.js'

/**
 * Finds records by name for a lookup field: the relay's matches when online, cached records
 * (drafts included) always. Only the latest search's results are kept.
 *
 * @example
 * ```ts
 * #lookup = new LookupController(this)
 * onInput(e) { void this.#lookup.search('Account', e.target.value) }
 * ```
 */
export class LookupController extends ClientController {
  matches: LookupMatch[] = []
  /** True while a search runs. */
  searching = false
  #generation = 0

  protected attach(_client: BriefcaseClient): () => void {
    return () => {
      this.#generation++
    }
  }

  protected reset(): void {
    this.matches = []
    this.searching = false
  }

  /** Searches `sobject` records whose name contains `query`. */
  async search(sobject: string, query: string): Promise<void> {
    const client = this.client
    const generation = ++this.#generation
    if (!client) return
    this.searching = true
    this.host.requestUpdate()
    const matches = await this.guard(() => client.lookup(sobject, query))
    if (generation !== this.#generation) return
    this.searching = false
    this.matches = matches ?? []
    this.host.requestUpdate()
  }

  /** Forgets the matches (the list closed). */
  clear(): void {
    this.#generation++
    this.matches = []
    this.searching = false
    this.host.requestUpdate()
  }

  /**
   * The name of a referenced record: a match's, else the client's (the cache, or the relay when
   * online); `null` when nobody knows it.
   */
  async nameOf(sobject: string, id: string): Promise<string | null> {
    const match = this.matches.find((m) => m.id === id)
    if (match) return match.name
    const client = this.client
    if (!client) return null
    return (await this.guard(() => client.recordName(sobject, id))) ?? null
  }
}
