import { randomBytes } from 'node:crypto'

/** An access token and who it acts for. */
export interface AccessSession {
  readonly token: string
  readonly userId: string
  readonly clientId: string | null
  readonly issuedAt: number
  readonly expiresAt: number
  /** The refresh token it came from, if any (revoking that revokes this). */
  readonly refreshToken: string | null
  readonly scope: string
}

/** A refresh token: lives until revoked. */
export interface RefreshGrant {
  readonly token: string
  readonly userId: string
  readonly clientId: string
  readonly issuedAt: number
  readonly scope: string
}

/** An authorization code waiting to be exchanged (single use, 15 minutes). */
export interface AuthCode {
  readonly code: string
  readonly userId: string
  readonly clientId: string
  readonly redirectUri: string
  readonly codeChallenge: string | null
  readonly codeChallengeMethod: 'S256' | 'plain'
  readonly expiresAt: number
  readonly scope: string
}

/** Sessions as plain JSON, so a saved org keeps its sign-ins. */
export interface SessionData {
  readonly access: AccessSession[]
  readonly refresh: RefreshGrant[]
}

/** Why a token was refused. */
export type TokenCheck =
  { ok: true; session: AccessSession } | { ok: false; reason: 'unknown' | 'expired' }

const CODE_TTL_MS = 15 * 60_000

function opaque(bytes: number): string {
  return randomBytes(bytes).toString('base64url')
}

/** Issues, checks and revokes tokens and codes. */
export class SessionStore {
  private access = new Map<string, AccessSession>()
  private refresh = new Map<string, RefreshGrant>()
  private codes = new Map<string, AuthCode>()

  constructor(
    private readonly orgId15: string,
    private readonly ttlMs: number,
  ) {}

  /** A new access token `<orgId15>!<opaque>`. */
  issueAccess(
    userId: string,
    now: number,
    options: { clientId?: string | null; refreshToken?: string | null; scope?: string } = {},
  ): AccessSession {
    const session: AccessSession = {
      token: `${this.orgId15}!AR${opaque(48)}`,
      userId,
      clientId: options.clientId ?? null,
      issuedAt: now,
      expiresAt: now + this.ttlMs,
      refreshToken: options.refreshToken ?? null,
      scope: options.scope ?? 'api',
    }
    this.access.set(session.token, session)
    return session
  }

  /** A new refresh token for a user and client. */
  issueRefresh(userId: string, clientId: string, now: number, scope: string): RefreshGrant {
    const grant: RefreshGrant = {
      token: `5Aep${opaque(60)}`,
      userId,
      clientId,
      issuedAt: now,
      scope,
    }
    this.refresh.set(grant.token, grant)
    return grant
  }

  /** The refresh grant for a token, if it exists and is not revoked. */
  refreshGrant(token: string): RefreshGrant | undefined {
    return this.refresh.get(token)
  }

  /** Checks an access token at `now`. */
  check(token: string, now: number): TokenCheck {
    const session = this.access.get(token)
    if (!session) return { ok: false, reason: 'unknown' }
    if (now >= session.expiresAt) return { ok: false, reason: 'expired' }
    return { ok: true, session }
  }

  /** Revokes an access or refresh token (a refresh token takes its access tokens with it). */
  revoke(token: string): boolean {
    if (this.access.delete(token)) return true
    if (!this.refresh.delete(token)) return false
    for (const [key, s] of this.access) if (s.refreshToken === token) this.access.delete(key)
    return true
  }

  /** Revokes every token of a user (e.g. when deactivated). */
  revokeUser(userId: string): void {
    for (const [key, s] of this.access) if (s.userId === userId) this.access.delete(key)
    for (const [key, g] of this.refresh) if (g.userId === userId) this.refresh.delete(key)
  }

  /** Stores a new authorization code. */
  issueCode(code: Omit<AuthCode, 'code' | 'expiresAt'>, now: number): AuthCode {
    const full: AuthCode = { ...code, code: `aPrx${opaque(36)}`, expiresAt: now + CODE_TTL_MS }
    this.codes.set(full.code, full)
    return full
  }

  /** Takes a code out (codes are single use); undefined when unknown or expired. */
  consumeCode(code: string, now: number): AuthCode | undefined {
    const found = this.codes.get(code)
    this.codes.delete(code)
    if (!found || now >= found.expiresAt) return undefined
    return found
  }

  /** Plain JSON of the sessions. */
  toData(): SessionData {
    return { access: [...this.access.values()], refresh: [...this.refresh.values()] }
  }

  /** Replaces the sessions with saved ones. */
  loadData(data: SessionData): void {
    this.access = new Map(data.access.map((s) => [s.token, s]))
    this.refresh = new Map(data.refresh.map((g) => [g.token, g]))
    this.codes.clear()
  }
}
