import type { FieldValue } from '@briefcase/record'

/**
 * The user changed a field and the change is stored on the device (durable; it reaches
 * Salesforce when online). Not fired for each keystroke of long text. Fired by
 * `<briefcase-record>`; bubbles and crosses shadow roots.
 *
 * @example
 * ```ts
 * record.addEventListener('briefcase-field-change', (e) => log(`${e.field} = ${String(e.value)}`))
 * ```
 */
export class FieldChangeEvent extends Event {
  static readonly eventName = 'briefcase-field-change' as const
  readonly doc: string
  readonly field: string
  readonly value: FieldValue
  constructor(doc: string, field: string, value: FieldValue) {
    super(FieldChangeEvent.eventName, { bubbles: true, composed: true })
    this.doc = doc
    this.field = field
    this.value = value
  }
}

declare global {
  interface HTMLElementEventMap {
    'briefcase-field-change': FieldChangeEvent
  }
}
