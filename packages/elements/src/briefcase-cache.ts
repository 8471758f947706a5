import type { BriefcaseClient, CacheEntry, CachedDashboard } from '@briefcase/client'
import { LitElement, css, html, nothing } from 'lit'
import type { CSSResultGroup, PropertyValues, TemplateResult } from 'lit'
import { customElement, property } from 'lit/decorators.js'
import { CacheController } from './controllers/cache-controller.js'
import { ClockController } from './controllers/clock-controller.js'
import { StorageController } from './controllers/storage-controller.js'
import { RovingFocusController } from './controllers/roving-focus-controller.js'
import { OpenRecordEvent } from './events/open-record-event.js'
import { groupByObject, sourceLabel, syncLabel } from './format/cache-labels.js'
import { byteSize } from './format/byte-size.js'
import { displayName } from './format/display-name.js'
import { dateTime, isoTime, relativeTime } from './format/time-format.js'
import { controls } from './styles/controls.js'
import { tokens } from './styles/tokens.js'

/**
 * The offline cache: cached records grouped by object with why each is cached, when it was last
 * opened on this device and when it expires (never while a change is pending), the dashboards cached with them,
 * and a Refresh button with a progress bar. Choosing a record asks for it to be shown. The list
 * is one Tab stop: ↑/↓ move between records, Home/End go to the first and last.
 *
 * @summary Cached records by object, dashboards, and refresh with progress.
 *
 * @fires briefcase-open-record - The user chose a record (`OpenRecordEvent`: `doc`).
 *
 * @slot header-actions - Extra controls beside the Refresh button (e.g. `<briefcase-create>`).
 *
 * @csspart header - The heading row with the Refresh button.
 * @csspart refresh - The Refresh button.
 * @csspart progress - The refresh progress bar.
 * @csspart group - One object's section.
 * @csspart record - One cached record's row.
 * @csspart dashboards - The dashboards section.
 * @csspart storage - What the device stores for this site, its quota, and whether it is persistent.
 *
 * @cssprop [--briefcase-cache-background=#ffffff] - Background of the card.
 * @cssprop [--briefcase-cache-border=#c9c9c9] - Border colour of the card.
 * @cssprop [--briefcase-cache-progress-color=#0176d3] - Colour of the progress bar.
 * @cssprop [--briefcase-cache-max-height=36rem] - Height past which the record list scrolls.
 */
@customElement('briefcase-cache')
export class BriefcaseCache extends LitElement {
  static override styles: CSSResultGroup = [
    tokens,
    controls,
    css`
      :host {
        display: block;
        background: var(--briefcase-cache-background, var(--_surface));
        border: 1px solid var(--briefcase-cache-border, var(--_border));
        border-radius: var(--_radius);
        padding: var(--_space-3) var(--_space-4);
      }
      [part='header'] {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: var(--_space-2);
        margin-bottom: var(--_space-2);
      }
      [part='header'] h2 {
        margin-inline-end: auto;
      }
      .track {
        height: 0.5rem;
        border-radius: 0.25rem;
        background: var(--_surface-alt);
        overflow: hidden;
        margin: var(--_space-2) 0;
      }
      .fill {
        height: 100%;
        background: var(--briefcase-cache-progress-color, var(--_brand));
        transition: width 0.2s;
      }
      .indeterminate .fill {
        width: 30%;
        animation: slide 1.2s ease-in-out infinite;
      }
      @keyframes slide {
        from {
          transform: translateX(-100%);
        }
        to {
          transform: translateX(350%);
        }
      }
      .records {
        max-height: var(--briefcase-cache-max-height, 36rem);
        overflow: auto;
        overscroll-behavior: contain;
      }
      section {
        margin-top: var(--_space-3);
      }
      ul {
        list-style: none;
        margin: var(--_space-1) 0 0;
        padding: 0;
      }
      li {
        display: flex;
        flex-wrap: wrap;
        align-items: baseline;
        gap: var(--_space-1) var(--_space-3);
        padding: var(--_space-2) 0;
        border-top: 1px solid var(--_surface-alt);
      }
      .meta {
        display: flex;
        flex-wrap: wrap;
        gap: var(--_space-1) var(--_space-3);
        font-size: var(--_font-size-small);
      }
      button.link {
        font-weight: 700;
        text-align: start;
        white-space: normal;
      }
    `,
  ]

  /** A client to use instead of the one `<briefcase-session>` provides. */
  @property({ attribute: false }) client: BriefcaseClient | undefined

  /** Only records of this object (API name), e.g. `Account`. */
  @property() sobject = ''

