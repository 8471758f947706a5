/**
 * Test support: a real org on a real port, and jsforce connections signed in through the
 * org's own OAuth endpoints. Not part of the package build.
 */
import { serve, type ServerType } from '@hono/node-server'
import { Connection } from 'jsforce'
import { expect } from 'vitest'
import type { AddressInfo } from 'node:net'
import { createOrg } from '../app.js'
import type { Org, OrgOptions } from '../types.js'

for (const name of ['http_proxy', 'https_proxy', 'HTTP_PROXY', 'HTTPS_PROXY'])
  delete process.env[name]

/** Usernames of the seeded users. */
export const REP1 = 'rep1@briefcase.test'
export const REP2 = 'rep2@briefcase.test'
export const MANAGER = 'manager@briefcase.test'

/** A running org and ways to talk to it. */
export interface TestOrg {
  readonly org: Org
  readonly url: string
  /** A jsforce connection signed in with the OAuth password flow. */
  login(username: string): Promise<Connection>
  /** A jsforce connection for an access token. */
  connect(accessToken: string): Connection
  /** `fetch` against the org, with a bearer token when given. */
  fetch(path: string, init?: RequestInit & { token?: string }): Promise<Response>
  close(): Promise<void>
}

/** Starts an org on 127.0.0.1 and a free port. */
export async function startOrg(options: OrgOptions = {}): Promise<TestOrg> {
  const org = createOrg(options)
  const server = await new Promise<ServerType>((resolve) => {
    const s: ServerType = serve({ fetch: org.app.fetch, port: 0, hostname: '127.0.0.1' }, () =>
      resolve(s),
    )
  })
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const passwords = new Map(org.users.map((u) => [u.username, u.password]))
  return {
    org,
    url,
    login: async (username) => {
      const conn = new Connection({
        oauth2: {
          clientId: 'briefcase-relay',
          clientSecret: 'briefcase-relay-secret',
          loginUrl: url,
        },
        version: '62.0',
      })
      await conn.login(username, passwords.get(username) ?? '')
      return conn
    },
    connect: (accessToken) => new Connection({ instanceUrl: url, accessToken, version: '62.0' }),
    fetch: (path, init = {}) => {
      const { token, ...rest } = init
      const headers = new Headers(rest.headers)
      if (token) headers.set('Authorization', `Bearer ${token}`)
      return fetch(`${url}${path}`, { ...rest, headers })
    },
    close: async () => {
      await org.close()
      await new Promise<void>((resolve) => {
        server.close(() => resolve())
        // Streaming clients keep connections open (long polls, keep-alive): end them now.
        if ('closeAllConnections' in server) server.closeAllConnections()
      })
    },
  }
}

/** The error a promise rejects with (fails the test when it resolves). */
export async function failure(
  promise: PromiseLike<unknown>,
): Promise<Error & { errorCode?: string; data?: unknown }> {
  try {
    await promise
  } catch (error) {
    return error as Error & { errorCode?: string; data?: unknown }
  }
  throw new Error('expected the call to fail, but it succeeded')
}

/** The Id of a successful save result (fails the test otherwise). */
export function idOf(result: {
  success: boolean
  id?: string | undefined
  errors?: unknown
}): string {
  if (!result.success || result.id === undefined) {
    throw new Error(`expected a successful save, got ${JSON.stringify(result)}`)
  }
  return result.id
}

/** A value as text (jsforce records are loosely typed). */
export function str(value: unknown): string {
  return String(value)
}

/** Epoch ms of a Salesforce datetime string (`2024-05-01T10:00:00.000+0000`). */
export function ms(value: unknown): number {
  return Date.parse(String(value).replace('+0000', 'Z'))
}

/** An asymmetric matcher for strings, typed as a string for object literals. */
export function matching(pattern: RegExp): string {
  return expect.stringMatching(pattern) as string
}

/** Matches an 18-character Id with the key prefix. */
export function anId(prefix: string): string {
  return matching(new RegExp(`^${prefix}[A-Za-z0-9]{15}$`))
}
