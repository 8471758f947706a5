import type { AddressInfo, Socket } from 'node:net'
import { connect, createServer } from 'node:net'

/** A TCP proxy on a free port that a test can cut and restore: see {@link startTcpProxy}. */
export interface TcpProxy {
  /** The port on 127.0.0.1 it listens on. */
  readonly port: number
  /** Closes every connection through it and refuses new ones (reset at once) until restored. */
  cut(): void
  /** Lets connections through again. */
  restore(): void
  /** Stops listening and closes every connection. */
  close(): Promise<void>
}

/**
 * Forwards connections on a free port of 127.0.0.1 to `target`, so a test can make a service
 * (PostgreSQL, Redis) unreachable and reachable again without stopping it for everyone else.
 *
 * @example
 * ```ts
 * const proxy = await startTcpProxy({ host: '127.0.0.1', port: 5432 })
 * const url = `postgres://postgres@127.0.0.1:${proxy.port}/test`
 * proxy.cut() // the relay loses PostgreSQL …
 * proxy.restore() // … and finds it again
 * ```
 */
export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const sockets = new Set<Socket>()
  let open = true
  const track = (socket: Socket): void => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    socket.on('error', () => socket.destroy())
  }
  const server = createServer((client) => {
    track(client)
    if (!open) {
      client.resetAndDestroy()
      return
    }
    const upstream = connect(target.port, target.host)
    track(upstream)
    client.pipe(upstream).pipe(client)
    client.on('close', () => upstream.destroy())
    upstream.on('close', () => client.destroy())
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const destroyAll = (): void => {
    for (const socket of sockets) socket.destroy()
  }
  return {
    port: (server.address() as AddressInfo).port,
    cut() {
      open = false
      destroyAll()
    },
    restore() {
      open = true
    },
    async close() {
      destroyAll()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
