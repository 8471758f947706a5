import { STATUS_CODES } from 'node:http'
import type { Duplex } from 'node:stream'
import type { Context } from 'hono'

/** What `@hono/node-server` passes as the env of a WebSocket upgrade request. */
interface UpgradeEnv {
  incoming?: { socket?: Duplex }
  outgoing?: unknown
}

/** The raw socket of a refused WebSocket upgrade, or undefined for an ordinary request. */
function upgradeSocket(c: Context): Duplex | undefined {
  if (c.req.header('upgrade')?.toLowerCase() !== 'websocket') return undefined
  const env = c.env as UpgradeEnv | undefined
  if (!env || env.outgoing !== undefined) return undefined
  const socket = env.incoming?.socket
  return socket && !socket.destroyed ? socket : undefined
}

/**
 * Answers a refused WebSocket upgrade with its full response, body included. `@hono/node-server`
 * answers a refused upgrade itself with the status and an empty body; this writes the relay's
 * response (its JSON error) on the socket first and closes it, so the server has nothing left to
 * do. Ordinary requests pass through unchanged.
 */
export async function answerUpgradeRefusal(c: Context, response: Response): Promise<Response> {
  const socket = upgradeSocket(c)
  if (!socket) return response
  const body = Buffer.from(await response.clone().arrayBuffer())
  const head = [
    `HTTP/1.1 ${response.status} ${STATUS_CODES[response.status] ?? ''}`,
    `Content-Type: ${response.headers.get('content-type') ?? 'application/json'}`,
    `Content-Length: ${body.byteLength}`,
    'Connection: close',
  ]
  await new Promise<void>((resolve) => {
    socket.end(Buffer.concat([Buffer.from(`${head.join('\r\n')}\r\n\r\n`), body]), resolve)
  })
  socket.destroy()
  return response
}
