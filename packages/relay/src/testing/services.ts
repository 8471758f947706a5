import { redactUrl } from '../store/store-errors.js'

/** Options of {@link checkService}. */
export interface CheckServiceOptions {
  /** The service, as a reader knows it (`PostgreSQL`, `Redis`). */
  name: string
  /** Where it is expected (the password is never shown). */
  url: string
  /** Resolves when the service answers, rejects otherwise. */
  probe: () => Promise<void>
  /** Longest wait for the probe, in ms (default 3000). */
  timeoutMs?: number
  /** Where `BRIEFCASE_REQUIRE_SERVICES` is read (default `process.env`). */
  env?: Readonly<Record<string, string | undefined>>
  /** Where the skip notice goes (default standard error). */
  notice?: (line: string) => void
}

/** Whether tests that need a service can run, and how to title them. */
export interface ServiceCheck {
  readonly available: boolean
  /** Why the tests are skipped (null when the service answered). */
  readonly reason: string | null
  /** A suite title that, when skipped, says what was skipped and why. */
  title(suite: string): string
}

/**
 * Probes a service that some tests need (PostgreSQL, Redis). When it answers, the tests run.
 * When it does not: with `BRIEFCASE_REQUIRE_SERVICES=1` (CI) this rejects, so the test file fails;
 * without it, the check says so on standard error and in the suite's title, and the suite is
 * skipped (`describe.skipIf(!check.available)`).
 *
 * @example
 * ```ts
 * const redis = await checkService({ name: 'Redis', url, probe: () => ping(url) })
 * describe.skipIf(!redis.available)(redis.title('live fan-out across relays'), () => { … })
 * ```
 */
export async function checkService(options: CheckServiceOptions): Promise<ServiceCheck> {
  const env = options.env ?? process.env
  const where = `${options.name} at ${redactUrl(options.url)}`
  let failure: string | null = null
  let timer: ReturnType<typeof setTimeout> | undefined
  try {
    await Promise.race([
      options.probe(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`no answer within ${options.timeoutMs ?? 3000} ms`)),
          options.timeoutMs ?? 3000,
        )
      }),
    ])
  } catch (error) {
    failure = error instanceof Error ? error.message : String(error)
  } finally {
    clearTimeout(timer)
  }
  if (failure === null) return { available: true, reason: null, title: (suite) => suite }
  if (env.BRIEFCASE_REQUIRE_SERVICES === '1') {
    throw new Error(
      `${where} does not answer (${failure}), and BRIEFCASE_REQUIRE_SERVICES=1 requires it.`,
    )
  }
  const reason = `${where} does not answer (${failure}); set BRIEFCASE_REQUIRE_SERVICES=1 to fail instead`
  const notice = options.notice ?? ((line: string) => process.stderr.write(`${line}\n`))
  return {
    available: false,
    reason,
    title(suite) {
      notice(`SKIPPED "${suite}": ${reason}`)
      return `${suite} [skipped: ${reason}]`
    },
  }
}
