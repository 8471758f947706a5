import type { RecordHandle } from '@briefcase/client'
import { LitElement, css, html, nothing } from 'lit'
import type { CSSResultGroup, PropertyValues, TemplateResult } from 'lit'
import { customElement, property, query } from 'lit/decorators.js'
import { SharedTextController } from './controllers/shared-text-controller.js'
import { cursorLabel, renderCursorMarks } from './fields/cursor-marks.js'
import { controls } from './styles/controls.js'
import { tokens } from './styles/tokens.js'

/**
 * A long-text field of an open record, shared live: what the user types goes into the record as
 * character edits, so text typed at the same time on other devices merges with it, and other
 * devices' carets show in the text with the person's name and device. Used by
 * `<briefcase-record>` for textarea fields.
 *
 * @summary Shared long text with other devices' cursors.
 *
 * @slot label-after - Shown after the label (e.g. a "not yet in Salesforce" mark).
 *
 * @csspart label - The field's label.
 * @csspart unsaved-mark - The "Not saved" mark when the device had no room to store the text.
 * @csspart textarea - The textarea.
 * @csspart caret - Another device's caret in the text (its colour is `--caret-color`).
 * @csspart presence - The list of other devices editing this field.
 * @csspart presence-item - One device in that list.
 *
 * @cssprop [--briefcase-long-text-min-height=6rem] - Least height of the textarea.
 */
@customElement('briefcase-long-text')
export class BriefcaseLongText extends LitElement {
  static override styles: CSSResultGroup = [
    tokens,
    controls,
    css`
      :host {
        display: block;
      }
      .head {
        display: flex;
        flex-wrap: wrap;
        gap: var(--_space-2);
        align-items: center;
        margin-bottom: var(--_space-1);
      }
      [part='label'] {
        color: var(--_text-weak);
        font-size: var(--_font-size-small);
      }
      .area {
        position: relative;
        display: grid;
      }
      textarea,
      .mirror {
        grid-area: 1 / 1;
        font: inherit;
        line-height: 1.5;
        padding: var(--_space-2) var(--_space-3);
        border: 1px solid transparent;
        white-space: pre-wrap;
        overflow-wrap: break-word;
        scrollbar-gutter: stable;
        letter-spacing: normal;
      }
      textarea {
        min-height: var(--briefcase-long-text-min-height, 6rem);
        border-color: var(--_border);
      }
      .mirror {
        pointer-events: none;
        overflow: hidden;
        color: transparent;
        min-height: 0;
      }
      .caret {
        position: relative;
        border-left: 2px solid var(--caret-color);
        margin-left: -1px;
        margin-right: -1px;
      }
      .flag {
        position: absolute;
        bottom: 100%;
        left: -2px;
        padding: 0 0.25rem;
        border-radius: 0.125rem 0.125rem 0.125rem 0;
        background: var(--caret-color);
        color: #fff;
        font-size: 0.625rem;
        line-height: 1.3;
        white-space: nowrap;
        opacity: 0.9;
      }
      [part='presence'] {
        display: flex;
        flex-wrap: wrap;
        gap: var(--_space-1) var(--_space-3);
        margin: var(--_space-1) 0 0;
        padding: 0;
        list-style: none;
        font-size: var(--_font-size-small);
      }
      .dot {
        display: inline-block;
        width: 0.5rem;
        height: 0.5rem;
        border-radius: 50%;
        margin-inline-end: var(--_space-1);
      }
    `,
  ]

  static override shadowRootOptions: ShadowRootInit = {
    ...LitElement.shadowRootOptions,
    delegatesFocus: true,
  }

  /** The open record (from `client.open()`). */
  @property({ attribute: false }) handle: RecordHandle | null = null
  /** The long-text field's API name, e.g. `Description`. */
  @property() field = ''
  /** The visible label. */
  @property() label = ''
  @property({ type: Boolean }) readonly = false

  @query('textarea') private textarea!: HTMLTextAreaElement | null
  @query('.mirror') private mirror!: HTMLElement | null

  #text = new SharedTextController(this)

  /** Resolves once every edit typed so far is stored on the device. */
  settled(): Promise<void> {
    return this.#text.settled()
  }

  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed)
    this.#text.bind(this.handle, this.field, this.textarea)
    this.#syncScroll()
  }

  #syncScroll(): void {
    if (this.mirror && this.textarea) this.mirror.scrollTop = this.textarea.scrollTop
  }

  protected override render(): TemplateResult {
    const cursors = this.#text.cursors
    return html`
      <div class="head">
        <label part="label" for="text">${this.label || this.field}</label>
        ${
          this.#text.unsaved
            ? html`<span part="unsaved-mark" id="unsaved" class="badge error">Not saved</span>`
            : html`<slot name="label-after"></slot>`
        }
      </div>
      <div class="area">
        <textarea
          part="textarea"
          id="text"
          ?readonly=${this.readonly}
          aria-describedby=${
            [this.#text.unsaved ? 'unsaved' : '', cursors.length > 0 ? 'presence' : '']
              .filter(Boolean)
              .join(' ') || nothing
          }
          @scroll=${() => this.#syncScroll()}
        ></textarea>
        <div class="mirror" aria-hidden="true">${renderCursorMarks(this.#text.text, cursors)}</div>
      </div>
      ${
        this.#text.error
          ? html`<p class="notice error" role="alert">${this.#text.error}</p>`
          : nothing
      }
      ${
        cursors.length > 0
          ? html`<ul
              part="presence"
              id="presence"
              aria-label="Also editing ${this.label || this.field}"
            >
              ${cursors.map(
                (c) =>
                  html`<li part="presence-item" data-device=${c.device}>
                    <span class="dot" style="background: ${c.color}" aria-hidden="true"></span
                    >${cursorLabel(c)}
                  </li>`,
              )}
            </ul>`
          : nothing
      }
    `
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'briefcase-long-text': BriefcaseLongText
  }
}
