import { Timestamp } from "@coderclaw/protocol"
import { Schema } from "effect"
import { PasswordHash } from "./PasswordHash.js"
import { Username } from "./Username.js"

/** The longest role name an account may hold (the same bound a protocol `Principal` puts on roles). */
export const roleMaxLength = 64

/** The most roles one account may hold. */
export const maxRolesPerUser = 32

/** The longest display name (the same bound a protocol `Principal` puts on it). */
export const displayNameMaxLength = 256

/** A role name as stored on an account. */
export const RoleName = Schema.String.pipe(Schema.check(Schema.isMinLength(1), Schema.isMaxLength(roleMaxLength)))

/** The roles of an account: at most 32 names. */
export const RoleNames = Schema.Array(RoleName).pipe(Schema.check(Schema.isMaxLength(maxRolesPerUser)))

/** A display name: 1 to 256 characters. */
export const DisplayName = Schema.String.pipe(
  Schema.check(Schema.isMinLength(1), Schema.isMaxLength(displayNameMaxLength))
)

/**
 * A local account as the `UserStore` keeps it: one plain row. `roles` are the server's assignment (what
 * the account is allowed to be), `disabled` blocks logins without deleting the account, times are ms since
 * the epoch. A store reading rows from disk decodes them with this schema.
 */
export const LocalUser = Schema.Struct({
  username: Username,
  passwordHash: PasswordHash,
  roles: RoleNames,
  displayName: Schema.optionalKey(DisplayName),
  disabled: Schema.Boolean,
  createdAt: Timestamp,
  updatedAt: Timestamp
})
export type LocalUser = typeof LocalUser.Type

/** An account as shown to administrators: everything but the password hash. */
export type LocalUserProfile = Omit<LocalUser, "passwordHash">

/** The profile of an account (drops the hash, so it cannot leak through an API answer or a log line). */
export const toProfile = (user: LocalUser): LocalUserProfile => {
  const { passwordHash: _hash, ...profile } = user
  return profile
}
