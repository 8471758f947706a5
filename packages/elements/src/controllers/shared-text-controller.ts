import type { RecordHandle } from '@briefcase/client'
import { isBriefcaseClientError } from '@briefcase/client'
import type { ReactiveController } from 'lit'
import { errorMessage } from '../format/error-message.js'
import type { Presence } from '../format/presence.js'
import { readPresence } from '../format/presence.js'
import { mapPosition, textChange } from '../fields/text-edit.js'
import type { ControllerHost } from './client-controller.js'

/** Another device's caret (or selection) in this field. */
export interface RemoteCursor extends Presence {
  /** Awareness client id (one per open record on a device). */
  id: number
  anchor: number
  head: number
}

/** The cursor a device publishes in awareness while it edits a long-text field. */
interface CursorState {
  field: string
  anchor: number
  head: number
}

function readCursor(state: unknown): CursorState | null {
  if (typeof state !== 'object' || state === null || !('cursor' in state)) return null
  const cursor: unknown = state.cursor
  if (typeof cursor !== 'object' || cursor === null) return null
  const { field, anchor, head } = cursor as Record<string, unknown>
  if (typeof field !== 'string' || typeof anchor !== 'number' || typeof head !== 'number') {
    return null
  }
  return { field, anchor, head }
}

/**
 * Binds a `<textarea>` to a long-text field of an open record: local typing goes into the shared
 * text as minimal character edits (so concurrent typing on other devices merges), remote changes
 * come back into the textarea with the caret kept in place, and every device's caret is published
 * and read through awareness.
 *
 * @example
 * ```ts
 * #text = new SharedTextController(this)
 * updated() { this.#text.bind(this.handle, 'Description', this.textarea) }
 * ```
 */
export class SharedTextController implements ReactiveController {
  readonly #host: ControllerHost
  #handle: RecordHandle | null = null
  #field = ''
  #textarea: HTMLTextAreaElement | null = null
  #connected = false
  #release: (() => void) | null = null
  /** Edits not yet durable; each link waits for the one before it. */
  #writes: Promise<void> = Promise.resolve()
  /** The last error of a write, in words. */
  error: string | null = null
  /**
   * True when the device had no room to store the last edit (`BRIEFCASE_STORAGE_QUOTA`): the
   * text stays on screen, not saved; the client stores it with the next write that fits.
   */
  unsaved = false

  constructor(host: ControllerHost) {
    this.#host = host
    host.addController(this)
  }

  /** Other devices' cursors in this field. */
  get cursors(): RemoteCursor[] {
    const handle = this.#handle
    if (!handle || handle.closed) return []
    const cursors: RemoteCursor[] = []
    for (const [id, state] of handle.awareness.getStates()) {
      if (id === handle.awareness.clientID) continue
      const cursor = readCursor(state)
      const who = readPresence(state)
      if (!cursor || !who || cursor.field !== this.#field) continue
      cursors.push({ id, ...who, anchor: cursor.anchor, head: cursor.head })
    }
    return cursors
  }

  /** The field's text as merged now. */
  get text(): string {
    const handle = this.#handle
    if (!handle || handle.closed) return ''
    const value = handle.get(this.#field)
    return typeof value === 'string' ? value : ''
  }

  /** Binds (or rebinds) a handle's field to a textarea. */
  bind(handle: RecordHandle | null, field: string, textarea: HTMLTextAreaElement | null): void {
    if (handle === this.#handle && field === this.#field && textarea === this.#textarea) return
    this.#unbind()
    this.#handle = handle
    this.#field = field
    this.#textarea = textarea
    if (this.#connected) this.#listen()
  }

  hostConnected(): void {
    this.#connected = true
    this.#listen()
  }

  hostDisconnected(): void {
    this.#connected = false
    this.#unbind()
  }

  /** Durable once every edit made so far is stored on the device. */
  settled(): Promise<void> {
    return this.#writes
  }

  #listen(): void {
    const handle = this.#handle
    const textarea = this.#textarea
    if (!handle || !textarea || this.#release) return
    textarea.value = this.text
    const onInput = (): void => this.#local(handle, textarea)
    const onCaret = (): void => this.#publishCursor(handle, textarea)
    const onBlur = (): void => handle.awareness.setLocalStateField('cursor', null)
    const onRemote = (): void => this.#remote(textarea)
    const onAwareness = (): void => this.#host.requestUpdate()
    textarea.addEventListener('input', onInput)
    textarea.addEventListener('select', onCaret)
    textarea.addEventListener('keyup', onCaret)
    textarea.addEventListener('pointerup', onCaret)
    textarea.addEventListener('focus', onCaret)
    textarea.addEventListener('blur', onBlur)
    handle.addEventListener('record-change', onRemote)
    handle.awareness.on('change', onAwareness)
    this.#release = () => {
      textarea.removeEventListener('input', onInput)
      textarea.removeEventListener('select', onCaret)
      textarea.removeEventListener('keyup', onCaret)
      textarea.removeEventListener('pointerup', onCaret)
      textarea.removeEventListener('focus', onCaret)
      textarea.removeEventListener('blur', onBlur)
      handle.removeEventListener('record-change', onRemote)
      handle.awareness.off('change', onAwareness)
    }
  }

  #unbind(): void {
    this.#release?.()
    this.#release = null
  }

  /** The user typed: apply the difference as character edits (applied at once, stored soon). */
  #local(handle: RecordHandle, textarea: HTMLTextAreaElement): void {
    const change = textChange(this.text, textarea.value, textarea.selectionEnd)
    if (!change || handle.closed) return
    const writes: Promise<void>[] = []
    if (change.removed > 0)
      writes.push(handle.deleteText(this.#field, change.start, change.removed))
    if (change.inserted) writes.push(handle.insertText(this.#field, change.start, change.inserted))
    const stored = Promise.all(writes).then(
      () => {
        if (this.unsaved || this.error) this.#host.requestUpdate()
        this.error = null
        this.unsaved = false
      },
      (error: unknown) => {
        this.unsaved = isBriefcaseClientError(error, 'BRIEFCASE_STORAGE_QUOTA')
        this.error = this.unsaved
          ? 'This device is out of storage: this text could not be stored. It stays on screen, marked Not saved; text saved before is safe. Free space on the device, then type again to store it.'
          : errorMessage(error)
        this.#host.requestUpdate()
      },
    )
    this.#writes = Promise.all([this.#writes, stored]).then(() => undefined)
    this.#host.requestUpdate()
    this.#publishCursor(handle, textarea)
  }

  /** The text changed elsewhere: show it, keeping the caret where it was in the text. */
  #remote(textarea: HTMLTextAreaElement): void {
    const next = this.text
    const current = textarea.value
    const change = textChange(current, next)
    if (!change) return
    const { selectionStart, selectionEnd, selectionDirection } = textarea
    const root = textarea.getRootNode()
    const focused = (root instanceof ShadowRoot ? root : document).activeElement === textarea
    textarea.value = next
    if (focused) {
      textarea.setSelectionRange(
        mapPosition(selectionStart, change),
        mapPosition(selectionEnd, change),
        selectionDirection,
      )
    }
    this.#host.requestUpdate()
  }

  #publishCursor(handle: RecordHandle, textarea: HTMLTextAreaElement): void {
    if (handle.closed) return
    const backward = textarea.selectionDirection === 'backward'
    handle.awareness.setLocalStateField('cursor', {
      field: this.#field,
      anchor: backward ? textarea.selectionEnd : textarea.selectionStart,
      head: backward ? textarea.selectionStart : textarea.selectionEnd,
    })
  }
}
