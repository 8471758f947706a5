/**
 * The demo page's script (`/demo.js`), beside the elements bundle (`/elements.js`): it registers
 * the service worker that lets the app start with no network (and offers new versions), keeps the
 * record on screen in the address (`?record=Account/001…`), so a reload, offline or not, shows
 * the same record, and names the signed-in user in the title. Everything else is the elements.
 */
import type { BriefcaseSession, OpenRecordEvent, SessionChangeEvent } from '@briefcase/elements'

import { registerServiceWorker } from './app-update.js'
import { PhonePanes } from './phone-panes.js'

const RECORD_PARAM = 'record'

/** Keeps `doc` in the address; `push` adds a history entry (a phone's back returns to the list). */
function remember(doc: string | null, push = false): void {
  const url = new URL(window.location.href)
  if (doc) url.searchParams.set(RECORD_PARAM, doc)
  else url.searchParams.delete(RECORD_PARAM)
  if (push) window.history.pushState({ pane: 'record' }, '', url)
  else window.history.replaceState(window.history.state, '', url)
}

function recordInAddress(): string | null {
  return new URL(window.location.href).searchParams.get(RECORD_PARAM)
}

async function main(): Promise<void> {
  const banner = document.getElementById('update')
  if (banner) registerServiceWorker(banner)
  await customElements.whenDefined('briefcase-session')
  const session = document.querySelector<BriefcaseSession>('briefcase-session')
  if (!session) return
  const back = document.querySelector<HTMLButtonElement>('#back')
  const panes = back
    ? new PhonePanes(back, () => {
        remember(null)
        panes?.show('list')
      })
    : null
  panes?.show(recordInAddress() ? 'record' : 'list', false)
  session.addEventListener('briefcase-open-record', (event: OpenRecordEvent) => {
    remember(event.doc, (panes?.phone ?? false) && document.body.dataset.pane !== 'record')
    panes?.show('record')
  })
  window.addEventListener('popstate', () => {
    const doc = recordInAddress()
    if (doc) session.selectRecord(doc)
    panes?.show(doc ? 'record' : 'list')
  })
  const signedIn = (user: string | null): void => {
    document.title = user ? `${user} · Briefcase demo` : 'Briefcase demo'
    const doc = recordInAddress()
    if (user && doc) session.selectRecord(doc)
    if (!user) {
      remember(null)
      panes?.show('list', false)
    }
  }
  session.addEventListener('briefcase-session-change', (event: SessionChangeEvent) => {
    signedIn(event.session?.user.name ?? null)
  })
  if (session.session) signedIn(session.session.user.name)
}

void main()
