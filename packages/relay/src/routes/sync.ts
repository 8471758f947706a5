import { BULK_STREAM_TYPE, MAX_BULK_BYTES, RelayErrorCode, syncName } from '@briefcase/protocol'
import { upgradeWebSocket } from '@hono/node-server'
import { Hono } from 'hono'
import type { Context } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import type { RelayEnv } from '../app/env.js'
import { requireSession } from '../app/middleware.js'
import type { RelayServices } from '../app/services.js'
import { RelayError } from '../errors.js'
import { recordIdOf } from '../docs/record-id.js'
import { bulkSync } from '../sync/bulk-sync.js'
import { bulkStream } from '../sync/bulk-stream.js'

/**
 * Sync routes: `POST /sync/bulk` (binary, many documents in one request), `POST /sync/bulk/stream`
 * (the same, streamed both ways, any number of documents) and
 * `GET /sync/live/<SObject>/<key>?token=` (WebSocket, y-protocols). A live upgrade is refused with
 * an HTTP status (401, 403, 404) before any WebSocket exists.
 */
export function syncRoutes(services: RelayServices): Hono<RelayEnv> {
  const app = new Hono<RelayEnv>()
  const bulkLimit = bodyLimit({
    maxSize: MAX_BULK_BYTES,
    onError: () => {
      throw new RelayError(
        RelayErrorCode.payloadTooLarge,
        `A bulk request carries at most ${MAX_BULK_BYTES} bytes.`,
      )
    },
  })

  app.post('/bulk', requireSession(services), bulkLimit, async (c) => {
    const body = new Uint8Array(await c.req.arrayBuffer())
    const out = await bulkSync(services, c.get('session'), body)
    return c.body(out as Uint8Array<ArrayBuffer>, 200, {
      'content-type': 'application/octet-stream',
    })
  })

  app.post('/bulk/stream', requireSession(services), bulkLimit, (c) => {
    const body = c.req.raw.body
    if (!body) throw new RelayError(RelayErrorCode.badRequest, 'A bulk stream needs a body.')
    const out = bulkStream(services, c.get('session'), body)
    return c.body(out, 200, { 'content-type': BULK_STREAM_TYPE })
  })

  app.get(
    '/live/:sobject/:key/:partition?',
    async (c, next) => {
      if (c.req.header('upgrade')?.toLowerCase() !== 'websocket') {
        throw new RelayError(RelayErrorCode.badRequest, 'Live sync needs a WebSocket upgrade.')
      }
      await next()
    },
    requireSession(services, { allowQuery: true }),
    async (c, next) => {
      const partition = c.req.param('partition')
      const name = syncName(`${c.req.param('sobject')}/${c.req.param('key')}`, partition ?? null)
      const [resolved] = await services.resolver.resolve(c.get('session').userId, [name], {
        createDrafts: () => true,
      })
      if (!resolved?.ok)
        throw resolved?.error ?? new RelayError(RelayErrorCode.internal, 'Not resolved.')
      resolved.init?.()
      try {
        // The user's record-level rights, asked now (cached) so edits do not wait for them.
        const id = recordIdOf(resolved.hot)
        if (id !== null) await services.rights.of(c.get('session').userId, [id])
        await services.hub.flush('written')
      } catch (error) {
        services.hub.release(resolved.hot)
        throw error
      }
      c.set('live', resolved)
      await next()
    },
    upgradeWebSocket((c: Context<RelayEnv>) =>
      services.live.events(c.get('live'), c.get('session')),
    ),
  )

  return app
}
