import { MAX_PREFERENCES } from '@briefcase/protocol'
import {
  BriefcaseClientError,
  BriefcaseClientErrorCode,
  isBriefcaseClientError,
} from '../errors.js'
import type { CacheIndex } from '../storage/cache-index.js'

/**
 * Refuses offline preferences Salesforce would refuse, before any network call: more than
 * {@link MAX_PREFERENCES} items (`BRIEFCASE_TOO_MANY_PREFERENCES`), or the same item twice.
 */
export function checkPreferences(items: readonly string[]): void {
  if (items.length > MAX_PREFERENCES) {
    throw new BriefcaseClientError(
      BriefcaseClientErrorCode.tooManyPreferences,
      `At most ${MAX_PREFERENCES} offline items can be chosen (got ${items.length}).`,
    )
  }
  if (new Set(items).size !== items.length) {
    throw new BriefcaseClientError(
      BriefcaseClientErrorCode.badRequest,
      'Offline items must be distinct.',
    )
  }
}

/**
 * A list the relay serves (offline items, preferences, quick actions): fetched and kept in the
 * index when online, the kept copy when offline (`BRIEFCASE_OFFLINE` if never fetched).
 */
export async function freshOrKept<T>(
  index: CacheIndex,
  key: string,
  online: boolean,
  fetch: () => Promise<T>,
): Promise<T> {
  if (online) {
    try {
      const fresh = await fetch()
      await index.setMeta(key, fresh)
      return fresh
    } catch (error) {
      if (!isBriefcaseClientError(error, BriefcaseClientErrorCode.offline)) throw error
    }
  }
  const kept = await index.getMeta<T>(key)
  if (kept === undefined) {
    throw new BriefcaseClientError(
      BriefcaseClientErrorCode.offline,
      `Not available offline yet (${key}): connect once to cache it.`,
    )
  }
  return kept
}
