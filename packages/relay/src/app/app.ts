import { RelayErrorCode, Route } from '@briefcase/protocol'
import { Hono } from 'hono'
import { cors } from 'hono/cors'
import { methodNotAllowed } from 'hono/method-not-allowed'
import { RelayError } from '../errors.js'
import { authRoutes } from '../routes/auth.js'
import { lookupRoutes } from '../routes/lookup.js'
import { offlineRoutes } from '../routes/offline.js'
import { quickActionRoutes } from '../routes/quick-actions.js'
import { recordRoutes } from '../routes/records.js'
import { schemaRoutes } from '../routes/schemas.js'
import { syncRoutes } from '../routes/sync.js'
import type { RelayEnv } from './env.js'
import { errorResponse, onRelayError } from './errors-handler.js'
import { metricsAccess, requestLogging } from './middleware.js'
import { answerUpgradeRefusal } from './upgrade-refusal.js'
import type { RelayServices } from './services.js'
import type { StaticAsset } from './static-assets.js'
import { staticAssets } from './static-assets.js'

/**
 * The relay's Hono app: one route file per resource, mounted under the paths of `Route`, then
 * the static `assets` (behind the same CORS policy), one error shape
 * (`{ error: { code, message } }`) for every failure and for unknown routes.
 */
export function createApp(
  services: RelayServices,
  assets: readonly StaticAsset[] = [],
): Hono<RelayEnv> {
  const app = new Hono<RelayEnv>()
  for (const handler of requestLogging(services)) app.use('*', handler)
  // Pages on the origins sign-in may return to may call the relay from the browser.
  app.use(
    '*',
    cors({
      origin: (origin) => (services.returnOrigins.has(origin) ? origin : null),
      allowHeaders: ['authorization', 'content-type'],
      allowMethods: ['GET', 'POST', 'PUT', 'DELETE'],
      maxAge: 600,
    }),
  )
  // A known path with another method: 405 with `Allow`, in the one error shape.
  app.use(
    '*',
    methodNotAllowed({
      app,
      onMethodNotAllowed: async (c, methods) => {
        c.header('Allow', methods.join(', '))
        return errorResponse(
          c,
          new RelayError(
            RelayErrorCode.methodNotAllowed,
            `${c.req.method} is not allowed on ${c.req.path}; use ${methods.join(', ')}.`,
          ),
        )
      },
    }),
  )
  app.route('/auth', authRoutes(services))
  app.route('/sync', syncRoutes(services))
  app.route(Route.schemas, schemaRoutes(services))
  app.route('/api', offlineRoutes(services))
  app.route(Route.records, recordRoutes(services))
  app.route(Route.quickActions, quickActionRoutes(services))
  app.route(Route.lookup, lookupRoutes(services))
  app.get(Route.metrics, metricsAccess(services.metricsToken), async (c) => {
    const registry = await services.metrics.registry()
    return c.body(await registry.metrics(), 200, { 'content-type': registry.contentType })
  })
  // After the routes: a path no route takes may be a file.
  for (const handler of staticAssets(assets)) app.use('*', handler)
  app.onError(onRelayError(services))
  app.notFound(async (c) =>
    answerUpgradeRefusal(
      c,
      await errorResponse(
        c,
        new RelayError(RelayErrorCode.notFound, `No route ${c.req.method} ${c.req.path}.`),
      ),
    ),
  )
  return app
}
