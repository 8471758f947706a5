import { fieldAccess, ProfileName } from '../security/profiles.js'
import type { Caller } from '../security/access.js'
import type { Schema } from '../schema/registry.js'
import type { BayeuxClient } from './bayeux-clients.js'
import { channelTarget } from './channels.js'
import type { ChangeCapture } from './change-capture.js'
import type { RetainedEvent } from './event-bus.js'
import { createHash } from 'node:crypto'

/** A Bayeux message (request or reply). */
export type BayeuxMessage = Record<string, unknown>

/** A failed reply on a meta channel: Salesforce's `code::message` errors. */
export function failed(
  message: BayeuxMessage,
  error: string,
  extra: BayeuxMessage = {},
): BayeuxMessage {
  return {
    channel: message.channel,
    ...(message.id === undefined ? {} : { id: message.id }),
    ...(message.clientId === undefined ? {} : { clientId: message.clientId }),
    ...(message.subscription === undefined ? {} : { subscription: message.subscription }),
    successful: false,
    error,
    ...extra,
  }
}

/** A successful reply on a meta channel. */
export function succeeded(message: BayeuxMessage, extra: BayeuxMessage = {}): BayeuxMessage {
  return {
    channel: message.channel,
    ...(message.id === undefined ? {} : { id: message.id }),
    ...extra,
    successful: true,
  }
}

/** The replay id a subscribe asks for (`-1` without the replay extension), or an error reply. */
function requestedReplay(message: BayeuxMessage, channel: string): number | BayeuxMessage {
  const ext = message.ext as { replay?: unknown } | undefined
  if (ext?.replay === undefined) return -1
  const map = ext.replay as Record<string, unknown>
  const value = typeof map === 'object' && map !== null ? map[channel] : undefined
  if (value === undefined) {
    return failed(
      message,
      `400::The replayId for channel {${channel}} wasn't found using the provided replay ID map {${JSON.stringify(map)}}. Ensure that the channel name you provided in the replay map is valid and matches the channel name used for subscribing.`,
    )
  }
  const text =
    typeof value === 'string' || typeof value === 'number' ? String(value) : JSON.stringify(value)
  const id = typeof value === 'number' ? value : Number.parseInt(text, 10)
  return Number.isInteger(id) ? id : failed(message, invalidReplay(text))
}

function invalidReplay(value: string): string {
  return `400::The replayId {${value}} you provided was invalid. Please provide a valid ID, -2 to replay all events, or -1 to replay only new events.`
}

/**
 * `/meta/subscribe` for Change Data Capture channels. The subscriber needs View All Data (here:
 * the Sales Manager profile); an object not selected for Change Data Capture has no channel; the
 * replay extension picks the start: `-1` new events, `-2` every retained event, or the events
 * after a replay id still inside the retention window.
 */
export function subscribe(
  schema: Schema,
  capture: ChangeCapture,
  client: BayeuxClient,
  caller: Caller,
  message: BayeuxMessage,
): BayeuxMessage {
  const channel = message.subscription
  if (typeof channel !== 'string' || channel === '') {
    return failed(message, '400::Channel name not specified')
  }
  if (!channel.startsWith('/')) {
    return failed(message, "400::Channel subscriptions must start with a leading '/'")
  }
  const target = channelTarget(schema, channel)
  if (!target || (target.kind === 'entity' && !capture.publishes(target.entity))) {
    return failed(
      message,
      `400::The channel you requested to subscribe to doesn't exist {${channel}}`,
    )
  }
  if (caller.profile !== ProfileName.salesManager) {
    return failed(message, '403:denied_by_security_policy:subscribe_denied')
  }
  const replay = requestedReplay(message, channel)
  if (typeof replay !== 'number') return replay
  let cursor: number
  if (replay === -1) cursor = capture.bus.latest()
  else if (replay === -2) cursor = capture.bus.oldestCursor()
  else if (capture.bus.canResumeFrom(replay)) cursor = replay
  else return failed(message, invalidReplay(String(replay)))
  client.subscriptions.set(channel, { channel, target, cursor })
  return succeeded(message, { clientId: client.id, subscription: channel })
}

/** The opaque schema id of an object's change event (stable per object). */
function schemaId(entity: string): string {
  return createHash('sha256').update(`${entity}ChangeEvent`).digest('base64url').slice(0, 22)
}

/** A change event as a subscriber receives it, without the fields it may not see. */
export function eventMessage(channel: string, event: RetainedEvent, caller: Caller): BayeuxMessage {
  const entity = event.header.entityName
  const visible = (top: string): boolean => fieldAccess(caller.profile, entity, top) !== 'hidden'
  const fields = Object.fromEntries(Object.entries(event.fields).filter(([k]) => visible(k)))
  const header = {
    ...event.header,
    changedFields: event.header.changedFields.filter((f) => visible(f.split('.')[0] ?? f)),
  }
  return {
    channel,
    data: {
      schema: schemaId(entity),
      payload: { ChangeEventHeader: header, ...fields },
      event: { replayId: event.replayId },
    },
  }
}

/** The events each of a client's subscriptions has not been sent yet, oldest first. */
export function pendingEvents(
  capture: ChangeCapture,
  client: BayeuxClient,
  limit: number,
): { messages: { channel: string; event: RetainedEvent }[]; cursors: Map<string, number> } {
  const messages: { channel: string; event: RetainedEvent }[] = []
  const cursors = new Map<string, number>()
  for (const sub of client.subscriptions.values()) {
    const accept = (e: RetainedEvent): boolean =>
      sub.target.kind === 'all' || e.header.entityName === sub.target.entity
    const events = capture.bus.after(sub.cursor, accept, limit)
    for (const event of events) messages.push({ channel: sub.channel, event })
    const last = events.at(-1)
    if (last) cursors.set(sub.channel, last.replayId)
  }
  messages.sort((a, b) => a.event.replayId - b.event.replayId)
  return { messages, cursors }
}
