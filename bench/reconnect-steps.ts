/**
 * The steps of `relay-reconnect.ts` a device runs on its client, the same in the Chromium page
 * (`reconnect-page.ts`, bundled) and in the Node device (`reconnect-node.ts`).
 */
import type { BriefcaseClient } from '@briefcase/client'

/** A timed step: when it started (ms since the epoch) and how long it took. */
export interface StepTiming {
  startedAt: number
  ms: number
}

/** The first fill: timing, progress (ms after the start of each event reporting records done). */
export interface FillStep extends StepTiming {
  progress: number[]
  failed: number
  /** The cached Account documents (`Account/<Id>`). */
  docs: string[]
  /** What the origin stores after the fill (`navigator.storage.estimate()`), where there is one. */
  storedBytes: number | undefined
}

/** `performance.now()` as ms since the epoch, comparable with the network's request times. */
const epoch = (now: number): number => performance.timeOrigin + now

/** Saves the offline preference `item` (cache plan, then bulk sync), timed with its progress. */
export async function fill(client: BriefcaseClient, item: string): Promise<FillStep> {
  const progress: number[] = []
  const t0 = performance.now()
  const onProgress = (e: { done: number }): void => {
    if (e.done > 0) progress.push(performance.now() - t0)
  }
  client.addEventListener('refresh-progress', onProgress)
  const result = await client.savePreferences([item])
  const ms = performance.now() - t0
  client.removeEventListener('refresh-progress', onProgress)
  const docs = (await client.listCache({ sobject: 'Account' })).map((e) => e.doc)
  // Node has a `navigator` (without `storage`) from version 21.
  const storage: StorageManager | undefined = (globalThis.navigator as Navigator | undefined)
    ?.storage
  const storedBytes = storage ? (await storage.estimate()).usage : undefined
  return { startedAt: epoch(t0), ms, progress, failed: result.failed.length, docs, storedBytes }
}

/** Goes offline and sets `Phone` of each of `docs` to `prefix` + its index. */
export async function editOffline(
  client: BriefcaseClient,
  docs: readonly string[],
  prefix: string,
): Promise<void> {
  client.goOffline()
  for (const [i, doc] of docs.entries()) {
    const handle = await client.open(doc)
    await handle.set('Phone', `${prefix}${String(i).padStart(6, '0')}`)
    await handle.close()
  }
}

/** `client.sync()`, what a device runs on reconnect, timed. */
export async function sync(client: BriefcaseClient): Promise<StepTiming & { failed: number }> {
  const t0 = performance.now()
  const result = await client.sync()
  return { startedAt: epoch(t0), ms: performance.now() - t0, failed: result.failed.length }
}

/** How many of `changed` hold `website`, and how many cached records are not on the relay. */
export async function check(
  client: BriefcaseClient,
  changed: readonly string[],
  website: string,
): Promise<{ received: number; unsent: number }> {
  const entries = await client.listCache({ sobject: 'Account' })
  const unsent = entries.filter((e) => e.syncStatus === 'saved' || e.syncStatus === 'failed')
  let received = 0
  for (const doc of changed) {
    const handle = await client.open(doc)
    if (handle.get('Website') === website) received += 1
    await handle.close()
  }
  return { received, unsent: unsent.length }
}
