import { WebsocketProvider } from 'y-websocket'
import type { WebSocketConstructor } from '../options.js'
import type { LoadedDoc } from '../records/loaded-doc.js'
import { backoffDelay } from '../sync/backoff.js'

/** What {@link LiveSync} needs. */
export interface LiveSyncOptions {
  /** `ws(s)://relay/sync/live`: the document name is appended. */
  url: string
  WebSocket: WebSocketConstructor
  token: () => string | null
  limit: number
  random: () => number
  reconnectMinMs: number
  reconnectMaxMs: number
  /** A record's live state changed. */
  onLiveChange: (doc: string, live: boolean) => void
  /** A live connection dropped without being asked to: the relay may be gone. */
  onLost: () => void
  /**
   * The relay refused a record for good (close code 4400–4499, reason `CODE: message`), e.g.
   * 4403 `BRIEFCASE_ACCESS_LOST` once the user lost access to it, 4409 `BRIEFCASE_DOCUMENT_MOVED`
   * once its fields moved to other documents (ADR 0005); `null` once it syncs again.
   */
  onRefused: (doc: string, error: LiveRefusal | null) => void
  onIgnoredError: (error: unknown, context: string) => void
}

/** Why the relay refused a record's live sync. */
export interface LiveRefusal {
  /** Stable code, e.g. `BRIEFCASE_ACCESS_LOST`. */
  code: string
  /** What the user should read. */
  message: string
}

/** Messages shown for the close codes the relay uses (its reason text is the fallback). */
const REFUSAL_MESSAGES: Readonly<Record<number, LiveRefusal>> = {
  4403: { code: 'BRIEFCASE_ACCESS_LOST', message: 'You no longer have access to this record.' },
  4409: {
    code: 'BRIEFCASE_DOCUMENT_MOVED',
    message: "This record's fields moved to other documents: fetching them.",
  },
}

/** The refusal a close code and reason (`CODE: message`) stand for. */
export function liveRefusal(code: number, reason: string): LiveRefusal {
  const known = REFUSAL_MESSAGES[code]
  if (known) return known
  const match = /^(BRIEFCASE_[A-Z_]+): (.+)$/s.exec(reason)
  return match
    ? { code: match[1] ?? '', message: match[2] ?? '' }
    : { code: 'BRIEFCASE_LIVE_REFUSED', message: `The relay refused live sync (${code}).` }
}

interface Live {
  loaded: LoadedDoc
  provider: WebsocketProvider
  live: boolean
  attempts: number
  timer: ReturnType<typeof setTimeout> | null
  /** The relay refused the document for good (close code 4400–4499). */
  refused: boolean
}

/** Sets (or clears) `hidden` in a record's presence, when it has one. */
function markHidden(loaded: LoadedDoc, hidden: boolean): void {
  const state = loaded.awareness.getLocalState() as { hidden?: boolean } | null
  if (state === null || (state.hidden === true) === hidden) return
  loaded.awareness.setLocalStateField('hidden', hidden)
}

/**
 * Live sync (y-protocols over y-websocket, with awareness) for the records open on screen, at
 * most `limit` at once: the most recently opened win. Reconnects are ours, not y-websocket's:
 * exponential backoff with full jitter per connection, and only while the client is online.
 */
export class LiveSync {
  readonly #o: LiveSyncOptions
  /** Records that want a live connection, least recently opened first. */
  #wanted: LoadedDoc[] = []
  readonly #lives = new Map<string, Live>()
  #enabled = false
  #hidden = false

  constructor(options: LiveSyncOptions) {
    this.#o = options
  }

