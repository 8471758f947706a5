import { html } from 'lit'
import type { TemplateResult } from 'lit'
import type { RemoteCursor } from '../controllers/shared-text-controller.js'
import { shortDevice } from '../format/presence.js'

/** Ends the mirrored text, so a trailing newline still takes up its line. */
const ZERO_WIDTH_SPACE = '\u200b'

/** A cursor's label: the person and their device. */
export function cursorLabel(cursor: RemoteCursor): string {
  return `${cursor.name} · ${shortDevice(cursor.device)}`
}

/**
 * The text of a textarea with other devices' carets placed in it, for an overlay that mirrors
 * the textarea (same font, padding and wrapping): the text itself is invisible there, so each
 * caret lands exactly where its position is in the visible textarea.
 */
export function renderCursorMarks(
  text: string,
  cursors: readonly RemoteCursor[],
): TemplateResult[] {
  const placed = cursors
    .map((cursor) => ({ cursor, at: Math.max(0, Math.min(cursor.head, text.length)) }))
    .sort((a, b) => a.at - b.at)
  const parts: TemplateResult[] = []
  let from = 0
  for (const { cursor, at } of placed) {
    parts.push(html`${text.slice(from, at)}`)
    parts.push(
      html`<span part="caret" class="caret" style="--caret-color: ${cursor.color}"
        ><span class="flag">${cursorLabel(cursor)}</span></span
      >`,
    )
    from = at
  }
  // A trailing newline needs a character after it to take up its line in the mirror.
  parts.push(html`${text.slice(from)}${ZERO_WIDTH_SPACE}`)
  return parts
}
