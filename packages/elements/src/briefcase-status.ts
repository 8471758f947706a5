import type { BriefcaseClient, ClientStatus } from '@briefcase/client'
import { LitElement, css, html, nothing } from 'lit'
import type { CSSResultGroup, PropertyValues, TemplateResult } from 'lit'
import { customElement, property } from 'lit/decorators.js'
import { ClockController } from './controllers/clock-controller.js'
import { StatusController } from './controllers/status-controller.js'
import { dateTime, isoTime, relativeTime } from './format/time-format.js'
import { controls } from './styles/controls.js'
import { tokens } from './styles/tokens.js'

/** The connection in words, and the style of its badge. */
function connection(status: ClientStatus | null): { label: string; tone: string } {
  if (!status) return { label: 'Starting', tone: '' }
  if (!status.signedIn) return { label: 'Signed out', tone: '' }
  if (status.forcedOffline) return { label: 'Working offline', tone: 'offline' }
  if (status.online) return { label: 'Online', tone: 'online' }
  if (status.reachable === false && navigator.onLine)
    return { label: 'Relay unreachable', tone: 'offline' }
  return { label: 'Offline', tone: 'offline' }
}

/**
 * A one-line status bar: online or offline, syncing, how many records have changes Salesforce
 * does not have yet (and how many failed), and when the cache was last refreshed. At narrow
 * widths it keeps the badges and drops the words around them.
 *
 * @summary Online/offline, syncing, pending changes and last refresh.
 *
 * @csspart bar - The whole bar.
 * @csspart connection - The online/offline badge.
 * @csspart syncing - The "Syncing" indicator (present only while syncing).
 * @csspart pending - The pending-change count.
 * @csspart refreshed - The last refresh time.
 *
 * @cssprop [--briefcase-status-background=#f3f3f3] - Background of the bar.
 * @cssprop [--briefcase-status-online-color=#2e844a] - Colour of the online dot.
 * @cssprop [--briefcase-status-offline-color=#5c5c5c] - Colour of the offline dot.
 */
@customElement('briefcase-status')
export class BriefcaseStatus extends LitElement {
  static override styles: CSSResultGroup = [
    tokens,
    controls,
    css`
      :host {
        display: block;
        container-type: inline-size;
      }
      [part='bar'] {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: var(--_space-2) var(--_space-4);
        padding: var(--_space-2) var(--_space-4);
        background: var(--briefcase-status-background, var(--_surface-alt));
        border-radius: var(--_radius);
      }
      .dot {
        width: 0.625rem;
        height: 0.625rem;
        border-radius: 50%;
        background: var(--briefcase-status-offline-color, var(--_offline));
      }
      .online .dot {
        background: var(--briefcase-status-online-color, var(--_success));
      }
      [part='connection'] {
        display: inline-flex;
        align-items: center;
        gap: var(--_space-1);
        font-weight: 700;
      }
      .spinner {
        width: 0.75rem;
        height: 0.75rem;
        border: 2px solid var(--_brand-light);
        border-top-color: var(--_brand);
        border-radius: 50%;
        animation: spin 0.8s linear infinite;
      }
      @keyframes spin {
        to {
          transform: rotate(360deg);
        }
      }
      @media (prefers-reduced-motion: reduce) {
        .spinner {
          animation: none;
        }
      }
      [part='refreshed'] {
        margin-inline-start: auto;
      }
      @container (max-width: 28rem) {
        .wide {
          position: absolute;
          width: 1px;
          height: 1px;
          overflow: hidden;
          clip: rect(0 0 0 0);
        }
        [part='bar'] {
          gap: var(--_space-2);
          padding: var(--_space-1) var(--_space-2);
        }
      }
    `,
  ]

  /** A client to use instead of the one `<briefcase-session>` provides. */
  @property({ attribute: false }) client: BriefcaseClient | undefined

  #status = new StatusController(this)
  #clock = new ClockController(this)

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('client')) this.#status.useClient(this.client)
  }

  protected override render(): TemplateResult {
    const status = this.#status.status
    const { label, tone } = connection(status)
    const pending = this.#status.pendingCount
    const failed = this.#status.failedCount
    const lastRefresh = status?.lastRefresh ?? null
    return html`<div part="bar" role="status" aria-label="Sync status">
      <span part="connection" class=${tone}
        ><span class="dot" aria-hidden="true"></span>${label}</span
      >
      ${
        status?.syncing
          ? html`<span part="syncing" class="badge brand"
              ><span class="spinner" aria-hidden="true"></span>Syncing</span
            >`
          : nothing
      }
      ${
        status?.signedIn
          ? html`<span part="pending" class="badge ${pending > 0 ? 'warning' : 'success'}"
                ><span
                  >${pending}<span class="wide"> ${pending === 1 ? 'record' : 'records'}</span>
                  pending</span
                ></span
              >
              ${failed > 0 ? html`<span class="badge error">${failed} failed</span>` : nothing}
              <span part="refreshed" class="weak">
                ${
                  lastRefresh === null
                    ? 'Never refreshed'
                    : html`<span class="wide">Refreshed </span
                        ><time datetime=${isoTime(lastRefresh)} title=${dateTime(lastRefresh)}
                          >${relativeTime(lastRefresh, this.#clock.now)}</time
                        >`
                }
              </span>`
          : nothing
      }
    </div>`
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'briefcase-status': BriefcaseStatus
  }
}
