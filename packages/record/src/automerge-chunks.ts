import { digest } from 'lib0/hash/sha256'
import { RecordError, RecordErrorCode } from './errors.js'

const MAGIC = [0x85, 0x6f, 0x4a, 0x83] as const
const CHUNK_DOCUMENT = 0
const CHUNK_CHANGE = 1
const CHUNK_COMPRESSED_CHANGE = 2

function refuse(message: string, cause?: unknown): never {
  throw new RecordError(RecordErrorCode.malformedUpdate, `Refused Automerge update: ${message}`, {
    cause,
  })
}

/** One chunk of Automerge bytes: a whole document, or one change. */
export interface AutomergeChunk {
  readonly kind: 'document' | 'change'
  readonly bytes: Uint8Array
}

/**
 * Splits Automerge bytes into chunks, checking each one's framing before it reaches a document:
 * the magic bytes, a length that fits, a checksum that matches (the first 4 bytes of SHA-256 over
 * type, length and body) and a known type. The content is decoded by the strict Automerge call
 * that takes the chunk in (`load`, `applyChanges`): Automerge's own `loadIncremental` skips bad
 * chunks silently, and these make them a clear error instead.
 */
export function splitAutomergeChunks(bytes: Uint8Array): AutomergeChunk[] {
  const chunks: AutomergeChunk[] = []
  let pos = 0
  while (pos < bytes.length) {
    for (let i = 0; i < 4; i++) {
      if (bytes[pos + i] !== MAGIC[i]) refuse(`bad magic bytes at offset ${pos}.`)
    }
    const checksumAt = pos + 4
    const typeAt = pos + 8
    const type = bytes[typeAt]
    let cursor = typeAt + 1
    let length = 0
    let shift = 0
    for (;;) {
      const b = bytes[cursor++]
      if (b === undefined || shift > 28) refuse(`truncated chunk header at offset ${pos}.`)
      length += (b & 0x7f) * 2 ** shift
      shift += 7
      if ((b & 0x80) === 0) break
    }
    const end = cursor + length
    if (end > bytes.length) refuse(`chunk at offset ${pos} is truncated.`)
    const hash = digest(bytes.subarray(typeAt, end))
    for (let i = 0; i < 4; i++) {
      if (hash[i] !== bytes[checksumAt + i]) refuse(`checksum mismatch at offset ${pos}.`)
    }
    const chunk = bytes.subarray(pos, end)
    if (type === CHUNK_CHANGE || type === CHUNK_COMPRESSED_CHANGE) {
      chunks.push({ kind: 'change', bytes: chunk })
    } else if (type === CHUNK_DOCUMENT) chunks.push({ kind: 'document', bytes: chunk })
    else refuse(`unknown chunk type ${type}.`)
    pos = end
  }
  return chunks
}

/** Runs an Automerge call that decodes chunks; what it cannot decode is a malformed update. */
export function decoding<T>(what: string, task: () => T): T {
  try {
    return task()
  } catch (cause) {
    if (cause instanceof RecordError) throw cause
    return refuse(`${what} does not decode.`, cause)
  }
}
