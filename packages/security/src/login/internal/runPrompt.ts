import { Effect } from "effect"
import { LoginFailed, type LoginProvider } from "../LoginFailed.js"

/**
 * Runs the caller's hook that shows the user where to go. A hook that throws means the user was never
 * told, so waiting would only end in a timeout: the login fails at once with `prompt_failed`.
 */
export const runPrompt = <A>(
  provider: LoginProvider,
  hook: (value: A) => void | PromiseLike<void>,
  value: A
): Effect.Effect<void, LoginFailed> =>
  Effect.tryPromise({
    try: async () => {
      await hook(value)
    },
    catch: (cause) =>
      new LoginFailed({
        provider,
        reason: "PromptFailed",
        detail: cause instanceof Error ? cause.message : String(cause)
      })
  })
