import type { CacheEntry } from '@briefcase/client'

/** Why a record is cached, in words. */
export function sourceLabel(source: CacheEntry['source']): string {
  switch (source) {
    case 'preference':
      return 'Offline item'
    case 'briefcase':
      return 'Briefcase'
    case 'default':
      return 'Recent'
    case 'session':
      return 'Opened'
  }
}

/** A cached record's sync state in words and the badge tone to show it with (`null`: none). */
export function syncLabel(status: CacheEntry['syncStatus']): { text: string; tone: string } | null {
  switch (status) {
    case 'synced':
      return null
    case 'saved':
      return { text: 'Saved on this device', tone: 'warning' }
    case 'received':
      return { text: 'Sent to the relay', tone: 'brand' }
    case 'failed':
      return { text: 'Failed', tone: 'error' }
    case 'superseded':
      return { text: 'Your edit was replaced', tone: 'warning' }
    case 'deleted':
      return { text: 'Deleted by someone else', tone: 'error' }
    case 'loading':
      return { text: 'Downloading', tone: '' }
  }
}

/** Cache entries grouped by object, objects in alphabetical order, entries as listed. */
export function groupByObject(entries: readonly CacheEntry[]): [string, CacheEntry[]][] {
  const groups = new Map<string, CacheEntry[]>()
  for (const entry of entries) {
    const group = groups.get(entry.sobject)
    if (group) group.push(entry)
    else groups.set(entry.sobject, [entry])
  }
  return [...groups].sort(([a], [b]) => a.localeCompare(b))
}
