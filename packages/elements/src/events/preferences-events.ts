import type { RefreshResult } from '@briefcase/client'

/**
 * Offline preferences were saved and the cache refreshed to match them. Fired by
 * `<briefcase-preferences>`; bubbles and crosses shadow roots.
 *
 * @example
 * ```ts
 * prefs.addEventListener('briefcase-preferences-saved', (e) => toast(`${e.result.added} records cached`))
 * ```
 */
export class PreferencesSavedEvent extends Event {
  static readonly eventName = 'briefcase-preferences-saved' as const
  /** The chosen offline item ids (empty: the default policy applies). */
  readonly items: readonly string[]
  readonly result: RefreshResult
  constructor(items: readonly string[], result: RefreshResult) {
    super(PreferencesSavedEvent.eventName, { bubbles: true, composed: true })
    this.items = items
    this.result = result
  }
}

/**
 * The user tried to choose one offline item more than allowed (Salesforce's limit is 7); the
 * choice was refused. Fired by `<briefcase-preferences>`; bubbles and crosses shadow roots.
 *
 * @example
 * ```ts
 * prefs.addEventListener('briefcase-preference-refused', (e) => toast(`At most ${e.max} items`))
 * ```
 */
export class PreferenceRefusedEvent extends Event {
  static readonly eventName = 'briefcase-preference-refused' as const
  /** The refused offline item id. */
  readonly item: string
  readonly max: number
  constructor(item: string, max: number) {
    super(PreferenceRefusedEvent.eventName, { bubbles: true, composed: true })
    this.item = item
    this.max = max
  }
}

declare global {
  interface HTMLElementEventMap {
    'briefcase-preferences-saved': PreferencesSavedEvent
    'briefcase-preference-refused': PreferenceRefusedEvent
  }
}
