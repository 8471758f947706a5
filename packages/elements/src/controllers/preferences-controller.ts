import type { BriefcaseClient, RefreshResult } from '@briefcase/client'
import type { OfflineItem } from '../client-types.js'
import { ClientController } from './client-controller.js'

/**
 * Brings what the org offers as offline items and the user's chosen ones, and saves a new choice
 * (which replaces the cache: the client refreshes right after saving).
 *
 * @example
 * ```ts
 * class MyPrefs extends LitElement {
 *   #prefs = new PreferencesController(this)
 *   save() { return this.#prefs.save(['object:Account', 'myTasks']) }
 * }
 * ```
 */
export class PreferencesController extends ClientController {
  /** What can be chosen. */
  items: OfflineItem[] = []
  /** The chosen item ids as saved (empty: the default policy applies). */
  saved: string[] = []
  /** False until both lists arrived. */
  loaded = false
  /** True while saving (and refreshing). */
  saving = false
  #generation = 0

  protected attach(client: BriefcaseClient): () => void {
    this.#load(client)
    return () => {
      this.#generation++
    }
  }

  /** Offline items and preferences are cached by the client: load again only what failed. */
  protected override cameOnline(): void {
    if (this.client && !this.saving && !this.loaded) this.#load(this.client)
  }

  #load(client: BriefcaseClient): void {
    const generation = ++this.#generation
    void this.guard(async () => {
      const [items, saved] = await Promise.all([client.offlineItems(), client.preferences()])
      if (generation !== this.#generation) return
      this.items = items
      this.saved = saved
      this.loaded = true
    })
  }

  protected reset(): void {
    this.items = []
    this.saved = []
    this.loaded = false
  }

  /** Saves the chosen items and refreshes the cache to match; `undefined` when it failed. */
  async save(items: readonly string[]): Promise<RefreshResult | undefined> {
    const client = this.client
    if (!client || this.saving) return undefined
    this.saving = true
    this.host.requestUpdate()
    const result = await this.guard(() => client.savePreferences(items))
    this.saving = false
    if (result) this.saved = [...items]
    this.host.requestUpdate()
    return result
  }
}
