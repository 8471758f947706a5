import { RelayErrorCode } from '@briefcase/protocol'
import type { Connection, OAuth2 } from 'jsforce'
import type { Logger } from 'pino'
import type { RelaySecrets } from '../auth/secrets.js'
import { RelayError } from '../errors.js'
import type { RelayStore } from '../store/relay-store.js'
import { fromSalesforceError } from './salesforce-errors.js'

/**
 * The `client` the relay names in `Sforce-Call-Options` on every call it makes for a user:
 * Salesforce echoes it in change events' `changeOrigin`, so the relay knows its own writes.
 */
export const RELAY_CALL_CLIENT = 'briefcase-relay'

/** How the relay reaches the org: the connected app and the API version. */
export interface SalesforceOptions {
  /** The org's login URL (`https://login.salesforce.com`, or the embedded org's URL). */
  loginUrl: string
  /** The connected app's consumer key. */
  clientId: string
  /** The connected app's consumer secret (kept on the relay only). */
  clientSecret: string
  /** The relay's OAuth callback (`<relay>/auth/callback`), registered with the connected app. */
  redirectUri: string
  /** REST API version without `v` (default `62.0`). */
  apiVersion?: string
}

/** Options of {@link SalesforceSessions}. */
export interface SalesforceSessionsOptions {
  salesforce: SalesforceOptions
  store: RelayStore
  secrets: RelaySecrets
  logger: Logger
}

/**
 * The users' Salesforce sessions: one jsforce `Connection` per user, built from the refresh token
 * the relay keeps (encrypted) in its store. jsforce refreshes the access token on a 401. Tokens
 * never leave the relay.
 */
export class SalesforceSessions {
  readonly options: SalesforceOptions
  readonly apiVersion: string
  readonly #store: RelayStore
  readonly #secrets: RelaySecrets
  readonly #logger: Logger
  readonly #connections = new Map<string, Promise<Connection>>()

  constructor(options: SalesforceSessionsOptions) {
    this.options = options.salesforce
    this.apiVersion = options.salesforce.apiVersion ?? '62.0'
    this.#store = options.store
    this.#secrets = options.secrets
    this.#logger = options.logger
  }

  /**
   * The connected app as jsforce's OAuth2 client. jsforce is loaded on first use (a sign-in or a
   * user's first call), not when the relay starts: it is the heaviest module the relay imports.
   */
  async oauth2(): Promise<OAuth2> {
    const { OAuth2 } = await import('jsforce')
    const { loginUrl, clientId, clientSecret, redirectUri } = this.options
    return new OAuth2({ loginUrl, clientId, clientSecret, redirectUri })
  }

  /** Keeps a connection made at sign-in (it already holds a fresh access token). */
  adopt(userId: string, conn: Connection): void {
    this.#watch(userId, conn)
    this.#connections.set(userId, Promise.resolve(conn))
  }

  /**
   * The user's connection. Throws `BRIEFCASE_UNAUTHENTICATED` when the relay holds no sign-in
   * for the user (or Salesforce refuses it), `BRIEFCASE_SALESFORCE_UNAVAILABLE` when the org
   * cannot be reached.
   */
  connectionFor(userId: string): Promise<Connection> {
    let conn = this.#connections.get(userId)
    if (!conn) {
      conn = this.#open(userId)
      this.#connections.set(userId, conn)
      conn.catch(() => this.#connections.delete(userId))
    }
    return conn
  }

  /** Drops a user's connection (after sign-out or a refused refresh). */
  forget(userId: string): void {
    this.#connections.delete(userId)
  }

  async #open(userId: string): Promise<Connection> {
    const user = await this.#store.getUser(userId)
    if (!user) {
      throw new RelayError(
        RelayErrorCode.unauthenticated,
        'Sign in again: the relay holds no Salesforce sign-in for you.',
      )
    }
    const refreshToken = this.#secrets.open(user.refreshToken)
    const oauth2 = await this.oauth2()
    let token
    try {
      token = await oauth2.refreshToken(refreshToken)
    } catch (error) {
      throw fromSalesforceError(error, 'refreshing the sign-in')
    }
    const { Connection } = await import('jsforce')
    const conn = new Connection({
      oauth2,
      instanceUrl: token.instance_url || user.instanceUrl,
      accessToken: token.access_token,
      refreshToken,
      version: this.apiVersion,
      callOptions: { client: RELAY_CALL_CLIENT },
    })
    this.#watch(userId, conn)
    return conn
  }

  #watch(userId: string, conn: Connection): void {
    conn.on('refresh', () =>
      this.#logger.debug({ user: userId }, 'salesforce access token refreshed'),
    )
  }
}
