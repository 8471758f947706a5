import { Workbox } from 'workbox-window'

/** How often an open page asks whether a new version was deployed. */
const UPDATE_CHECK_MS = 60 * 60 * 1000

/**
 * Registers the app's service worker (`/sw.js`, the precached app shell) and offers a new version
 * instead of forcing it: when a newly deployed service worker is installed and waiting, `banner`
 * is shown ("A new version is ready: reload"); only its button makes the new version take over,
 * and the page then reloads (the client's `beforeunload` guard still asks while an edit is being
 * stored). The page looks for a new version when it comes back into view, when the network
 * returns, and every hour. Without service worker support the page simply needs the network.
 */
export function registerServiceWorker(banner: HTMLElement, scriptUrl = '/sw.js'): void {
  if (!('serviceWorker' in navigator)) return
  const workbox = new Workbox(scriptUrl)
  const button = banner.querySelector('button')
  workbox.addEventListener('waiting', () => {
    banner.hidden = false
  })
  button?.addEventListener('click', () => {
    button.disabled = true
    workbox.addEventListener('controlling', () => window.location.reload())
    workbox.messageSkipWaiting()
  })
  const check = (): void => {
    workbox.update().catch(() => undefined)
  }
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') check()
  })
  window.addEventListener('online', check)
  setInterval(check, UPDATE_CHECK_MS)
  workbox.register().catch(() => undefined)
}
