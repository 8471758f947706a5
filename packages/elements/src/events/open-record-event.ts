/**
 * Asks for a record to be shown: fired when the user picks a record in the cache, fixes a failed
 * change, or creates a record. `<briefcase-session>` answers it by selecting the record, which a
 * `<briefcase-record>` without its own `doc` then shows. Bubbles and crosses shadow roots.
 *
 * @example
 * ```ts
 * document.addEventListener('briefcase-open-record', (e) => (editor.doc = e.doc))
 * ```
 */
export class OpenRecordEvent extends Event {
  static readonly eventName = 'briefcase-open-record' as const
  /** The record's document name, `<SObject>/<key>`. */
  readonly doc: string
  /** The field to focus (a failed change names one), if any. */
  readonly field: string | null
  constructor(doc: string, field: string | null = null) {
    super(OpenRecordEvent.eventName, { bubbles: true, composed: true })
    this.doc = doc
    this.field = field
  }
}

declare global {
  interface HTMLElementEventMap {
    'briefcase-open-record': OpenRecordEvent
  }
}
