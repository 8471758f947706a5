import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'
import type { AddressInfo } from 'node:net'
import { Redis } from 'ioredis'
import type { ServiceCheck } from './services.js'
import { checkService } from './services.js'

/** A redis-server of a test's own, on a port of its own (stop it and start it again at will). */
export interface RedisProcess {
  readonly port: number
  readonly url: string
  /** Stops it (SIGKILL: nothing is saved anyway). */
  stop(): Promise<void>
  /** Starts it again on the same port (after {@link RedisProcess.stop}). */
  restart(): Promise<void>
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo
      server.close(() => resolve(port))
    })
  })
}

function launch(port: number, binary: string): Promise<ChildProcess> {
  const child = spawn(
    binary,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  )
  return new Promise((resolve, reject) => {
    let out = ''
    const timer = setTimeout(() => reject(new Error(`redis-server did not start: ${out}`)), 10_000)
    child.once('error', (error) => {
      clearTimeout(timer)
      reject(error)
    })
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString()
      if (out.includes('Ready to accept connections')) {
        clearTimeout(timer)
        resolve(child)
      }
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`redis-server exited with ${String(code)}: ${out}`))
    })
  })
}

/**
 * Starts a redis-server (Debian's `redis-server`, or `binary`) on a free port of 127.0.0.1,
 * keeping nothing on disk. For tests that stop and restart Redis without touching a shared one.
 */
export async function startRedisProcess(binary = 'redis-server'): Promise<RedisProcess> {
  const port = await freePort()
  let child: ChildProcess | undefined = await launch(port, binary)
  const stop = async (): Promise<void> => {
    const c = child
    child = undefined
    if (!c || c.exitCode !== null) return
    await new Promise<void>((resolve) => {
      c.once('exit', () => resolve())
      c.kill('SIGKILL')
    })
  }
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    stop,
    async restart() {
      await stop()
      child = await launch(port, binary)
    },
  }
}

/**
 * {@link checkService} for the `redis-server` program (tests that start a Redis of their own,
 * to stop and restart it): `redis-server --version` must run.
 */
export function checkRedisServer(binary = 'redis-server'): Promise<ServiceCheck> {
  return checkService({
    name: 'redis-server',
    url: `the program ${binary}`,
    probe: () =>
      new Promise<void>((resolve, reject) => {
        const child = spawn(binary, ['--version'], { stdio: 'ignore' })
        child.once('error', reject)
        child.once('exit', (code) =>
          code === 0 ? resolve() : reject(new Error(`exit code ${String(code)}`)),
        )
      }),
  })
}

/** The Redis tests share: `BRIEFCASE_TEST_REDIS_URL`, default `redis://127.0.0.1:6379`. */
export function testRedisUrl(
  env: Readonly<Record<string, string | undefined>> = process.env,
): string {
  return env.BRIEFCASE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379'
}

/** {@link checkService} for Redis at {@link testRedisUrl}: one `PING`. */
export function checkRedis(url: string = testRedisUrl()): Promise<ServiceCheck> {
  return checkService({
    name: 'Redis',
    url,
    probe: async () => {
      const client = new Redis(url, { lazyConnect: true, retryStrategy: () => null })
      client.on('error', () => undefined)
      try {
        await client.connect()
        await client.ping()
      } finally {
        client.disconnect()
      }
    },
  })
}
