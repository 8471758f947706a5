/**
 * The page of the Chromium device of `relay-reconnect.ts`: the real `@briefcase/client`, bundled
 * for the browser (`reconnect-chromium.ts` builds it) and served by the relay under test, with
 * the browser's own IndexedDB, fetch and WebSocket. It signs in as a page does (back from the
 * relay's sign-in with `#briefcase_session=…`) and offers the bench's steps as `window.bench`;
 * the bench (playwright) calls them and reads the network and the processes from outside.
 */
import { createBriefcaseClient } from '@briefcase/client'
import type { FillStep, StepTiming } from './reconnect-steps.js'
import { check, editOffline, fill, sync } from './reconnect-steps.js'

/** The steps the bench runs in the page. */
export interface PageBench {
  /** Resolves once the client started; true when a session is signed in. */
  signedIn(): Promise<boolean>
  signInUrl(): string
  online(): boolean
  fill(item: string): Promise<FillStep>
  editOffline(docs: readonly string[], prefix: string): Promise<void>
  goOnline(): Promise<void>
  sync(): Promise<StepTiming & { failed: number }>
  check(changed: readonly string[], website: string): Promise<{ received: number; unsent: number }>
}

declare global {
  interface Window {
    bench: PageBench
  }
}

const client = createBriefcaseClient({
  relayUrl: location.origin,
  // As the Node device: the bench says when to sync (a device syncs this way on reconnect).
  autoSync: false,
  timings: { requestTimeoutMs: 600_000 },
})

const signedIn = (async (): Promise<boolean> => {
  await client.ready
  if (!client.session && location.hash.includes('briefcase_session=')) {
    await client.completeSignIn(location.href)
    history.replaceState(null, '', location.pathname)
  }
  return client.session !== null
})()

window.bench = {
  signedIn: () => signedIn,
  signInUrl: () => client.signInUrl(location.href),
  online: () => client.online,
  fill: (item) => fill(client, item),
  editOffline: (docs, prefix) => editOffline(client, docs, prefix),
  goOnline: () => client.goOnline(),
  sync: () => sync(client),
  check: (changed, website) => check(client, changed, website),
}
