import type { OfflineItemsResponse, Preferences } from '@briefcase/protocol'
import { MAX_PREFERENCES, RelayErrorCode } from '@briefcase/protocol'
import { Hono } from 'hono'
import { validator } from 'hono/validator'
import type { RelayEnv } from '../app/env.js'
import { requireSession } from '../app/middleware.js'
import type { RelayServices } from '../app/services.js'
import { RelayError } from '../errors.js'

/**
 * Validates a preferences body; the 8th item gets `BRIEFCASE_TOO_MANY_PREFERENCES`. zod is loaded
 * here, at the first body, not when the relay starts.
 */
const preferencesBody = validator('json', async (value): Promise<Preferences> => {
  const { PreferencesSchema } = await import('@briefcase/protocol/schemas')
  const result = PreferencesSchema.safeParse(value)
  if (result.success) return result.data
  const items = (value as { items?: unknown } | null)?.items
  if (Array.isArray(items) && items.length > MAX_PREFERENCES) {
    throw new RelayError(
      RelayErrorCode.tooManyPreferences,
      `At most ${MAX_PREFERENCES} offline items can be chosen; got ${items.length}.`,
    )
  }
  throw new RelayError(
    RelayErrorCode.badRequest,
    result.error.issues.map((i) => i.message).join('; '),
    {
      details: result.error.issues.map((i) => ({ path: i.path.map(String), message: i.message })),
    },
  )
})

/**
 * Offline preferences and the cache plan: `GET /api/offline-items`, `GET`/`PUT /api/preferences`
 * (at most 7 items; choosing any replaces the default cache) and `POST /api/cache-plan`.
 */
export function offlineRoutes(services: RelayServices): Hono<RelayEnv> {
  const app = new Hono<RelayEnv>()
  const session = requireSession(services)

  app.get('/offline-items', session, async (c) => {
    const body: OfflineItemsResponse = {
      items: await services.cache.offlineItems(c.get('session').userId),
    }
    return c.json(body)
  })

  app.get('/preferences', session, async (c) => {
    const items = await services.store.getPreferences(c.get('session').userId)
    const body: Preferences = { items: items ?? [] }
    return c.json(body)
  })

  app.put('/preferences', session, preferencesBody, async (c) => {
    const { items } = c.req.valid('json')
    await services.store.putPreferences(c.get('session').userId, items, services.now())
    const body: Preferences = { items }
    return c.json(body)
  })

  app.post('/cache-plan', session, async (c) =>
    c.json(await services.cache.plan(c.get('session').userId)),
  )

  return app
}
