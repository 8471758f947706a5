import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import { OrgError } from './errors.js'
import type { ConnectedAppOptions } from './oauth/connected-apps.js'
import type { SessionData } from './oauth/sessions.js'
import type { OrgState } from './state.js'
import type { StoreData } from './store/store.js'

/** The JSON a saved org holds. */
export interface SavedOrg {
  readonly format: 'briefcase-org'
  readonly version: 1
  readonly savedAt: string
  readonly orgId: string
  readonly store: StoreData
  readonly sessions: SessionData
  readonly passwords: Record<string, string>
  readonly connectedApps: ConnectedAppOptions[]
}

/** Everything worth keeping across restarts: records, views, sign-ins, apps. */
export function serialize(state: OrgState): SavedOrg {
  return {
    format: 'briefcase-org',
    version: 1,
    savedAt: new Date(state.clock.now()).toISOString(),
    orgId: state.orgId,
    store: state.store.toData(),
    sessions: state.sessions.toData(),
    passwords: Object.fromEntries(state.passwords),
    connectedApps: state.connectedApps.list(),
  }
}

function isSaved(value: unknown): value is SavedOrg {
  if (typeof value !== 'object' || value === null) return false
  const v = value as Partial<SavedOrg>
  return (
    v.format === 'briefcase-org' &&
    v.version === 1 &&
    typeof v.store === 'object' &&
    v.store !== null &&
    typeof v.sessions === 'object' &&
    v.sessions !== null
  )
}

/** Replaces the org's data with a saved org. */
export function restore(state: OrgState, value: unknown, file: string): void {
  if (!isSaved(value)) {
    throw new OrgError(
      'BRIEFCASE_ORG_DATA_FILE',
      `${file} is not a saved Briefcase org (format briefcase-org, version 1)`,
    )
  }
  state.store.loadData(value.store)
  state.sessions.loadData(value.sessions)
  state.passwords.clear()
  for (const [id, pw] of Object.entries(value.passwords)) state.passwords.set(id, pw)
  for (const app of value.connectedApps) state.connectedApps.register(app)
  state.cursors.clear()
}

/** Writes the org to `file` (via a temporary file, so a crash never leaves half a file). */
export async function saveToFile(state: OrgState, file: string): Promise<void> {
  try {
    await mkdir(dirname(file), { recursive: true })
    const tmp = `${file}.${process.pid}.tmp`
    await writeFile(tmp, JSON.stringify(serialize(state)))
    await rename(tmp, file)
  } catch (cause) {
    throw new OrgError('BRIEFCASE_ORG_DATA_FILE', `Could not save the org to ${file}`, { cause })
  }
}

function parse(text: string, file: string): unknown {
  try {
    return JSON.parse(text) as unknown
  } catch (cause) {
    throw new OrgError('BRIEFCASE_ORG_DATA_FILE', `${file} is not valid JSON`, { cause })
  }
}

/** Reads a saved org from `file` into the org. */
export async function loadFromFile(state: OrgState, file: string): Promise<void> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (cause) {
    throw new OrgError('BRIEFCASE_ORG_DATA_FILE', `Could not read ${file}`, { cause })
  }
  restore(state, parse(text, file), file)
}

/** Loads `file` at start-up if it exists; false when there is none yet. */
export function loadIfPresent(state: OrgState, file: string): boolean {
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true })
    return false
  }
  restore(state, parse(readFileSync(file, 'utf8'), file), file)
  return true
}
