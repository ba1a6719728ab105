import { Schema } from "effect"

/** The longest local user name. Short enough for logs and UIs, and `local:<name>` stays a valid principal id. */
export const usernameMaxLength = 64

/**
 * A local user name: 1 to 64 characters of lowercase letters, digits, `.`, `_` and `-`, starting with a letter
 * or a digit. Lowercase only, so `Alice` and `alice` can never be two accounts that look alike in an audit
 * log; the charset keeps names safe in principal ids (`local:<name>`), file names, URLs and log lines. Names
 * are compared exactly: nothing is case-folded or trimmed on the way in.
 */
export const Username = Schema.String.pipe(
  Schema.check(
    Schema.isMinLength(1),
    Schema.isMaxLength(usernameMaxLength),
    Schema.isPattern(/^[a-z0-9][a-z0-9._-]*$/, {
      expected: "a user name: lowercase letters, digits and . _ - , starting with a letter or digit"
    })
  )
)
export type Username = typeof Username.Type

/** Whether a string is an acceptable local user name. */
export const isUsername: (u: unknown) => u is Username = Schema.is(Username)
