import type { ReactiveController } from 'lit'
import type { ControllerHost } from './client-controller.js'

/**
 * Re-renders its host every `intervalMs` while connected, so relative times ("5 min ago") stay
 * true; `now` is the time of the last tick.
 *
 * @example
 * ```ts
 * #clock = new ClockController(this, 30_000)
 * render() { return html`${relativeTime(this.at, this.#clock.now)}` }
 * ```
 */
export class ClockController implements ReactiveController {
  readonly #host: ControllerHost
  readonly #intervalMs: number
  #timer: ReturnType<typeof setInterval> | null = null
  /** Milliseconds since the epoch at the last tick. */
  now: number = Date.now()

  constructor(host: ControllerHost, intervalMs = 30_000) {
    this.#host = host
    this.#intervalMs = intervalMs
    host.addController(this)
  }

  hostConnected(): void {
    this.now = Date.now()
    this.#timer = setInterval(() => {
      this.now = Date.now()
      this.#host.requestUpdate()
    }, this.#intervalMs)
  }

  hostUpdate(): void {
    this.now = Date.now()
  }

  hostDisconnected(): void {
    if (this.#timer !== null) clearInterval(this.#timer)
    this.#timer = null
  }
}
