import { css, html, nothing } from 'lit'
import type { CSSResult, TemplateResult } from 'lit'

/** Styles of the Delete confirmation and the deleted notice of `<briefcase-record>`. */
export const recordDeleteStyles: CSSResult = css`
  [part='deleted'] {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: var(--_space-2);
    margin-top: var(--_space-3);
  }
  [part='delete-dialog'] {
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    padding: var(--_space-4);
    max-width: min(28rem, calc(100vw - 2rem));
    color: var(--_text);
    background: var(--_surface);
  }
  [part='delete-dialog']::backdrop {
    background: rgb(0 0 0 / 0.4);
  }
  .dialog-actions {
    display: flex;
    justify-content: flex-end;
    gap: var(--_space-2);
    margin-top: var(--_space-3);
  }
`

/** What the Delete confirmation shows and does. */
export interface DeleteDialogOptions {
  /** The record's display name. */
  name: string
  cancel: () => void
  confirm: () => void
  /** The dialog closed (confirmed, cancelled or Escape): focus goes back to its opener. */
  closed: () => void
}

/**
 * The confirmation asked before deleting a record: a modal `<dialog>` (open it with
 * `showModal()`), so the browser keeps focus inside and Escape cancels.
 *
 * @example
 * ```ts
 * html`${renderDeleteDialog({ name, cancel, confirm, closed: () => deleteButton.focus() })}`
 * ```
 */
export function renderDeleteDialog(options: DeleteDialogOptions): TemplateResult {
  return html`<dialog
    part="delete-dialog"
    aria-labelledby="delete-title"
    aria-describedby="delete-text"
    @close=${options.closed}
  >
    <h2 id="delete-title">Delete ${options.name}?</h2>
    <p id="delete-text">
      It leaves this device's cache now and is deleted in Salesforce when it syncs. Until it leaves
      this device you can undo it.
    </p>
    <div class="dialog-actions">
      <button autofocus @click=${options.cancel}>Cancel</button>
      <button class="brand" @click=${options.confirm}>Delete</button>
    </div>
  </dialog>`
}

/** What the deleted notice knows. */
export interface DeletedOptions {
  /** The delete is this user's and not in Salesforce yet. */
  mine: boolean
  /** The delete is still on this device only (Undo is offered). */
  canUndo: boolean
  undo: () => void
}

/**
 * The notice on a deleted record, with Undo while the delete has not left the device.
 *
 * @example
 * ```ts
 * html`${renderDeleted({ mine: true, canUndo: true, undo: () => client.undoDelete(doc) })}`
 * ```
 */
export function renderDeleted(options: DeletedOptions): TemplateResult {
  const text = options.canUndo
    ? 'Deleted on this device. Salesforce gets the delete when this device syncs.'
    : options.mine
      ? 'Deleted. The delete has left this device and can no longer be undone.'
      : 'This record was deleted.'
  return html`<div part="deleted" class="notice warning" role="status" tabindex="-1">
    <span>${text}</span>
    ${
      options.canUndo
        ? html`<button part="undo-delete" @click=${options.undo}>Undo</button>`
        : nothing
    }
  </div>`
}
