import { randomBytes } from 'node:crypto'
import { RelayErrorCode } from '@briefcase/protocol'
import { RelayError } from '../errors.js'
import type { RelayStore, SessionRecord } from '../store/relay-store.js'
import type { RelaySecrets } from './secrets.js'

const PREFIX = 'v1'

/** A verified relay session: who, on which device, until when. */
export interface RelaySession {
  id: string
  userId: string
  device: string
  createdAt: number
  expiresAt: number
}

/** Options of {@link createSessions}. */
export interface SessionsOptions {
  store: RelayStore
  secrets: RelaySecrets
  /** Session lifetime in ms. */
  ttlMs: number
  now: () => number
}

/** Issues, verifies and revokes relay sessions. */
export interface Sessions {
  /** A new session for a user on a device, and its signed token. */
  create(userId: string, device: string): Promise<{ token: string; session: RelaySession }>
  /**
   * The session a token carries. Throws `BRIEFCASE_UNAUTHENTICATED` for a missing, forged or
   * unknown token and `BRIEFCASE_SESSION_EXPIRED` for an expired or revoked one.
   */
  verify(token: string | undefined): Promise<RelaySession>
  revoke(id: string): Promise<void>
}

function unauthenticated(message: string): RelayError {
  return new RelayError(RelayErrorCode.unauthenticated, message)
}

/**
 * Relay sessions: the token is `v1.<session id>.<expiry>.<HMAC>`; the session row (user, device,
 * expiry, revocation) lives in the store, so a revoked session stops working at once.
 *
 * @example
 * ```ts
 * const sessions = createSessions({ store, secrets, ttlMs: 30 * 86_400_000, now: Date.now })
 * const { token } = await sessions.create('005…', 'phone-1')
 * ```
 */
export function createSessions(options: SessionsOptions): Sessions {
  const { store, secrets, ttlMs, now } = options
  return {
    async create(userId, device) {
      const createdAt = now()
      const record: SessionRecord = {
        id: randomBytes(18).toString('base64url'),
        userId,
        device,
        createdAt,
        expiresAt: createdAt + ttlMs,
        revokedAt: null,
      }
      await store.createSession(record)
      const body = `${PREFIX}.${record.id}.${record.expiresAt.toString(36)}`
      const session: RelaySession = {
        id: record.id,
        userId,
        device,
        createdAt,
        expiresAt: record.expiresAt,
      }
      return { token: `${body}.${secrets.sign(body)}`, session }
    },

    async verify(token) {
      if (!token) throw unauthenticated('Sign in first: this request carries no relay session.')
      const parts = token.split('.')
      if (parts.length !== 4 || parts[0] !== PREFIX)
        throw unauthenticated('Not a relay session token.')
      const [, id = '', exp = '', signature = ''] = parts
      if (!secrets.verify(`${PREFIX}.${id}.${exp}`, signature)) {
        throw unauthenticated('The relay session token is not valid.')
      }
      const at = now()
      if (parseInt(exp, 36) <= at) {
        throw new RelayError(RelayErrorCode.sessionExpired, 'The relay session has expired.')
      }
      const record = await store.getSession(id)
      if (!record) throw unauthenticated('Unknown relay session.')
      if (record.revokedAt !== null || record.expiresAt <= at) {
        throw new RelayError(
          RelayErrorCode.sessionExpired,
          'The relay session has ended; sign in again.',
        )
      }
      return {
        id: record.id,
        userId: record.userId,
        device: record.device,
        createdAt: record.createdAt,
        expiresAt: record.expiresAt,
      }
    },

    revoke: (id) => store.revokeSession(id, now()),
  }
}
