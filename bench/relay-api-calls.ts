/**
 * Salesforce API calls to sync 1,000 offline edits over 200 records plus 20 parent and 40 child
 * records created offline: Briefcase's projector, against the fewest calls Salesforce's limits
 * allow, and against replaying one call per change (what Salesforce's offline drafts queue does).
 * Real org, real relay (devices sync in bulk), loopback; calls counted by the org.
 *
 * Run: npx tsx --conditions=@briefcase/source bench/relay-api-calls.ts
 */
import { ISSUE_4_WORKLOAD, makeOfflineWork } from '../tests/relay-projection/offline-workload.js'
import { startProjectionStack } from '../tests/relay-projection/projection-stack.js'

const { records: RECORDS, edits: EDITS, parents: PARENTS, children: CHILDREN } = ISSUE_4_WORKLOAD
const SEED = Number(process.env.SEED ?? 7)

const stack = await startProjectionStack(RECORDS)
const { org, projection } = stack
const names = (org.snapshot().Account ?? [])
  .filter((a) => a.IsDeleted !== true)
  .slice(0, RECORDS)
  .map((a) => `Account/${String(a.Id)}`)
const device = await stack.device('manager', 'bench-phone')
await device.bulk(names)

await makeOfflineWork(device, names, ISSUE_4_WORKLOAD, SEED)
await device.bulk()

org.clearCalls()
const t0 = performance.now()
const report = await projection.projector.runOnce()
const ms = performance.now() - t0
const calls = org.calls()
const composites = calls.filter((c) => c.path.endsWith('/composite')).length

// Checks: every record written, nothing pending, nothing duplicated.
await device.bulk()
const pending = [...device.docs.values()].filter((d) => d.pending()?.operation)
const snapshot = org.snapshot()
const created = [...(snapshot.Account ?? []), ...(snapshot.Contact ?? [])].filter(
  (r) => typeof r.Briefcase_Draft_Key__c === 'string',
)
const kids = (snapshot.Contact ?? []).filter((r) => String(r.LastName).startsWith('Child '))
const orphans = kids.filter((k) => !created.some((p) => p.Id === k.AccountId))

// The fewest calls Salesforce allows: a Composite is one call and carries up to 5 sObject
// Collections of up to 200 records each, children in a later subrequest than their parents
// (`@{ref[i].id}`). Updates of any objects share collections; upserts (creates) are per object.
const collections = Math.ceil(RECORDS / 200) + Math.ceil(PARENTS / 200) + Math.ceil(CHILDREN / 200)
const minimumWrites = Math.ceil(collections / 5)
// Reading the records' SystemModstamp before writing them (DESIGN: conflicts with the server):
// up to 5 queries of up to 200 Ids per Composite.
const minimumChecks = Math.ceil(Math.ceil(RECORDS / 200) / 5)
const replay = EDITS + PARENTS + CHILDREN

console.log(`
| | API calls |
|---|---|
| Briefcase (this run) | ${calls.length} (${composites} Composite: ${report.calls} write, ${composites - report.calls} SystemModstamp check) |
| Salesforce minimum, writes only | ${minimumWrites} (${collections} collections, 5 per Composite) |
| Salesforce minimum with the conflict check | ${minimumWrites + minimumChecks} |
| Replay, one call per change (drafts queue) | ${replay} (${EDITS} edits + ${PARENTS + CHILDREN} creates) |

records written: ${report.written}; still pending: ${pending.length}; created: ${created.length}; children without their parent: ${orphans.length}; projection took ${ms.toFixed(0)} ms
calls: ${calls.map((c) => `${c.method} ${c.path.replace(/\/services\/data\/v[\d.]+/, '')} ${c.status}`).join(', ')}
`)
await stack.close()
if (pending.length > 0 || orphans.length > 0 || created.length !== PARENTS + CHILDREN)
  process.exit(1)
