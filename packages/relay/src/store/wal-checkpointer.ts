import { createRequire } from 'node:module'
import { Worker } from 'node:worker_threads'

/**
 * The checkpointer thread (CommonJS, evaluated): its own connection to the database copies the
 * WAL into the database file every `intervalMs` with a passive checkpoint, which fsyncs the WAL
 * before and the database after, all on this thread.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads')
const Database = require(workerData.module)
const db = new Database(workerData.file, { fileMustExist: true })
const timer = setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)')
  } catch (error) {
    parentPort.postMessage(String(error))
  }
}, workerData.intervalMs)
parentPort.on('message', () => {
  clearInterval(timer)
  db.close()
  parentPort.close()
})
`

/**
 * Keeps a WAL-mode SQLite database's checkpoints (and the two fsyncs each makes) off the event
 * loop: the relay's connection has automatic checkpoints switched off, and a worker thread with a
 * connection of its own checkpoints passively on a timer. A passive checkpoint never blocks the
 * writer; the WAL restarts from its start once a checkpoint has copied (and synced) all of it.
 */
export class WalCheckpointer {
  readonly #worker: Worker
  readonly #exited: Promise<void>

  /** `onError` hears a failed checkpoint (the next one retries). */
  constructor(file: string, intervalMs: number, onError: (message: string) => void) {
    const module = createRequire(import.meta.url).resolve('better-sqlite3')
    this.#worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { file, intervalMs, module },
    })
    this.#exited = new Promise((resolve) => this.#worker.once('exit', () => resolve()))
    this.#worker.on('message', (m: string) => onError(m))
    this.#worker.on('error', (e: Error) => onError(e.message))
    this.#worker.unref()
  }

  /** Stops the thread and closes its connection. */
  close(): Promise<void> {
    // Held until it exits (unreferenced, the process could end first with the close unsettled).
    this.#worker.ref()
    this.#worker.postMessage('close')
    return this.#exited
  }
}
