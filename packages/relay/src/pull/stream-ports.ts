/**
 * The change stream's durable state: per channel, the replay id of the last change event whose
 * change the relay has applied (its acknowledgement). Resubscribing replays what followed it.
 */
export interface ReplayStore {
  /** The acknowledged replay id of a channel, or null before the first. */
  replayId(channel: string): Promise<number | null>
  setReplayId(channel: string, replayId: number): Promise<void>
  /** Forgets a channel's replay id (after a gap: it can no longer be resumed from). */
  clearReplayId(channel: string): Promise<void>
}

/** A change event as the relay uses it: where it came from and what it names. */
export interface StreamEvent {
  readonly channel: string
  readonly sobject: string
  readonly replayId: number
  readonly changeType: string
  readonly recordIds: readonly string[]
  /** `com/salesforce/api/rest/62.0;client=…`: who wrote. */
  readonly changeOrigin: string
  /** Commit time, ms since the epoch. */
  readonly commitTimestamp: number
  /** The user who made the change. */
  readonly commitUser: string
  /**
   * UPDATE: the fields changed (`Name`, or `BillingAddress.City` for a compound's component;
   * LastModifiedDate included); empty for other change types.
   */
  readonly changedFields: readonly string[]
  /**
   * The event's body without its header: UPDATE the changed fields' new values (null when
   * cleared), CREATE and UNDELETE every populated field, DELETE and gap events nothing.
   * Compound fields nest (`BillingAddress: { City }`, a person's `Name: { FirstName }`).
   */
  readonly fields: Readonly<Record<string, unknown>>
}

/** Stages of an event's handling, for tests (a crash between apply and acknowledgement). */
export type StreamStage = 'received' | 'applied' | 'acknowledged'
