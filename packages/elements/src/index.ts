/** @packageDocumentation Placeholder until this package lands. */
export const placeholder = true as const
