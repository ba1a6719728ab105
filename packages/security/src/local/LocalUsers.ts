import { randomBytes } from "node:crypto"
import { Clock, Context, Effect, Layer, Option, Schema, Semaphore } from "effect"
import { type Identity, principalIdOf } from "../identity/Identity.js"
import { DisplayName, type LocalUser, type LocalUserProfile, RoleNames, toProfile } from "./LocalUser.js"
import { LocalUserError } from "./LocalUserError.js"
import { type LoginThrottleOptions, makeLoginThrottle } from "./LoginThrottle.js"
import {
  defaultScryptParams,
  formatPasswordHash,
  hashPassword,
  needsRehash,
  parsePasswordHash,
  ScryptParams,
  saltLength,
  verifyPasswordHash
} from "./PasswordHash.js"
import { isUsername } from "./Username.js"
import { type LocalUserChanges, UserStore } from "./UserStore.js"

/** How the local accounts service hashes and which passwords it accepts. Every field has a default. */
export interface LocalUsersOptions {
  /** Fewest characters (Unicode code points, after NFC) a new password may have. Default 12, at least 8. */
  readonly minPasswordLength?: number | undefined
  /** Most characters a password may have, so nobody makes the server hash megabytes. Default 1024. */
  readonly maxPasswordLength?: number | undefined
  /** scrypt cost for new hashes. Default `defaultScryptParams`. */
  readonly scrypt?: ScryptParams | undefined
  /**
   * Whether a successful login replaces a hash made with other parameters by one made with `scrypt`
   * (default true): how raised parameters reach existing accounts without a password reset.
   */
  readonly rehashOnLogin?: boolean | undefined
  /** How failed logins are slowed down (see `LoginThrottleOptions`); `false` turns throttling off. */
  readonly throttle?: LoginThrottleOptions | false | undefined
  /**
   * How many password checks may hash at once (default 2). The rest wait their turn, so a flood of logins
   * cannot take every thread of libuv's pool, which file and DNS work share.
   */
  readonly maxConcurrentHashes?: number | undefined
}

/** Where a login attempt comes from, for throttling per address. */
export interface LoginContext {
  readonly remoteAddress?: string | undefined
}

/** A new account. `roles` are what the server grants it; `displayName` is shown instead of the name. */
export interface NewLocalUser {
  readonly username: string
  readonly password: string
  readonly roles: ReadonlyArray<string>
  readonly displayName?: string | undefined
}

/**
 * The local identity provider: accounts with scrypt-hashed passwords. Administrative methods fail with a
 * specific `LocalUserError` reason; `verifyPassword` fails only with `invalid_credentials` (or
 * `unavailable` when the store is down), whatever was wrong.
 */
export interface LocalUsersShape {
  /** Creates an account; fails `invalid_username`, `weak_password`, `invalid_roles`, `invalid_profile`, `already_exists`. */
  createUser(user: NewLocalUser): Effect.Effect<LocalUserProfile, LocalUserError>
  /** Replaces an account's password; fails `weak_password`, `not_found`. Sessions are not touched: revoke them separately. */
  setPassword(username: string, password: string): Effect.Effect<LocalUserProfile, LocalUserError>
  /** Replaces an account's roles; fails `invalid_roles`, `not_found`. */
  setRoles(username: string, roles: ReadonlyArray<string>): Effect.Effect<LocalUserProfile, LocalUserError>
  /** Blocks logins to an account (idempotent); fails `not_found`. */
  disable(username: string): Effect.Effect<LocalUserProfile, LocalUserError>
  /** Allows logins to a disabled account again (idempotent); fails `not_found`. */
  enable(username: string): Effect.Effect<LocalUserProfile, LocalUserError>
  /** Deletes an account; fails `not_found`. */
  deleteUser(username: string): Effect.Effect<void, LocalUserError>
  /** An account's profile, if it exists. */
  getUser(username: string): Effect.Effect<Option.Option<LocalUserProfile>, LocalUserError>
  /** Every account's profile, ordered by name. */
  readonly listUsers: Effect.Effect<ReadonlyArray<LocalUserProfile>, LocalUserError>
  /**
   * Checks a name and password and returns the account's identity (provider `local`, subject = name,
   * roles = the account's roles). Unknown name, wrong password and disabled account all fail with the same
   * `invalid_credentials` error after the same scrypt work. Too many recent failures for the name, the
   * address or the pair fail with `throttled` (and `retryAfterMs`) before any hashing, for unknown names
   * exactly as for existing ones.
   */
  verifyPassword(username: string, password: string, context?: LoginContext): Effect.Effect<Identity, LocalUserError>
}

