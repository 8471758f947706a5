import type { Connection } from 'jsforce'
import type { StreamEvent } from './stream-ports.js'

/** The change event channel of an object (`Site_Visit__c` → `/data/Site_Visit__ChangeEvent`). */
export function changeChannel(sobject: string): string {
  const name = sobject.endsWith('__c') ? sobject.slice(0, -1) : sobject
  return `/data/${name}ChangeEvent`
}

/** Why Salesforce refused a channel: its replay id left the window, or the object does not publish. */
export type Refusal = 'gap' | 'unavailable'

/** What the stream client reports. */
export interface StreamClientHandlers {
  onEvent(event: StreamEvent): void
  onSubscribed(sobject: string): void
  onRefused(sobject: string, refusal: Refusal, error: string): void
  /** The client is dead (transport down, session refused): open a new one. */
  onDown(reason: string): void
}

/** A Bayeux message as Faye hands it to extensions. */
interface Message {
  channel?: string
  subscription?: string
  successful?: boolean
  error?: string
  advice?: { reconnect?: string }
  ext?: Record<string, unknown>
  data?: {
    payload?: { ChangeEventHeader?: Record<string, unknown> } & Record<string, unknown>
    event?: { replayId?: number }
  }
}

/** The part of jsforce's Faye client the stream uses (its typings leave out `on`/`disconnect`). */
interface FayeClient {
  subscribe(channel: string, listener: (message: Message['data']) => void): PromiseLike<void>
  on(event: 'transport:down', listener: () => void): void
  disconnect(): void
}

/** An open stream: subscribe more objects, or close it. */
export interface StreamClient {
  subscribe(sobject: string): void
  close(): void
}

function eventOf(channel: string, sobject: string, data: Message['data']): StreamEvent | undefined {
  const { ChangeEventHeader: header, ...fields } = data?.payload ?? {}
  const replayId = data?.event?.replayId
  if (!header || typeof replayId !== 'number') return undefined
  return {
    channel,
    sobject,
    replayId,
    changeType: typeof header.changeType === 'string' ? header.changeType : '',
    recordIds: Array.isArray(header.recordIds) ? header.recordIds.map(String) : [],
    changeOrigin: typeof header.changeOrigin === 'string' ? header.changeOrigin : '',
    commitTimestamp: Number(header.commitTimestamp),
    commitUser: typeof header.commitUser === 'string' ? header.commitUser : '',
    changedFields: Array.isArray(header.changedFields) ? header.changedFields.map(String) : [],
    fields,
  }
}

/**
 * Opens jsforce's streaming client (Faye over CometD long polling) on a session, with a replay
 * extension that asks each channel for the events after `replayFrom(channel)` (`-1`: new ones).
 * Faye re-handshakes and resubscribes by itself after `403::Unknown client`; the replay ids it
 * sends then are read again, so it resumes from the last acknowledged event.
 */
export function openStreamClient(
  conn: Connection,
  replayFrom: (channel: string) => number,
  handlers: StreamClientHandlers,
): StreamClient {
  const objects = new Map<string, string>()
  let closed = false
  const down = (reason: string): void => {
    if (closed) return
    closed = true
    client.disconnect()
    handlers.onDown(reason)
  }
  const extension = {
    outgoing(message: Message, callback: (m: Message) => void): void {
      if (message.channel === '/meta/subscribe' && message.subscription) {
        message.ext = {
          ...message.ext,
          replay: { [message.subscription]: replayFrom(message.subscription) },
        }
      }
      callback(message)
    },
    incoming(message: Message, callback: (m: Message) => void): void {
      const meta = message.channel
      if (
        (meta === '/meta/handshake' || meta === '/meta/connect') &&
        message.successful === false
      ) {
        if (message.advice?.reconnect === 'none') down(message.error ?? 'session refused')
      }
      if (meta === '/meta/subscribe' && message.subscription) {
        const sobject = objects.get(message.subscription)
        if (sobject && message.successful) handlers.onSubscribed(sobject)
        else if (sobject) {
          const error = message.error ?? 'refused'
          handlers.onRefused(sobject, /replayId/i.test(error) ? 'gap' : 'unavailable', error)
        }
      }
      callback(message)
    },
  }
  const client = conn.streaming.createClient([extension]) as unknown as FayeClient
  client.on('transport:down', () => down('transport down'))
  return {
    subscribe(sobject) {
      if (closed) return
      const channel = changeChannel(sobject)
      objects.set(channel, sobject)
      const subscription = client.subscribe(channel, (data) => {
        const event = eventOf(channel, sobject, data)
        if (event) handlers.onEvent(event)
      })
      // Refusals arrive through the extension; the promise only needs a handler.
      subscription.then(
        () => undefined,
        () => undefined,
      )
    },
    close() {
      if (closed) return
      closed = true
      client.disconnect()
    },
  }
}
