import { yjsEngine } from '@briefcase/record'
import { describe } from 'vitest'
import { checkWorld } from './checks.js'
import { scheduleTest } from './replay.js'
import { runSchedule } from './run.js'

describe('merge properties on the Yjs engine, long schedules', () => {
  scheduleTest({
    title: 'yjs: long random schedules converge and keep the merge rules',
    file: 'tests/merge-properties/properties-yjs-long.test.ts',
    share: 'yjsLong',
    maxSteps: 20,
    msPerRun: 60,
    property: (schedule) => {
      const world = runSchedule(schedule, { engine: yjsEngine, causal: false })
      checkWorld(world, { idempotence: true, reload: true, shuffleSeed: schedule.shuffleSeed })
    },
  })
})
