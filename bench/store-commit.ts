/**
 * Commit latency of the relay's stores, SQLite (file, WAL) against PostgreSQL (local server), in
 * the shapes the relay commits:
 * - live: one document, one small update, `written` (the live path's group commit at low load);
 * - synced: the same, `synced` (a bulk answer or a relay-side write of one document);
 * - bulk: 200 documents, one update each, `synced` (a bulk sync request).
 * Each on a fresh store (a throw-away PostgreSQL schema); the documents exist beforehand.
 *
 * Run: npx tsx --conditions=@briefcase/source bench/store-commit.ts
 * (`BRIEFCASE_TEST_POSTGRES_URL`, default postgres://postgres@127.0.0.1:5432/test)
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { DocWrite, RelayStore } from '@briefcase/relay'
import { PostgresRelayStore, SqliteRelayStore } from '@briefcase/relay'
import { testSchemas } from '@briefcase/relay/testing'

const ROUNDS = { live: 2000, synced: 500, bulk: 40 }
const BULK_DOCS = 200
const update = new Uint8Array(60).fill(7)
const key = (i: number) => ({ name: `Account/001${String(i).padStart(15, '0')}`, group: 'g' })
const meta = (i: number) => ({ sobject: 'Account', key: key(i).name.slice(8), engine: 'yjs' })

interface Figures {
  median: number
  min: number
  max: number
  p99: number
}

function figures(ms: number[]): Figures {
  const s = [...ms].sort((a, b) => a - b)
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))] as number
  return { median: at(0.5), min: s[0] as number, max: s.at(-1) as number, p99: at(0.99) }
}

async function measure(store: RelayStore): Promise<Record<string, Figures>> {
  await store.commit(Array.from({ length: BULK_DOCS }, (_, i) => ({ key: key(i), meta: meta(i) })))
  const time = async (n: number, writes: (i: number) => DocWrite[], synced: boolean) => {
    const ms: number[] = []
    for (let i = 0; i < n; i++) {
      const s = performance.now()
      await store.commit(writes(i), { durability: synced ? 'synced' : 'written' })
      ms.push(performance.now() - s)
    }
    return figures(ms)
  }
  const one = (i: number): DocWrite[] => [{ key: key(i % BULK_DOCS), updates: [update] }]
  const all = (): DocWrite[] =>
    Array.from({ length: BULK_DOCS }, (_, d) => ({ key: key(d), updates: [update] }))
  return {
    live: await time(ROUNDS.live, one, false),
    synced: await time(ROUNDS.synced, one, true),
    bulk: await time(ROUNDS.bulk, all, true),
  }
}

const dir = mkdtempSync(join(tmpdir(), 'bench-store-'))
const sqlite = new SqliteRelayStore({ file: join(dir, 'relay.sqlite') })
const schemas = testSchemas()
const postgres = new PostgresRelayStore({ database: await schemas.open() })
const results = { sqlite: await measure(sqlite), postgres: await measure(postgres) }
await sqlite.close()
await postgres.close()
await schemas.dropAll()
rmSync(dir, { recursive: true, force: true })

const fmt = (f: Figures) =>
  `${f.median.toFixed(2)} (${f.min.toFixed(2)}–${f.max.toFixed(2)}), p99 ${f.p99.toFixed(2)}`
const rows = [
  ['live: 1 doc × 1 update, written', 'live', ROUNDS.live],
  ['synced: 1 doc × 1 update', 'synced', ROUNDS.synced],
  [`bulk: ${BULK_DOCS} docs × 1 update, synced`, 'bulk', ROUNDS.bulk],
] as const
console.log(
  '| commit | n | SQLite ms: median (min–max), p99 | PostgreSQL ms: median (min–max), p99 |',
)
console.log('| --- | --- | --- | --- |')
for (const [label, k, n] of rows) {
  console.log(
    `| ${label} | ${n} | ${fmt(results.sqlite[k] as Figures)} | ${fmt(results.postgres[k] as Figures)} |`,
  )
}
