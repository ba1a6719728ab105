import { Effect } from "effect"
import { LoginFailed, type LoginProvider } from "../LoginFailed.js"

/**
 * Ends `effect` with `LoginFailed` (`aborted`) as soon as `signal` fires, interrupting whatever it was
 * doing (waiting for a redirect, sleeping between polls, an HTTP request). Without a signal the effect is
 * returned unchanged.
 */
export const abortable = <A, R>(
  effect: Effect.Effect<A, LoginFailed, R>,
  provider: LoginProvider,
  signal: AbortSignal | undefined
): Effect.Effect<A, LoginFailed, R> => {
  if (signal === undefined) return effect
  const aborted = Effect.callback<never, LoginFailed>((resume) => {
    const onAbort = () => resume(Effect.fail(new LoginFailed({ provider, reason: "Aborted" })))
    if (signal.aborted) {
      onAbort()
      return
    }
    signal.addEventListener("abort", onAbort, { once: true })
    return Effect.sync(() => signal.removeEventListener("abort", onAbort))
  })
  return Effect.raceFirst(effect, aborted)
}
