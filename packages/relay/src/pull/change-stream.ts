import type { Connection } from 'jsforce'
import type { OutboxEntry, ProjectionLogger } from '../projection/ports.js'
import { eventAction, eventValues, isOutboxWrite, mayChangeAccess } from './change-apply.js'
import type { PullStore } from './ports.js'
import type { Puller } from './puller.js'
import type { StreamClient } from './stream-client.js'
import { changeChannel, openStreamClient } from './stream-client.js'
import type { ReplayStore, StreamEvent, StreamStage } from './stream-ports.js'

/** Tunables of the change stream. */
export interface ChangeStreamOptions {
  /** Poll of objects that publish no change events (or while the stream is down), ms (default 60 000). */
  pollIntervalMs?: number
  /** Safety-net poll of every object, streamed or not, ms (default 600 000). */
  safetyIntervalMs?: number
  /** How often the objects with documents are looked up again, ms (default 30 000). */
  refreshIntervalMs?: number
  /** First delay before reopening a failed stream, ms (default 1 000; doubles up to 30 000). */
  restartDelayMs?: number
}

/** Dependencies of {@link createChangeStream}. */
export interface ChangeStreamConfig {
  /** The session that subscribes (needs View All Data, or View All on each object). */
  session(): Promise<Connection>
  /** Objects the relay holds documents for. */
  objects(): Promise<string[]>
  /** Whether the relay holds a document of any of these records (a read is worth its call). */
  holds(sobject: string, ids: readonly string[]): Promise<boolean>
  /**
   * Marks the documents of records deleted in Salesforce (getDeleted, the puller's way, reads
   * whole minutes at most every two: a DELETE event says it at once).
   */
  deleted(sobject: string, ids: readonly string[], at: string, by: string): Promise<void>
  /**
   * Applies a CREATE's or UPDATE's values (see `eventValues`) to every document of the records
   * it names (see `applyEventValues`): no API call.
   */
  apply(event: StreamEvent, values: Readonly<Record<string, unknown>>): Promise<void>
  /**
   * Awaited before an event that may change who can read its records (see `mayChangeAccess`) is
   * applied (the relay re-checks its live connections' access there, as before a pull pass).
   */
  beforeApply?: (ids: readonly string[]) => Promise<void>
  /** The projector's calls in flight: an event that is one of them is the relay's own write. */
  outbox?: () => Promise<readonly OutboxEntry[]>
  puller: Pick<Puller, 'pullObjects' | 'pullOnce'>
  /** The puller's watermarks: a gap resets one so the next pull reads the whole object. */
  pullStore: PullStore
  replay: ReplayStore
  /**
   * The `Sforce-Call-Options` client of the relay's own calls: events whose `changeOrigin` names
   * it are our own writes (the projector merges them, with their read-back), skipped; so are
   * events matching a call in `outbox` by their commitUser and values.
   */
  ownClient?: string
  logger: ProjectionLogger
  options?: ChangeStreamOptions
  /** Test hook awaited at each stage of an event's handling. */
  onStage?: (stage: StreamStage, event: StreamEvent) => void | Promise<void>
}

/** Which objects are streamed and which are polled now. */
export interface ChangeStreamStatus {
  streamed: string[]
  polled: string[]
}

/** The change stream: Salesforce's change events → the documents of the records they name. */
export interface ChangeStream {
  start(): void
  /** Follows an object's changes from now on, if it does not yet (a document of it appeared). */
  watch(sobject: string): void
  stop(): Promise<void>
  status(): ChangeStreamStatus
}

/**
 * Creates the change stream. It subscribes to `/data/<Object>ChangeEvent` for every object the
 * relay holds documents for, resuming each channel after its acknowledged replay id (durable in
 * the relay store). An event's values are applied to the documents of the records it names as
 * the puller applies a row (a server change stamped with the commitTimestamp by the commitUser,
 * each partition's document taking only its own fields), with no API call; the relay's own writes
 * (changeOrigin, or a call in the outbox) are skipped; only events that lack the values (gaps,
 * undeletes, overflows) make the puller read the object. Only then is the replay id
 * acknowledged, so a crash in between replays it, and a replayed event changes nothing twice.
 * A refused replay id (older than the retention window) is a gap: the object is read whole and
 * the channel starts again from new events. Objects that publish nothing (Salesforce refuses
 * their channel) and every object while the stream is down are polled every `pollIntervalMs`;
 * every object is still polled every `safetyIntervalMs`. A relay holding no document opens no
 * stream (no session, jsforce not loaded) until an object's first documents appear.
 */
