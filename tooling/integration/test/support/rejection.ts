import { isRuntimeError, type RuntimeError } from "@coderclaw/protocol"
import { expect } from "vitest"

/** The typed runtime error a call rejects with; the test fails if it resolves or rejects with anything else. */
export const rejection = async (promise: Promise<unknown>): Promise<RuntimeError> => {
  try {
    await promise
  } catch (error) {
    expect(isRuntimeError(error), String(error)).toBe(true)
    return error as RuntimeError
  }
  throw new Error("expected a rejection")
}
