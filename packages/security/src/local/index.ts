/**
 * Local accounts: the `local` identity provider. Names and scrypt-hashed passwords kept in a `UserStore`,
 * verified into the same `Identity` every other provider returns.
 */

/** A user store held in memory (tests, accounts defined in configuration), and its constructor. */
export { InMemoryUserStore, makeInMemoryUserStore } from "./InMemoryUserStore.js"
/**
 * A stored account row, its profile without the hash, the bounds on its fields and the schemas that check
 * them (a durable store decodes its rows with `LocalUser`).
 */
export {
  DisplayName,
  displayNameMaxLength,
  LocalUser,
  type LocalUserProfile,
  maxRolesPerUser,
  roleMaxLength,
  toProfile
} from "./LocalUser.js"
/** The one error of the local-accounts domain and its reasons. */
export { LocalUserError, LocalUserErrorReason } from "./LocalUserError.js"
/** The local accounts service: create and administer accounts, verify passwords into an `Identity`. */
export {
  LocalUsers,
  type LocalUsersOptions,
  type LocalUsersShape,
  type LoginContext,
  makeLocalUsers,
  type NewLocalUser
} from "./LocalUsers.js"
/** How failed logins are slowed down: per account, address and pair, with exponential back-off. */
export {
  addressKey,
  type LoginAttempt,
  type LoginThrottled,
  type LoginThrottleOptions,
  type LoginThrottleShape,
  type LoginTicket,
  makeLoginThrottle
} from "./LoginThrottle.js"
/**
 * scrypt password hashing in a self-describing format (`scrypt$N=…,r=…,p=…$salt$hash`): hash, verify in
 * constant time, parse, and tell whether a hash was made with other parameters.
 */
export {
  defaultScryptParams,
  formatPasswordHash,
  hashPassword,
  needsRehash,
  type ParsedPasswordHash,
  PasswordHash,
  parsePasswordHash,
  ScryptParams,
  saltLength,
  verifyPasswordHash
} from "./PasswordHash.js"
/** The rules for local user names. */
export { isUsername, Username, usernameMaxLength } from "./Username.js"
/** The port where accounts are stored, with the change and condition types of its `update`. */
export { type LocalUserChanges, type LocalUserUpdateCondition, UserStore, type UserStoreShape } from "./UserStore.js"
