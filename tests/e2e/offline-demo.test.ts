import { test } from 'vitest'
import { deleteAndUndo } from './scenarios/delete-undo.js'
import { embedPage } from './scenarios/embed-page.js'
import { managerCreate } from './scenarios/manager-create.js'
import { offlineDrafts } from './scenarios/offline-drafts.js'
import { preferencesReplaceCache } from './scenarios/preferences.js'
import { reloadAndLogout } from './scenarios/reload-and-logout.js'
import { supersededNotice } from './scenarios/superseded-notice.js'
import { twoDevicesMerge } from './scenarios/two-devices-merge.js'
import { validationError } from './scenarios/validation-error.js'
import { stackForFile } from './support/stack.js'

// The demo end to end: `npm start`'s server on a free port with its embedded org, and Debian's
// Chromium driven by playwright-core, each browser context one device. One server for all
// scenarios (they use different records and users), run one after the other; each saves its end
// state as artifacts/e2e/<scenario>-*.png.

const stack = stackForFile()

const SCENARIO_MS = 90_000

test(
  '1. two devices of one user edit the same Account offline; both converge, the org too, in the fewest API calls',
  () => twoDevicesMerge(stack()),
  SCENARIO_MS,
)

test(
  '2. an Account and a Contact under it created offline reach the org with the real AccountId',
  () => offlineDrafts(stack()),
  SCENARIO_MS,
)

test(
  '3. a validation error shows in pending changes with message and field; fixing it syncs',
  () => validationError(stack()),
  SCENARIO_MS,
)

test(
  '4. the 8th offline preference is refused; saving preferences replaces the cache',
  () => preferencesReplaceCache(stack()),
  SCENARIO_MS,
)

test(
  '5. a reload while offline keeps every edit; sign-out after sync leaves no IndexedDB database',
  () => reloadAndLogout(stack()),
  SCENARIO_MS,
)

test(
  '6. a plain page with one module script and the tags works against the relay',
  () => embedPage(stack()),
  SCENARIO_MS,
)

test(
  '7. two users edit the same field offline: the later edit wins, the other user is told',
  () => supersededNotice(stack()),
  SCENARIO_MS,
)

test(
  '8. Delete asks first; the record leaves the cache at once; Undo brings it back with its edit while the delete is on the device',
  () => deleteAndUndo(stack()),
  SCENARIO_MS,
)

test(
  '9. a manager creates an Account with Credit_Limit__c (a field reps do not read) from the + dialog; the org has one with both',
  () => managerCreate(stack()),
  SCENARIO_MS,
)
