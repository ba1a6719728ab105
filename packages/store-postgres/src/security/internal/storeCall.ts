import { Effect } from "effect"
import type { SqlError } from "effect/sql/SqlError"

/** How a failed storage call is classified before each port turns it into its own error. */
export type StoreFailureKind = "Unavailable" | "Corrupt"

/**
 * Builds the `call` of one store: runs its SQL, turning an `SqlError` (server unreachable, refused
 * credentials, anything) into the port's own error as `unavailable`. The detail names what was being done
 * and PostgreSQL's reason, never connection settings (no password reaches errors, logs or audit).
 */
export const storeCall =
  <E>(fromFailure: (kind: StoreFailureKind, detail: string) => E) =>
  <A, E2>(doing: string, work: Effect.Effect<A, E2 | SqlError>): Effect.Effect<A, E | Exclude<E2, SqlError>> =>
    Effect.catchTag(work, "SqlError" as never, (error: SqlError) =>
      Effect.fail(fromFailure("Unavailable", `${doing}: ${error.cause.message ?? error.message}`))
    ) as Effect.Effect<A, E | Exclude<E2, SqlError>>

/** Fails with the value when it is the port's error, else succeeds with it (for row decoders' results). */
export const orFail = <A, E>(isError: (value: unknown) => value is E, value: A): Effect.Effect<Exclude<A, E>, E> =>
  isError(value) ? Effect.fail(value) : Effect.succeed(value as Exclude<A, E>)
