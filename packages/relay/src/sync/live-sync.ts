import { MAX_FRAME_BYTES, RelayErrorCode } from '@briefcase/protocol'
import { isDraftKey } from '@briefcase/record'
import type { WSContext, WSEvents } from 'hono/ws'
import type { Logger } from 'pino'
import type WebSocket from 'ws'
import * as awarenessProtocol from 'y-protocols/awareness'
import type { RelaySession } from '../auth/sessions.js'
import type { DeviceWriter } from '../docs/device-writes.js'
import { applyDeviceUpdate, parentIdsOf } from '../docs/device-writes.js'
import { deviceWriter } from '../docs/device-writer.js'
import { recordIdOf } from '../docs/record-id.js'
import type { DocCommitEvent, DocHub } from '../docs/doc-hub.js'
import type { ResolvedDoc } from '../docs/doc-resolver.js'
import type { RetiredDocs } from '../docs/retired-docs.js'
import type { HotDoc } from '../docs/hot-doc.js'
import { isRelayError, toRelayError } from '../errors.js'
import type { RelayMetrics } from '../metrics/relay-metrics.js'
import type { RecordAccess } from '../salesforce/record-access.js'
import type { RecordRight, RecordRights } from '../salesforce/record-rights.js'
import type { HeldRecord } from './access-recheck.js'
import { lostRecords } from './access-recheck.js'
import type { DocKey } from '../store/relay-store.js'
import { docKeyString } from '../store/relay-store.js'
import { editorsPresent } from './editor-presence.js'
import {
  MalformedMessageError,
  awarenessFrame,
  awarenessMessage,
  checkStateVector,
  decodeClientMessage,
  filterAwarenessUpdate,
  syncStep1,
  syncStep2,
  updateMessage,
} from './y-messages.js'

/** WebSocket close codes the relay uses. */
export const LiveCloseCode = {
  goingAway: 1001,
  malformed: 1003,
  forbidden: 1008,
  tooBig: 1009,
  internal: 1011,
  tryAgainLater: 1013,
  sessionEnded: 4401,
  /** The device holds a retired document (ADR 0005): drop it, sync the record in bulk. */
  documentMoved: 4409,
  /** The user no longer has access to the record (the client says "You no longer have access"). */
  accessLost: 4403,
} as const

/** Options of {@link LiveSync}. */
export interface LiveSyncOptions {
  hub: DocHub
  /** Recognises devices holding a retired document. */
  retired?: RetiredDocs
  logger: Logger
  metrics: RelayMetrics
  /** Record-level rights, checked before a device's update of an existing record is applied. */
  rights: RecordRights
  /** Read access, re-checked while connections are open. */
  access: RecordAccess
  /** How often every open connection's access is re-checked (default 120 000 ms). */
  accessRecheckMs?: number
  now: () => number
  /** Ping period; a connection that missed the previous pong is dropped (default 30 s). */
  pingIntervalMs?: number
  /** Close a connection whose unsent data exceeds this (default 16 MiB). */
  maxBufferedBytes?: number
  /**
   * Called when the last device editing a document live leaves it (connection closed or dropped,
   * page hidden or gone): the projector writes its edits at once.
   */
  onEditorsLeft?: (key: DocKey) => void
  /**
   * Called with each awareness update of this relay's connections (carets, presence, departures),
   * for the other relays holding the document (see {@link LiveSync.applyRemoteAwareness}).
   */
  onAwareness?: (key: DocKey, update: Uint8Array) => void
}

interface Room {
  hot: HotDoc
  awareness: awarenessProtocol.Awareness
  conns: Set<Connection>
  /** Someone is editing live (see `editorsPresent`). */
  editing: boolean
}

interface Connection {
  /** The origin of its updates in the hub (`isLiveOrigin`). */
  readonly kind: 'live'
  ws: WSContext<unknown>
  session: RelaySession
  room: Room
  view: ResolvedDoc['view']
  awarenessClients: Set<number>
  queue: Promise<void>
  alive: boolean
  closed: boolean
  /** It sent an edit of the document. */
  edited: boolean
}

function raw(ws: WSContext<unknown>): WebSocket {
  return ws.raw as WebSocket
}

