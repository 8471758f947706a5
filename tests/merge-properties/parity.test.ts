import { yjsEngine } from '@briefcase/record'
import { automergeEngine } from '@briefcase/record/automerge'
import { describe } from 'vitest'
import { checkWorld } from './checks.js'
import { checkParity } from './parity.js'
import { scheduleTest } from './replay.js'
import { runSchedule } from './run.js'

describe('engine parity', () => {
  scheduleTest({
    title: 'parity: a schedule gives the same outcome on Yjs and Automerge',
    file: 'tests/merge-properties/parity.test.ts',
    share: 'parity',
    maxSteps: 12,
    msPerRun: 450,
    property: (schedule) => {
      // Causal delivery: both engines then show the same state at every step, so every choice a
      // step makes (which record, which character, which stamp) is the same on both.
      const yjs = runSchedule(schedule, { engine: yjsEngine, causal: true })
      const automerge = runSchedule(schedule, { engine: automergeEngine, causal: true })
      const light = { idempotence: false, reload: false, shuffleSeed: schedule.shuffleSeed }
      checkWorld(yjs, light)
      checkWorld(automerge, light)
      checkParity(yjs, automerge)
    },
  })
})
