import type { DeviceId, SalesforceId } from './ids.js'

declare const brand: unique symbol
/**
 * A hybrid logical clock stamp in its sortable string form: 9 base-36 digits of wall time (ms),
 * 4 of counter, then the device id. Plain string comparison orders stamps by (wall, counter,
 * device).
 */
export type HlcString = string & { readonly [brand]: 'HlcString' }

/** A stamp's parts. */
export interface Hlc {
  wall: number
  counter: number
  device: string
}

const WALL_DIGITS = 9
const COUNTER_DIGITS = 4
const MAX_COUNTER = 36 ** COUNTER_DIGITS - 1
const HEAD = WALL_DIGITS + COUNTER_DIGITS
const STAMP = /^[0-9a-z]{13}[A-Za-z0-9_-]{1,64}$/

/** Encodes a stamp; a counter past its range carries into the wall time. */
export function encodeHlc(h: Hlc): HlcString {
  const wall = h.counter > MAX_COUNTER ? h.wall + 1 : h.wall
  const counter = h.counter > MAX_COUNTER ? 0 : h.counter
  return (wall.toString(36).padStart(WALL_DIGITS, '0') +
    counter.toString(36).padStart(COUNTER_DIGITS, '0') +
    h.device) as HlcString
}

/** Decodes a stamp produced by {@link encodeHlc}. */
export function decodeHlc(s: HlcString): Hlc {
  return {
    wall: parseInt(s.slice(0, WALL_DIGITS), 36),
    counter: parseInt(s.slice(WALL_DIGITS, HEAD), 36),
    device: s.slice(HEAD),
  }
}

/** True when `value` is a well-formed stamp. */
export function isHlcString(value: unknown): value is HlcString {
  return typeof value === 'string' && STAMP.test(value)
}

/** The device part of a stamp. */
export function hlcDevice(s: HlcString): string {
  return s.slice(HEAD)
}

/** Orders two stamps: negative, zero or positive. */
export function compareHlc(a: HlcString, b: HlcString): number {
  return a < b ? -1 : a > b ? 1 : 0
}

/** The greater of two stamps, either of which may be absent. */
export function maxHlc(a: HlcString | undefined, b: HlcString | undefined): HlcString | undefined {
  if (a === undefined) return b
  if (b === undefined) return a
  return a > b ? a : b
}

/** The device id under which Salesforce user `userId`'s server-side changes are stamped. */
export function serverDevice(userId: SalesforceId | string): string {
  return `sf-${userId}`
}

/** True when a stamp's device is a Salesforce user (a server-side change), not a device. */
export function isServerStamp(s: HlcString): boolean {
  return hlcDevice(s).startsWith('sf-')
}

/**
 * The stamp of a server-side change: the record's LastModifiedDate, by the user who made it.
 *
 * @example
 * ```ts
 * serverStamp(Date.parse('2026-01-01T00:00:00Z'), '005000000000001AAA')
 * ```
 */
export function serverStamp(lastModified: number, userId: SalesforceId | string): HlcString {
  return encodeHlc({ wall: lastModified, counter: 0, device: serverDevice(userId) })
}

/** The smallest stamp strictly after `s` for `device` (same wall, next counter). */
export function stampAfter(s: HlcString, device: string): HlcString {
  const h = decodeHlc(s)
  return encodeHlc({ wall: h.wall, counter: h.counter + 1, device })
}

/** Options of {@link createHybridClock}. */
export interface HybridClockOptions {
  /** The device the clock stamps for. */
  device: DeviceId
  /** The physical clock, ms since the epoch. Default `Date.now`. */
  now?: () => number
  /**
   * How far ahead of physical time a received stamp may pull this clock, in ms (default 60 000).
   * A stamp from a device whose clock jumped further ahead is not adopted; edits made after
   * seeing it are still ordered after it (see {@link HybridClock.after}).
   */
  maxDriftMs?: number
}

/** A device's hybrid logical clock. */
export interface HybridClock {
  readonly device: DeviceId
  /** A new stamp for a local event: after every stamp issued or observed, never backwards. */
  tick(): HlcString
  /** A new stamp that is also after `seen` (an edit made after seeing `seen` must beat it). */
  after(seen: HlcString | undefined): HlcString
  /** Advances the clock past a received stamp (bounded by `maxDriftMs`). */
  observe(remote: HlcString): void
  /** The last stamp issued or adopted, without advancing. */
  peek(): HlcString
}

/**
 * A hybrid logical clock (Kulkarni et al.): wall time, counter, device. It advances on every local
 * event and on every received stamp, never goes backwards when the device clock does, and stays
 * within `maxDriftMs` of the device clock when a remote clock has jumped ahead.
 *
 * @example
 * ```ts
 * const clock = createHybridClock({ device: parseDeviceId('phone-1') })
 * const a = clock.tick()
 * const b = clock.tick() // b > a
 * ```
 */
export function createHybridClock(options: HybridClockOptions): HybridClock {
  const { device } = options
  const physical = options.now ?? Date.now
  const maxDrift = options.maxDriftMs ?? 60_000
  let wall = 0
  let counter = 0

  const tick = (): HlcString => {
    const p = physical()
    if (p > wall) {
      wall = p
      counter = 0
    } else {
      counter += 1
      if (counter > MAX_COUNTER) {
        wall += 1
        counter = 0
      }
    }
    return encodeHlc({ wall, counter, device })
  }

  const observe = (remote: HlcString): void => {
    const r = decodeHlc(remote)
    if (r.wall > physical() + maxDrift) return
    if (r.wall > wall || (r.wall === wall && r.counter > counter)) {
      wall = r.wall
      counter = r.counter
    }
  }

  return {
    device,
    tick,
    after(seen) {
      const t = tick()
      if (seen === undefined || t > seen) return t
      const bumped = stampAfter(seen, device)
      observe(bumped)
      return bumped
    },
    observe,
    peek: () => encodeHlc({ wall, counter, device }),
  }
}
