/** Colours for other people's cursors: SLDS palette values that read on white. */
const PALETTE = [
  '#0176d3',
  '#ba0517',
  '#2e844a',
  '#8c4b02',
  '#7526e3',
  '#0b827c',
  '#c23a5f',
  '#5c5c5c',
] as const

/** A stable colour for a device (the same device gets the same colour everywhere). */
export function presenceColor(device: string): string {
  let hash = 0
  for (let i = 0; i < device.length; i++) hash = (hash * 31 + device.charCodeAt(i)) >>> 0
  return PALETTE[hash % PALETTE.length] ?? PALETTE[0]
}

/** A short, readable form of a device id (its last four characters). */
export function shortDevice(device: string): string {
  return device.length <= 4 ? device : device.slice(-4)
}

/** Who someone is on a record: name and device, as awareness carries it. */
export interface Presence {
  name: string
  device: string
  color: string
}

/** Reads a presence from an awareness state's `user` field, or `null` when it has none. */
export function readPresence(state: unknown): Presence | null {
  if (typeof state !== 'object' || state === null || !('user' in state)) return null
  const user: unknown = state.user
  if (typeof user !== 'object' || user === null) return null
  const name = 'name' in user && typeof user.name === 'string' ? user.name : null
  const device = 'device' in user && typeof user.device === 'string' ? user.device : ''
  const color = 'color' in user && typeof user.color === 'string' ? user.color : null
  if (name === null) return null
  return { name, device, color: color ?? presenceColor(device) }
}
