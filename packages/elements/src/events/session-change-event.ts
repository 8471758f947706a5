import type { Session } from '../client-types.js'

/**
 * The user signed in or out (`session` is `null` after sign-out). Fired by `<briefcase-session>`;
 * bubbles and crosses shadow roots.
 *
 * @example
 * ```ts
 * session.addEventListener('briefcase-session-change', (e) => (title.textContent = e.session?.user.name ?? ''))
 * ```
 */
export class SessionChangeEvent extends Event {
  static readonly eventName = 'briefcase-session-change' as const
  readonly session: Session | null
  constructor(session: Session | null) {
    super(SessionChangeEvent.eventName, { bubbles: true, composed: true })
    this.session = session
  }
}

declare global {
  interface HTMLElementEventMap {
    'briefcase-session-change': SessionChangeEvent
  }
}
