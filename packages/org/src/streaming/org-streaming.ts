import type { Clock } from '../clock.js'
import type { Schema } from '../schema/registry.js'
import { BayeuxClients } from './bayeux-clients.js'
import { ChangeCapture, type StreamingOptions } from './change-capture.js'

/** The org's Streaming API: Change Data Capture and the CometD clients reading it. */
export interface OrgStreaming {
  readonly capture: ChangeCapture
  readonly clients: BayeuxClients
  /** How long a `/meta/connect` is held without events. */
  readonly connectTimeoutMs: number
}

/** Creates an org's streaming state. */
export function createOrgStreaming(
  schema: Schema,
  clock: Clock,
  options: StreamingOptions = {},
): OrgStreaming {
  const capture = new ChangeCapture(schema, clock, options)
  const clients = new BayeuxClients(options.clientTimeoutMs ?? 40_000)
  capture.bus.onPublish(() => clients.wakeAll())
  return { capture, clients, connectTimeoutMs: options.connectTimeoutMs ?? 110_000 }
}
