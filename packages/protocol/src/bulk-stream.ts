import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import type { BulkRequestDoc, BulkResponseDoc } from './bulk.js'
import { BulkFormatError } from './bulk.js'
import { MAX_FRAME_BYTES } from './routes.js'

/**
 * Version of the streamed bulk format (`POST /sync/bulk/stream`). The plain bulk format
 * (`/sync/bulk`, version 1) stays as it was for older clients.
 */
export const BULK_STREAM_VERSION = 2

/** Content type of both directions of a streamed bulk sync. */
export const BULK_STREAM_TYPE = 'application/vnd.briefcase.bulk-stream'

const OK = 0
const REFUSED = 1
const ABORTED = 2

/**
 * A streamed bulk message is the version, then one length-prefixed frame per document, then an
 * empty frame. A response frame either answers one document or, last, says the relay stopped
 * (its code and message apply to every document not yet answered).
 */
export type BulkStreamAnswer = BulkResponseDoc | { aborted: { code: string; message: string } }

/** The first bytes of a streamed request or response. */
export function encodeStreamHeader(): Uint8Array {
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, BULK_STREAM_VERSION)
  return encoding.toUint8Array(e)
}

/** The last bytes of a streamed request or response (an empty frame). */
export function encodeStreamEnd(): Uint8Array {
  return Uint8Array.of(0)
}

function frame(write: (e: encoding.Encoder) => void): Uint8Array {
  const inner = encoding.createEncoder()
  write(inner)
  const e = encoding.createEncoder()
  encoding.writeVarUint8Array(e, encoding.toUint8Array(inner))
  return encoding.toUint8Array(e)
}

/** One document's frame of a streamed request. */
export function encodeRequestFrame(doc: BulkRequestDoc): Uint8Array {
  return frame((e) => {
    encoding.writeVarString(e, doc.name)
    encoding.writeVarUint8Array(e, doc.stateVector)
    encoding.writeVarUint8Array(e, doc.update)
  })
}

/** One answer's frame of a streamed response. */
export function encodeAnswerFrame(answer: BulkStreamAnswer): Uint8Array {
  return frame((e) => {
    if ('aborted' in answer) {
      encoding.writeVarString(e, '')
      encoding.writeVarUint(e, ABORTED)
      encoding.writeVarString(e, answer.aborted.code)
      encoding.writeVarString(e, answer.aborted.message)
    } else if (answer.ok) {
      encoding.writeVarString(e, answer.name)
      encoding.writeVarUint(e, OK)
      encoding.writeVarUint8Array(e, answer.update)
      encoding.writeVarUint8Array(e, answer.stateVector)
    } else {
      encoding.writeVarString(e, answer.name)
      encoding.writeVarUint(e, REFUSED)
      encoding.writeVarString(e, answer.code)
      encoding.writeVarString(e, answer.message)
    }
  })
}

function readRequest(d: decoding.Decoder): BulkRequestDoc {
  return {
    name: decoding.readVarString(d),
    stateVector: decoding.readVarUint8Array(d),
    update: decoding.readVarUint8Array(d),
  }
}

function readAnswer(d: decoding.Decoder): BulkStreamAnswer {
  const name = decoding.readVarString(d)
  const status = decoding.readVarUint(d)
  if (status === OK) {
    return {
      name,
      ok: true,
      update: decoding.readVarUint8Array(d),
      stateVector: decoding.readVarUint8Array(d),
    }
  }
  if (status === REFUSED) {
    return { name, ok: false, code: decoding.readVarString(d), message: decoding.readVarString(d) }
  }
  if (status === ABORTED) {
    return { aborted: { code: decoding.readVarString(d), message: decoding.readVarString(d) } }
  }
  throw new BulkFormatError(`Unknown document status ${status}.`)
}

/**
 * Reads the frames of a streamed bulk message as its bytes arrive, in order; ends at the empty
 * frame. Throws {@link BulkFormatError} on a wrong version, a frame over `MAX_FRAME_BYTES`,
 * bytes after the end, or a stream that stops before it.
 */
async function* readFrames<T>(
  chunks: AsyncIterable<Uint8Array>,
  read: (d: decoding.Decoder) => T,
): AsyncGenerator<T> {
  let pending: Uint8Array = new Uint8Array(0)
  let versionRead = false
  let ended = false
  for await (const chunk of chunks) {
    if (ended) {
      if (chunk.length > 0) throw new BulkFormatError('Bytes after the end of the stream.')
      continue
    }
    pending = pending.length === 0 ? chunk : concat(pending, chunk)
    let offset = 0
    for (;;) {
      const d = decoding.createDecoder(pending.subarray(offset))
      let length: number
      try {
        length = decoding.readVarUint(d)
      } catch {
        break // the length's bytes are not all here yet
      }
      if (!versionRead) {
        if (length !== BULK_STREAM_VERSION)
          throw new BulkFormatError(`Unsupported bulk stream version ${length}.`)
        versionRead = true
        offset += d.pos
        continue
      }
      if (length === 0) {
        ended = true
        if (offset + d.pos < pending.length)
          throw new BulkFormatError('Bytes after the end of the stream.')
        break
      }
      if (length > MAX_FRAME_BYTES)
        throw new BulkFormatError(`A bulk frame carries at most ${MAX_FRAME_BYTES} bytes.`)
      if (d.arr.length - d.pos < length) break
      const body = d.arr.subarray(d.pos, d.pos + length)
      offset += d.pos + length
      const fd = decoding.createDecoder(body)
      let value: T
      try {
        value = read(fd)
      } catch (error) {
        if (error instanceof BulkFormatError) throw error
        throw new BulkFormatError('Malformed bulk frame.', { cause: error })
      }
      if (decoding.hasContent(fd)) throw new BulkFormatError('Trailing bytes in a bulk frame.')
      yield value
    }
    pending = pending.subarray(offset)
    if (ended) pending = new Uint8Array(0)
  }
  if (!ended) throw new BulkFormatError('The bulk stream ended early.')
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length)
  out.set(a)
  out.set(b, a.length)
  return out
}

/** The documents of a streamed request, as they arrive. */
export function readRequestStream(
  chunks: AsyncIterable<Uint8Array>,
): AsyncGenerator<BulkRequestDoc> {
  return readFrames(chunks, readRequest)
}

/** The answers of a streamed response, as they arrive. */
export function readAnswerStream(
  chunks: AsyncIterable<Uint8Array>,
): AsyncGenerator<BulkStreamAnswer> {
  return readFrames(chunks, readAnswer)
}
