import { yjsEngine } from '@briefcase/record'
import { automergeEngine } from '@briefcase/record/automerge'
import { describe } from 'vitest'
import { checkWorld } from './checks.js'
import { LONG_MODE, scheduleTest } from './replay.js'
import { runSchedule } from './run.js'

const engines = [
  { engine: yjsEngine, share: 'yjsHuge', msPerRun: 100 },
  { engine: automergeEngine, share: 'automergeHuge', msPerRun: 1500 },
] as const

// Only in the long mode (`BRIEFCASE_PROPERTY_LONG=1`): schedules of up to 60 steps and 8 devices.
describe.runIf(LONG_MODE)('merge properties on schedules of up to 60 steps and 8 devices', () => {
  for (const { engine, share, msPerRun } of engines) {
    scheduleTest({
      title: `${engine.name}: schedules of up to 60 steps and 8 devices keep the merge rules`,
      file: 'tests/merge-properties/properties-huge.test.ts',
      share,
      maxSteps: 60,
      maxDevices: 8,
      msPerRun,
      property: (schedule) => {
        const world = runSchedule(schedule, { engine, causal: false })
        checkWorld(world, { idempotence: true, reload: true, shuffleSeed: schedule.shuffleSeed })
      },
    })
  }
})
