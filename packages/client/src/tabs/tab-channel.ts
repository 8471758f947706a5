/** Messages between the tabs of one user on one device. */
export type TabMessage =
  /** A record document changed in the sending tab (already stored): apply it if loaded. */
  | { type: 'update'; doc: string; update: Uint8Array }
  /** Index entries changed (status, pending, cache membership); `docs: null`: many. */
  | { type: 'index'; docs: string[] | null }
  /** A refresh completed at `at`. */
  | { type: 'refreshed'; at: number }
  /** The user logged out in the sending tab: close everything, the data is being deleted. */
  | { type: 'logout' }

/**
 * A BroadcastChannel between the tabs of a user (`briefcase:<userId>:<device>`): edits reach the
 * other tabs' open records at once (y-indexeddb does not propagate between tabs), and index
 * changes refresh their lists.
 */
export class TabChannel {
  readonly #channel: BroadcastChannel | null
  #listener: ((message: TabMessage) => void) | null = null

  constructor(Channel: (new (name: string) => BroadcastChannel) | null, name: string) {
    this.#channel = Channel ? new Channel(name) : null
    if (this.#channel) {
      this.#channel.onmessage = (event: MessageEvent<TabMessage>) => this.#listener?.(event.data)
    }
  }

  onMessage(listener: (message: TabMessage) => void): void {
    this.#listener = listener
  }

  post(message: TabMessage): void {
    this.#channel?.postMessage(message)
  }

  close(): void {
    this.#listener = null
    this.#channel?.close()
  }
}