  #cache = new CacheController(this)
  #clock = new ClockController(this)
  #storage = new StorageController(this)
  #roving = new RovingFocusController(this, () => [
    ...this.renderRoot.querySelectorAll<HTMLElement>('[part=record] button'),
  ])

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('client')) {
      this.#cache.useClient(this.client)
      this.#storage.useClient(this.client)
    }
  }

  /** Refreshes the cache (as the Refresh button does). */
  refresh(): Promise<unknown> {
    return this.#cache.refresh()
  }

  protected override render(): TemplateResult {
    const cache = this.#cache
    const entries = this.sobject
      ? cache.entries.filter((e) => e.sobject === this.sobject)
      : cache.entries
    return html`
      <div part="header">
        <h2 id="title">Offline cache</h2>
        <span class="weak">${entries.length} ${entries.length === 1 ? 'record' : 'records'}</span>
        <slot name="header-actions"></slot>
        <button
          part="refresh"
          ?disabled=${!cache.signedIn}
          aria-disabled=${cache.refreshing ? 'true' : 'false'}
          @click=${() => {
            // Not disabled while refreshing: a disabled button would drop the keyboard focus.
            if (!cache.refreshing) void this.#cache.refresh()
          }}
        >
          ${cache.refreshing ? 'Refreshing…' : 'Refresh'}
        </button>
      </div>
      ${this.#renderProgress()}
      ${cache.error ? html`<p class="notice error" role="alert">${cache.error}</p>` : nothing}
      ${
        cache.lastResult && !cache.refreshing
          ? html`<p class="weak" role="status">
              Refreshed: ${cache.lastResult.added} added, ${cache.lastResult.removed}
              removed${cache.lastResult.usingDefault ? ' (default cache)' : ''}.
            </p>`
          : nothing
      }
      ${
        cache.loaded && entries.length === 0
          ? html`<p class="weak">The cache is empty. Refresh to download your records.</p>`
          : nothing
      }
      <div class="records" @keydown=${this.#roving.keydown} @focusin=${this.#roving.focusin}>
        ${groupByObject(entries).map(([sobject, group]) => this.#renderGroup(sobject, group))}
      </div>
      ${this.sobject ? nothing : this.#renderDashboards(cache.dashboards)} ${this.#renderStorage()}
    `
  }

  #renderStorage(): TemplateResult | typeof nothing {
    const facts = this.#storage.facts
    if (!facts) return nothing
    return html`<p part="storage" class="weak">
      Stored on this device: ${byteSize(facts.usage)} of ${byteSize(facts.quota)} available.
      ${
        facts.persisted
          ? 'Persistent storage: on (the browser keeps it when space runs low).'
          : 'Persistent storage: not granted (the browser may clear it when space runs low).'
      }
    </p>`
  }

  #renderProgress(): TemplateResult | typeof nothing {
    const progress = this.#cache.progress
    if (!progress) return nothing
    const known = progress.total > 0
    const percent = known ? Math.round((progress.done / progress.total) * 100) : 0
    return html`<div
      part="progress"
      class="track ${known ? '' : 'indeterminate'}"
      role="progressbar"
      aria-label="Refreshing the cache"
      aria-valuemin="0"
      aria-valuemax=${known ? progress.total : 100}
      aria-valuenow=${known ? progress.done : nothing}
      aria-valuetext=${known ? `${progress.done} of ${progress.total} records` : 'Starting'}
    >
      <div class="fill" style="width: ${known ? percent : 30}%"></div>
    </div>`
  }

  #renderGroup(sobject: string, entries: CacheEntry[]): TemplateResult {
    return html`<section part="group" aria-labelledby="group-${sobject}">
      <h3 id="group-${sobject}">
        ${this.#cache.pluralLabels.get(sobject) ?? sobject}
        <span class="weak">(${entries.length})</span>
      </h3>
      <ul>
        ${entries.map((entry) => this.#renderEntry(entry))}
      </ul>
    </section>`
  }

  #renderEntry(entry: CacheEntry): TemplateResult {
    const now = this.#clock.now
    const sync = syncLabel(entry.syncStatus)
    return html`<li part="record" data-doc=${entry.doc}>
      <button class="link" @click=${() => this.dispatchEvent(new OpenRecordEvent(entry.doc))}>
        ${displayName(entry.name, entry.key, entry.sobject)}
      </button>
      <span class="meta">
        <span class="badge">${sourceLabel(entry.source)}</span>
        ${entry.draft ? html`<span class="badge warning">New, not yet in Salesforce</span>` : nothing}
        ${sync ? html`<span class="badge ${sync.tone}">${sync.text}</span>` : nothing}
        <span class="weak">
          ${
            entry.lastOpened === null
              ? 'Not opened on this device'
              : html`Opened
                  <time datetime=${isoTime(entry.lastOpened)} title=${dateTime(entry.lastOpened)}
                    >${relativeTime(entry.lastOpened, now)}</time
                  >`
          }
        </span>
        <span class="weak">
          ${
            entry.pendingCount > 0
              ? 'Kept until its changes reach Salesforce'
              : html`Expires
                  <time datetime=${isoTime(entry.expiresAt)} title=${dateTime(entry.expiresAt)}
                    >${relativeTime(entry.expiresAt, now)}</time
                  >`
          }
        </span>
      </span>
    </li>`
  }

  #renderDashboards(dashboards: CachedDashboard[]): TemplateResult | typeof nothing {
    if (dashboards.length === 0) return nothing
    return html`<section part="dashboards" aria-labelledby="dashboards-title">
      <h3 id="dashboards-title">Dashboards <span class="weak">(${dashboards.length})</span></h3>
      <ul>
        ${dashboards.map(
          (d) =>
            html`<li>
              <span>${d.title}</span>
              <span class="meta weak"
                >Read-only snapshot, taken ${dateTime(Date.parse(d.takenAt))}</span
              >
            </li>`,
        )}
      </ul>
    </section>`
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'briefcase-cache': BriefcaseCache
  }
}
