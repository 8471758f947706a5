import type { CachePlanLine, OfflineItemsResponse, Preferences } from '@briefcase/protocol'
import {
  CACHE_PLAN_STREAM_TYPE,
  MAX_PREFERENCES,
  RelayErrorCode,
  encodeCachePlanLine,
} from '@briefcase/protocol'
import { Hono } from 'hono'
import { validator } from 'hono/validator'
import type { RelayEnv } from '../app/env.js'
import { requireSession } from '../app/middleware.js'
import type { RelayServices } from '../app/services.js'
import { RelayError, toRelayError } from '../errors.js'

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

  // Streamed (one line per page of records) when the device accepts it; whole otherwise.
  app.post('/cache-plan', session, async (c) => {
    const userId = c.get('session').userId
    if (!(c.req.header('accept') ?? '').includes(CACHE_PLAN_STREAM_TYPE)) {
      return c.json(await services.cache.plan(userId))
    }
    const lines = services.cache.planLines(userId)
    // The head waits for the user's preferences and Salesforce connection: errors before any line
    // is sent are plain error answers.
    const first = await lines.next()
    return new Response(planStream(first, lines, services), {
      headers: { 'content-type': `${CACHE_PLAN_STREAM_TYPE}; charset=utf-8` },
    })
  })

  return app
}

/** The plan's lines as a pulled stream; an error after the head becomes an `aborted` line. */
function planStream(
  first: IteratorResult<CachePlanLine>,
  lines: AsyncGenerator<CachePlanLine>,
  services: RelayServices,
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder()
  let pending: IteratorResult<CachePlanLine> | null = first
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const next = pending ?? (await lines.next())
        pending = null
        if (next.done) return controller.close()
        controller.enqueue(encoder.encode(encodeCachePlanLine(next.value)))
      } catch (error) {
        const e = toRelayError(error)
        services.logger.warn({ err: error, code: e.code }, 'cache plan aborted')
        controller.enqueue(
          encoder.encode(encodeCachePlanLine({ aborted: { code: e.code, message: e.message } })),
        )
        controller.close()
      }
    },
    async cancel() {
      await lines.return(undefined)
    },
  })
}
