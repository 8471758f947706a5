import type * as awarenessProtocol from 'y-protocols/awareness'

/** What {@link editorsPresent} reads of a live connection. */
export interface PresenceConnection {
  /** The connection sent an edit of the document. */
  edited: boolean
  closed: boolean
  /** The awareness clients it introduced. */
  awarenessClients: ReadonlySet<number>
}

/**
 * Whether a connection's page is away: every awareness client it introduced is gone (y-websocket
 * removes it when the page unloads) or says `hidden: true` (the page is hidden).
 */
function away(conn: PresenceConnection, awareness: awarenessProtocol.Awareness): boolean {
  if (conn.awarenessClients.size === 0) return false
  const states = awareness.getStates()
  for (const client of conn.awarenessClients) {
    const state = states.get(client) as { hidden?: unknown } | undefined
    if (state !== undefined && state.hidden !== true) return false
  }
  return true
}

/**
 * Whether anyone is still editing a document live: an open connection that sent an edit and
 * whose page is not away. When this turns false, the record's edits are written at once instead
 * of waiting for the coalescing window.
 */
export function editorsPresent(
  conns: Iterable<PresenceConnection>,
  awareness: awarenessProtocol.Awareness,
): boolean {
  for (const conn of conns) {
    if (conn.edited && !conn.closed && !away(conn, awareness)) return true
  }
  return false
}