const int = (min: number, max: number) =>
  Schema.Int.pipe(Schema.check(Schema.isGreaterThanOrEqualTo(min), Schema.isLessThanOrEqualTo(max)))

const ResolvedOptions = Schema.Struct({
  minPasswordLength: int(8, 1024),
  maxPasswordLength: int(8, 4096),
  scrypt: ScryptParams,
  rehashOnLogin: Schema.Boolean
}).pipe(
  Schema.check(
    Schema.makeFilter((o: { readonly minPasswordLength: number; readonly maxPasswordLength: number }) =>
      o.maxPasswordLength >= o.minPasswordLength ? undefined : "maxPasswordLength is below minPasswordLength"
    )
  )
)

const codePoints = (password: string): number => [...password.normalize("NFC")].length

const invalidCredentials = () => new LocalUserError({ reason: "InvalidCredentials" })

/**
 * Builds the local accounts service over the `UserStore` in context. Fails `invalid_options` when an option
 * is out of range.
 */
export const makeLocalUsers = (
  options: LocalUsersOptions = {}
): Effect.Effect<LocalUsersShape, LocalUserError, UserStore> =>
  Effect.gen(function* () {
    const settings = yield* Schema.decodeUnknownEffect(ResolvedOptions)({
      minPasswordLength: options.minPasswordLength ?? 12,
      maxPasswordLength: options.maxPasswordLength ?? 1024,
      scrypt: options.scrypt ?? defaultScryptParams,
      rehashOnLogin: options.rehashOnLogin ?? true
    }).pipe(Effect.mapError((error) => new LocalUserError({ reason: "InvalidOptions", detail: error.message })))
    const store = yield* UserStore
    const throttle = options.throttle === false ? undefined : makeLoginThrottle(options.throttle ?? {})
    const hashing = yield* Semaphore.make(Math.max(1, options.maxConcurrentHashes ?? 2))
    // Verifying against this hash costs exactly what verifying a current-parameter hash costs, and never
    // matches (its bytes are random, not derived): the stand-in when there is no real hash to check.
    const dummyHash = formatPasswordHash(
      settings.scrypt,
      randomBytes(saltLength),
      randomBytes(settings.scrypt.keyLength)
    )

    const checkUsername = (username: string) =>
      isUsername(username)
        ? Effect.void
        : Effect.fail(new LocalUserError({ reason: "InvalidUsername", detail: "lowercase a-z, 0-9, . _ - ; 1 to 64" }))

    const checkPassword = (username: string, password: string) => {
      const length = typeof password === "string" ? codePoints(password) : 0
      if (length >= settings.minPasswordLength && length <= settings.maxPasswordLength) return Effect.void
      return Effect.fail(
        new LocalUserError({
          reason: "WeakPassword",
          username,
          detail: `a password needs ${settings.minPasswordLength} to ${settings.maxPasswordLength} characters`
        })
      )
    }

    const decodeRoles = (username: string, roles: ReadonlyArray<string>) =>
      Schema.decodeUnknownEffect(RoleNames)(roles).pipe(
        Effect.map((valid) => [...new Set(valid)]),
        Effect.mapError((error) => new LocalUserError({ reason: "InvalidRoles", username, detail: error.message }))
      )

    const notFound = (username: string) => new LocalUserError({ reason: "NotFound", username })

    const change = (username: string, changes: Omit<LocalUserChanges, "updatedAt">) =>
      Effect.gen(function* () {
        const updatedAt = yield* Clock.currentTimeMillis
        const updated = yield* store.update(username, { ...changes, updatedAt })
        if (Option.isNone(updated)) return yield* Effect.fail(notFound(username))
        return toProfile(updated.value)
      })

    const toIdentity = (user: LocalUser): Identity => ({
      provider: "local",
      subject: user.username,
      principalId: principalIdOf("local", user.username),
      ...(user.displayName === undefined ? {} : { displayName: user.displayName }),
      roles: [...user.roles],
      attributes: {}
    })

    // Replaces an outdated hash; compare-and-set on the old hash so a concurrent password change wins.
    // A failure here must not fail the login that triggered it.
    const rehash = (user: LocalUser, password: string) =>
      Effect.gen(function* () {
        const passwordHash = yield* hashPassword(password, settings.scrypt)
        const updatedAt = yield* Clock.currentTimeMillis
        yield* store.update(user.username, { passwordHash, updatedAt }, { passwordHash: user.passwordHash })
      }).pipe(
        Effect.catch((error) =>
          Effect.logWarning(`could not re-hash the password of ${user.username}: ${error.message}`)
        )
      )

    const checkCredentials = (username: string, password: string): Effect.Effect<Identity, LocalUserError> =>
      Effect.gen(function* () {
        const candidate = typeof password === "string" ? password : ""
        if (!isUsername(username) || codePoints(candidate) > settings.maxPasswordLength) {
          yield* verifyPasswordHash(candidate.slice(0, settings.maxPasswordLength), dummyHash)
          return yield* Effect.fail(invalidCredentials())
        }
        const found = yield* store.find(username)
        if (Option.isNone(found)) {
          yield* verifyPasswordHash(candidate, dummyHash)
          return yield* Effect.fail(invalidCredentials())
        }
        const user = found.value
        const readable = parsePasswordHash(user.passwordHash) !== undefined
        if (!readable) yield* Effect.logWarning(`the stored password hash of ${username} is unreadable`)
        // A disabled account's password is still checked, so its answer takes as long as any other.
        const matches = yield* verifyPasswordHash(candidate, readable ? user.passwordHash : dummyHash)
        if (!matches || !readable || user.disabled) return yield* Effect.fail(invalidCredentials())
        if (settings.rehashOnLogin && needsRehash(user.passwordHash, settings.scrypt)) yield* rehash(user, candidate)
        return toIdentity(user)
      })

    const verifyPassword = (
      username: string,
      password: string,
      context: LoginContext = {}
    ): Effect.Effect<Identity, LocalUserError> => {
      const checked = hashing.withPermits(1)(checkCredentials(username, password))
      if (throttle === undefined) return checked
      return throttle
        .begin({ username: typeof username === "string" ? username : "", remoteAddress: context.remoteAddress })
        .pipe(
          Effect.mapError(
            ({ retryAfterMs }) =>
              new LocalUserError({ reason: "Throttled", retryAfterMs, detail: "too many failed logins" })
          ),
          Effect.flatMap((ticket) => Effect.tap(checked, () => ticket.succeeded))
        )
    }

    return {
      createUser: (input) =>
        Effect.gen(function* () {
          yield* checkUsername(input.username)
          yield* checkPassword(input.username, input.password)
          const roles = yield* decodeRoles(input.username, input.roles)
          if (input.displayName !== undefined && !Schema.is(DisplayName)(input.displayName)) {
            return yield* Effect.fail(
              new LocalUserError({
                reason: "InvalidProfile",
                username: input.username,
                detail: "display name: 1 to 256 characters"
              })
            )
          }
          const passwordHash = yield* hashPassword(input.password, settings.scrypt)
          const now = yield* Clock.currentTimeMillis
          const user: LocalUser = {
            username: input.username,
            passwordHash,
            roles,
            ...(input.displayName === undefined ? {} : { displayName: input.displayName }),
            disabled: false,
            createdAt: now,
            updatedAt: now
          }
          yield* store.insert(user)
          return toProfile(user)
        }),
      setPassword: (username, password) =>
        Effect.gen(function* () {
          yield* checkPassword(username, password)
          const passwordHash = yield* hashPassword(password, settings.scrypt)
          return yield* change(username, { passwordHash })
        }),
      setRoles: (username, roles) =>
        Effect.flatMap(decodeRoles(username, roles), (valid) => change(username, { roles: valid })),
      disable: (username) => change(username, { disabled: true }),
      enable: (username) => change(username, { disabled: false }),
      deleteUser: (username) =>
        Effect.flatMap(store.remove(username), (removed) => (removed ? Effect.void : Effect.fail(notFound(username)))),
      getUser: (username) => Effect.map(store.find(username), Option.map(toProfile)),
      listUsers: Effect.map(store.list, (users) => users.map(toProfile)),
      verifyPassword
    }
  })

/** The local accounts service (the `local` identity provider). */
export class LocalUsers extends Context.Service<LocalUsers, LocalUsersShape>()("@coderclaw/security/LocalUsers") {
  /** The service over the `UserStore` in context; fails `invalid_options` when an option is out of range. */
  static readonly layer = (options: LocalUsersOptions = {}): Layer.Layer<LocalUsers, LocalUserError, UserStore> =>
    Layer.effect(LocalUsers, makeLocalUsers(options))
}
