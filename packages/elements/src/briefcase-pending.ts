import type { BriefcaseClient, PendingChangeView } from '@briefcase/client'
import type { FieldSchema, HlcString } from '@briefcase/record'
import { decodeHlc } from '@briefcase/record'
import { LitElement, css, html, nothing } from 'lit'
import type { CSSResultGroup, PropertyValues, TemplateResult } from 'lit'
import { customElement, property } from 'lit/decorators.js'
import { PendingController } from './controllers/pending-controller.js'
import { OpenRecordEvent } from './events/open-record-event.js'
import { authorLabel } from './format/author-label.js'
import { displayName, pendingValues } from './format/display-name.js'
import { fieldLabel, formatValue } from './format/field-value.js'
import type { TextChange } from './format/text-change.js'
import { textChange } from './format/text-change.js'
import { dateTime, isoTime } from './format/time-format.js'
import { controls } from './styles/controls.js'
import { tokens } from './styles/tokens.js'

/** Each state in words and the badge tone to show it with. */
const STATES: Readonly<Record<PendingChangeView['state'], { text: string; tone: string }>> = {
  saved: { text: 'Saved on this device', tone: 'warning' },
  received: { text: 'Sent to the relay', tone: 'brand' },
  written: { text: 'In Salesforce', tone: 'success' },
  failed: { text: 'Failed', tone: 'error' },
  superseded: { text: 'Replaced by a later edit', tone: 'warning' },
  deleted: { text: 'Deleted by someone else', tone: 'error' },
}

const OPERATIONS = { create: 'Create', update: 'Update', delete: 'Delete' } as const

/** Long text, or text past a line: shown as the changed part with context, not cut at its start. */
function isLong(f: PendingChangeView['fields'][number], schema: FieldSchema | undefined): boolean {
  if (!f.old || !f.new) return false
  if (schema?.type === 'textarea') return true
  return String(f.old).length > 80 || String(f.new).length > 80
}

/** One side of a short text diff: context, the removed (or added) part marked, context. */
function renderDiff(change: TextChange, side: 'removed' | 'added'): TemplateResult {
  const part = change[side]
  const marked =
    part === '' ? nothing : side === 'removed' ? html`<del>${part}</del>` : html`<ins>${part}</ins>`
  // One line: the span keeps the text's own line breaks (pre-wrap), so no template whitespace.
  return html`<span class="diff-text"
    >${change.cutStart ? '…' : ''}${change.before}${marked}${change.after}${change.cutEnd ? '…' : ''}</span
  >`
}

function stampTime(at: HlcString): number {
  return decodeHlc(at).wall
}

/**
 * Pending changes, like the Salesforce mobile app's Pending Changes page: every record with a
 * change Salesforce does not have yet, in the order they are sent, with the operation, the fields
 * (Salesforce's value → the new one), who made the change on which device, when, and where it
 * stands. A failed change shows Salesforce's message and the fields it names, with Fix (open the
 * record there) and Retry. Notices tell the user when a later edit replaced theirs or someone
 * deleted the record. Discard puts Salesforce's values back; Undo delete takes back this
 * device's delete while it has not left the device.
 *
 * @summary The ordered list of changes not yet in Salesforce, with failures and notices.
 *
 * @fires briefcase-open-record - The user chose Fix or a record's name (`OpenRecordEvent`: `doc`, `field`).
 *
 * @csspart list - The ordered list.
 * @csspart change - One record's pending change.
 * @csspart fields - The table of changed fields.
 * @csspart error - A failed change's message.
 * @csspart notice - A superseded or deleted notice.
 * @csspart actions - The buttons of one change.
 *
 * @cssprop [--briefcase-pending-background=#ffffff] - Background of the card.
 * @cssprop [--briefcase-pending-border=#c9c9c9] - Border colour of the card.
 * @cssprop [--briefcase-pending-failed-accent=#ba0517] - Left accent of a failed change.
 */
