import fc from 'fast-check'

/**
 * A choice among whatever exists when the step runs (devices, records, links, characters): a
 * per-mille fraction, so a schedule stays meaningful when shrinking removes earlier steps.
 */
export type Choice = number

/** One device: its id (any valid id; sort order decides HLC ties), user and clock skew. */
export interface DeviceSpec {
  id: string
  user: number
  skewMs: number
}

/** A scalar field write: which field (index into SCALAR_FIELDS) and which pool value. */
export interface FieldWrite {
  field: number
  value: number
}

/** A long-text rewrite: characters removed (chosen by identity) and new ones inserted. */
export interface TextRewrite {
  field: number
  removes: Choice[]
  inserts: { at: Choice; length: number }[]
}

export type DeviceStep =
  | { op: 'set'; device: number; record: Choice; write: FieldWrite }
  | {
      op: 'setMany'
      device: number
      record: Choice
      writes: FieldWrite[]
      text: TextRewrite | null
    }
  | { op: 'insertText'; device: number; record: Choice; field: number; at: Choice; length: number }
  | { op: 'deleteText'; device: number; record: Choice; field: number; char: Choice }
  | { op: 'rewriteText'; device: number; record: Choice; text: TextRewrite }
  | {
      op: 'create'
      device: number
      writes: FieldWrite[]
      textLength: number
      /** A parent among the drafts the device sees (a draft referencing a draft), or none. */
      parent: Choice | null
    }
  | { op: 'link'; device: number; record: Choice; target: Choice }
  | { op: 'family'; device: number; other: number; writes: FieldWrite[]; grandchild: boolean }
  | { op: 'delete'; device: number; record: Choice }
  | { op: 'dismiss'; device: number; record: Choice }
  | { op: 'clockJump'; device: number; ms: number }
  | { op: 'restart'; device: number }

export type ServerStep =
  | {
      op: 'serverChange'
      record: Choice
      user: number
      writes: FieldWrite[]
      text: TextRewrite | null
    }
  | { op: 'ack'; record: Choice; batch: number; failures: number }
  | { op: 'systemTouch'; record: Choice }
  | { op: 'serverDelete'; record: Choice; user: number }
  | { op: 'status'; record: Choice; state: number }

export type NetworkStep =
  | { op: 'deliver'; link: Choice; message: Choice }
  | { op: 'duplicate'; link: Choice; message: Choice }
  | { op: 'drop'; link: Choice; message: Choice }
  | { op: 'lose'; link: Choice; message: Choice }
  | { op: 'resend'; link: Choice }
  | { op: 'batch'; link: Choice; message: Choice; count: number }
  | { op: 'flushLink'; link: Choice }
  | { op: 'partition'; nodes: number }
  | { op: 'heal' }
  | { op: 'handshake'; from: number; to: number }

export type Step = DeviceStep | ServerStep | NetworkStep | { op: 'wait'; ms: number }

/** A whole run: the devices, the base record's long texts, the steps, and a shuffle seed. */
export interface Schedule {
  devices: DeviceSpec[]
  baseText: number[]
  steps: Step[]
  shuffleSeed: number
}

const choice = fc.nat({ max: 999 })
/** Any device: the index is taken modulo the number of devices. */
const deviceIndex = fc.nat({ max: 7 })
/** Half the writes go to one hot field, so that concurrent edits of a field are common. */
const fieldWrite = fc.record({
  field: fc.oneof(fc.constant(0), fc.nat({ max: 6 })),
  value: fc.nat({ max: 11 }),
})
const textRewrite: fc.Arbitrary<TextRewrite> = fc.record({
  field: fc.nat({ max: 1 }),
  removes: fc.array(choice, { maxLength: 3 }),
  inserts: fc.array(fc.record({ at: choice, length: fc.integer({ min: 1, max: 3 }) }), {
    maxLength: 2,
  }),
})

/**
 * Device ids: letters, digits, `_` and `-`; never `relay` nor the `sf-` prefix of server stamps
 * (the relay refuses both at sign-in, and `parseDeviceId` the prefix).
 */
const deviceId = fc
  .stringMatching(/^[A-Za-z0-9_-]{1,8}$/)
  .filter((s) => s !== 'relay' && !s.startsWith('sf-'))

const deviceSpec: fc.Arbitrary<DeviceSpec> = fc.record({
  id: deviceId,
  user: fc.nat({ max: 2 }),
  skewMs: fc.oneof(fc.constant(0), fc.integer({ min: -300_000, max: 300_000 })),
})

/** Physical-clock jumps: small, or far forward/backward (hours to days). */
const jump = fc.oneof(
  fc.integer({ min: -5_000, max: 5_000 }),
  fc.integer({ min: -2 * 86_400_000, max: 2 * 86_400_000 }),
)

