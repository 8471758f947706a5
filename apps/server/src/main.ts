/** @packageDocumentation Placeholder until the server lands. */
export const placeholder = true as const
