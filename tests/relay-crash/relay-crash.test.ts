import type { Org } from '@briefcase/org'
import { createOrg } from '@briefcase/org'
import type { TestRelay } from '@briefcase/relay/testing'
import { startTestRelay } from '@briefcase/relay/testing'
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ProjectionStage } from '../../packages/relay/src/projection/index.js'
import {
  SqliteProjectionStore,
  SqlitePullStore,
  createProjector,
  createPuller,
  hubDocs,
  hubPullDocs,
  inFlightIds,
} from '../../packages/relay/src/projection/index.js'
import { bundleChild } from './child-bundle.js'
import type { TrialExpectation } from './trial.js'
import { createRandom } from '@briefcase/org'
import { connect, openHub, prepareTrial } from './trial.js'

const here = dirname(fileURLToPath(import.meta.url))
const root = join(here, '..', '..')
/**
 * The child, bundled once per run (a plain `node` start is ~10x faster than transpiling on start),
 * where its native dependency resolves; one file per process, so concurrent runs never share it.
 */
const bundle = join(
  root,
  `packages/relay/node_modules/.cache/briefcase-crash-child-${process.pid}.mjs`,
)
/** Trials: 20 by default; the long mode (`CRASH_LONG=1`) runs 200; `CRASH_TRIALS` overrides both. */
const TRIALS = Number(process.env.CRASH_TRIALS ?? (process.env.CRASH_LONG ? 200 : 20))
const SEED = Number(process.env.CRASH_SEED ?? 20_260_301)
const STAGES: ProjectionStage[] = [
  'check-read',
  'intent-recorded',
  'response-received',
  'acks-applied',
  'settled',
]

async function buildChild(): Promise<void> {
  await bundleChild(join(here, 'relay-child.ts'), bundle)
}

interface ChildRun {
  code: number | null
  signal: NodeJS.Signals | null
  stages: string[]
}

/** Runs the relay child; with `killAfterMs`, SIGKILLs it that long after it starts projecting. */
function runChild(env: Record<string, string>, killAfterMs?: number): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bundle], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const stages: string[] = []
    let err = ''
    let buffer = ''
    child.stderr.on('data', (d: Buffer) => (err += d.toString()))
    child.stdout.on('data', (d: Buffer) => {
      buffer += d.toString()
      const lines = buffer.split('\n')
      buffer = lines.pop() ?? ''
      for (const line of lines) {
        if (line.startsWith('STAGE ')) stages.push(line.slice(6))
        if (line === 'READY' && killAfterMs !== undefined) {
          setTimeout(() => child.kill('SIGKILL'), killAfterMs)
        }
      }
    })
    child.on('error', reject)
    child.on('exit', (code, signal) => {
      if (code !== 0 && signal === null) reject(new Error(`child failed (${code}): ${err}`))
      else resolve({ code, signal, stages })
    })
  })
}

