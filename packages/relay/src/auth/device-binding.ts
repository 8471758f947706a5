import { randomBytes } from 'node:crypto'
import type { RelayStore } from '../store/relay-store.js'

/** A device id the relay issues: `r-` and 20 hex digits. */
function issueDeviceId(): string {
  return `r-${randomBytes(10).toString('hex')}`
}

/**
 * The device id a new session is bound to. The id the device proposes is kept when it is free or
 * already this user's; an id another user owns (visible in every document they edited: author
 * map, edit stamps) is never bound to a second user, who is issued a fresh id instead. The
 * session holds the result, and the device adopts it from `/auth/session`.
 *
 * @example
 * ```ts
 * const device = await bindDevice(store, '005…', 'web-abc', Date.now())
 * ```
 */
export async function bindDevice(
  store: RelayStore,
  userId: string,
  proposed: string,
  at: number,
): Promise<string> {
  if ((await store.claimDevice(proposed, userId, at)) === userId) return proposed
  for (;;) {
    const issued = issueDeviceId()
    if ((await store.claimDevice(issued, userId, at)) === userId) return issued
  }
}
