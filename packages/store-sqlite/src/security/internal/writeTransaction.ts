import type { SqliteConnection } from "../../internal/driver/SqliteConnection.js"

// Carries a refusal out of better-sqlite3's transaction function, which rolls back only when it throws.
class Rollback {
  constructor(readonly refusal: unknown) {}
}

/**
 * Runs `work` in one `BEGIN IMMEDIATE` transaction (the write lock is taken first, so a read-then-write
 * inside cannot be raced by another connection or process) and commits it, unless `work` answers a
 * refusal (`isRefusal`): then everything it wrote is rolled back and the refusal is returned.
 */
export const writeTransaction = <A, R>(
  db: SqliteConnection,
  isRefusal: (result: A | R) => result is R,
  work: () => A | R
): A | R => {
  try {
    return db
      .transaction((): A | R => {
        const result = work()
        if (isRefusal(result)) throw new Rollback(result)
        return result
      })
      .immediate()
  } catch (error) {
    if (error instanceof Rollback) return error.refusal as R
    throw error
  }
}
