/**
 * The user picked a record in a lookup (or cleared it: `id` is `null`). Fired by
 * `<briefcase-lookup>`; bubbles, and stays inside the shadow root that holds the lookup.
 *
 * @example
 * ```ts
 * lookup.addEventListener('briefcase-lookup-select', (e) => record.set('AccountId', e.id))
 * ```
 */
export class LookupSelectEvent extends Event {
  static readonly eventName = 'briefcase-lookup-select' as const
  /** The picked record's Id (or draft key), or `null` when cleared. */
  readonly id: string | null
  readonly name: string | null
  constructor(id: string | null, name: string | null) {
    super(LookupSelectEvent.eventName, { bubbles: true, composed: false })
    this.id = id
    this.name = name
  }
}

declare global {
  interface HTMLElementEventMap {
    'briefcase-lookup-select': LookupSelectEvent
  }
}
