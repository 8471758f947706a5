/** The org's clock: an injectable source plus an offset that admin calls can move. */
export interface Clock {
  now(): number
  /** Moves the clock forward (or back, with a negative value) by `ms`. */
  advance(ms: number): void
  /** Makes `now()` return `ms` at this instant (the source keeps ticking from there). */
  set(ms: number): void
  /** The current offset from the source, in ms. */
  readonly offset: number
  /** Back to the source with no offset. */
  reset(): void
}

/** Creates a {@link Clock} over `source` (default `Date.now`). */
export function createClock(source: () => number = Date.now): Clock {
  let offset = 0
  return {
    now: () => source() + offset,
    advance: (ms) => {
      offset += ms
    },
    set: (ms) => {
      offset = ms - source()
    },
    get offset() {
      return offset
    },
    reset: () => {
      offset = 0
    },
  }
}
