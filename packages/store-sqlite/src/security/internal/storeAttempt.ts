import { Effect } from "effect"

/** How a failed storage call is classified before each port turns it into its own error. */
export type StoreFailureKind = "Unavailable" | "Corrupt"

// SQLite's own verdict that the file is damaged or is not a database at all, decided by the
// machine-readable error code (`SQLITE_CORRUPT_INDEX`… included), never by the message text.
const corruptionCodes = ["SQLITE_CORRUPT", "SQLITE_NOTADB"]

const codeOf = (error: unknown): string | undefined =>
  typeof error === "object" && error !== null && "code" in error && typeof error.code === "string"
    ? error.code
    : undefined

/** What went wrong in a thrown SQLite error: its kind and an operator-facing description. */
export const describeThrown = (error: unknown, doing: string): { kind: StoreFailureKind; detail: string } => {
  const code = codeOf(error)
  const message = error instanceof Error ? error.message : String(error)
  const corrupt = code !== undefined && corruptionCodes.some((known) => code.startsWith(known))
  return {
    kind: corrupt ? "Corrupt" : "Unavailable",
    detail: `${doing}: ${code === undefined ? message : `${code}: ${message}`}`
  }
}

/**
 * Builds the `attempt` of one store: runs synchronous database work as an Effect. The work reports a
 * refusal by returning the port's error (an instance of `errorClass`); anything it throws (better-sqlite3
 * throws on every SQLite error) becomes the port's error through `fromThrown`, so callers never see a defect.
 */
export const storeAttempt =
  <E>(errorClass: abstract new (...args: never) => E, fromThrown: (kind: StoreFailureKind, detail: string) => E) =>
  <A>(doing: string, work: () => A | E): Effect.Effect<A, E> =>
    Effect.flatMap(
      Effect.try({
        try: work,
        catch: (error): E => {
          if (error instanceof errorClass) return error
          const { kind, detail } = describeThrown(error, doing)
          return fromThrown(kind, detail)
        }
      }),
      (result) => (result instanceof errorClass ? Effect.fail(result as E) : Effect.succeed(result as A))
    )
