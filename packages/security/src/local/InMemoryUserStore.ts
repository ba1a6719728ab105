import { Effect, Layer, Option } from "effect"
import type { LocalUser } from "./LocalUser.js"
import { LocalUserError } from "./LocalUserError.js"
import { UserStore, type UserStoreShape } from "./UserStore.js"

/** A user store held in memory: for tests and single-process setups whose accounts come from configuration. */
export const makeInMemoryUserStore = (initial: ReadonlyArray<LocalUser> = []): UserStoreShape => {
  const users = new Map<string, LocalUser>(initial.map((user) => [user.username, user]))
  return {
    find: (username) => Effect.sync(() => Option.fromNullishOr(users.get(username))),
    insert: (user) =>
      Effect.suspend(() => {
        if (users.has(user.username)) {
          return Effect.fail(new LocalUserError({ reason: "AlreadyExists", username: user.username }))
        }
        users.set(user.username, user)
        return Effect.void
      }),
    update: (username, changes, condition) =>
      Effect.sync(() => {
        const current = users.get(username)
        if (current === undefined) return Option.none()
        if (condition?.passwordHash !== undefined && current.passwordHash !== condition.passwordHash) {
          return Option.none()
        }
        const next: LocalUser = {
          ...current,
          ...(changes.passwordHash === undefined ? {} : { passwordHash: changes.passwordHash }),
          ...(changes.roles === undefined ? {} : { roles: [...changes.roles] }),
          ...(changes.disabled === undefined ? {} : { disabled: changes.disabled }),
          updatedAt: changes.updatedAt
        }
        users.set(username, next)
        return Option.some(next)
      }),
    remove: (username) => Effect.sync(() => users.delete(username)),
    list: Effect.sync(() => [...users.values()].sort((a, b) => (a.username < b.username ? -1 : 1)))
  }
}

/** The in-memory user store. */
export const InMemoryUserStore = {
  /** A fresh, empty store per layer build. */
  layer: Layer.sync(UserStore, () => makeInMemoryUserStore()),
  /** A store pre-filled with accounts (e.g. built in a test with `hashPassword`). */
  layerWith: (users: ReadonlyArray<LocalUser>): Layer.Layer<UserStore> =>
    Layer.sync(UserStore, () => makeInMemoryUserStore(users))
}
