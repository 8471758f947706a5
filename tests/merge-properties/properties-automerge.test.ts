import { automergeEngine } from '@briefcase/record/automerge'
import { describe } from 'vitest'
import { checkWorld } from './checks.js'
import { scheduleTest } from './replay.js'
import { runSchedule } from './run.js'

describe('merge properties on the Automerge engine', () => {
  scheduleTest({
    title: 'automerge: random schedules converge and keep the merge rules',
    file: 'tests/merge-properties/properties-automerge.test.ts',
    share: 'automerge',
    maxSteps: 16,
    msPerRun: 400,
    property: (schedule) => {
      const world = runSchedule(schedule, { engine: automergeEngine, causal: false })
      checkWorld(world, { idempotence: true, reload: true, shuffleSeed: schedule.shuffleSeed })
    },
  })
})
