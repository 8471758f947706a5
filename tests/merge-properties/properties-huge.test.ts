import { automergeEngine, yjsEngine } from '@briefcase/record'
import { describe } from 'vitest'
import { checkWorld } from './checks.js'
import { LONG_MODE, scheduleTest } from './replay.js'
import { runSchedule } from './run.js'

// Only in the long mode (`BRIEFCASE_PROPERTY_LONG=1`): schedules of up to 60 steps and 8 devices.
describe.runIf(LONG_MODE)('merge properties on schedules of up to 60 steps and 8 devices', () => {
  scheduleTest({
    title: 'yjs: schedules of up to 60 steps and 8 devices keep the merge rules',
    file: 'tests/merge-properties/properties-huge.test.ts',
    share: 'yjsHuge',
    maxSteps: 60,
    maxDevices: 8,
    msPerRun: 100,
    property: (schedule) => {
      const world = runSchedule(schedule, { engine: yjsEngine, causal: false })
      checkWorld(world, { idempotence: true, reload: true, shuffleSeed: schedule.shuffleSeed })
    },
  })
  scheduleTest({
    title: 'automerge: schedules of up to 60 steps and 8 devices keep the merge rules',
    file: 'tests/merge-properties/properties-huge.test.ts',
    share: 'automergeHuge',
    maxSteps: 60,
    maxDevices: 8,
    msPerRun: 1500,
    property: (schedule) => {
      const world = runSchedule(schedule, { engine: automergeEngine, causal: false })
      checkWorld(world, { idempotence: true, reload: true, shuffleSeed: schedule.shuffleSeed })
    },
  })
})
