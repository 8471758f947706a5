import type { BulkRequestDoc, BulkStreamAnswer } from '@briefcase/protocol'
import {
  BulkFormatError,
  RelayErrorCode,
  encodeAnswerFrame,
  encodeStreamEnd,
  encodeStreamHeader,
  readRequestStream,
} from '@briefcase/protocol'
import type { RelaySession } from '../auth/sessions.js'
import { toRelayError } from '../errors.js'
import type { BulkSyncDeps } from './bulk-sync.js'
import { syncDocs } from './bulk-sync.js'

/** Documents synced (resolved, applied, committed) per step of a streamed bulk sync. */
const STEP_DOCS = 500

/**
 * A streamed bulk sync (`POST /sync/bulk/stream`): reads the request's document frames as they
 * arrive and, {@link STEP_DOCS} at a time, syncs them ({@link syncDocs}: access checked, updates
 * applied, committed durably) and only then writes their answers. The response is pulled: a step
 * runs when the device has read the previous one, so the relay holds one step's documents at a
 * time, whatever the size of the cache. A malformed request, or a step whose commit fails, ends
 * the response with an `aborted` frame carrying the error's code.
 */
export function bulkStream(
  deps: BulkSyncDeps,
  session: RelaySession,
  body: ReadableStream<Uint8Array>,
): ReadableStream<Uint8Array> {
  const { metrics } = deps
  const docs = readRequestStream(chunksOf(body))
  let started = false
  let finished = false
  metrics.bulkRequests.inc()
  const stop = metrics.bulkSeconds.startTimer()
  const end = (controller: ReadableStreamDefaultController<Uint8Array>, last: Uint8Array[]) => {
    finished = true
    last.push(encodeStreamEnd())
    enqueue(controller, last)
    controller.close()
    stop()
  }
  const enqueue = (
    controller: ReadableStreamDefaultController<Uint8Array>,
    parts: Uint8Array[],
  ) => {
    const bytes = Buffer.concat(parts)
    metrics.bulkBytes.inc({ direction: 'out' }, bytes.byteLength)
    controller.enqueue(bytes)
  }
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (finished) return
      if (!started) {
        started = true
        controller.enqueue(encodeStreamHeader())
        return
      }
      const step: BulkRequestDoc[] = []
      let last = false
      try {
        while (step.length < STEP_DOCS) {
          const next = await docs.next()
          if (next.done) {
            last = true
            break
          }
          metrics.bulkBytes.inc(
            { direction: 'in' },
            next.value.name.length + next.value.stateVector.length + next.value.update.length,
          )
          step.push(next.value)
        }
      } catch (error) {
        const message = error instanceof BulkFormatError ? error.message : 'Malformed bulk request.'
        end(controller, [abortedFrame(RelayErrorCode.badRequest, message)])
        return
      }
      const frames: Uint8Array[] = []
      if (step.length > 0) {
        let answers: BulkStreamAnswer[]
        try {
          answers = await syncDocs(deps, session, step)
        } catch (error) {
          const e = toRelayError(error)
          end(controller, [abortedFrame(e.code, e.message)])
          return
        }
        for (const a of answers) frames.push(encodeAnswerFrame(a))
      }
      if (last) end(controller, frames)
      else enqueue(controller, frames)
    },
    async cancel() {
      finished = true
      stop()
      await docs.return(undefined)
    },
  })
}

/** A web stream's chunks as an async iterable (Node 20's ReadableStream is one; the DOM types say not). */
async function* chunksOf(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader()
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) return
      yield value
    }
  } finally {
    reader.releaseLock()
  }
}

function abortedFrame(code: string, message: string): Uint8Array {
  return encodeAnswerFrame({ aborted: { code, message } })
}