/**
 * Live sync: y-protocols sync and awareness over one WebSocket per open document, wire-compatible
 * with y-websocket's `WebsocketProvider`. All connections to one (document, group) share the hub's
 * Y.Doc; a device's update is checked, applied and made durable before the others receive it. A
 * malformed, oversized or forbidden frame closes only its own connection. No module-level state:
 * rooms belong to this instance.
 */
export class LiveSync {
  readonly #hub: DocHub
  readonly #retired: RetiredDocs | undefined
  readonly #logger: Logger
  readonly #metrics: RelayMetrics
  readonly #rights: RecordRights
  readonly #access: RecordAccess
  readonly #recheckTimer: ReturnType<typeof setInterval>
  readonly #now: () => number
  readonly #maxBuffered: number
  readonly #onEditorsLeft: ((key: DocKey) => void) | undefined
  readonly #onAwareness: ((key: DocKey, update: Uint8Array) => void) | undefined
  readonly #rooms = new Map<HotDoc, Room>()
  /** The same rooms by document key (for other relays' awareness). */
  readonly #roomsByKey = new Map<string, Room>()
  readonly #timer: ReturnType<typeof setInterval>
  readonly #unsubscribe: (() => void)[]

  constructor(options: LiveSyncOptions) {
    this.#hub = options.hub
    this.#retired = options.retired
    this.#logger = options.logger
    this.#metrics = options.metrics
    this.#rights = options.rights
    this.#access = options.access
    this.#recheckTimer = setInterval(() => {
      this.recheckAccess().catch((error: unknown) =>
        this.#logger.warn({ err: error }, 'access re-check failed'),
      )
    }, options.accessRecheckMs ?? 120_000)
    this.#recheckTimer.unref()
    this.#now = options.now
    this.#maxBuffered = options.maxBufferedBytes ?? 16 * 1024 * 1024
    this.#onEditorsLeft = options.onEditorsLeft
    this.#onAwareness = options.onAwareness
    this.#unsubscribe = [
      this.#hub.onCommit((event) => this.#broadcast(event)),
      this.#hub.onReset((hot, error) => {
        // The devices keep the updates the relay could not store, and send them again on
        // reconnecting; a store that is down asks them to wait (1013) rather than report a bug.
        const e = toRelayError(error)
        for (const conn of this.#rooms.get(hot)?.conns ?? []) {
          if (e.code === RelayErrorCode.storeUnavailable) {
            this.#close(conn, LiveCloseCode.tryAgainLater, `${e.code}: ${e.message}`)
          } else this.#close(conn, LiveCloseCode.internal, 'document reset')
        }
      }),
    ]
    this.#timer = setInterval(() => this.#ping(), options.pingIntervalMs ?? 30_000)
    this.#timer.unref()
  }

  /** Open connections (for tests and metrics). */
  get connectionCount(): number {
    let n = 0
    for (const room of this.#rooms.values()) n += room.conns.size
    return n
  }

  /**
   * The WebSocket handlers of one connection to a resolved (pinned) document. The connection takes
   * over the pin and releases it when it closes (or after 10 s if the upgrade never completes).
   */
  events(resolved: ResolvedDoc, session: RelaySession): WSEvents<unknown> {
    let conn: Connection | undefined
    let abandoned = false
    const abandon = setTimeout(() => {
      abandoned = true
      this.#hub.release(resolved.hot)
    }, 10_000)
    return {
      onOpen: (_event, ws) => {
        clearTimeout(abandon)
        if (abandoned || resolved.hot.broken) {
          ws.close(LiveCloseCode.tryAgainLater, 'try again')
          return
        }
        conn = this.#open(ws, resolved, session)
        // Frames are read from the socket itself: Hono's onMessage would wrap each in a
        // MessageEvent and copy its bytes. Nothing is lost: Hono's own buffering only holds what
        // arrives before onOpen, and onOpen runs in the same turn as the socket is handed over.
        const c = conn
        raw(ws).on('message', (data, isBinary) => this.#receive(c, data, isBinary))
      },
      onClose: () => {
        if (conn) this.#leave(conn)
      },
      onError: (event) => {
        this.#logger.debug({ err: event }, 'live socket error')
      },
    }
  }

  /** Closes every live connection of a session (after sign-out). */
  closeSession(sessionId: string): void {
    for (const room of this.#rooms.values()) {
      for (const conn of room.conns) {
        if (conn.session.id === sessionId)
          this.#close(conn, LiveCloseCode.sessionEnded, 'signed out')
      }
    }
  }

  /**
   * Re-checks, afresh with Salesforce, that the users of open connections may still read their
   * records (those of `ids`, or all; of `userId`, or everyone's). A user who lost a record is
   * disconnected from it (close code 4403, `BRIEFCASE_ACCESS_LOST`) and receives nothing more.
   */
  async recheckAccess(ids?: ReadonlySet<string>, userId?: string): Promise<void> {
    const held: (HeldRecord & { conn: Connection })[] = []
    for (const room of this.#rooms.values()) {
      const id = recordIdOf(room.hot)
      if (id === null || (ids && !ids.has(id))) continue
      for (const conn of room.conns) {
        if (userId !== undefined && conn.session.userId !== userId) continue
        held.push({ userId: conn.session.userId, sobject: room.hot.doc.sobject, id, conn })
      }
    }
    if (held.length === 0) return
    const lost = await lostRecords(this.#access, this.#rights, held)
    for (const h of lost as (HeldRecord & { conn: Connection })[]) {
      this.#metrics.errors.inc({ code: RelayErrorCode.accessLost })
      this.#logger.info({ user: h.userId, doc: h.conn.room.hot.key.name }, 'access lost')
      this.#close(
        h.conn,
        LiveCloseCode.accessLost,
        `${RelayErrorCode.accessLost}: You no longer have access to this record.`,
      )
    }
  }

  /**
   * Closes the live connections of `sobject`'s documents that are no longer current partitions
   * (ADR 0005: a readability change retired them) with close code 4409
   * (`BRIEFCASE_DOCUMENT_MOVED`), so devices move to the new layout at once and nobody keeps
   * receiving edits of a document whose fields they may no longer all read.
   */
  closeRetired(sobject: string, isCurrent: (group: string) => boolean): void {
    for (const room of [...this.#rooms.values()]) {
      if (room.hot.doc.sobject !== sobject || isCurrent(room.hot.key.group)) continue
      for (const conn of [...room.conns])
        this.#close(conn, LiveCloseCode.documentMoved, RelayErrorCode.documentMoved)
    }
  }

  /** Documents with live connections on this relay. */
  liveKeys(): DocKey[] {
    return [...this.#rooms.keys()].map((hot) => hot.key)
  }

  /**
   * Applies an awareness update another relay's connections sent (carets, presence) and passes
   * it to this relay's connections to the document, if any.
   */
  applyRemoteAwareness(key: DocKey, update: Uint8Array): void {
    const room = this.#roomsByKey.get(docKeyString(key))
    if (!room) return
    awarenessProtocol.applyAwarenessUpdate(room.awareness, update, 'remote')
    const frame = awarenessFrame(update)
    for (const conn of room.conns) this.#send(conn, frame, 'awareness')
  }

  /** Closes every connection and stops the ping timer. */
  close(): void {
    clearInterval(this.#timer)
    clearInterval(this.#recheckTimer)
    for (const u of this.#unsubscribe) u()
    for (const room of [...this.#rooms.values()]) {
      for (const conn of [...room.conns])
        this.#close(conn, LiveCloseCode.goingAway, 'relay closing')
    }
  }

  // ── internals ──────────────────────────────────────────────────────────────────────────────

  /** Queues a frame of a connection for {@link LiveSync.#handle}, in order. */
  #receive(conn: Connection, data: WebSocket.RawData, isBinary: boolean): void {
    if (conn.closed) return
    if (!isBinary) {
      this.#close(conn, LiveCloseCode.malformed, 'binary frames only')
      return
    }
    // `ws` gives a Buffer (its default binary type, fragments joined), used as it is: no copy.
    const frame: Uint8Array = Array.isArray(data)
      ? Buffer.concat(data)
      : data instanceof ArrayBuffer
        ? new Uint8Array(data)
        : data
    if (frame.byteLength > MAX_FRAME_BYTES) {
      this.#close(conn, LiveCloseCode.tooBig, 'frame too large')
      return
    }
    conn.queue = conn.queue
      .then(() => this.#handle(conn, frame))
      .catch((error: unknown) => this.#fail(conn, error))
  }

  #open(ws: WSContext<unknown>, resolved: ResolvedDoc, session: RelaySession): Connection {
    let room = this.#rooms.get(resolved.hot)
    if (!room) {
      const awareness = new awarenessProtocol.Awareness(this.#hub.ydocOf(resolved.hot))
      awareness.setLocalState(null)
      room = { hot: resolved.hot, awareness, conns: new Set(), editing: false }
      this.#rooms.set(resolved.hot, room)
      this.#roomsByKey.set(docKeyString(resolved.hot.key), room)
    }
    const conn: Connection = {
      kind: 'live',
      ws,
      session,
      room,
      view: resolved.view,
      awarenessClients: new Set(),
      queue: Promise.resolve(),
      alive: true,
      closed: false,
      edited: false,
    }
    room.conns.add(conn)
    raw(ws).on('pong', () => {
      conn.alive = true
    })
    this.#metrics.liveConnections.inc()
    this.#send(conn, syncStep1(this.#hub.ydocOf(room.hot)), 'sync')
    const states = [...room.awareness.getStates().keys()]
    if (states.length > 0) this.#send(conn, awarenessMessage(room.awareness, states), 'awareness')
    return conn
  }

  async #handle(conn: Connection, frame: Uint8Array): Promise<void> {
    if (conn.closed) return
    const msg = decodeClientMessage(frame)
    const { room } = conn
    this.#metrics.liveFrames.inc({ direction: 'in', type: msg.type })
    switch (msg.type) {
      case 'syncStep1': {
        checkStateVector(msg.stateVector)
        const lineage = await this.#retired?.lineageOf(room.hot, msg.stateVector)
        if (lineage) {
          this.#hub.release(lineage)
          this.#close(conn, LiveCloseCode.documentMoved, RelayErrorCode.documentMoved)
          return
        }
        await this.#hub.flush('written')
        if (!conn.closed)
          this.#send(conn, syncStep2(this.#hub.ydocOf(room.hot), msg.stateVector), 'sync')
        return
      }
      case 'update': {
        const id = recordIdOf(room.hot)
        const { userId } = conn.session
        // Known (the upgrade asked for it): no await, so a live edit is applied in the turn its
        // frame arrived in.
        const right =
          id === null
            ? undefined
            : (this.#rights.known(userId, id, { held: true }) ??
              (await this.#rights.of(userId, [id], { held: true })).get(id))
        let writer = this.#writer(conn, right)
        if (writer.parent) {
          // A draft being created: the rights on the Salesforce records its lookups name.
          const parentIds = parentIdsOf(this.#hub, room.hot, msg.update, writer)
          if (parentIds.length > 0)
            writer = this.#writer(conn, right, await this.#rights.of(userId, parentIds))
        }
        if (conn.closed) return
        applyDeviceUpdate(this.#hub, room.hot, msg.update, writer, conn)
        conn.edited = true
        room.editing = true
        return
      }
      case 'awareness': {
        // A connection speaks for the awareness clients it introduced; entries about clients of
        // other connections (y-websocket relays them, e.g. when one times out) are dropped.
        const owned = (client: number): boolean => {
          for (const other of room.conns) {
            if (other !== conn && other.awarenessClients.has(client)) return false
          }
          return true
        }
        const update = filterAwarenessUpdate(msg.update, owned)
        if (!update) return
        for (const client of msg.clients) if (owned(client)) conn.awarenessClients.add(client)
        awarenessProtocol.applyAwarenessUpdate(room.awareness, update, conn)
        const frame = awarenessFrame(update)
        for (const other of room.conns) this.#send(other, frame, 'awareness')
        this.#onAwareness?.(room.hot.key, update)
        this.#checkEditors(room)
        return
      }
      case 'queryAwareness': {
        const states = [...room.awareness.getStates().keys()]
        this.#send(conn, awarenessMessage(room.awareness, states), 'awareness')
        return
      }
      case 'auth':
        return
    }
  }

  #writer(
    conn: Connection,
    right: RecordRight | undefined,
    parents?: ReadonlyMap<string, RecordRight>,
  ): DeviceWriter {
    const doc = conn.room.hot.doc
    const creating = isDraftKey(doc.key) && doc.salesforceId() === null
    const identity = { user: conn.session.userId, device: conn.session.device }
    return deviceWriter(identity, conn.view, creating, right, parents)
  }

  #fail(conn: Connection, error: unknown): void {
    if (conn.closed) return
    if (error instanceof MalformedMessageError) {
      this.#metrics.errors.inc({ code: RelayErrorCode.malformedUpdate })
      this.#close(conn, LiveCloseCode.malformed, error.message)
      return
    }
    const e = toRelayError(error)
    this.#metrics.errors.inc({ code: e.code })
    if (e.code === RelayErrorCode.storeUnavailable) {
      this.#logger.warn({ err: error, doc: conn.room.hot.key.name }, 'store unavailable')
      this.#close(conn, LiveCloseCode.tryAgainLater, `${e.code}: ${e.message}`)
      return
    }
    if (!isRelayError(error) || e.code === RelayErrorCode.internal) {
      this.#logger.error({ err: error, doc: conn.room.hot.key.name }, 'live sync failed')
      this.#close(conn, LiveCloseCode.internal, 'internal error')
      return
    }
    this.#logger.info(
      { code: e.code, doc: conn.room.hot.key.name, device: conn.session.device },
      e.message,
    )
    const code =
      e.code === RelayErrorCode.malformedUpdate ? LiveCloseCode.malformed : LiveCloseCode.forbidden
    this.#close(conn, code, `${e.code}: ${e.message}`)
  }

  #broadcast(event: DocCommitEvent): void {
    const room = this.#rooms.get(event.hot)
    if (!room) return
    let sent = 0
    for (const u of event.updates) {
      const message = updateMessage(u.payload)
      for (const conn of room.conns) if (conn !== u.origin && this.#write(conn, message)) sent++
    }
    if (sent > 0) this.#metrics.liveFrames.inc({ direction: 'out', type: 'sync' }, sent)
  }

  #send(conn: Connection, message: Uint8Array, type: string): void {
    if (this.#write(conn, message)) this.#metrics.liveFrames.inc({ direction: 'out', type })
  }

  /** Sends a frame unless the connection is gone or too slow (then closed); true when sent. */
  #write(conn: Connection, message: Uint8Array): boolean {
    if (conn.closed || conn.ws.readyState !== 1) return false
    if (raw(conn.ws).bufferedAmount > this.#maxBuffered) {
      this.#close(conn, LiveCloseCode.tryAgainLater, 'too slow')
      return false
    }
    raw(conn.ws).send(message)
    return true
  }

  #close(conn: Connection, code: number, reason: string): void {
    if (!conn.closed) this.#metrics.liveCloses.inc({ code: String(code) })
    this.#leave(conn)
    try {
      conn.ws.close(code, reason.slice(0, 120))
    } catch {
      raw(conn.ws).terminate()
    }
  }

  #leave(conn: Connection): void {
    if (conn.closed) return
    conn.closed = true
    const { room } = conn
    room.conns.delete(conn)
    this.#metrics.liveConnections.dec()
    const clients = [...conn.awarenessClients].filter((c) => room.awareness.getStates().has(c))
    if (clients.length > 0) {
      awarenessProtocol.removeAwarenessStates(room.awareness, clients, null)
      const update = awarenessProtocol.encodeAwarenessUpdate(room.awareness, clients)
      const message = awarenessFrame(update)
      for (const other of room.conns) this.#send(other, message, 'awareness')
      this.#onAwareness?.(room.hot.key, update)
    }
    this.#checkEditors(room)
    if (room.conns.size === 0) {
      room.awareness.destroy()
      this.#rooms.delete(room.hot)
      if (this.#roomsByKey.get(docKeyString(room.hot.key)) === room)
        this.#roomsByKey.delete(docKeyString(room.hot.key))
    }
    this.#hub.release(room.hot)
  }

  /** Tells `onEditorsLeft` when the last live editor of a document has left. */
  #checkEditors(room: Room): void {
    if (!room.editing || editorsPresent(room.conns, room.awareness)) return
    room.editing = false
    this.#onEditorsLeft?.(room.hot.key)
  }

  #ping(): void {
    const now = this.#now()
    for (const room of [...this.#rooms.values()]) {
      for (const conn of [...room.conns]) {
        if (now >= conn.session.expiresAt) {
          this.#close(conn, LiveCloseCode.sessionEnded, 'session expired')
        } else if (!conn.alive) {
          this.#leave(conn)
          raw(conn.ws).terminate()
        } else {
          conn.alive = false
          raw(conn.ws).ping()
        }
      }
    }
  }
}
