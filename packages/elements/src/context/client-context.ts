import type { BriefcaseClient } from '@briefcase/client'
import { createContext } from '@lit/context'
import type { Context } from '@lit/context'

/**
 * The Briefcase client, provided by `<briefcase-session>` to every element inside it. The key is
 * a global symbol, so elements from two copies of this package still find each other's client.
 *
 * @example
 * ```ts
 * class MyElement extends LitElement {
 *   @consume({ context: clientContext, subscribe: true })
 *   client?: BriefcaseClient
 * }
 * ```
 */
export const clientContext: Context<symbol, BriefcaseClient | undefined> = createContext<
  BriefcaseClient | undefined,
  symbol
>(Symbol.for('briefcase.client'))

/** A record chosen for the screen, and the field to bring into view. */
export interface RecordSelection {
  /** `<SObject>/<key>`. */
  readonly doc: string
  readonly field: string | null
}

/**
 * The record on screen: `<briefcase-session>` sets it from `briefcase-open-record` events, and a
 * `<briefcase-record>` without its own `doc` shows it.
 */
export const selectionContext: Context<symbol, RecordSelection | undefined> = createContext<
  RecordSelection | undefined,
  symbol
>(Symbol.for('briefcase.selection'))