export function createChangeStream(config: ChangeStreamConfig): ChangeStream {
  const o = config.options ?? {}
  const logger = config.logger
  const streamed = new Set<string>()
  const fullPull = new Set<string>()
  const acked = new Map<string, number>()
  const queue: StreamEvent[] = []
  const timers: ReturnType<typeof setInterval>[] = []
  let known: string[] = []
  let client: StreamClient | undefined
  let running = false
  let draining: Promise<void> | undefined
  let restartDelay = o.restartDelayMs ?? 1000
  let restartTimer: ReturnType<typeof setTimeout> | undefined
  let opening: Promise<void> | undefined
  /** Objects whose watermark {@link follow} is setting: they subscribe once it is set. */
  const following = new Set<string>()

  const stage = async (s: StreamStage, event: StreamEvent): Promise<void> => {
    await config.onStage?.(s, event)
  }
  const warn = (error: unknown, message: string): void =>
    logger.warn({ error: String(error) }, message)

  const drain = async (): Promise<void> => {
    while (queue.length > 0 && running) {
      const batch = queue.splice(0)
      for (const sobject of [...new Set(batch.map((e) => e.sobject))]) {
        const events = batch.filter((e) => e.sobject === sobject)
        const started = performance.now()
        try {
          await take(sobject, events)
        } catch (error) {
          // Not acknowledged: tried again shortly (a later pull of the object covers it too).
          warn(error, 'Applying change events failed: retrying')
          setTimeout(() => {
            queue.unshift(...events)
            kick()
          }, o.restartDelayMs ?? 1000)
          continue
        }
        const records = events.reduce((n, e) => n + e.recordIds.length, 0)
        const ms = Math.round(performance.now() - started)
        logger.info({ sobject, events: events.length, records, ms }, 'Took change events in')
        for (const e of events) await stage('applied', e)
        const last = events.reduce((max, e) => Math.max(max, e.replayId), 0)
        await config.replay.setReplayId(changeChannel(sobject), last)
        acked.set(changeChannel(sobject), last)
        for (const e of events) await stage('acknowledged', e)
      }
    }
  }
  /**
   * Takes one object's events in, in replay order: values applied to the documents at once,
   * deletes marked, and only events that lack what is needed read from Salesforce (once for all).
   */
  const take = async (sobject: string, events: readonly StreamEvent[]): Promise<void> => {
    const own = config.ownClient ? `;client=${config.ownClient}` : undefined
    let read = false
    let whole = false
    let outbox: readonly OutboxEntry[] | undefined
    for (const e of events) {
      if (own && e.changeOrigin.endsWith(own)) continue
      const action = eventAction(e)
      if (action === 'resync') whole = true
      else if (action === 'read') {
        const wildcard = e.recordIds.length === 0 || e.recordIds.some((id) => id.includes('*'))
        if (wildcard || (await config.holds(sobject, e.recordIds))) read = true
      } else if (action === 'delete') {
        const at = new Date(e.commitTimestamp).toISOString()
        await config.deleted(sobject, e.recordIds, at, e.commitUser)
      } else {
        const values = eventValues(e)
        outbox ??= (await config.outbox?.()) ?? []
        if (isOutboxWrite(e, values, outbox)) continue
        if (mayChangeAccess(e, values)) await config.beforeApply?.(e.recordIds)
        await config.apply(e, values)
      }
    }
    if (whole) await resync(sobject)
    else if (read) await config.puller.pullObjects([sobject])
  }
  const kick = (): void => {
    draining ??= drain()
      .catch((error: unknown) => warn(error, 'Applying change events failed'))
      .finally(() => {
        draining = undefined
        if (queue.length > 0 && running) kick()
      })
  }

  const resync = async (sobject: string): Promise<void> => {
    const mark = await config.pullStore.watermark(sobject)
    await config.pullStore.setWatermark(sobject, { updated: null, deleted: mark.deleted })
    await config.puller.pullObjects([sobject])
  }

  /**
   * Opens the stream on the objects the relay holds documents of. With none, it stays closed (no
   * session, no jsforce, nothing listened to) until an object's first documents appear
   * ({@link follow}), so that a relay holding nothing starts without it.
   */
  const open = async (): Promise<void> => {
    const listed = await config.objects()
    known = [...new Set([...known, ...listed])]
    if (known.length === 0 || !running) return
    const conn = await config.session()
    if (!running) return
    for (const s of known) {
      const stored = await config.replay.replayId(changeChannel(s))
      if (stored !== null) acked.set(changeChannel(s), stored)
    }
    client = openStreamClient(conn, (channel) => acked.get(channel) ?? -1, {
      onEvent: (event) => {
        if (!running) return
        queue.push(event)
        void stage('received', event).then(kick, kick)
      },
      onSubscribed: (sobject) => {
        restartDelay = o.restartDelayMs ?? 1000
        const whole = fullPull.delete(sobject)
        const fromScratch = !acked.has(changeChannel(sobject))
        // Changes made before the subscription are read once: after a gap, the whole object; for
        // an object with no acknowledged event (held before the stream opened, whose first
        // documents just appeared, or resubscribed by Faye after `403::Unknown client` from new
        // events only), what changed since the last pull. The object counts as streamed once
        // that read is done.
        const read = whole
          ? resync(sobject).catch((e: unknown) => warn(e, 'A full pull failed'))
          : fromScratch
            ? config.puller.pullObjects([sobject]).catch((e: unknown) => warn(e, 'A pull failed'))
            : Promise.resolve()
        const subscribedOn = client
        void read.then(() => {
          if (client === subscribedOn) streamed.add(sobject)
        })
      },
      onRefused: (sobject, refusal, error) => {
        streamed.delete(sobject)
        if (refusal === 'gap') {
          logger.warn({ sobject, error }, 'Change events were lost (gap): reading the object whole')
          acked.delete(changeChannel(sobject))
          fullPull.add(sobject)
          config.replay
            .clearReplayId(changeChannel(sobject))
            // After Faye has dropped the refused subscription (it answers a subscribe it still
            // holds without asking Salesforce).
            .then(() => setTimeout(() => client?.subscribe(sobject), 10))
            .catch((e: unknown) => warn(e, 'Resubscribing failed'))
          return
        }
        logger.info({ sobject, error }, 'No change events for this object: polling it')
        config.puller.pullObjects([sobject]).catch((e: unknown) => warn(e, 'A pull failed'))
      },
      onDown: (reason) => {
        logger.warn({ reason }, 'The change stream is down: polling until it is back')
        streamed.clear()
        client = undefined
        pollUnstreamed()
        restart()
      },
    })
    for (const s of known) {
      // An object whose watermark is being set subscribes once it is (see follow).
      if (!following.has(s)) client.subscribe(s)
    }
  }

  /** Opens the stream unless it is open, opening or waiting to reopen. */
  const ensureOpen = (
    onFailure: (error: unknown) => void = (error) => {
      warn(error, 'Opening the change stream failed: polling')
      pollUnstreamed()
      restart()
    },
  ): void => {
    if (!running || client || opening || restartTimer) return
    opening = open()
      .catch(onFailure)
      .finally(() => {
        opening = undefined
        // An object followed while an open found none opens it now.
        if (known.length > 0) ensureOpen()
      })
  }

  const restart = (): void => {
    if (!running || restartTimer) return
    restartTimer = setTimeout(() => {
      restartTimer = undefined
      ensureOpen((error) => {
        warn(error, 'Opening the change stream failed')
        restart()
      })
    }, restartDelay)
    restartDelay = Math.min(restartDelay * 2, 30_000)
  }

  const pollUnstreamed = (): void => {
    const polled = known.filter((s) => !streamed.has(s))
    if (polled.length > 0)
      config.puller.pullObjects(polled).catch((e: unknown) => warn(e, 'A poll failed'))
  }

  const refresh = async (): Promise<void> => {
    const now = await config.objects()
    const added = now.filter((s) => !known.includes(s))
    known = now
    for (const s of added) follow(s)
  }

  /**
   * Follows an object that had no documents when the stream opened. Its documents were read from
   * Salesforce just now, so the changes made until its subscription holds are read once it does,
   * from a watermark set now (the puller reads from a minute before it), not the whole object.
   */
  const follow = (sobject: string): void => {
    following.add(sobject)
    config.pullStore
      .watermark(sobject)
      .then(async (mark) => {
        if (mark.updated === null)
          await config.pullStore.setWatermark(sobject, {
            ...mark,
            updated: new Date().toISOString(),
          })
      })
      .catch((e: unknown) => warn(e, 'Setting a watermark failed'))
      .finally(() => {
        following.delete(sobject)
        // The stream's first object opens it (its subscription then includes this one).
        if (client) client.subscribe(sobject)
        else ensureOpen()
      })
  }

  return {
    start() {
      if (running) return
      running = true
      timers.push(setInterval(pollUnstreamed, o.pollIntervalMs ?? 60_000))
      timers.push(
        setInterval(() => {
          config.puller.pullOnce().catch((e: unknown) => warn(e, 'The safety poll failed'))
        }, o.safetyIntervalMs ?? 600_000),
      )
      timers.push(
        setInterval(() => {
          refresh().catch((e: unknown) => warn(e, 'Listing objects failed'))
        }, o.refreshIntervalMs ?? 30_000),
      )
      ensureOpen()
    },
    watch(sobject) {
      if (!running || !sobject || known.includes(sobject)) return
      known = [...known, sobject]
      follow(sobject)
    },
    async stop() {
      running = false
      for (const t of timers.splice(0)) clearInterval(t)
      if (restartTimer) clearTimeout(restartTimer)
      restartTimer = undefined
      client?.close()
      client = undefined
      streamed.clear()
      await draining
    },
    status: () => ({
      streamed: known.filter((s) => streamed.has(s)).sort(),
      polled: known.filter((s) => !streamed.has(s)).sort(),
    }),
  }
}
