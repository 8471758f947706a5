import { test } from 'vitest'
import { axeMainStates, keyboardPaths } from './scenarios/accessibility.js'
import { stackForFile } from './support/stack.js'

// Keyboard and screen readers on the demo page: axe-core (run in the page, through open shadow
// roots) in its main states, and the keyboard paths through lists, menus and dialogs.

const stack = stackForFile()

const SCENARIO_MS = 120_000

test(
  'axe-core finds nothing moderate or worse: signed out, cache, record, pending with an error, preferences, create dialog',
  () => axeMainStates(stack()),
  SCENARIO_MS,
)

test(
  'the keyboard: landmarks, one Tab stop per long list with arrows and Home/End, focus kept after Refresh and returned by Escape',
  () => keyboardPaths(stack()),
  SCENARIO_MS,
)
