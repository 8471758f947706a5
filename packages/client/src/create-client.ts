import type { BriefcaseClient } from './briefcase-client.js'
import { ClientRuntime } from './client-runtime.js'
import type { BriefcaseClientOptions } from './options.js'
import { resolveOptions } from './resolved-options.js'

/**
 * Creates the Briefcase client of one browser profile (or test). Nothing is shared between
 * clients: two clients in one page (two users, two simulated devices) are independent.
 *
 * @example
 * ```ts
 * const client = createBriefcaseClient({ relayUrl: 'https://relay.example.com' })
 * await client.ready
 * ```
 */
export function createBriefcaseClient(options: BriefcaseClientOptions): BriefcaseClient {
  return new ClientRuntime(resolveOptions(options))
}
