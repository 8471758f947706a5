/**
 * The demo app's service worker (`/sw.js`): the app shell, precached by Workbox so the page starts
 * with no network. `self.__WB_MANIFEST` is replaced at build time (`scripts/build.mjs`, Workbox's
 * `injectManifest`) by every file of the site with its content hash, so a new deployment is a new
 * service worker. Only the precached files and navigations to the app page are answered here:
 * the relay's API, sync and sign-in routes (`/api`, `/sync`, `/auth`, the org's pages) always go
 * to the network and are never cached.
 *
 * A new version installs beside the running one and waits: the page offers "A new version is
 * ready: reload" and sends `SKIP_WAITING` only when the user accepts, so code never changes under
 * an edit.
 */
import type { PrecacheEntry } from 'workbox-precaching'
import {
  cleanupOutdatedCaches,
  createHandlerBoundToURL,
  precacheAndRoute,
} from 'workbox-precaching'
import { NavigationRoute, registerRoute } from 'workbox-routing'

declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: (PrecacheEntry | string)[] }

/** The message the page sends when the user accepts the new version. */
const SKIP_WAITING = 'SKIP_WAITING'

precacheAndRoute(self.__WB_MANIFEST)
cleanupOutdatedCaches()

// The app page with any query (`/?record=Account/001…`) is the precached `/`; nothing else that
// navigates (the relay's sign-in, the org's login page, `/__org`) is answered here. Workbox
// matches the allowlist against the path and the query.
registerRoute(
  new NavigationRoute(createHandlerBoundToURL('/'), {
    allowlist: [/^\/(index\.html)?(\?.*)?$/],
  }),
)

self.addEventListener('message', (event: ExtendableMessageEvent) => {
  const data: unknown = event.data
  if (typeof data === 'object' && data !== null && 'type' in data && data.type === SKIP_WAITING) {
    void self.skipWaiting()
  }
})
