import type { BriefcaseClient, PendingChangeView } from '@briefcase/client'
import { createBriefcaseClient } from '@briefcase/client'
import type { ReactiveController } from 'lit'
import type { ObjectDescription, Session } from '../client-types.js'
import { errorMessage } from '../format/error-message.js'
import type { ControllerHost } from './client-controller.js'

/** The URL fragment the relay's sign-in returns the session in. */
const SESSION_FRAGMENT = 'briefcase_session='

/** What `<briefcase-session>` needs of the page it runs in (replaceable in tests). */
export interface SessionPage {
  /** The page's address. */
  href(): string
  /** Replaces the address without loading (drops the sign-in fragment). */
  replace(url: string): void
  /** Goes to another address (the relay's sign-in). */
  assign(url: string): void
}

/**
 * Asks the browser to keep this site's storage under pressure (`navigator.storage.persist()`),
 * once a user signed in: their offline edits live there. What it granted shows in the cache view.
 */
async function requestPersistentStorage(): Promise<void> {
  try {
    await navigator.storage?.persist?.()
  } catch {
    // Refused or unsupported: the cache view says the storage is not persistent.
  }
}

/** The page's own location and history. */
export const windowPage: SessionPage = Object.freeze({
  href: () => window.location.href,
  replace: (url: string) => window.history.replaceState(window.history.state, '', url),
  assign: (url: string) => window.location.assign(url),
})

/**
 * Holds the client of a `<briefcase-session>`: creates it for the relay (unless one is given),
 * completes a sign-in the relay returned to this page with, signs in and out, and reports the
 * session. On logout it never drops unsynced changes silently: `unsynced` lists them until the
 * user discards them or they reach the relay.
 */
export class SessionController implements ReactiveController {
  readonly #host: ControllerHost
  readonly #onSession: (session: Session | null) => void
  #client: BriefcaseClient | null = null
  #owned = false
  #connected = false
  #lastSession: Session | null = null
  #listening: BriefcaseClient | null = null
  /** The page's location and history. */
  page: SessionPage = windowPage
  /** True until the client restored its session (or found none). */
  starting = true
  /** True while signing out. */
  signingOut = false
  /** Set when a sign-out could not flush: the changes a discard would lose. */
  unsynced: PendingChangeView[] | null = null
  /** Schemas (labels) of the objects in `unsynced`, where the device has them. */
  descriptions: ReadonlyMap<string, ObjectDescription> = new Map()
  /** The last failure (sign-in, sign-out), in words. */
  error: string | null = null

  constructor(host: ControllerHost, onSession: (session: Session | null) => void) {
    this.#host = host
    this.#onSession = onSession
    host.addController(this)
  }

  /** The client, once created or given. */
  get client(): BriefcaseClient | null {
    return this.#client
  }

  /** The signed-in user and device, or `null`. */
  get session(): Session | null {
    return this.#client?.session ?? null
  }

  /** Uses a client made by the page (it stays the page's to close). */
  useClient(client: BriefcaseClient): void {
    if (client === this.#client) return
    this.#drop()
    this.#client = client
    this.#owned = false
    this.#start(client)
  }

  /** Creates a client for the relay at `relayUrl` (closing one this controller made before). */
  connect(relayUrl: string): void {
    this.#drop()
    try {
      const client = createBriefcaseClient({ relayUrl })
      this.#client = client
      this.#owned = true
      this.#start(client)
    } catch (error) {
      this.starting = false
      this.error = errorMessage(error)
      this.#host.requestUpdate()
    }
  }

  hostConnected(): void {
    this.#connected = true
    if (this.#client) this.#listen(this.#client)
  }

  hostDisconnected(): void {
    this.#connected = false
    this.#listen(null)
  }

  /** Goes to the relay's sign-in (the org's login page); it returns to this page. */
  signIn(): void {
    const client = this.#client
    if (!client) return
    this.page.assign(client.signInUrl(this.page.href()))
  }

  /** Flushes and signs out; on failure `unsynced` holds what a discard would lose. */
  async signOut(): Promise<void> {
    const client = this.#client
    if (!client || this.signingOut) return
    await this.#busy(async () => {
      const result = await client.logout()
      if (!result.ok) this.descriptions = await describe(client, result.unsynced)
      this.unsynced = result.ok ? null : result.unsynced
    })
  }

  /** Signs out and drops the unsynced changes. */
  async discardAndSignOut(): Promise<void> {
    const client = this.#client
    if (!client || this.signingOut) return
    await this.#busy(async () => {
      await client.discardAndLogout()
      this.unsynced = null
    })
  }

  /** Keeps the session after a sign-out that could not flush. */
  keepSession(): void {
    this.unsynced = null
    this.#host.requestUpdate()
  }

  /** Closes a client this controller created. */
  async close(): Promise<void> {
    const client = this.#owned ? this.#client : null
    this.#owned = false
    this.#drop()
    await client?.close()
  }

  async #busy(work: () => Promise<void>): Promise<void> {
    this.signingOut = true
    this.#host.requestUpdate()
    try {
      await work()
      this.error = null
    } catch (error) {
      this.error = errorMessage(error)
    } finally {
      this.signingOut = false
      this.#changed()
    }
  }

  #start(client: BriefcaseClient): void {
    this.starting = true
    if (this.#connected) this.#listen(client)
    this.#host.requestUpdate()
    void (async () => {
      try {
        await client.ready
        const href = this.page.href()
        if (!client.session && href.includes(SESSION_FRAGMENT)) {
          await client.completeSignIn(href)
          await requestPersistentStorage()
          const url = new URL(href)
          url.hash = ''
          this.page.replace(url.href)
        }
        this.error = null
      } catch (error) {
        this.error = errorMessage(error)
      } finally {
        if (client === this.#client) {
          this.starting = false
          this.#changed()
        }
      }
    })()
  }

  #listen(client: BriefcaseClient | null): void {
    if (client === this.#listening) return
    this.#listening?.removeEventListener('status-change', this.#onStatus)
    client?.addEventListener('status-change', this.#onStatus)
    this.#listening = client
  }

  #onStatus = (): void => this.#changed()

  #changed(): void {
    const session = this.session
    if (
      session?.device !== this.#lastSession?.device ||
      session?.user.id !== this.#lastSession?.user.id
    ) {
      this.#lastSession = session
      this.#onSession(session)
    }
    this.#host.requestUpdate()
  }

  #drop(): void {
    this.#listen(null)
    const client = this.#owned ? this.#client : null
    this.#client = null
    this.#owned = false
    client?.close().catch((error: unknown) => {
      this.error = errorMessage(error)
    })
  }
}

/** The schemas of the changes' objects the device holds (labels); others are left out. */
async function describe(
  client: BriefcaseClient,
  changes: readonly PendingChangeView[],
): Promise<Map<string, ObjectDescription>> {
  const sobjects = [...new Set(changes.map((c) => c.sobject))]
  const described = await Promise.all(
    sobjects.map((o) =>
      client.schema(o).then(
        (d) => [o, d] as const,
        () => null,
      ),
    ),
  )
  return new Map(described.filter((d) => d !== null))
}
