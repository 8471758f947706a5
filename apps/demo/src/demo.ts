/**
 * The demo page's script (`/demo.js`), beside the elements bundle (`/elements.js`): it registers
 * the service worker that lets the app start with no network (and offers new versions), keeps the
 * record on screen in the address (`?record=Account/001…`), so a reload, offline or not, shows
 * the same record, and names the signed-in user in the title. Everything else is the elements.
 */
import type { BriefcaseSession, OpenRecordEvent, SessionChangeEvent } from '@briefcase/elements'

import { registerServiceWorker } from './app-update.js'

const RECORD_PARAM = 'record'

function remember(doc: string | null): void {
  const url = new URL(window.location.href)
  if (doc) url.searchParams.set(RECORD_PARAM, doc)
  else url.searchParams.delete(RECORD_PARAM)
  window.history.replaceState(window.history.state, '', url)
}

async function main(): Promise<void> {
  const banner = document.getElementById('update')
  if (banner) registerServiceWorker(banner)
  await customElements.whenDefined('briefcase-session')
  const session = document.querySelector<BriefcaseSession>('briefcase-session')
  if (!session) return
  session.addEventListener('briefcase-open-record', (event: OpenRecordEvent) => {
    remember(event.doc)
  })
  const signedIn = (user: string | null): void => {
    document.title = user ? `${user} · Briefcase demo` : 'Briefcase demo'
    const doc = new URL(window.location.href).searchParams.get(RECORD_PARAM)
    if (user && doc) session.selectRecord(doc)
    if (!user) remember(null)
  }
  session.addEventListener('briefcase-session-change', (event: SessionChangeEvent) => {
    signedIn(event.session?.user.name ?? null)
  })
  if (session.session) signedIn(session.session.user.name)
}

void main()
