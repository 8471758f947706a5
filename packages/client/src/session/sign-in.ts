import { Route, SESSION_FRAGMENT } from '@briefcase/protocol'
import { BriefcaseClientError, BriefcaseClientErrorCode } from '../errors.js'

/** A new device id for a sign-in: `web-` and 16 base-36 characters. */
export function newDeviceId(random: () => number): string {
  let id = 'web-'
  for (let i = 0; i < 16; i++) id += Math.floor(random() * 36).toString(36)
  return id
}

/** The relay's sign-in URL, returning to `returnUrl` with the session in the fragment. */
export function signInUrl(relayUrl: URL, returnUrl: string, random: () => number): string {
  const url = new URL(Route.login.replace(/^\//, ''), relayUrl)
  url.searchParams.set('device', newDeviceId(random))
  url.searchParams.set('return', returnUrl)
  return url.href
}

/** The session token in `#briefcase_session=…`, or `BRIEFCASE_BAD_REQUEST`. */
export function tokenFromLocation(location: string | URL): string {
  let hash: string
  try {
    hash = new URL(String(location)).hash
  } catch (cause) {
    throw new BriefcaseClientError(BriefcaseClientErrorCode.badRequest, 'Not a URL.', { cause })
  }
  const token = new URLSearchParams(hash.replace(/^#/, '')).get(SESSION_FRAGMENT)
  if (!token) {
    throw new BriefcaseClientError(
      BriefcaseClientErrorCode.badRequest,
      `No #${SESSION_FRAGMENT}= in the sign-in return URL.`,
    )
  }
  return token
}
