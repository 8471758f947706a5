/**
 * The reference hybrid logical clock of one device, written from the rules in the record README
 * and DESIGN.md (not from `packages/record`): physical time first, then a counter, never
 * backwards; a received stamp pulls the clock forward unless it is ahead of physical time by more
 * than the drift bound; an edit made after seeing a stamp is stamped after it.
 */
export interface ModelStamp {
  wall: number
  counter: number
  device: string
}

/** The drift bound of the record README: a stamp more than 60 s ahead is not adopted. */
export const MAX_DRIFT_MS = 60_000

/** Parses the sortable form (9 base-36 digits of wall, 4 of counter, device). */
export function parseStamp(s: string): ModelStamp {
  return {
    wall: parseInt(s.slice(0, 9), 36),
    counter: parseInt(s.slice(9, 13), 36),
    device: s.slice(13),
  }
}

/** The sortable form of a stamp. */
export function formatStamp(s: ModelStamp): string {
  return s.wall.toString(36).padStart(9, '0') + s.counter.toString(36).padStart(4, '0') + s.device
}

function later(a: ModelStamp, b: { wall: number; counter: number }): boolean {
  return a.wall > b.wall || (a.wall === b.wall && a.counter > b.counter)
}

/** One device's clock in the model; `physical` is its (skewed, jumping) physical time. */
export class ClockModel {
  wall = 0
  counter = 0

  constructor(
    readonly device: string,
    readonly physical: () => number,
  ) {}

  /** A restart: the clock starts over from physical time (the document brings it forward). */
  reset(): void {
    this.wall = 0
    this.counter = 0
  }

  observe(stamp: string | undefined): void {
    if (stamp === undefined) return
    const s = parseStamp(stamp)
    if (s.wall > this.physical() + MAX_DRIFT_MS) return
    if (later(s, this)) {
      this.wall = s.wall
      this.counter = s.counter
    }
  }

  tick(): string {
    const p = this.physical()
    if (p > this.wall) {
      this.wall = p
      this.counter = 0
    } else this.counter += 1
    return formatStamp({ wall: this.wall, counter: this.counter, device: this.device })
  }

  /** The stamp of an edit made after seeing `seen`: a tick, or just after `seen`. */
  after(seen: string | undefined): string {
    const t = this.tick()
    if (seen === undefined || t > seen) return t
    const s = parseStamp(seen)
    const bumped = formatStamp({ wall: s.wall, counter: s.counter + 1, device: this.device })
    this.observe(bumped)
    return bumped
  }
}
