/** A connected app: the OAuth client the org accepts. */
export interface ConnectedAppOptions {
  clientId: string
  clientSecret: string
  /** Callback URLs; an authorization request's redirect_uri must equal one exactly. */
  redirectUris: string[]
  /** Username the client-credentials grant runs as (default: the seeded manager). */
  runAs?: string
}

/** The registered connected apps. */
export interface ConnectedApps {
  get(clientId: string): ConnectedAppOptions | undefined
  /** Adds an app, or merges redirect URIs (and replaces the secret) of an existing one. */
  register(app: ConnectedAppOptions): void
  list(): ConnectedAppOptions[]
}

/** Creates the registry with `initial` apps. */
export function createConnectedApps(initial: readonly ConnectedAppOptions[]): ConnectedApps {
  const apps = new Map<string, ConnectedAppOptions>()
  const register = (app: ConnectedAppOptions): void => {
    const existing = apps.get(app.clientId)
    const redirectUris = [...new Set([...(existing?.redirectUris ?? []), ...app.redirectUris])]
    const runAs = app.runAs ?? existing?.runAs
    apps.set(app.clientId, {
      clientId: app.clientId,
      clientSecret: app.clientSecret,
      redirectUris,
      ...(runAs === undefined ? {} : { runAs }),
    })
  }
  for (const app of initial) register(app)
  return {
    get: (clientId) => apps.get(clientId),
    register,
    list: () => [...apps.values()].map((a) => ({ ...a, redirectUris: [...a.redirectUris] })),
  }
}
