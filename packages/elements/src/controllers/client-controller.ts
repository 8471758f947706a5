import type { BriefcaseClient } from '@briefcase/client'
import { ContextConsumer } from '@lit/context'
import type { ReactiveController, ReactiveControllerHost } from 'lit'
import { clientContext } from '../context/client-context.js'
import { errorMessage } from '../format/error-message.js'

/** An element a controller can serve. */
export type ControllerHost = ReactiveControllerHost & HTMLElement

/**
 * The base of every data controller: finds the client (the element's own `client` property, or
 * the one `<briefcase-session>` provides through context), calls `attach` once the host is
 * connected and signed in, and releases what `attach` returned on disconnect, sign-out or a new
 * client. Subclasses load their data in `attach` and keep it in fields the element renders.
 */
export abstract class ClientController implements ReactiveController {
  protected readonly host: ControllerHost
  /** The last error of a load or an action, in words, for the element to show. */
  error: string | null = null
  #fromContext: BriefcaseClient | undefined
  #explicit: BriefcaseClient | undefined
  #connected = false
  #attached: { client: BriefcaseClient; signedIn: boolean; release: () => void } | null = null
  #online = false
  #statusListener = (): void => {
    this.#sync()
    this.host.requestUpdate()
  }
  #listenedClient: BriefcaseClient | null = null

  constructor(host: ControllerHost) {
    this.host = host
    host.addController(this)
    new ContextConsumer(host, {
      context: clientContext,
      subscribe: true,
      callback: (client) => {
        this.#fromContext = client
        this.#sync()
      },
    })
  }

  /** The client in use: the explicit one, else the provided one. */
  get client(): BriefcaseClient | undefined {
    return this.#explicit ?? this.#fromContext
  }

  /** True when a client is present and a user is signed in. */
  get signedIn(): boolean {
    return this.client?.session != null
  }

  /** Uses this client instead of the provided one (`undefined`: back to the provided one). */
  useClient(client: BriefcaseClient | undefined): void {
    this.#explicit = client
    this.#sync()
  }

  hostConnected(): void {
    this.#connected = true
    this.#sync()
  }

  hostDisconnected(): void {
    this.#connected = false
    this.#sync()
  }

  /** Subscribes to the client and starts loading; returns what undoes the subscription. */
  protected abstract attach(client: BriefcaseClient): () => void

  /** Called when no client is attached any more (signed out, disconnected): clear the data. */
  protected abstract reset(): void

  /**
   * Called when the attached client comes online (the relay is reachable again): reload what
   * could not be had offline. Does nothing unless overridden.
   */
  protected cameOnline(): void {}

  /** Runs an action or load, keeping its error (in words) in `error`; `undefined` on failure. */
  protected async guard<T>(work: () => Promise<T>): Promise<T | undefined> {
    try {
      const result = await work()
      this.error = null
      return result
    } catch (error) {
      this.error = errorMessage(error)
      return undefined
    } finally {
      this.host.requestUpdate()
    }
  }

  #sync(): void {
    const client = this.#connected ? this.client : undefined
    this.#listenTo(client ?? null)
    const signedIn = client?.session != null
    const online = client?.status.online ?? false
    const wentOnline = online && !this.#online
    this.#online = online
    const current = this.#attached
    if (current && current.client === client && current.signedIn === signedIn) {
      if (wentOnline) this.cameOnline()
      return
    }
    if (current) {
      this.#attached = null
      current.release()
      this.reset()
    }
    if (client && signedIn) {
      this.#attached = { client, signedIn, release: this.attach(client) }
    }
    this.host.requestUpdate()
  }

  #listenTo(client: BriefcaseClient | null): void {
    if (this.#listenedClient === client) return
    this.#listenedClient?.removeEventListener('status-change', this.#statusListener)
    client?.addEventListener('status-change', this.#statusListener)
    this.#listenedClient = client
  }
}
