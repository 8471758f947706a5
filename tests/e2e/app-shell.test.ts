import { test } from 'vitest'
import { newVersionOffered } from './scenarios/new-version.js'
import { offlineColdStart, offlineNeverSignedIn } from './scenarios/offline-cold-start.js'
import { phoneLayout } from './scenarios/phone-layout.js'
import { quotaExhausted } from './scenarios/quota-exhausted.js'
import { stackForFile } from './support/stack.js'

// The demo as an installable web app: the service worker's app shell with the browser itself
// offline (`context.setOffline(true)` before navigating), and new versions. A server of its own
// (the tests below "deploy" into its site directory); screenshots in artifacts/e2e/shell-*.png.

const stack = stackForFile()

const SCENARIO_MS = 90_000

test(
  'a cold start with no network opens the cache and a record; an offline edit survives a reload and reaches the org when the network returns, without a reload',
  () => offlineColdStart(stack()),
  SCENARIO_MS,
)

test(
  'offline on a device where nobody signed in yet, the app says to sign in once while online',
  () => offlineNeverSignedIn(stack()),
  SCENARIO_MS,
)

test('a deployed new version is offered, not forced', () => newVersionOffered(stack()), SCENARIO_MS)

test(
  'running out of storage names the edit that did not fit, keeps it on screen, and loses nothing',
  () => quotaExhausted(stack()),
  SCENARIO_MS,
)

test(
  'on a phone (390×844) a record opens in view, one pane at a time, and Back returns to the list',
  () => phoneLayout(stack()),
  SCENARIO_MS,
)
