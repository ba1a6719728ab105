import { Effect } from "effect"
import { principalIdOf } from "../identity/Identity.js"
import { LocalUserError } from "./LocalUserError.js"
import type { LocalUsersShape } from "./LocalUsers.js"

/**
 * Local accounts whose sessions end when the account stops being what they were issued for: disabling,
 * deleting or changing the roles of an account revokes every session it holds, at once (a session keeps
 * the roles of its login, so a demoted or disabled user must not keep using one). The user logs in again
 * to get a session with the new roles. `revokeAllFor` is `Sessions.revokeAllFor`; its store's revision
 * moves, so servers on the same database (other processes included) refuse those sessions on their next
 * check. A revocation failure fails the change's answer (`unavailable`), though the change itself is kept:
 * retrying it revokes again.
 */
export const revokeSessionsOnChange = (
  users: LocalUsersShape,
  revokeAllFor: (principalId: string) => Effect.Effect<number, { readonly message: string }>
): LocalUsersShape => {
  const revoking = <A>(username: string, change: Effect.Effect<A, LocalUserError>) =>
    Effect.tap(change, () =>
      revokeAllFor(principalIdOf("local", username)).pipe(
        Effect.mapError(
          (error) =>
            new LocalUserError({ reason: "Unavailable", username, detail: `revoking sessions: ${error.message}` })
        )
      )
    )
  return {
    ...users,
    setRoles: (username, roles) => revoking(username, users.setRoles(username, roles)),
    disable: (username) => revoking(username, users.disable(username)),
    deleteUser: (username) => revoking(username, users.deleteUser(username))
  }
}
