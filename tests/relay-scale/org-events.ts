/**
 * The org's writes as its change events tell them (Change Data Capture, replayed from the start
 * of its retention): every update publishes one event, even one that changes nothing but
 * LastModifiedDate, so counting a record's UPDATE events counts the writes it received.
 */
import { openStreamClient } from '../../packages/relay/src/pull/stream-client.js'
import { clientCredentialsSession } from '../../packages/relay/src/pull/stream-session.js'
import type { StreamEvent } from '../../packages/relay/src/pull/stream-ports.js'

/** Every change event of `sobject` the org retains, once no more arrive for `quietMs`. */
export async function changeEventsOf(
  orgUrl: string,
  sobject: string,
  quietMs = 1500,
): Promise<StreamEvent[]> {
  const conn = await clientCredentialsSession({
    loginUrl: orgUrl,
    clientId: 'briefcase-relay',
    clientSecret: 'briefcase-relay-secret',
    apiVersion: '62.0',
  })
  const events: StreamEvent[] = []
  let last = Date.now()
  let failure: string | undefined
  const client = openStreamClient(conn, () => -2, {
    onEvent: (e) => {
      events.push(e)
      last = Date.now()
    },
    onSubscribed: () => {
      last = Date.now()
    },
    onRefused: (_s, _r, error) => (failure = error),
    onDown: (reason) => (failure = reason),
  })
  client.subscribe(sobject)
  try {
    while (Date.now() - last < quietMs) {
      if (failure) throw new Error(`change events of ${sobject}: ${failure}`)
      await new Promise((r) => setTimeout(r, 100))
    }
  } finally {
    client.close()
  }
  return events
}

/** UPDATE events per record Id. */
export function updatesPerRecord(events: readonly StreamEvent[]): Map<string, StreamEvent[]> {
  const out = new Map<string, StreamEvent[]>()
  for (const e of events) {
    if (e.changeType !== 'UPDATE') continue
    for (const id of e.recordIds) out.set(id, [...(out.get(id) ?? []), e])
  }
  return out
}
