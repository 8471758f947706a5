import type { RunningServer } from './server.js'

/** An Account as the tests use it. */
export interface SeededAccount {
  id: string
  /** `Account/<Id>`: its document name. */
  doc: string
  name: string
  description: string
}

/** The first live Account the user owns that has a description (to type into). */
export async function accountOwnedBy(
  server: RunningServer,
  username: string,
  skip = 0,
): Promise<SeededAccount> {
  const user = (await server.users()).find((u) => u.username === username)
  const accounts = (await server.records('Account')).filter(
    (a) =>
      a.OwnerId === user?.id &&
      a.IsDeleted === false &&
      typeof a.Description === 'string' &&
      a.Description.length > 0,
  )
  const account = accounts[skip]
  if (!account) throw new Error(`no Account of ${username} with a description in the seed`)
  const id = String(account.Id)
  return {
    id,
    doc: `Account/${id}`,
    name: String(account.Name),
    description: String(account.Description),
  }
}