const deviceStep: fc.Arbitrary<DeviceStep> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      op: fc.constant('set'),
      device: deviceIndex,
      record: choice,
      write: fieldWrite,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('setMany'),
      device: deviceIndex,
      record: choice,
      writes: fc.array(fieldWrite, { minLength: 1, maxLength: 3 }),
      text: fc.option(textRewrite, { freq: 3 }),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      op: fc.constant('insertText'),
      device: deviceIndex,
      record: choice,
      field: fc.nat({ max: 1 }),
      at: choice,
      length: fc.integer({ min: 1, max: 3 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('deleteText'),
      device: deviceIndex,
      record: choice,
      field: fc.nat({ max: 1 }),
      char: choice,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('rewriteText'),
      device: deviceIndex,
      record: choice,
      text: textRewrite,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('create'),
      device: deviceIndex,
      writes: fc.array(fieldWrite, { maxLength: 3 }),
      textLength: fc.nat({ max: 3 }),
      parent: fc.option(choice, { freq: 2 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('family'),
      device: deviceIndex,
      other: fc.nat({ max: 6 }),
      writes: fc.array(fieldWrite, { maxLength: 2 }),
      grandchild: fc.boolean(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('link'),
      device: deviceIndex,
      record: choice,
      target: choice,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ op: fc.constant('delete'), device: deviceIndex, record: choice }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ op: fc.constant('dismiss'), device: deviceIndex, record: choice }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ op: fc.constant('clockJump'), device: deviceIndex, ms: jump }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('restart'), device: deviceIndex }) },
)

const serverStep: fc.Arbitrary<ServerStep> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constant('serverChange'),
      record: choice,
      user: fc.nat({ max: 2 }),
      writes: fc.array(fieldWrite, { maxLength: 3 }),
      text: fc.option(textRewrite, { freq: 2 }),
    }),
  },
  {
    weight: 8,
    arbitrary: fc.record({
      op: fc.constant('ack'),
      record: choice,
      batch: fc.integer({ min: 1, max: 4 }),
      failures: fc.oneof(fc.constant(0), fc.nat({ max: 15 })),
    }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('systemTouch'), record: choice }) },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('serverDelete'),
      record: choice,
      user: fc.nat({ max: 2 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ op: fc.constant('status'), record: choice, state: fc.nat({ max: 3 }) }),
  },
)

const networkStep: fc.Arbitrary<NetworkStep> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({ op: fc.constant('deliver'), link: choice, message: choice }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ op: fc.constant('duplicate'), link: choice, message: choice }),
  },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('drop'), link: choice, message: choice }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('lose'), link: choice, message: choice }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('resend'), link: choice }) },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('batch'),
      link: choice,
      message: choice,
      count: fc.integer({ min: 2, max: 5 }),
    }),
  },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('flushLink'), link: choice }) },
  {
    weight: 1,
    arbitrary: fc.record({ op: fc.constant('partition'), nodes: fc.integer({ min: 1, max: 510 }) }),
  },
  { weight: 1, arbitrary: fc.constant({ op: 'heal' as const }) },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('handshake'),
      from: fc.nat({ max: 8 }),
      to: fc.nat({ max: 8 }),
    }),
  },
)

const waitStep = fc.record({
  op: fc.constant('wait' as const),
  ms: fc.oneof(
    fc.constant(0),
    fc.nat({ max: 999 }),
    fc.nat({ max: 120_000 }),
    fc.nat({ max: 86_400_000 }),
  ),
})

/** Options of {@link scheduleArbitrary}. */
export interface ScheduleOptions {
  /** Most steps in a schedule (default 30). */
  maxSteps?: number
  /** Most devices (default 5). */
  maxDevices?: number
}

/**
 * Random schedules: 2 to 5 devices with skewed clocks, then a mix of device edits, server-side
 * changes and acknowledgements, network faults and waits. Everything a step refers to is chosen
 * when it runs, so every step of every schedule is meaningful.
 */
export function scheduleArbitrary(options: ScheduleOptions = {}): fc.Arbitrary<Schedule> {
  const step: fc.Arbitrary<Step> = fc.oneof(
    { weight: 9, arbitrary: deviceStep },
    { weight: 3, arbitrary: serverStep },
    { weight: 10, arbitrary: networkStep },
    { weight: 2, arbitrary: waitStep },
  )
  return fc.record({
    devices: fc.uniqueArray(deviceSpec, {
      minLength: 2,
      maxLength: options.maxDevices ?? 5,
      selector: (d) => d.id,
    }),
    baseText: fc.tuple(fc.nat({ max: 5 }), fc.nat({ max: 3 })).map(([a, b]) => [a, b]),
    steps: fc.array(step, { maxLength: options.maxSteps ?? 30, size: 'max' }),
    shuffleSeed: fc.nat(),
  })
}
