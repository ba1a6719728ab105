import { isRuntimeError } from "@coderclaw/protocol"

/** How long a read waits for the server to come back before its `Unavailable` is reported. */
export const reconnectBudgetMs = 120_000

/**
 * Runs an idempotent read (`get`, `list`, …), repeating it while the server is unreachable (`Unavailable`,
 * e.g. restarting) until `budgetMs` has passed. Reads change nothing, so repeating one is always safe;
 * other errors, and the last `Unavailable` after the budget, are thrown as they are.
 */
export const readWhileReconnecting = async <A>(
  read: () => Promise<A>,
  budgetMs: number = reconnectBudgetMs
): Promise<A> => {
  const deadline = Date.now() + budgetMs
  for (let attempt = 1; ; attempt++) {
    try {
      return await read()
    } catch (error) {
      if (!isRuntimeError(error) || error._tag !== "Unavailable" || Date.now() >= deadline) throw error
      // The client itself waits for its next connection attempt; this pause only spaces the repeats.
      await new Promise((resolve) => setTimeout(resolve, Math.min(1_000, 100 * attempt)))
    }
  }
}
