import { isRuntimeError, type RuntimeError } from "@coderclaw/protocol"
import { expect } from "vitest"

/** The error a call rejected with; fails the test if the call resolved. */
export const rejectionOf = async (promise: Promise<unknown>): Promise<unknown> => {
  try {
    await promise
  } catch (error) {
    return error
  }
  throw new Error("expected the call to reject, but it resolved")
}

/**
 * Asserts that `error` is the protocol's typed error with this `_tag` (callers branch on the tag, so a
 * transport must hand back the same typed error, not a wrapper or a plain `Error`), and returns it typed.
 */
export const expectTagged = <Tag extends RuntimeError["_tag"]>(
  error: unknown,
  tag: Tag
): Extract<RuntimeError, { readonly _tag: Tag }> => {
  expect(isRuntimeError(error), `expected a typed runtime error, got ${String(error)}`).toBe(true)
  expect((error as RuntimeError)._tag).toBe(tag)
  return error as Extract<RuntimeError, { readonly _tag: Tag }>
}

/** Awaits the call's rejection and asserts its tag. */
export const rejectsWith = async <Tag extends RuntimeError["_tag"]>(
  promise: Promise<unknown>,
  tag: Tag
): Promise<Extract<RuntimeError, { readonly _tag: Tag }>> => expectTagged(await rejectionOf(promise), tag)
