/** Where the org reports what it does; any object with these four methods (console works). */
export interface OrgLogger {
  debug(message: string, ...details: unknown[]): void
  info(message: string, ...details: unknown[]): void
  warn(message: string, ...details: unknown[]): void
  error(message: string, ...details: unknown[]): void
}

const noop = (): void => undefined

/** A logger that drops everything (the default: a library never writes to the console). */
export const silentLogger: OrgLogger = { debug: noop, info: noop, warn: noop, error: noop }
