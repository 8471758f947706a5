import type { ProjectionStore } from './ports.js'

/**
 * The Salesforce Ids of the records written by calls still in flight (recorded in the outbox, not
 * settled: the relay may have crashed while they were landing). The puller leaves these records
 * alone until recovery has reconciled them.
 *
 * @example
 * ```ts
 * createPuller({ docs, store, salesforce, inFlight: () => inFlightIds(projectionStore) })
 * ```
 */
export async function inFlightIds(
  store: Pick<ProjectionStore, 'unsettledIntents'>,
): Promise<Set<string>> {
  const ids = new Set<string>()
  for (const entry of await store.unsettledIntents()) {
    for (const w of entry.writes) if (w.salesforceId) ids.add(w.salesforceId)
  }
  return ids
}
