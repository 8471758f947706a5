import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  hkdfSync,
  randomBytes,
  timingSafeEqual,
} from 'node:crypto'

/** Keys derived from the relay's session secret, one per purpose. */
export interface RelaySecrets {
  /** HMAC-SHA256 of `data` with the session-signing key, base64url. */
  sign(data: string): string
  /** True when `signature` is {@link RelaySecrets.sign} of `data` (constant time). */
  verify(data: string, signature: string): boolean
  /** Encrypts a secret for storage (AES-256-GCM, random IV). */
  seal(plain: string): Uint8Array
  /** Decrypts what {@link RelaySecrets.seal} produced; throws when it was tampered with. */
  open(sealed: Uint8Array): string
}

function derive(secret: string, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, 'briefcase-relay', purpose, 32))
}

/**
 * Derives the signing and encryption keys from the session secret (HKDF-SHA256), so one
 * configured secret serves both and neither key is the secret itself.
 *
 * @example
 * ```ts
 * const secrets = createSecrets('a long random secret')
 * secrets.open(secrets.seal('refresh-token')) // 'refresh-token'
 * ```
 */
export function createSecrets(sessionSecret: string): RelaySecrets {
  if (sessionSecret.length < 16) throw new Error('sessionSecret must be at least 16 characters.')
  const signKey = derive(sessionSecret, 'session tokens')
  const encKey = derive(sessionSecret, 'refresh tokens')
  const sign = (data: string): string =>
    createHmac('sha256', signKey).update(data).digest('base64url')
  return {
    sign,
    verify(data, signature) {
      const expected = Buffer.from(sign(data))
      const given = Buffer.from(signature)
      return expected.length === given.length && timingSafeEqual(expected, given)
    },
    seal(plain) {
      const iv = randomBytes(12)
      const cipher = createCipheriv('aes-256-gcm', encKey, iv)
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()])
      return new Uint8Array(Buffer.concat([iv, cipher.getAuthTag(), body]))
    },
    open(sealed) {
      const buf = Buffer.from(sealed)
      const decipher = createDecipheriv('aes-256-gcm', encKey, buf.subarray(0, 12))
      decipher.setAuthTag(buf.subarray(12, 28))
      return Buffer.concat([decipher.update(buf.subarray(28)), decipher.final()]).toString('utf8')
    },
  }
}
