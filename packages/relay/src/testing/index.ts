/**
 * @packageDocumentation
 * Test support for the relay: a browser-like sign-in with `fetch`, and a relay (with an embedded
 * org) listening on a free port. For tests, benchmarks and scripts only.
 */
export type { SignInDeviceOptions, StartedSignIn } from './sign-in.js'
export { signInDevice, startSignIn } from './sign-in.js'
export type { EmbeddedOrg, TestRelay, TestRelayOptions } from './test-relay.js'
export { startTestRelay } from './test-relay.js'
