/**
 * Salesforce API calls of online (live) editing, with the relay and the devices in separate
 * processes (bench/online-relay.ts runs the org and the relay): one device typing 500 characters
 * into a Description over a minute plus 5 other field edits, and 20 devices on 20 records editing
 * every 2 s for a minute; against the baseline in the same run (no coalescing, the check apart:
 * the relay before issue 13). Calls counted by the org.
 *
 * Run: npx tsx --conditions=@briefcase/source bench/relay-online-calls.ts (`SCALE=0.1` shrinks
 * the minute and the windows tenfold).
 */
import type { ChildProcess } from 'node:child_process'
import { spawn } from 'node:child_process'
import type { RecordDocument } from '@briefcase/record'
import { Device } from '../tests/relay/device.js'

const SCALE = Number(process.env.SCALE ?? 1)
const MINUTE = 60_000 * SCALE
const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

interface Mode {
  name: string
  env: Record<string, string>
}
const MODES: Mode[] = [
  {
    name: 'baseline (no coalescing, check apart)',
    env: { IDLE_MS: '0', MAX_WAIT_MS: '0', CONDITIONAL_ROWS: '0' },
  },
  {
    name: `coalesced (idle ${2 * SCALE} s, max wait ${15 * SCALE} s, check in the write)`,
    env: { IDLE_MS: String(2_000 * SCALE), MAX_WAIT_MS: String(15_000 * SCALE) },
  },
]

async function startRelay(
  env: Record<string, string>,
): Promise<{ url: string; child: ChildProcess }> {
  const args = ['--conditions=@briefcase/source', '--import', 'tsx', 'bench/online-relay.ts']
  const child = spawn(process.execPath, args, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const url = await new Promise<string>((resolve, reject) => {
    let out = ''
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString()
      const m = /READY (\S+)/.exec(out)
      if (m?.[1]) resolve(m[1])
    })
    child.once('exit', (code) => reject(new Error(`relay exited (${code})`)))
  })
  return { url, child }
}

async function admin<T>(url: string, path: string, method = 'GET'): Promise<T> {
  const res = await fetch(`${url}/__org/${path}`, { method })
  return (method === 'GET' ? await res.json() : undefined) as T
}

type Row = Record<string, unknown>
const accounts = async (url: string): Promise<Row[]> =>
  ((await admin<Record<string, Row[]>>(url, 'snapshot')).Account ?? []).filter(
    (r) => r.IsDeleted !== true,
  )
const calls = async (url: string): Promise<{ path: string }[]> => admin(url, 'calls')

async function until(check: () => Promise<boolean>, ms: number): Promise<void> {
  const end = Date.now() + ms
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not met in time')
    await pause(20)
  }
}

/** One device types 500 characters over a minute and edits 5 other fields meanwhile. */
async function typing(url: string): Promise<string> {
  const id = String((await accounts(url))[0]?.Id)
  const name = `Account/${id}`
  const phone = await Device.signIn(url, 'rep1', 'typing-phone')
  await phone.bulk([name])
  await phone.live(name)
  const doc = await phone.open(name)
  await admin(url, 'calls', 'DELETE')
  const others: [string, string | number][] = [
    ['Phone', '4155550101'],
    ['Website', 'https://typed.example'],
    ['Industry', 'Energy'],
    ['BillingCity', 'Typed City'],
    ['NumberOfEmployees', 42],
  ]
  const start = Date.now()
  for (let i = 0; i < 500; i++) {
    doc.insertText(
      'Description',
      doc.text('Description').length,
      String.fromCharCode(97 + (i % 26)),
    )
    if (i % 100 === 50) doc.set(...(others.shift() as [string, string | number]))
    await pause(Math.max(0, start + ((i + 1) * MINUTE) / 500 - Date.now()))
  }
  const stopped = Date.now()
  const text = doc.text('Description')
  await until(async () => {
    const row = (await accounts(url)).find((r) => r.Id === id)
    return row?.Description === text && row.NumberOfEmployees === 42
  }, 30_000)
  const latency = Date.now() - stopped
  const all = await calls(url)
  const writes = all.filter((c) => c.path.endsWith('/composite')).length
  const other = [...new Set(all.filter((c) => !c.path.endsWith('/composite')).map((c) => c.path))]
  phone.close()
  return `${all.length} calls (${writes} Composite, ${all.length - writes} other: ${other.join(' ')}) | ${latency} ms after typing stopped`
}

/** 20 devices (of the org's 3 users) on 20 records, each editing every 2 s for a minute. */
async function fleet(url: string): Promise<string> {
  const ids = (await accounts(url)).slice(1, 21).map((r) => String(r.Id))
  const users = ['rep1', 'rep2', 'manager'] as const
  const devices: Device[] = []
  const docs: RecordDocument[] = []
  for (const [i, id] of ids.entries()) {
    const d = await Device.signIn(url, users[i % 3] as (typeof users)[number], `fleet-${i}`)
    await d.bulk([`Account/${id}`])
    await d.live(`Account/${id}`)
    devices.push(d)
    docs.push(await d.open(`Account/${id}`))
  }
  await admin(url, 'calls', 'DELETE')
  let edits = 0
  const period = 2_000 * SCALE
  const end = Date.now() + MINUTE
  await Promise.all(
    docs.map(async (doc, i) => {
      await pause((i * period) / docs.length)
      for (let n = 0; Date.now() < end; n++) {
        doc.set('Phone', `415555${String(1000 + n)}`)
        edits += 1
        await pause(period)
      }
    }),
  )
  await until(async () => {
    const rows = await accounts(url)
    return ids.every((id, i) => rows.find((r) => r.Id === id)?.Phone === docs[i]?.get('Phone'))
  }, 60_000)
  const all = await calls(url)
  const writes = all.filter((c) => c.path.endsWith('/composite')).length
  const other = [...new Set(all.filter((c) => !c.path.endsWith('/composite')).map((c) => c.path))]
  for (const d of devices) d.close()
  const per = (n: number): string => (n / edits).toFixed(4)
  return `${all.length} calls (${writes} Composite, ${all.length - writes} other: ${other.join(' ')}) / ${edits} edits = ${per(all.length)} calls per edit (Composite alone ${per(writes)})`
}

const lines: string[] = []
for (const mode of MODES) {
  for (const [label, run] of [
    ['typing', typing],
    ['20 devices', fleet],
  ] as const) {
    const { url, child } = await startRelay(mode.env)
    try {
      lines.push(`| ${label} | ${mode.name} | ${await run(url)} |`)
    } finally {
      child.kill('SIGTERM')
      await new Promise((r) => child.once('exit', r))
    }
    console.log(lines.at(-1))
  }
}
console.log(`\nSCALE=${SCALE}\n| workload | relay | result |\n|---|---|---|\n${lines.join('\n')}`)
