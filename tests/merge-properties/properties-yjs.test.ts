import { yjsEngine } from '@briefcase/record'
import { describe } from 'vitest'
import { checkWorld } from './checks.js'
import { scheduleTest } from './replay.js'
import { runSchedule } from './run.js'

describe('merge properties on the Yjs engine, short schedules', () => {
  scheduleTest({
    title: 'yjs: short random schedules converge and keep the merge rules',
    file: 'tests/merge-properties/properties-yjs.test.ts',
    share: 'yjs',
    maxSteps: 10,
    msPerRun: 30,
    property: (schedule) => {
      const world = runSchedule(schedule, { engine: yjsEngine, causal: false })
      // Properties 5 and 7 in full run on the long schedules (they cost as much as a short run).
      checkWorld(world, { idempotence: false, reload: false, shuffleSeed: schedule.shuffleSeed })
    },
  })
})
