import { Schema } from "effect"
import { reasonWords } from "../internal/reasonWords.js"

/**
 * Why a local-account operation failed:
 * - `invalid_credentials`: `verifyPassword` refused. Unknown user, wrong password, disabled account, a
 *   malformed name or an unreadable stored hash all give exactly this error (no other field set), after the
 *   same scrypt work, so neither the answer nor its timing tells a caller which accounts exist.
 * - `throttled`: `verifyPassword` refused without checking the password, because the account, the caller's
 *   address or the pair failed too often lately; `retryAfterMs` says when to try again. Unknown accounts
 *   are throttled exactly like existing ones.
 * - `invalid_username`: the name breaks the `Username` rules (when creating or administering an account).
 * - `weak_password`: the new password is shorter than the configured minimum or longer than the maximum.
 * - `invalid_roles`: a role name is empty or too long, or there are too many roles.
 * - `invalid_profile`: another account field is invalid (e.g. an overlong display name).
 * - `already_exists`: `createUser` with a name that is taken.
 * - `not_found`: an administrative operation named an account that does not exist.
 * - `unavailable`: the user store failed (or returned a row that does not decode).
 * - `invalid_options`: the service was configured with values outside the allowed ranges.
 */
export const LocalUserErrorReason = Schema.Literals([
  "InvalidCredentials",
  "Throttled",
  "InvalidUsername",
  "WeakPassword",
  "InvalidRoles",
  "InvalidProfile",
  "AlreadyExists",
  "NotFound",
  "Unavailable",
  "InvalidOptions"
])
export type LocalUserErrorReason = typeof LocalUserErrorReason.Type

/**
 * The one error of the local-accounts domain. `username` names the account for administrative errors;
 * `detail` is for operators and logs. Neither ever carries a password or a hash.
 */
export class LocalUserError extends Schema.TaggedError<LocalUserError>()("LocalUserError", {
  reason: LocalUserErrorReason,
  username: Schema.optionalKey(Schema.String),
  detail: Schema.optionalKey(Schema.String),
  /** With `throttled`: how long to wait before the next attempt. */
  retryAfterMs: Schema.optionalKey(Schema.Number)
}) {
  override get message(): string {
    const who = this.username === undefined ? "" : ` (user ${JSON.stringify(this.username)})`
    const detail = this.detail === undefined ? "" : `: ${this.detail}`
    return `Local account error: ${reasonWords(this.reason)}${who}${detail}`
  }
}
