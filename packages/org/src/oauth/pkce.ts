import { createHash, createHmac } from 'node:crypto'

/** True when `verifier` matches the challenge (S256: base64url(sha256(verifier)); plain: equal). */
export function verifyPkce(challenge: string, method: 'S256' | 'plain', verifier: string): boolean {
  if (method === 'plain') return challenge === verifier
  return createHash('sha256').update(verifier).digest('base64url') === challenge
}

/** The token response `signature`: base64 HMAC-SHA256 of `id + issued_at` keyed by `secret`. */
export function tokenSignature(secret: string, id: string, issuedAt: string): string {
  return createHmac('sha256', secret)
    .update(id + issuedAt)
    .digest('base64')
}
