import * as A from '@automerge/automerge'
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

/**
 * Checks Automerge bytes before they reach the document: each chunk must have the magic bytes,
 * a length that fits, a checksum that matches (the first 4 bytes of SHA-256 over type, length
 * and body), and content Automerge can decode. Automerge's own `loadIncremental` skips bad
 * chunks silently; this makes them a clear error instead. Returns the number of chunks.
 */
export function checkAutomergeChunks(bytes: Uint8Array): number {
  let pos = 0
  let chunks = 0
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
    try {
      if (type === CHUNK_CHANGE || type === CHUNK_COMPRESSED_CHANGE) A.decodeChange(chunk)
      else if (type === CHUNK_DOCUMENT) A.load(chunk)
      else refuse(`unknown chunk type ${type}.`)
    } catch (cause) {
      if (cause instanceof RecordError) throw cause
      refuse(`chunk at offset ${pos} does not decode.`, cause)
    }
    pos = end
    chunks += 1
  }
  return chunks
}
