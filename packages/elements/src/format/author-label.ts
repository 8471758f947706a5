import type { Author } from '@briefcase/record'
import type { Session } from '../client-types.js'
import { shortDevice } from './presence.js'

/**
 * Who made an edit, from this user's point of view: "you, on this device", "you, on device
 * 3f9a", "user 005… in Salesforce" for a change made in Salesforce, or "user 005… on device 3f9a".
 */
export function authorLabel(author: Author, session: Session | null): string {
  if (author.device.startsWith('sf-')) return `user ${author.user} in Salesforce`
  const device =
    session && author.device === session.device
      ? 'on this device'
      : `on device ${shortDevice(author.device)}`
  if (session && author.user === session.user.id) return `you, ${device}`
  return `user ${author.user}, ${device}`
}
