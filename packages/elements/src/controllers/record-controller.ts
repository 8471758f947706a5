import type { BriefcaseClient, PendingChangeView, RecordHandle } from '@briefcase/client'
import { isBriefcaseClientError } from '@briefcase/client'
import type { FieldValue } from '@briefcase/record'
import { errorMessage } from '../format/error-message.js'
import { presenceColor } from '../format/presence.js'
import { ClientController } from './client-controller.js'

/**
 * Opens one record (from the cache, or from the relay when online), follows its changes from
 * other devices, tabs and Salesforce, and edits it. Every edit is durable on the device when its
 * promise resolves. Set `doc` to switch records; the previous one is closed.
 *
 * @example
 * ```ts
 * class MyRecord extends LitElement {
 *   #record = new RecordController(this)
 *   updated() { this.#record.doc = 'Account/001000000000001AAA' }
 *   render() { return html`${this.#record.handle?.name()}` }
 * }
 * ```
 */
export class RecordController extends ClientController {
  /** The open record, or `null` (none chosen, loading, or failed: see `error`). */
  handle: RecordHandle | null = null
  /** True while the record opens. */
  loading = false
  /** Errors of the last edit of each field, in words. */
  readonly fieldErrors: Map<string, string> = new Map()
  /**
   * Fields whose last edit the device had no room to store (`BRIEFCASE_STORAGE_QUOTA`): the value
   * stays on screen (in memory), not saved; the client stores it with the next write that fits.
   */
  readonly unsaved: Set<string> = new Set()
  #doc: string | undefined
  #client: BriefcaseClient | null = null
  #generation = 0
  #releaseHandle: (() => void) | null = null

  /** The record's document name; setting it opens that record. */
  get doc(): string | undefined {
    return this.#doc
  }

  set doc(doc: string | undefined) {
    if (doc === this.#doc) return
    this.#doc = doc
    if (this.#client) this.#open(this.#client)
  }

  /** The record's pending change (what Salesforce does not have yet), or `null`. */
  get pending(): PendingChangeView | null {
    return this.handle && !this.handle.closed ? this.handle.pending() : null
  }

  protected attach(client: BriefcaseClient): () => void {
    this.#client = client
    const onPending = (event: { doc: string | null }): void => {
      if (event.doc === null || event.doc === this.#doc) this.host.requestUpdate()
    }
    client.addEventListener('pending-change', onPending)
    this.#open(client)
    return () => {
      client.removeEventListener('pending-change', onPending)
      this.#client = null
    }
  }

  protected override cameOnline(): void {
    if (this.#client && !this.handle && !this.loading) this.#open(this.#client)
  }

  protected reset(): void {
    this.#close()
    this.loading = false
    this.fieldErrors.clear()
    this.unsaved.clear()
  }

  /** Sets a field; `false` (and a field error) when the value was refused. */
  async set(field: string, value: unknown): Promise<boolean> {
    const handle = this.handle
    if (!handle) return false
    try {
      await handle.set(field, value)
      this.fieldErrors.delete(field)
      // The client stored every edit it held back with this one.
      for (const held of this.unsaved) this.fieldErrors.delete(held)
      this.unsaved.clear()
      return true
    } catch (error) {
      if (isBriefcaseClientError(error, 'BRIEFCASE_STORAGE_QUOTA')) {
        this.unsaved.add(field)
        this.fieldErrors.set(field, 'Not saved: this device has no room left to store it.')
      } else {
        this.fieldErrors.set(field, errorMessage(error))
      }
      return false
    } finally {
      this.host.requestUpdate()
    }
  }

  /**
   * True while the record holds this device's delete that has not left the device (its pending
   * change is still `saved`): `undoDelete()` can take it back.
   */
  get canUndoDelete(): boolean {
    const pending = this.pending
    return (
      pending?.operation === 'delete' &&
      pending.state === 'saved' &&
      pending.deleted?.author.device === this.#client?.session?.device
    )
  }

  /** Deletes the record (stored on the device at once; Salesforce has it after the next sync). */
  async delete(): Promise<boolean> {
    const handle = this.handle
    if (!handle) return false
    const done = await this.guard(async () => {
      await handle.delete()
      return true
    })
    this.host.requestUpdate()
    return done === true
  }

  /** Takes back this device's delete while it is still on the device (see `canUndoDelete`). */
  async undoDelete(): Promise<boolean> {
    const client = this.#client
    const doc = this.#doc
    if (!client || !doc) return false
    const done = await this.guard(async () => {
      await client.undoDelete(doc)
      return true
    })
    this.host.requestUpdate()
    return done === true
  }

  /** The merged value of a field, or `null` when no record is open. */
  get(field: string): FieldValue {
    return this.handle && !this.handle.closed ? this.handle.get(field) : null
  }

  #open(client: BriefcaseClient): void {
    this.#close()
    const doc = this.#doc
    const generation = ++this.#generation
    this.fieldErrors.clear()
    this.unsaved.clear()
    if (!doc) return
    this.loading = true
    this.host.requestUpdate()
    void this.guard(async () => {
      try {
        const handle = await client.open(doc)
        if (generation !== this.#generation) {
          await handle.close()
          return
        }
        this.#adopt(client, handle)
      } finally {
        if (generation === this.#generation) this.loading = false
      }
    })
  }

  #adopt(client: BriefcaseClient, handle: RecordHandle): void {
    const update = (): void => this.host.requestUpdate()
    handle.addEventListener('record-change', update)
    handle.addEventListener('live-change', update)
    handle.awareness.on('change', update)
    const session = client.session
    if (session) {
      handle.awareness.setLocalStateField('user', {
        name: session.user.name,
        device: session.device,
        color: presenceColor(session.device),
      })
    }
    this.handle = handle
    this.#releaseHandle = () => {
      handle.removeEventListener('record-change', update)
      handle.removeEventListener('live-change', update)
      handle.awareness.off('change', update)
      handle.awareness.setLocalStateField('cursor', null)
      handle.close().catch((error: unknown) => {
        this.error = errorMessage(error)
      })
    }
  }

  #close(): void {
    this.#generation++
    this.#releaseHandle?.()
    this.#releaseHandle = null
    this.handle = null
  }
}