  /** Number of records connected live now. */
  get count(): number {
    let n = 0
    for (const l of this.#lives.values()) if (l.live) n += 1
    return n
  }

  isLive(doc: string): boolean {
    return this.#lives.get(doc)?.live ?? false
  }

  /** True when the record wants a connection but is beyond the bound (or offline). */
  isWaiting(doc: string): boolean {
    return this.#wanted.some((l) => l.doc === doc) && !this.#lives.has(doc)
  }

  want(loaded: LoadedDoc): void {
    this.#wanted = [...this.#wanted.filter((l) => l.doc !== loaded.doc), loaded]
    this.#reconcile()
  }

  unwant(doc: string): void {
    this.#wanted = this.#wanted.filter((l) => l.doc !== doc)
    this.#reconcile()
  }

  /**
   * The page went to the background (or came back): every open record's presence says
   * `hidden`, so the relay writes what was edited at once instead of waiting for the coalescing
   * window (it treats a hidden page as an editor who left).
   */
  setHidden(hidden: boolean): void {
    this.#hidden = hidden
    for (const live of this.#lives.values()) markHidden(live.loaded, hidden)
  }

  /** Online: connect the wanted records; offline: close every connection. */
  setEnabled(enabled: boolean): void {
    this.#enabled = enabled
    if (enabled) for (const l of this.#lives.values()) l.attempts = 0
    this.#reconcile()
  }

  close(): void {
    this.#wanted = []
    this.#enabled = false
    this.#reconcile()
  }

  #reconcile(): void {
    const desired = this.#enabled ? this.#wanted.slice(-this.#o.limit) : []
    const keep = new Set<string>(desired.map((l) => l.doc))
    for (const [doc, live] of this.#lives) {
      if (!keep.has(doc)) this.#stop(live)
    }
    for (const loaded of desired) {
      if (!this.#lives.has(loaded.doc)) this.#start(loaded)
    }
  }

  #start(loaded: LoadedDoc): void {
    const provider = new WebsocketProvider(this.#o.url, loaded.doc, loaded.ydoc, {
      connect: false,
      awareness: loaded.awareness,
      params: { token: this.#o.token() ?? '' },
      WebSocketPolyfill: this.#o.WebSocket as unknown as typeof WebSocket,
      disableBc: true,
    })
    markHidden(loaded, this.#hidden)
    const live: Live = { loaded, provider, live: false, attempts: 0, timer: null, refused: false }
    this.#lives.set(loaded.doc, live)
    provider.on('sync', (synced: boolean) => {
      if (synced) {
        live.attempts = 0
        this.#o.onRefused(loaded.doc, null)
        // After a reconnect the relay knows this client's awareness at a later clock (it counted
        // the removal) and would ignore the same state again: re-announce it under a new clock.
        const awareness = loaded.awareness
        awareness.setLocalState(awareness.getLocalState())
      }
      this.#setLive(live, synced)
    })
    provider.on('status', (event: { status: string }) => {
      if (event.status !== 'disconnected') return
      // y-websocket dropped the other clients' states and counted a removal for each: forget
      // those clocks, or their unchanged states, sent again on reconnect, would be ignored.
      const awareness = loaded.awareness
      for (const client of [...awareness.meta.keys()]) {
        if (client !== awareness.clientID && !awareness.states.has(client)) {
          awareness.meta.delete(client)
        }
      }
    })
    provider.on('connection-error', (event: Event) =>
      this.#o.onIgnoredError(event, `live connection error on ${loaded.doc}`),
    )
    provider.on('closed', (event: { code: number; reason: string }) => {
      live.refused = true
      this.#o.onRefused(loaded.doc, liveRefusal(event.code, event.reason))
      this.#o.onIgnoredError(
        new Error(`The relay refused live sync of ${loaded.doc}: ${event.code} ${event.reason}`),
        'live refused',
      )
    })
    provider.on('connection-close', () => {
      // Stop y-websocket's own retry: reconnects here back off with jitter.
      provider.shouldConnect = false
      this.#setLive(live, false)
      if (this.#lives.get(loaded.doc) !== live || live.refused) return
      this.#o.onLost()
      this.#retry(live)
    })
    provider.connect()
  }

  #retry(live: Live): void {
    if (live.timer !== null) return
    const delay = backoffDelay(
      live.attempts,
      this.#o.reconnectMinMs,
      this.#o.reconnectMaxMs,
      this.#o.random,
    )
    live.attempts += 1
    live.timer = setTimeout(() => {
      live.timer = null
      if (this.#enabled && this.#lives.get(live.loaded.doc) === live) {
        live.provider.params = { token: this.#o.token() ?? '' }
        live.provider.connect()
      }
    }, delay)
  }

  #stop(live: Live): void {
    this.#lives.delete(live.loaded.doc)
    if (live.timer !== null) clearTimeout(live.timer)
    live.provider.destroy()
    this.#setLive(live, false)
  }

  #setLive(live: Live, value: boolean): void {
    if (live.live === value) return
    live.live = value
    this.#o.onLiveChange(live.loaded.doc, value)
  }
}
