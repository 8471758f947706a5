/**
 * @packageDocumentation
 * A local Salesforce org for Briefcase: the REST API subset Briefcase uses, faithful enough that
 * jsforce works against it unchanged. It is the Salesforce double of every test and the
 * embedded default of `npm start`.
 *
 * @example
 * ```ts
 * import { createOrg } from '@briefcase/org'
 * const org = createOrg()
 * const res = await org.app.request('/services/data/')
 * ```
 */
export { createOrg } from './app.js'
export type { Org, OrgOptions, OrgSnapshot } from './types.js'
export type { OrgUser } from './seed/users.js'
export type { SeedOptions, SeedSummary } from './seed/seed.js'
export type { ApiCall } from './state.js'
export type { FaultOptions, FaultSettings, FailNextRule } from './faults.js'
export type { ConnectedAppOptions } from './oauth/connected-apps.js'
export type { OrgLogger } from './logger.js'
export type { OrgEnv, OrgBindings, OrgVariables } from './http/env.js'
export type { Caller } from './security/access.js'
export { ProfileName } from './security/profiles.js'
export type { FieldAccess } from './security/profiles.js'
export { fieldAccess } from './security/profiles.js'
export { OrgError, OrgErrorCode, isOrgError } from './errors.js'
export { isSalesforceId, toSalesforceId, type SalesforceId } from './ids.js'
export { STAGE_PROBABILITY } from './schema/opportunity.js'
export { createRandom, type Random } from './prng.js'
