import { describe, expect, it } from 'vitest'
import { checkService } from './services.js'

const down = () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:1'))
const url = 'postgres://relay:s3cret@127.0.0.1:1/relay'

describe('checkService', () => {
  it('lets the tests run when the service answers', async () => {
    const check = await checkService({ name: 'PostgreSQL', url, probe: () => Promise.resolve() })
    expect(check).toMatchObject({ available: true, reason: null })
    expect(check.title('suite')).toBe('suite')
  })

  it('skips them, saying what and why (without the password), when it does not answer', async () => {
    const lines: string[] = []
    const check = await checkService({
      name: 'PostgreSQL',
      url,
      probe: down,
      env: {},
      notice: (line) => lines.push(line),
    })
    expect(check.available).toBe(false)
    expect(check.title('PostgresRelayStore')).toMatchInlineSnapshot(
      `"PostgresRelayStore [skipped: PostgreSQL at postgres://relay:***@127.0.0.1:1/relay does not answer (connect ECONNREFUSED 127.0.0.1:1); set BRIEFCASE_REQUIRE_SERVICES=1 to fail instead]"`,
    )
    expect(lines).toEqual([
      'SKIPPED "PostgresRelayStore": PostgreSQL at postgres://relay:***@127.0.0.1:1/relay does not answer (connect ECONNREFUSED 127.0.0.1:1); set BRIEFCASE_REQUIRE_SERVICES=1 to fail instead',
    ])
  })

  it('fails instead under BRIEFCASE_REQUIRE_SERVICES=1, also when the probe hangs', async () => {
    const env = { BRIEFCASE_REQUIRE_SERVICES: '1' }
    await expect(checkService({ name: 'Redis', url, probe: down, env })).rejects.toThrow(
      /does not answer \(connect ECONNREFUSED.*BRIEFCASE_REQUIRE_SERVICES=1 requires it/,
    )
    const hang = () => new Promise<void>(() => undefined)
    await expect(
      checkService({ name: 'Redis', url, probe: hang, env, timeoutMs: 50 }),
    ).rejects.toThrow(/no answer within 50 ms/)
  })
})
