/**
 * @packageDocumentation
 * Test support for the relay: a browser-like sign-in with `fetch`, a relay (with an embedded
 * org) listening on a free port, and checks for the services some tests need (PostgreSQL,
 * Redis) with throw-away PostgreSQL schemas. For tests, benchmarks and scripts only.
 */
export type { SignInDeviceOptions, StartedSignIn } from './sign-in.js'
export { signInDevice, startSignIn } from './sign-in.js'
export type { EmbeddedOrg, TestRelay, TestRelayOptions } from './test-relay.js'
export { startTestRelay } from './test-relay.js'
export type { CheckServiceOptions, ServiceCheck } from './services.js'
export { checkService } from './services.js'
export type { TestSchemas } from './postgres.js'
export { checkPostgres, testPostgresUrl, testSchemas } from './postgres.js'
export type { RedisProcess } from './redis-process.js'
export {
  checkRedis,
  checkRedisServer,
  freePort,
  startRedisProcess,
  testRedisUrl,
} from './redis-process.js'
export type { TcpProxy } from './tcp-proxy.js'
export { startTcpProxy } from './tcp-proxy.js'
