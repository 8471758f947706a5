/**
 * @packageDocumentation
 * The relays' live fan-out over Redis (`@briefcase/relay/redis`): an entry of its own, so that a
 * relay without `--redis` never loads ioredis (the server imports it only when Redis is
 * configured).
 */
export type { RedisRelayBusOptions } from './bus/redis-relay-bus.js'
export {
  REDIS_UNREACHABLE,
  RedisRelayBus,
  RedisUnreachableError,
  connectRedisBus,
} from './bus/redis-relay-bus.js'
