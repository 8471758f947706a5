import { randomUUID } from 'node:crypto'
import { Redis } from 'ioredis'
import type { Logger } from 'pino'
import { redactUrl } from '../store/store-errors.js'
import { decodeBusMessage, encodeBusMessage } from './bus-codec.js'
import type { BusHandlers, BusMessage, RelayBus } from './relay-bus.js'

/** Stable code of {@link RedisUnreachableError}. */
export const REDIS_UNREACHABLE = 'BRIEFCASE_REDIS_UNREACHABLE'

/** Redis did not answer when the relay started. */
export class RedisUnreachableError extends Error {
  override readonly name = 'RedisUnreachableError'
  readonly code: typeof REDIS_UNREACHABLE = REDIS_UNREACHABLE
}

/** Options of {@link connectRedisBus}. */
export interface RedisRelayBusOptions {
  /** `redis://[user:password@]host:port[/db]`. */
  url: string
  /** Prefix of the channel the relays share (default `briefcase:`): one per deployment. */
  prefix?: string
  /** This relay's id (default a random UUID). */
  relayId?: string
  logger: Logger
  /** How long the start-up check waits for Redis, in ms (default 3000). */
  connectTimeoutMs?: number
}

/**
 * Connects to Redis once (no retry) and pings it, then returns the bus. Throws
 * {@link RedisUnreachableError} naming the URL when Redis does not answer.
 */
export async function connectRedisBus(options: RedisRelayBusOptions): Promise<RedisRelayBus> {
  const probe = new Redis(options.url, {
    lazyConnect: true,
    retryStrategy: () => null,
    maxRetriesPerRequest: 0,
    connectTimeout: options.connectTimeoutMs ?? 3000,
  })
  probe.on('error', () => undefined)
  try {
    await probe.connect()
    await probe.ping()
  } catch (error) {
    throw new RedisUnreachableError(
      `${REDIS_UNREACHABLE}: Redis at ${redactUrl(options.url)} does not answer (${String((error as Error).message ?? error)}).`,
      { cause: error },
    )
  } finally {
    probe.disconnect()
  }
  return new RedisRelayBus(options)
}

/**
 * Fan-out between relays over one Redis pub/sub channel (`<prefix>relay-bus`), with ioredis.
 * Publishing goes through one connection and never queues while Redis is away (the message is
 * dropped: the other relays catch up from the store); receiving goes through another, which
 * reconnects and resubscribes by itself and then tells the relay to catch up.
 */
export class RedisRelayBus implements RelayBus {
  readonly relayId: string
  readonly shared = true
  readonly #channel: string
  readonly #logger: Logger
  readonly #pub: Redis
  readonly #sub: Redis
  #handlers: BusHandlers | undefined
  #subscribedOnce = false
  #lost = false
  #closed = false

  constructor(options: RedisRelayBusOptions) {
    this.relayId = options.relayId ?? randomUUID()
    this.#channel = `${options.prefix ?? 'briefcase:'}relay-bus`
    this.#logger = options.logger
    const common = { retryStrategy: (times: number) => Math.min(100 * times, 2000) }
    this.#pub = new Redis(options.url, { ...common, enableOfflineQueue: false })
    this.#sub = new Redis(options.url, { ...common, autoResubscribe: false })
    const url = redactUrl(options.url)
    for (const client of [this.#pub, this.#sub]) {
      client.on('error', (error: Error) => this.#logger.debug({ err: error, url }, 'Redis error'))
    }
    this.#sub.on('close', () => {
      if (this.#closed || this.#lost) return
      this.#lost = true
      this.#logger.warn(
        { url },
        'Redis lost: fan-out between relays paused (live clients of this relay still sync); reconnecting',
      )
    })
    this.#sub.on('ready', () => {
      this.#sub.subscribe(this.#channel).then(
        () => {
          if (this.#lost) this.#logger.info({ url }, 'Redis back: catching up from the store')
          this.#lost = false
          if (this.#subscribedOnce) this.#handlers?.resubscribed()
          this.#subscribedOnce = true
        },
        (error: unknown) => this.#logger.warn({ err: error, url }, 'Redis subscribe failed'),
      )
    })
    this.#sub.on('messageBuffer', (_channel: Buffer, bytes: Buffer) => this.#receive(bytes))
  }

  /** True while the receiving connection is subscribed. */
  get connected(): boolean {
    return this.#subscribedOnce && !this.#lost
  }

  publish(message: BusMessage): void {
    if (this.#closed || this.#pub.status !== 'ready') return
    this.#pub
      .publish(this.#channel, Buffer.from(encodeBusMessage({ ...message, relay: this.relayId })))
      .catch((error: unknown) => this.#logger.debug({ err: error }, 'Redis publish failed'))
  }

  subscribe(handlers: BusHandlers): () => void {
    this.#handlers = handlers
    return () => {
      if (this.#handlers === handlers) this.#handlers = undefined
    }
  }

  async close(): Promise<void> {
    this.#closed = true
    this.#handlers = undefined
    await Promise.all([this.#pub, this.#sub].map((c) => c.quit().catch(() => c.disconnect())))
  }

  #receive(bytes: Buffer): void {
    const message = decodeBusMessage(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length))
    if (!message || message.relay === this.relayId) return
    try {
      this.#handlers?.message(message)
    } catch (error) {
      this.#logger.error({ err: error }, 'bus message failed')
    }
  }
}
