import { createHash } from 'node:crypto'
import type { PendingChange } from '@briefcase/record'

/**
 * A digest of what a pending change would send: its operation, each field's old and new value
 * and the stamp of the edit, and its dependencies. A record blocked by an error stays blocked
 * while this is unchanged: a new edit, or a server change to its fields, unblocks it.
 */
export function pendingFingerprint(pending: PendingChange): string {
  const fields = pending.fields.map((f) => [f.field, f.old, f.new, f.at])
  const deleted = pending.deleted?.at ?? null
  const data = JSON.stringify([pending.operation, fields, pending.dependsOn, deleted])
  return createHash('sha256').update(data).digest('hex')
}
