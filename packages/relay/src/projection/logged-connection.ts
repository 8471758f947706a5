import type { ApiBudget } from './api-budget.js'
import type { ProjectionLogger, SalesforceConnection, SalesforceRequest } from './ports.js'

/** What {@link loggedConnection} reports to. */
export interface CallLog {
  logger: ProjectionLogger
  budget: ApiBudget
  now: () => number
}

function outcomeOf(error: unknown): string {
  const code = (error as { errorCode?: unknown } | null)?.errorCode
  return typeof code === 'string' && code !== 'Error' ? code : 'CONNECTION_FAILED'
}

/**
 * A user's session that logs one line per Salesforce call (purpose, user, records, outcome,
 * duration, calls remaining today) and reads the org's API usage from each answer
 * (jsforce's `limitInfo`, from `Sforce-Limit-Info`) into the budget.
 */
export function loggedConnection(
  conn: SalesforceConnection,
  user: string,
  log: CallLog,
): SalesforceConnection {
  return {
    get version() {
      return conn.version
    },
    get limitInfo() {
      return conn.limitInfo
    },
    async request<T = unknown>(request: SalesforceRequest): Promise<T> {
      const { purpose, records, ...sent } = request
      const start = log.now()
      let outcome = 'ok'
      try {
        return await conn.request<T>(sent)
      } catch (error) {
        outcome = outcomeOf(error)
        throw error
      } finally {
        log.budget.observe(conn.limitInfo?.apiUsage)
        const data = {
          purpose: purpose ?? 'request',
          user,
          records: records ?? 0,
          outcome,
          durationMs: log.now() - start,
          callsRemaining: log.budget.remaining() ?? null,
        }
        if (outcome === 'ok') log.logger.info(data, 'Salesforce call')
        else log.logger.warn(data, 'Salesforce call failed')
      }
    },
  }
}
