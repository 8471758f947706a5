import type { ReactiveController } from 'lit'
import type { ControllerHost } from './client-controller.js'

const KEYS = new Set(['ArrowDown', 'ArrowUp', 'Home', 'End'])

/**
 * A roving tab order for a long list: one Tab stop for the whole list (the item last focused,
 * else the first), ↑/↓ move between items, Home/End go to the first and last. Put `keydown` and
 * `focusin` on the list's container; the items are found again after every update.
 *
 * @example
 * ```ts
 * #roving = new RovingFocusController(this, () => [...this.renderRoot.querySelectorAll('li button')])
 * render() {
 *   return html`<ul @keydown=${this.#roving.keydown} @focusin=${this.#roving.focusin}>…</ul>`
 * }
 * ```
 */
export class RovingFocusController implements ReactiveController {
  readonly #items: () => HTMLElement[]
  #current: HTMLElement | null = null

  constructor(host: ControllerHost, items: () => HTMLElement[]) {
    this.#items = items
    host.addController(this)
  }

  hostUpdated(): void {
    const items = this.#items()
    if (!this.#current || !items.includes(this.#current)) this.#current = items[0] ?? null
    for (const item of items) item.tabIndex = item === this.#current ? 0 : -1
  }

  /** Moves focus with ↑, ↓, Home and End. */
  readonly keydown = (event: KeyboardEvent): void => {
    if (!KEYS.has(event.key) || event.altKey || event.ctrlKey || event.metaKey) return
    const items = this.#items()
    const at = items.findIndex((item) => event.composedPath().includes(item))
    if (at === -1 || items.length === 0) return
    event.preventDefault()
    const last = items.length - 1
    const next =
      event.key === 'Home'
        ? 0
        : event.key === 'End'
          ? last
          : Math.min(last, Math.max(0, at + (event.key === 'ArrowDown' ? 1 : -1)))
    this.#focus(items, next)
  }

  /** Remembers the item that took focus (by click or Tab) as the list's Tab stop. */
  readonly focusin = (event: FocusEvent): void => {
    const items = this.#items()
    const item = items.find((i) => event.composedPath().includes(i))
    if (item) this.#focus(items, items.indexOf(item), false)
  }

  #focus(items: HTMLElement[], index: number, move = true): void {
    const item = items[index]
    if (!item) return
    this.#current = item
    for (const other of items) other.tabIndex = other === item ? 0 : -1
    if (move) item.focus()
  }
}
