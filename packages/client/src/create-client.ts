import type { BriefcaseClient } from './briefcase-client.js'
import { BriefcaseClientError } from './errors.js'
import type { BriefcaseClientOptions } from './options.js'

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
  throw new BriefcaseClientError(
    'BRIEFCASE_CLOSED',
    `The client is being built (${String(options.relayUrl)}).`,
  )
}