describe('the relay killed with SIGKILL during projection', () => {
  let org: Org
  let t: TestRelay
  let dir: string
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'relay-crash-'))
    org = createOrg({ seed: false })
    t = await startTestRelay({ org })
    await buildChild()
  }, 60_000)
  afterAll(async () => {
    await t.close()
    await org.close()
    rmSync(dir, { recursive: true, force: true })
    rmSync(bundle, { force: true })
  })

  it(
    `recovers on restart: org equals the merged state, no duplicates (${TRIALS} seeded trials)`,
    async () => {
      const random = createRandom(SEED).next
      const users = org.users.filter((u) => u.username.startsWith('rep'))
      const tokens = JSON.stringify(
        Object.fromEntries(users.map((u) => [u.id, org.issueToken(u.username)])),
      )
      const connections = new Map(users.map((u) => [u.id, connect(t.url, org, u)]))
      const kills: string[] = []
      for (let trial = 0; trial < TRIALS; trial++) {
        const file = join(dir, `trial-${trial}.sqlite`)
        const expected = await prepareTrial(t.url, org, file, random, trial)
        const byStage = random() < 0.6
        const stage = STAGES[Math.floor(random() * STAGES.length)] as ProjectionStage
        const at = 1 + Math.floor(random() * 3)
        const delay = Math.floor(random() * 400)
        org.setFaults({ latencyMs: byStage ? 0 : 25 })
        const env = { CRASH_DB: file, CRASH_ORG: t.url, CRASH_TOKENS: tokens }
        const crashed = byStage
          ? await runChild({ ...env, CRASH_STAGE: stage, CRASH_AT: String(at) })
          : await runChild(env, delay)
        org.setFaults({ latencyMs: 0 })
        kills.push(
          `${trial}: ${byStage ? `${stage}#${at}` : `${delay} ms`} → ${crashed.signal ?? 'finished'} after ${crashed.stages.length} stages`,
        )
        // Restart: a new relay process over the same file (here, in the test process).
        const relay = openHub(file)
        const projectionStore = new SqliteProjectionStore({ database: relay.store.database })
        // The restarted relay's puller may run before the projector reconciles the calls in flight.
        await createPuller({
          docs: hubPullDocs(relay.hub),
          store: new SqlitePullStore({ database: relay.store.database }),
          salesforce: { connection: (user) => Promise.resolve(connections.get(user)) },
          inFlight: () => inFlightIds(projectionStore),
        }).pullOnce()
        const projector = createProjector({
          docs: hubDocs(relay.hub),
          store: projectionStore,
          salesforce: { connection: (user) => Promise.resolve(connections.get(user)) },
          sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.min(ms, 20))),
          // A call the killed relay sent lands within a few milliseconds here (the org is local).
          options: { inFlightSettleMs: 300 },
        })
        await projector.runOnce()
        expect(await projector.runOnce(), `trial ${trial} (seed ${SEED})`).toMatchObject({
          calls: 0,
        })
        await verify(trial, expected, relay.hub)
        await relay.close()
      }
      console.info(`relay-crash (seed ${SEED}):\n${kills.join('\n')}`)
      console.info(
        `relay-crash (seed ${SEED}): ${TRIALS} trials, ${kills.filter((k) => k.includes('SIGKILL')).length} killed; ${checked.edits} acknowledged field values checked, ${checked.lost} lost; ${checked.drafts} created records checked, ${checked.duplicated} duplicated`,
      )
      expect(checked).toMatchObject({ lost: 0, duplicated: 0 })
      expect(kills.filter((k) => k.includes('SIGKILL')).length).toBeGreaterThanOrEqual(TRIALS / 2)
    },
    Math.max(240_000, TRIALS * 6_000),
  )

  /** What the trials checked: acknowledged values and created records, and how many failed. */
  const checked = { edits: 0, lost: 0, drafts: 0, duplicated: 0 }

  async function verify(
    trial: number,
    expected: TrialExpectation,
    hub: ReturnType<typeof openHub>['hub'],
  ): Promise<void> {
    const label = `trial ${trial} (seed ${SEED})`
    const snapshot = org.snapshot()
    const rows = [...(snapshot.Account ?? []), ...(snapshot.Contact ?? [])]
    for (const key of expected.drafts) {
      const made = rows.filter((r) => r.Briefcase_Draft_Key__c === key)
      checked.drafts += 1
      if (made.length > 1) checked.duplicated += 1
      expect(made, `${label}: ${key}`).toHaveLength(1)
    }
    for (const [name, group] of expected.group) {
      const doc = await hub.read({ name, group }, (d) => ({
        id: d.salesforceId(),
        values: d.values(),
        pending: d.pending(),
        deleted: d.isDeleted(),
      }))
      expect(doc, `${label}: ${name}`).toBeDefined()
      if (!doc) continue
      expect(doc.pending?.operation ?? null, `${label}: ${name} still pending`).toBeNull()
      const row = rows.find((r) => r.Id === doc.id)
      if (expected.deleted.has(name)) {
        expect(row?.IsDeleted, `${label}: ${name} deleted`).toBe(true)
        continue
      }
      const want = expected.values.get(name) ?? {}
      for (const [field, value] of Object.entries(want)) {
        checked.edits += 1
        const inOrg = row?.[field] ?? null
        if (doc.values[field] !== value || inOrg !== (value === '' ? null : value))
          checked.lost += 1
        expect(doc.values[field], `${label}: ${name}.${field} in the document`).toEqual(value)
        expect(row?.[field] ?? null, `${label}: ${name}.${field} in the org`).toEqual(
          value === '' ? null : value,
        )
      }
      const parentKey = expected.parentOf.get(name)
      if (parentKey) {
        const parent = rows.find((r) => r.Briefcase_Draft_Key__c === parentKey)
        expect(doc.values.AccountId, `${label}: ${name}.AccountId resolved`).toBe(parent?.Id)
        expect(row?.AccountId, `${label}: ${name}.AccountId in the org`).toBe(parent?.Id)
      }
    }
  }
})
