/** The width below which the demo shows one pane at a time (`demo.css` uses the same). */
export const PHONE_QUERY = '(max-width: 44rem)'

/** Which pane a phone shows: the records (cache, pending, preferences) or the open record. */
export type Pane = 'list' | 'record'

/**
 * The phone layout's navigation: below ~700 px the page shows the list or the record, never
 * both (`body[data-pane]`, styled by `demo.css`). Opening a record shows its pane at the top of
 * the page, with focus on it; the Back button, or the browser's back, returns to the list with
 * focus on the cache. Wider screens show every pane at once and ignore this.
 */
export class PhonePanes {
  readonly #phone = window.matchMedia(PHONE_QUERY)

  /**
   * `back` returns to the list: through the browser's history when the record was opened from
   * the list, else `toList` (the page opened on a record).
   */
  constructor(back: HTMLButtonElement, toList: () => void) {
    back.addEventListener('click', () => {
      const state: unknown = window.history.state
      if (typeof state === 'object' && state !== null && 'pane' in state) window.history.back()
      else toList()
    })
  }

  /** True while the phone layout applies. */
  get phone(): boolean {
    return this.#phone.matches
  }

  /**
   * Shows a pane; with `focus`, on a phone, it comes into view at the top of the page with focus
   * on it (its element has `tabindex="-1"` and a name).
   */
  show(pane: Pane, focus = true): void {
    document.body.dataset.pane = pane
    if (!focus || !this.phone) return
    window.scrollTo(0, 0)
    document.querySelector<HTMLElement>(`.${pane}-pane`)?.focus({ preventScroll: true })
  }
}
