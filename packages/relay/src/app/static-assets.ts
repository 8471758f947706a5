import { serveStatic } from '@hono/node-server/serve-static'
import type { Context, MiddlewareHandler } from 'hono'
import { etag, RETAINED_304_HEADERS } from 'hono/etag'
import type { RelayEnv } from './env.js'

/**
 * Files the relay serves as they are (the elements bundle, a demo page): a directory whose files
 * are served at their path under it, or one file at one URL path.
 */
export type StaticAsset =
  | {
      /** Absolute directory: `<dir>/elements.js` is served at `/elements.js`. */
      dir: string
    }
  | {
      /** The URL path (`/demo.js`). */
      path: `/${string}`
      /** Absolute file path. */
      file: string
    }

/** A content-hashed file name (`chunk-7QJHW2LB.js`: esbuild's `[name]-[hash]`). */
const HASHED = /-[A-Z0-9]{8}\.[a-z0-9]+$/

/**
 * `Cache-Control` of a static file: a content-hashed file never changes (a year, `immutable`);
 * any other is revalidated against its ETag on every use (`no-cache`): a page, `elements.js`, and
 * a service worker, which the browser then checks for a new version at every navigation.
 */
export function cacheControlFor(path: string): string {
  return HASHED.test(path) ? 'public, max-age=31536000, immutable' : 'no-cache'
}

/**
 * Sets `Cache-Control`, and lets any page load the file: static files are public and carry no
 * credentials (the relay's CORS policy has already echoed a return origin; every other origin
 * gets `*`, so a page on an origin the relay does not allow still loads the elements and its
 * sign-in ends on a page saying which origin to add). The API stays closed to other origins.
 */
function onFound(path: string, c: Context<RelayEnv>): void {
  c.header('Cache-Control', cacheControlFor(path))
  if (!c.res.headers.has('access-control-allow-origin'))
    c.header('Access-Control-Allow-Origin', '*')
}

/**
 * The middleware serving `assets` with `@hono/node-server`'s `serveStatic` (GET and HEAD; a
 * request no asset answers falls through), each with `Cache-Control` and a strong ETag (`304`
 * on `If-None-Match`). Mounted behind the relay's CORS policy: pages on the return origins, and
 * on any other origin, load `/elements.js` and its chunks as module scripts.
 */
export function staticAssets(assets: readonly StaticAsset[]): MiddlewareHandler<RelayEnv>[] {
  if (assets.length === 0) return []
  return [
    // A 304 keeps the CORS answer: a revalidated module script is checked again.
    etag({ retainedHeaders: [...RETAINED_304_HEADERS, 'access-control-allow-origin'] }),
    ...assets.map((asset): MiddlewareHandler<RelayEnv> => {
      if ('dir' in asset) return serveStatic({ root: asset.dir, onFound })
      const file = serveStatic<RelayEnv>({ path: asset.file, onFound })
      return (c, next) => (c.req.path === asset.path ? file(c, next) : next())
    }),
  ]
}