@customElement('briefcase-pending')
export class BriefcasePending extends LitElement {
  static override styles: CSSResultGroup = [
    tokens,
    controls,
    css`
      :host {
        display: block;
        background: var(--briefcase-pending-background, var(--_surface));
        border: 1px solid var(--briefcase-pending-border, var(--_border));
        border-radius: var(--_radius);
        padding: var(--_space-3) var(--_space-4);
      }
      .header {
        display: flex;
        align-items: baseline;
        gap: var(--_space-2);
      }
      ol {
        list-style: none;
        margin: var(--_space-2) 0 0;
        padding: 0;
      }
      [part='change'] {
        border-top: 1px solid var(--_border);
        padding: var(--_space-3) 0 var(--_space-3) var(--_space-2);
        border-left: 3px solid transparent;
      }
      [part='change'].failed {
        border-left-color: var(--briefcase-pending-failed-accent, var(--_error));
      }
      .title {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: var(--_space-2);
      }
      .title button.link {
        font-weight: 700;
      }
      .meta {
        font-size: var(--_font-size-small);
        margin: var(--_space-1) 0;
      }
      table {
        border-collapse: collapse;
        width: 100%;
        margin: var(--_space-1) 0;
        font-size: var(--_font-size-small);
      }
      th,
      td {
        text-align: start;
        padding: var(--_space-1) var(--_space-2) var(--_space-1) 0;
        vertical-align: top;
        overflow-wrap: break-word;
      }
      tbody th {
        width: 30%;
      }
      thead th {
        color: var(--_text-weak);
        font-weight: 400;
      }
      td.old {
        color: var(--_text-weak);
        text-decoration: line-through;
      }
      .diff-text {
        white-space: pre-wrap;
      }
      td.diff del {
        background: var(--_error-light);
        color: var(--_error);
      }
      td.diff ins {
        background: var(--_success-light);
        color: #194e31;
        text-decoration: none;
        font-weight: 700;
      }
      [part='error'],
      [part='notice'] {
        margin: var(--_space-2) 0;
      }
      [part='actions'] {
        display: flex;
        flex-wrap: wrap;
        gap: var(--_space-2);
      }
    `,
  ]

  /** A client to use instead of the one `<briefcase-session>` provides. */
  @property({ attribute: false }) client: BriefcaseClient | undefined

