/**
 * @packageDocumentation
 * The zod validators of the relay's JSON bodies, in an entry of their own
 * (`@briefcase/protocol/schemas`): zod is some hundred modules, so code that imports the protocol
 * (the device, the relay as it starts) does not load it; the relay imports this entry when a body
 * is first validated.
 */
import { z } from 'zod'
import type { Preferences } from './api.js'
import type { ErrorBody as ErrorBodyShape } from './errors.js'
import { MAX_PREFERENCES } from './routes.js'

/**
 * Validates a preferences body (at most `MAX_PREFERENCES` distinct items).
 *
 * @example
 * ```ts
 * const { PreferencesSchema } = await import('@briefcase/protocol/schemas')
 * PreferencesSchema.parse({ items: ['recent:Account'] })
 * ```
 */
export const PreferencesSchema: z.ZodType<Preferences> = z.object({
  items: z
    .array(z.string().min(1).max(200))
    .max(MAX_PREFERENCES, `At most ${MAX_PREFERENCES} offline items can be chosen.`)
    .refine((items) => new Set(items).size === items.length, 'Offline items must be distinct.'),
})

/**
 * Validates the body of a relay error response (`{ error: { code, message, details? } }`).
 *
 * @example
 * ```ts
 * const { ErrorBody } = await import('@briefcase/protocol/schemas')
 * const body = ErrorBody.parse(await response.json())
 * ```
 */
export const ErrorBody: z.ZodType<ErrorBodyShape> = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
})
