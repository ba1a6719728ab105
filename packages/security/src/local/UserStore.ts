import { Context, type Effect, type Option } from "effect"
import type { LocalUser } from "./LocalUser.js"
import type { LocalUserError } from "./LocalUserError.js"

/** Fields `UserStore.update` may change on an account; `updatedAt` is always set. */
export interface LocalUserChanges {
  readonly passwordHash?: string
  readonly roles?: ReadonlyArray<string>
  readonly disabled?: boolean
  readonly updatedAt: number
}

/** A condition `UserStore.update` checks in the same step as the write (compare-and-set). */
export interface LocalUserUpdateCondition {
  /** Only update when the stored hash is still exactly this one (so a re-hash never undoes a password change). */
  readonly passwordHash?: string
}

/**
 * Where local accounts live. Implementations: `InMemoryUserStore` here; a SQLite store later (one table
 * keyed by `username`, roles as a JSON array). Every method is one statement on such a table.
 *
 * Failures are `LocalUserError`: `already_exists` from `insert`, `unavailable` when the storage fails or a
 * stored row does not decode as a `LocalUser`.
 */
export interface UserStoreShape {
  /** The account with this exact name, if any. */
  find(username: string): Effect.Effect<Option.Option<LocalUser>, LocalUserError>
  /** Adds an account; fails `already_exists` when the name is taken (atomically: two inserts, one winner). */
  insert(user: LocalUser): Effect.Effect<void, LocalUserError>
  /**
   * Applies `changes` to the account and returns it as stored afterwards; `none` when there is no such
   * account or `condition` does not hold (nothing is written then).
   */
  update(
    username: string,
    changes: LocalUserChanges,
    condition?: LocalUserUpdateCondition
  ): Effect.Effect<Option.Option<LocalUser>, LocalUserError>
  /** Deletes an account; `true` when one was deleted. */
  remove(username: string): Effect.Effect<boolean, LocalUserError>
  /** Every account, ordered by name. */
  readonly list: Effect.Effect<ReadonlyArray<LocalUser>, LocalUserError>
}

/** The user store service. Provide `InMemoryUserStore.layer` or a durable store's layer. */
export class UserStore extends Context.Service<UserStore, UserStoreShape>()("@coderclaw/security/UserStore") {}
