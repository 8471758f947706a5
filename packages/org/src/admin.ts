import { Hono } from 'hono'
import { z } from 'zod'
import type { FaultOptions } from './faults.js'
import type { OrgEnv } from './http/env.js'
import type { Org } from './types.js'

/** What the admin routes drive: the org's in-process admin API. */
export type AdminApi = Omit<Org, 'app' | 'orgId' | 'issueToken' | 'close'>

const failRule = z.object({
  method: z.string().optional(),
  pathIncludes: z.string().optional(),
  status: z.number().int().min(100).max(599),
  errorCode: z.string(),
  message: z.string(),
  times: z.number().int().min(1).optional(),
})

const faultSchema = z
  .object({
    seed: z.number().int(),
    serverErrorRate: z.number().min(0).max(1),
    latencyMs: z.number().min(0),
    lockRowRate: z.number().min(0).max(1),
    limitBurst: z.number().int().min(0),
    dropConnectionRate: z.number().min(0).max(1),
    failNext: z.array(failRule),
  })
  .partial()

const appSchema = z.object({
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
  redirectUris: z.array(z.string()),
  runAs: z.string().optional(),
})

const seedSchema = z.object({
  seed: z.union([z.number().int(), z.literal(false)]).optional(),
  accounts: z.number().int().min(0).max(5000).optional(),
})
const cdcSchema = z.object({ entities: z.array(z.string()) })
const fileSchema = z.object({ file: z.string().min(1).optional() })
const clockSchema = z.object({
  advanceMs: z.number().optional(),
  set: z.union([z.number(), z.string()]).optional(),
  reset: z.literal(true).optional(),
})

function strip<T extends Record<string, unknown>>(
  value: T,
): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]: Exclude<T[K], undefined>
  }
}

async function body(c: { req: { text(): Promise<string> } }): Promise<unknown> {
  const text = await c.req.text()
  if (text.trim() === '') return {}
  try {
    return JSON.parse(text) as unknown
  } catch {
    return Symbol.for('invalid-json')
  }
}

/**
 * Admin routes under `/__org/` (local use only: no authentication). JSON in and out; they are
 * not Salesforce calls, so they are never logged, counted or faulted.
 */
export function adminRoutes(admin: AdminApi): Hono<OrgEnv> {
  const app = new Hono<OrgEnv>()
  const bad = (message: string): Response =>
    new Response(JSON.stringify({ error: 'BAD_REQUEST', message }), {
      status: 400,
      headers: { 'Content-Type': 'application/json' },
    })
  const parse = async <T>(
    c: { req: { text(): Promise<string> } },
    schema: z.ZodType<T>,
  ): Promise<T | Response> => {
    const raw = await body(c)
    const result = schema.safeParse(raw)
    return result.success
      ? result.data
      : bad(typeof raw === 'symbol' ? 'Malformed JSON' : z.prettifyError(result.error))
  }

  app.get('/__org', (c) =>
    c.json({
      now: new Date(admin.now()).toISOString(),
      users: admin.users.map((u) => ({
        id: u.id,
        username: u.username,
        password: u.password,
        name: u.name,
        profile: u.profile,
      })),
      routes: [
        'POST /__org/reset',
        'POST /__org/seed',
        'GET /__org/snapshot',
        'GET|DELETE /__org/calls',
        'GET|PUT /__org/faults',
        'POST /__org/connected-apps',
        'POST /__org/save',
        'POST /__org/load',
        'POST /__org/clock',
        'GET /__org/users',
        'GET|PUT /__org/change-data-capture',
        'POST /__org/streaming/drop',
      ],
    }),
  )
  app.get('/__org/users', (c) => c.json(admin.users))
  app.post('/__org/reset', (c) => c.json(admin.reset()))
  app.post('/__org/seed', async (c) => {
    const input = await parse(c, seedSchema)
    return input instanceof Response ? input : c.json(admin.seed(strip(input)))
  })
  app.get('/__org/snapshot', (c) => c.json(admin.snapshot()))
  app.get('/__org/calls', (c) => c.json(admin.calls()))
  app.delete('/__org/calls', (c) => {
    admin.clearCalls()
    return c.json({ cleared: true })
  })
  app.get('/__org/faults', (c) => c.json(admin.faults()))
  app.put('/__org/faults', async (c) => {
    const input = await parse(c, faultSchema)
    if (input instanceof Response) return input
    const faults = strip(input) as FaultOptions
    if (input.failNext) faults.failNext = input.failNext.map((r) => strip(r))
    return c.json(admin.setFaults(faults))
  })
  app.post('/__org/connected-apps', async (c) => {
    const input = await parse(c, appSchema)
    if (input instanceof Response) return input
    admin.registerConnectedApp(strip(input))
    return c.json({ registered: input.clientId }, 201)
  })
  for (const action of ['save', 'load'] as const) {
    app.post(`/__org/${action}`, async (c) => {
      const input = await parse(c, fileSchema)
      if (input instanceof Response) return input
      try {
        await admin[action](input.file)
        return c.json({ [action === 'save' ? 'saved' : 'loaded']: true })
      } catch (error) {
        return bad(error instanceof Error ? error.message : String(error))
      }
    })
  }
  app.post('/__org/clock', async (c) => {
    const input = await parse(c, clockSchema)
    if (input instanceof Response) return input
    let now = admin.now()
    if (input.reset) now = admin.resetClock()
    if (input.set !== undefined) now = admin.setClock(input.set)
    if (input.advanceMs !== undefined) now = admin.advanceClock(input.advanceMs)
    return c.json({ now: new Date(now).toISOString() })
  })
  app.get('/__org/change-data-capture', (c) => c.json(admin.changeDataCapture()))
  app.put('/__org/change-data-capture', async (c) => {
    const input = await parse(c, cdcSchema)
    if (input instanceof Response) return input
    try {
      return c.json(admin.setChangeDataCapture(input))
    } catch (error) {
      return bad(error instanceof Error ? error.message : String(error))
    }
  })
  app.post('/__org/streaming/drop', (c) => {
    admin.dropStreamingClients()
    return c.json({ dropped: true })
  })
  app.all('/__org/*', (c) =>
    c.json({ error: 'NOT_FOUND', message: `No admin route ${c.req.method} ${c.req.path}` }, 404),
  )
  return app
}
