import type { Connection } from 'jsforce'

/** The connected app the change stream signs in with. */
export interface StreamSessionOptions {
  loginUrl: string
  clientId: string
  clientSecret: string
  apiVersion: string
}

/**
 * A session for the change stream: the connected app's OAuth client-credentials flow, which runs
 * as the app's integration user (in a real org: enable the flow and pick a run-as user with View
 * All Data). A new token each time the stream opens. jsforce is loaded here, on first use, not
 * when the relay starts (it is the heaviest module the relay imports).
 *
 * @example
 * ```ts
 * const conn = await clientCredentialsSession({ loginUrl, clientId, clientSecret, apiVersion: '62.0' })
 * ```
 */
export async function clientCredentialsSession(options: StreamSessionOptions): Promise<Connection> {
  const { Connection } = await import('jsforce')
  const conn = new Connection({
    oauth2: {
      loginUrl: options.loginUrl,
      clientId: options.clientId,
      clientSecret: options.clientSecret,
    },
    loginUrl: options.loginUrl,
    version: options.apiVersion,
  })
  await conn.authorize({ grant_type: 'client_credentials' })
  return conn
}
