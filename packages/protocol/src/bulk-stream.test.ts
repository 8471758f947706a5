import { describe, expect, it } from 'vitest'
import type { BulkRequestDoc } from './bulk.js'
import { BulkFormatError } from './bulk.js'
import type { BulkStreamAnswer } from './bulk-stream.js'
import {
  encodeAnswerFrame,
  encodeRequestFrame,
  encodeStreamEnd,
  encodeStreamHeader,
  readAnswerStream,
  readRequestStream,
} from './bulk-stream.js'
import { MAX_FRAME_BYTES } from './routes.js'

/** Yields `bytes` cut into pieces of `size` (frames then straddle the pieces). */
async function* pieces(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size)
  await Promise.resolve()
}

async function all<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = []
  for await (const item of items) out.push(item)
  return out
}

const docs: BulkRequestDoc[] = Array.from({ length: 7000 }, (_, i) => ({
  name: `Account/001${String(i).padStart(15, '0')}`,
  stateVector: Uint8Array.of(i % 256, 1, 2),
  update: i % 10 === 0 ? new Uint8Array(300).fill(i % 256) : new Uint8Array(0),
}))

describe('the streamed bulk format', () => {
  it('carries more documents than the plain format allows, whatever the pieces the bytes arrive in', async () => {
    const bytes = Buffer.concat([
      encodeStreamHeader(),
      ...docs.map(encodeRequestFrame),
      encodeStreamEnd(),
    ])
    for (const size of [3, 4096, bytes.length]) {
      const read = await all(readRequestStream(pieces(bytes, size)))
      expect(read).toHaveLength(docs.length)
      expect(read[1234]).toEqual(docs[1234])
      expect(read.at(-1)).toEqual(docs.at(-1))
    }
  })

  it('answers documents, refusals and an abort', async () => {
    const answers: BulkStreamAnswer[] = [
      { name: 'Account/a', ok: true, update: Uint8Array.of(1, 2), stateVector: Uint8Array.of(3) },
      { name: 'Account/b', ok: false, code: 'BRIEFCASE_FORBIDDEN', message: 'no' },
      { aborted: { code: 'BRIEFCASE_INTERNAL', message: 'commit failed' } },
    ]
    const bytes = Buffer.concat([
      encodeStreamHeader(),
      ...answers.map(encodeAnswerFrame),
      encodeStreamEnd(),
    ])
    expect(await all(readAnswerStream(pieces(bytes, 3)))).toEqual(answers)
  })

  it('refuses another version, a stream cut short, bytes after the end and an oversized frame', async () => {
    const frames = [encodeRequestFrame(docs[0] as BulkRequestDoc)]
    const refused = async (bytes: Uint8Array): Promise<unknown> =>
      all(readRequestStream(pieces(bytes, 5))).then(
        () => 'read',
        (e: unknown) => e,
      )
    const wrongVersion = Buffer.concat([Uint8Array.of(1), ...frames, encodeStreamEnd()])
    expect(await refused(wrongVersion)).toBeInstanceOf(BulkFormatError)
    expect(await refused(Buffer.concat([encodeStreamHeader(), ...frames]))).toMatchObject({
      message: 'The bulk stream ended early.',
    })
    const after = Buffer.concat([encodeStreamHeader(), ...frames, encodeStreamEnd(), ...frames])
    expect(await refused(after)).toMatchObject({ message: 'Bytes after the end of the stream.' })
    const huge = encodeRequestFrame({
      name: 'Account/x',
      stateVector: new Uint8Array(0),
      update: new Uint8Array(MAX_FRAME_BYTES + 1),
    })
    expect(
      await refused(Buffer.concat([encodeStreamHeader(), huge, encodeStreamEnd()])),
    ).toMatchObject({
      code: 'BRIEFCASE_BAD_REQUEST',
    })
  })
})
