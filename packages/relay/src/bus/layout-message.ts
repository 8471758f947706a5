import { isSObjectName } from '@briefcase/record'
import { z } from 'zod'
import type { BusLayout } from './relay-bus.js'

/**
 * What a relay accepts of another's `layout` message (a bus message is only as good as the
 * other relay's code and Redis): an SObject name and at least one partition id. Loaded with the
 * first such message, so zod stays off the relay's start.
 */
export const LayoutMessageSchema: z.ZodType<BusLayout> = z.object({
  kind: z.literal('layout'),
  relay: z.string().min(1).max(200),
  sobject: z.string().refine(isSObjectName, 'not an SObject name'),
  partitions: z.array(z.string().min(1).max(200)).min(1).max(1000),
})
