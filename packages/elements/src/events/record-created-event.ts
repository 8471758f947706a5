/**
 * A record was created from the "+" menu (under a draft key; it reaches Salesforce when the
 * device is online). Fired by `<briefcase-create>`; bubbles and crosses shadow roots.
 *
 * @example
 * ```ts
 * menu.addEventListener('briefcase-record-created', (e) => toast(`${e.sobject} created`))
 * ```
 */
export class RecordCreatedEvent extends Event {
  static readonly eventName = 'briefcase-record-created' as const
  /** `<SObject>/<draft key>`. */
  readonly doc: string
  readonly sobject: string
  constructor(doc: string, sobject: string) {
    super(RecordCreatedEvent.eventName, { bubbles: true, composed: true })
    this.doc = doc
    this.sobject = sobject
  }
}

declare global {
  interface HTMLElementEventMap {
    'briefcase-record-created': RecordCreatedEvent
  }
}
