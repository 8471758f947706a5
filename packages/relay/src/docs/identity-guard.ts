import { RelayErrorCode } from '@briefcase/protocol'
import { MapRoot, hlcDevice, isHlcString } from '@briefcase/record'
import type * as Y from 'yjs'
import { RelayError } from '../errors.js'

/** Who a session is: the user and the device the relay bound it to at sign-in. */
export interface SessionIdentity {
  user: string
  device: string
}

/** The refusal of an update that names someone other than its session (`BRIEFCASE_IDENTITY_MISMATCH`). */
export function identityMismatch(message: string): RelayError {
  return new RelayError(RelayErrorCode.identityMismatch, `Refused update: ${message}`)
}

/** Checks an edit or delete stamp's HLC device part is the session's device. */
export function checkStamp(identity: SessionIdentity, stamp: string, what: string): void {
  const device = isHlcString(stamp) ? hlcDevice(stamp) : undefined
  if (device !== identity.device) {
    throw identityMismatch(`${what} is not stamped by this session's device ${identity.device}.`)
  }
}

/**
 * Checks an author entry the update writes: a device names only itself, as the session's user
 * (`value` undefined: the entry's deletion, key rule only).
 */
export function checkAuthorEntry(
  identity: SessionIdentity,
  device: string | null,
  value: unknown,
): void {
  if (device !== identity.device) {
    throw identityMismatch(`the author entry of ${String(device)} is not this session's device.`)
  }
  if (value !== undefined && value !== identity.user) {
    throw identityMismatch(`device ${identity.device} belongs to ${identity.user}.`)
  }
}

/** Checks a claim (`{ user, device }` of a delete or a draft's creation) names the session. */
export function checkClaim(identity: SessionIdentity, claim: unknown, what: string): void {
  const c = claim as { user?: unknown; device?: unknown } | null
  if (
    typeof c !== 'object' ||
    c === null ||
    c.user !== identity.user ||
    c.device !== identity.device
  ) {
    throw identityMismatch(`${what} must name this session's user and device.`)
  }
}

/**
 * Checks the document does not already give the session's device to another user (a device id
 * shared before the relay bound ids to users): the update would then be written with that user's
 * authority.
 */
export function checkDocumentAuthor(ydoc: Y.Doc, identity: SessionIdentity): void {
  const owner: unknown = ydoc.getMap(MapRoot.authors).get(identity.device)
  if (owner !== undefined && owner !== identity.user) {
    throw identityMismatch(
      `device ${identity.device} is another user's in this document; sign in again.`,
    )
  }
}