  #pending = new PendingController(this)

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('client')) this.#pending.useClient(this.client)
  }

  #field(sobject: string, name: string): FieldSchema | undefined {
    return this.#pending.descriptions.get(sobject)?.schema.fields[name]
  }

  /**
   * Runs an action of one change; when it took away the focused button (the change left the list,
   * or Undo and Discard went), the focus goes to the change's name, else to the list's heading.
   */
  async #act(doc: string, action: (doc: string) => Promise<void>): Promise<void> {
    await action(doc)
    await this.updateComplete
    const root = this.renderRoot as ShadowRoot
    const elsewhere = document.activeElement !== null && document.activeElement !== document.body
    if (root.activeElement || (elsewhere && document.activeElement !== this)) return
    const name = root.querySelector<HTMLElement>(`[data-doc="${CSS.escape(doc)}"] .title button`)
    ;(name ?? root.querySelector<HTMLElement>('#title'))?.focus()
  }

  #open(doc: string, field: string | null = null): void {
    this.dispatchEvent(new OpenRecordEvent(doc, field))
  }

  protected override render(): TemplateResult {
    const pending = this.#pending
    const changes = pending.changes
    return html`
      <div class="header">
        <h2 id="title" tabindex="-1">Pending changes</h2>
        <span class="weak">${changes.length}</span>
      </div>
      ${pending.error ? html`<p class="notice error" role="alert">${pending.error}</p>` : nothing}
      ${
        pending.loaded && changes.length === 0
          ? html`<p class="weak">Salesforce has every change.</p>`
          : nothing
      }
      <ol part="list" aria-labelledby="title">
        ${changes.map((change) => this.#renderChange(change))}
      </ol>
    `
  }

  #renderChange(change: PendingChangeView): TemplateResult {
    const state = STATES[change.state]
    const label = this.#pending.descriptions.get(change.sobject)?.label ?? change.sobject
    const busy = this.#pending.busy.has(change.doc)
    const name = displayName(change.name, change.key, label, pendingValues(change.fields))
    return html`<li part="change" class=${change.state} data-doc=${change.doc}>
      <div class="title">
        ${
          change.operation
            ? html`<span class="badge">${OPERATIONS[change.operation]}</span>`
            : nothing
        }
        <button class="link" @click=${() => this.#open(change.doc)}>${name}</button>
        <span class="weak">${label}</span>
        <span class="badge ${state.tone}">${state.text}</span>
        ${
          change.retrying !== null
            ? html`<span class="badge">Retrying (attempt ${change.retrying})</span>`
            : nothing
        }
      </div>
      ${
        change.author && change.changedAt !== null
          ? html`<p class="meta weak">
              Changed by ${authorLabel(change.author, this.#session())} ·
              <time datetime=${isoTime(change.changedAt)}>${dateTime(change.changedAt)}</time>
            </p>`
          : nothing
      }
      ${
        change.dependsOn.length > 0
          ? html`<p class="meta weak">
              Waits for ${change.dependsOn.length} new record(s) it refers to.
            </p>`
          : nothing
      }
      ${this.#renderFields(change)} ${this.#renderError(change)} ${this.#renderNotices(change)}
      <div part="actions">
        ${
          change.state === 'failed'
            ? html`<button
                  class="brand"
                  @click=${() => this.#open(change.doc, change.error?.fields[0] ?? null)}
                >
                  Fix
                </button>
                <button
                  ?disabled=${busy}
                  @click=${() => void this.#act(change.doc, (doc) => this.#pending.retry(doc))}
                >
                  Retry
                </button>`
            : nothing
        }
        ${
          change.operation === 'delete' &&
          change.state === 'saved' &&
          change.deleted?.author.device === this.#session()?.device
            ? html`<button
                ?disabled=${busy}
                aria-label="Undo the delete of ${name}"
                @click=${() => void this.#act(change.doc, (doc) => this.#pending.undoDelete(doc))}
              >
                Undo delete
              </button>`
            : nothing
        }
        ${
          change.superseded.length > 0 || change.deleted
            ? html`<button
                ?disabled=${busy}
                @click=${() => void this.#act(change.doc, (doc) => this.#pending.dismiss(doc))}
              >
                Dismiss
              </button>`
            : nothing
        }
        ${
          change.operation && change.operation !== 'delete'
            ? html`<button
                class="destructive"
                ?disabled=${busy}
                aria-label="Discard changes to ${name}"
                @click=${() => void this.#act(change.doc, (doc) => this.#pending.discard(doc))}
              >
                Discard
              </button>`
            : nothing
        }
      </div>
    </li>`
  }

  #session(): BriefcaseClient['session'] {
    return this.#pending.client?.session ?? null
  }

  #renderFields(change: PendingChangeView): TemplateResult | typeof nothing {
    if (change.fields.length === 0) return nothing
    const create = change.operation === 'create'
    return html`<table part="fields">
      <thead>
        <tr>
          <th scope="col">Field</th>
          ${create ? nothing : html`<th scope="col">Salesforce has</th>`}
          <th scope="col">New value</th>
        </tr>
      </thead>
      <tbody>
        ${change.fields.map((f) => {
          const schema = this.#field(change.sobject, f.field)
          const names = this.#pending.names
          const diff =
            !create && typeof f.old === 'string' && typeof f.new === 'string' && isLong(f, schema)
              ? textChange(f.old, f.new)
              : null
          return html`<tr>
            <th scope="row">${fieldLabel(f.field, schema)}</th>
            ${
              create
                ? nothing
                : diff
                  ? html`<td class="diff">${renderDiff(diff, 'removed')}</td>`
                  : html`<td class="old">${formatValue(f.old, schema, names)}</td>`
            }
            <td class=${diff ? 'diff' : ''}>
              ${diff ? renderDiff(diff, 'added') : formatValue(f.new, schema, names)}
            </td>
          </tr>`
        })}
      </tbody>
    </table>`
  }

  #renderError(change: PendingChangeView): TemplateResult | typeof nothing {
    const error = change.error
    if (change.state !== 'failed' || !error) return nothing
    const fields = error.fields.map((f) => fieldLabel(f, this.#field(change.sobject, f)))
    return html`<div part="error" class="notice error" role="alert">
      <strong>Salesforce refused this change:</strong> ${error.message}
      ${fields.length > 0 ? html`<br />Fields: ${fields.join(', ')}` : nothing}
      <span class="weak">(${error.code})</span>
    </div>`
  }

  #renderNotices(change: PendingChangeView): TemplateResult[] {
    const session = this.#session()
    const notices = change.superseded.map((s) => {
      const schema = this.#field(change.sobject, s.field)
      return html`<p part="notice" class="notice warning" role="note">
        Your edit of
        <strong>${fieldLabel(s.field, schema)}</strong> (“${formatValue(s.value, schema)}”) was
        replaced by a later edit (“${formatValue(s.by.value, schema)}”) by
        ${authorLabel(s.by.author, session)} at ${dateTime(stampTime(s.by.at))}.
      </p>`
    })
    if (change.deleted) {
      const who = change.deleted.onServer
        ? 'in Salesforce'
        : `by ${authorLabel(change.deleted.author, session)}`
      const lost = [...new Set(change.beaten.map((b) => b.field))]
      notices.push(
        html`<p part="notice" class="notice error" role="note">
          This record was deleted ${who} at ${dateTime(stampTime(change.deleted.at))}.
          ${
            lost.length > 0
              ? `Your edits to ${lost.map((f) => fieldLabel(f, this.#field(change.sobject, f))).join(', ')} were not applied.`
              : ''
          }
        </p>`,
      )
    }
    return notices
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'briefcase-pending': BriefcasePending
  }
}
