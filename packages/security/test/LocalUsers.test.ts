import * as crypto from "node:crypto"
import { Effect, Layer, Option } from "effect"
import { TestClock } from "effect/testing"
import { afterEach, describe, expect, it, vi } from "vitest"
import {
  defaultScryptParams,
  hashPassword,
  InMemoryUserStore,
  type LocalUser,
  type LocalUserError,
  LocalUsers,
  type LocalUsersOptions,
  makeInMemoryUserStore,
  needsRehash,
  parsePasswordHash,
  type ScryptParams,
  UserStore,
  verifyPasswordHash
} from "../src/local/index.js"

// Passes every call through to the real scrypt, counting them, so a test can see how much hashing a
// login attempt did.
vi.mock("node:crypto", async (importOriginal) => {
  const original = await importOriginal<typeof import("node:crypto")>()
  return { ...original, scrypt: vi.fn(original.scrypt) }
})

const T0 = 1_750_000_000_000
/** Cheap parameters so the suite stays fast; the default parameters get their own test. */
const fast: ScryptParams = { N: 1024, r: 8, p: 1, keyLength: 32 }
const strongPassword = "correct horse battery staple"

const layerFor = (options: LocalUsersOptions, store: Layer.Layer<UserStore> = InMemoryUserStore.layer) =>
  LocalUsers.layer({ scrypt: fast, ...options }).pipe(Layer.provideMerge(store), Layer.provideMerge(TestClock.layer()))

const run = <A, E>(
  program: Effect.Effect<A, E, LocalUsers | UserStore>,
  options: LocalUsersOptions = {},
  store?: Layer.Layer<UserStore>
) =>
  Effect.runPromise(
    Effect.gen(function* () {
      yield* TestClock.setTime(T0)
      return yield* program
    }).pipe(Effect.provide(layerFor(options, store)))
  )

const users = Effect.service(LocalUsers)

/** The error `effect` fails with (fails the test if it succeeded). */
const failure = <A>(effect: Effect.Effect<A, LocalUserError, LocalUsers | UserStore>) => Effect.flip(effect)

const createAlice = Effect.flatMap(users, (service) =>
  service.createUser({ username: "alice", password: strongPassword, roles: ["developer"], displayName: "Alice A." })
)

const storedUser = (username: string) =>
  Effect.flatMap(Effect.service(UserStore), (store) => store.find(username)).pipe(Effect.map(Option.getOrThrow))

const scryptMock = vi.mocked(crypto.scrypt)

afterEach(() => {
  scryptMock.mockClear()
})

describe("password hashing", () => {
  it("writes a self-describing scrypt string with a fresh salt each time", async () => {
    const [first, second] = await Effect.runPromise(
      Effect.all([hashPassword(strongPassword, fast), hashPassword(strongPassword, fast)])
    )
    expect(first).toMatch(/^scrypt\$N=1024,r=8,p=1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/)
    expect(first).not.toBe(second)
    const parsed = parsePasswordHash(first)
    expect(parsed?.params).toEqual(fast)
    expect(parsed?.salt).toHaveLength(16)
    expect(await Effect.runPromise(verifyPasswordHash(strongPassword, first))).toBe(true)
    expect(await Effect.runPromise(verifyPasswordHash(strongPassword, second))).toBe(true)
    expect(await Effect.runPromise(verifyPasswordHash("correct horse battery stapler", first))).toBe(false)
  })

  it("round-trips with the default parameters (N=2^15, r=8, p=3)", async () => {
    const hash = await Effect.runPromise(hashPassword(strongPassword))
    expect(hash.startsWith("scrypt$N=32768,r=8,p=3$")).toBe(true)
    expect(await Effect.runPromise(verifyPasswordHash(strongPassword, hash))).toBe(true)
    expect(needsRehash(hash, defaultScryptParams)).toBe(false)
    expect(needsRehash(hash, fast)).toBe(true)
  })

  it("compares passwords after Unicode NFC normalisation", async () => {
    const composed = "caf\u00e9 au lait, s'il vous pla\u00eet"
    const decomposed = composed.normalize("NFD")
    expect(decomposed).not.toBe(composed)
    const hash = await Effect.runPromise(hashPassword(composed, fast))
    expect(await Effect.runPromise(verifyPasswordHash(decomposed, hash))).toBe(true)
  })

  it("refuses malformed hashes and parameters outside the bounds", () => {
    const salt = "A".repeat(22)
    const hash = "B".repeat(43)
    expect(parsePasswordHash(`scrypt$N=1024,r=8,p=1$${salt}$${hash}`)).toBeDefined()
    expect(parsePasswordHash(`scrypt$N=1000,r=8,p=1$${salt}$${hash}`)).toBeUndefined() // not a power of two
    expect(parsePasswordHash(`scrypt$N=16,r=8,p=1$${salt}$${hash}`)).toBeUndefined() // too weak
    expect(parsePasswordHash(`scrypt$N=1048576,r=8,p=1$${salt}$${hash}`)).toBeUndefined() // 1 GiB of memory
    expect(parsePasswordHash(`scrypt$N=1024,r=8,p=99$${salt}$${hash}`)).toBeUndefined()
    expect(parsePasswordHash(`bcrypt$N=1024,r=8,p=1$${salt}$${hash}`)).toBeUndefined()
    expect(parsePasswordHash(`scrypt$N=1024,r=8,p=1$${salt}$${hash}=`)).toBeUndefined()
    expect(parsePasswordHash(`scrypt$N=1024,r=8,p=1$short$${hash}`)).toBeUndefined()
  })
})

describe("LocalUsers", () => {
  it("verifies a password into a local identity carrying the account's roles", async () => {
    const { profile, identity, stored } = await run(
      Effect.gen(function* () {
        const profile = yield* createAlice
        const identity = yield* (yield* users).verifyPassword("alice", strongPassword)
        return { profile, identity, stored: yield* storedUser("alice") }
      })
    )
    expect(profile).toEqual({
      username: "alice",
      roles: ["developer"],
      displayName: "Alice A.",
      disabled: false,
      createdAt: T0,
      updatedAt: T0
    })
    expect(profile).not.toHaveProperty("passwordHash")
    expect(identity).toEqual({
      provider: "local",
      subject: "alice",
      principalId: "local:alice",
      displayName: "Alice A.",
      roles: ["developer"],
      attributes: {}
    })
    expect(stored.passwordHash).toMatch(/^scrypt\$N=1024,r=8,p=1\$/)
    expect(stored.passwordHash).not.toContain(strongPassword)
  })

  it("answers a wrong password, an unknown user and a disabled account with the same error", async () => {
    const errors = await run(
      Effect.gen(function* () {
        const service = yield* users
        yield* createAlice
        yield* service.createUser({ username: "bob", password: strongPassword, roles: [] })
        yield* service.disable("bob")
        return yield* Effect.all([
          failure(service.verifyPassword("alice", "not the right password")),
          failure(service.verifyPassword("mallory", strongPassword)),
          failure(service.verifyPassword("bob", strongPassword)),
          failure(service.verifyPassword("bob", "not the right password")),
          failure(service.verifyPassword("Alice", strongPassword)),
          failure(service.verifyPassword("../etc/passwd", strongPassword)),
          failure(service.verifyPassword("alice", "x".repeat(5_000)))
        ])
      })
    )
    for (const error of errors) {
      expect(error._tag).toBe("LocalUserError")
      expect(error.reason).toBe("InvalidCredentials")
      expect({ ...error }).toEqual({ _tag: "LocalUserError", reason: "InvalidCredentials" })
      expect(error.message).toBe(errors[0]?.message)
    }
  })

  it("does one scrypt derivation with the current parameters whether or not the account exists", async () => {
    const counts = await run(
      Effect.gen(function* () {
        const service = yield* users
        yield* createAlice
        yield* service.createUser({ username: "bob", password: strongPassword, roles: [] })
        yield* service.disable("bob")
        const attempts = {
          wrongPassword: service.verifyPassword("alice", "not the right password"),
          unknownUser: service.verifyPassword("mallory", strongPassword),
          disabledUser: service.verifyPassword("bob", strongPassword),
          invalidName: service.verifyPassword("Not A Name", strongPassword)
        }
        const seen: Record<string, ReadonlyArray<unknown>> = {}
        for (const [name, attempt] of Object.entries(attempts)) {
          scryptMock.mockClear()
          yield* Effect.flip(attempt)
          seen[name] = scryptMock.mock.calls.map((call) => [call[2], call[3]])
        }
        return seen
      })
    )
    const expected = [[32, expect.objectContaining({ N: 1024, r: 8, p: 1 })]]
    expect(counts).toEqual({
      wrongPassword: expected,
      unknownUser: expected,
      disabledUser: expected,
      invalidName: expected
    })
  })

  it("verifies a hash made with other parameters and re-hashes it with the current ones", async () => {
    const legacy = await Effect.runPromise(hashPassword(strongPassword, { N: 2048, r: 4, p: 2, keyLength: 48 }))
    const account: LocalUser = {
      username: "carol",
      passwordHash: legacy,
      roles: ["readonly"],
      disabled: false,
      createdAt: T0 - 1_000,
      updatedAt: T0 - 1_000
    }
    const { identity, wrong, afterWrong, afterLogin } = await run(
      Effect.gen(function* () {
        const service = yield* users
        const wrong = yield* failure(service.verifyPassword("carol", "not the right password"))
        const afterWrong = (yield* storedUser("carol")).passwordHash
        const identity = yield* service.verifyPassword("carol", strongPassword)
        const afterLogin = yield* storedUser("carol")
        return { identity, wrong, afterWrong, afterLogin }
      }),
      {},
      InMemoryUserStore.layerWith([account])
    )
    expect(identity.principalId).toBe("local:carol")
    expect(wrong.reason).toBe("InvalidCredentials")
    expect(afterWrong).toBe(legacy)
    expect(afterLogin.passwordHash).toMatch(/^scrypt\$N=1024,r=8,p=1\$/)
    expect(afterLogin.updatedAt).toBe(T0)
    expect(await Effect.runPromise(verifyPasswordHash(strongPassword, afterLogin.passwordHash))).toBe(true)
  })

  it("keeps the old hash when re-hashing on login is turned off", async () => {
    const legacy = await Effect.runPromise(hashPassword(strongPassword, { N: 2048, r: 8, p: 1, keyLength: 32 }))
    const account: LocalUser = {
      username: "dave",
      passwordHash: legacy,
      roles: [],
      disabled: false,
      createdAt: T0,
      updatedAt: T0
    }
    const stored = await run(
      Effect.gen(function* () {
        yield* (yield* users).verifyPassword("dave", strongPassword)
        return yield* storedUser("dave")
      }),
      { rehashOnLogin: false },
      InMemoryUserStore.layerWith([account])
    )
    expect(stored.passwordHash).toBe(legacy)
  })

  it("refuses a login whose stored hash is unreadable, with the usual error", async () => {
    const account: LocalUser = {
      username: "erin",
      passwordHash: `scrypt$N=3,r=8,p=1$${"A".repeat(22)}$${"B".repeat(43)}`,
      roles: [],
      disabled: false,
      createdAt: T0,
      updatedAt: T0
    }
    const error = await run(
      failure(Effect.flatMap(users, (service) => service.verifyPassword("erin", strongPassword))),
      {},
      InMemoryUserStore.layerWith([account])
    )
    expect({ ...error }).toEqual({ _tag: "LocalUserError", reason: "InvalidCredentials" })
  })

  it("refuses passwords shorter than the minimum, counting characters rather than bytes", async () => {
    const { short, shortOnChange, longEnough, unicode } = await run(
      Effect.gen(function* () {
        const service = yield* users
        const short = yield* failure(service.createUser({ username: "frank", password: "elevenchars", roles: [] }))
        const longEnough = yield* service.createUser({ username: "frank", password: "twelve chars", roles: [] })
        const shortOnChange = yield* failure(service.setPassword("frank", "tiny"))
        // Eleven characters (each two UTF-16 units): still too short.
        const unicode = yield* failure(service.setPassword("frank", "😀".repeat(11)))
        return { short, shortOnChange, longEnough, unicode }
      })
    )
    expect(short.reason).toBe("WeakPassword")
    expect(shortOnChange.reason).toBe("WeakPassword")
    expect(unicode.reason).toBe("WeakPassword")
    expect(longEnough.username).toBe("frank")
  })

  it("applies a configured minimum and refuses one below 8", async () => {
    const error = await run(
      failure(
        Effect.flatMap(users, (service) =>
          service.createUser({ username: "gina", password: strongPassword, roles: [] })
        )
      ),
      { minPasswordLength: 40 }
    )
    expect(error.reason).toBe("WeakPassword")
    const badOptions = await Effect.runPromise(
      Effect.flip(Effect.provide(Effect.service(LocalUsers), layerFor({ minPasswordLength: 4 })))
    )
    expect(badOptions.reason).toBe("InvalidOptions")
    const badScrypt = await Effect.runPromise(
      Effect.flip(Effect.provide(Effect.service(LocalUsers), layerFor({ scrypt: { ...fast, N: 1000 } })))
    )
    expect(badScrypt.reason).toBe("InvalidOptions")
  })

  it("refuses user names outside the safe charset and length", async () => {
    const names = ["Alice", "", "-bob", ".hidden", "a b", "ali/ce", "ålice", "eve\n", "x".repeat(65), "local:root"]
    const errors = await run(
      Effect.gen(function* () {
        const service = yield* users
        return yield* Effect.forEach(names, (username) =>
          failure(service.createUser({ username, password: strongPassword, roles: [] }))
        )
      })
    )
    expect(errors.map((error) => error.reason)).toEqual(names.map(() => "InvalidUsername"))
    const accepted = await run(
      Effect.gen(function* () {
        const service = yield* users
        yield* service.createUser({ username: "a", password: strongPassword, roles: [] })
        yield* service.createUser({ username: "x".repeat(64), password: strongPassword, roles: [] })
        yield* service.createUser({ username: "jo.smith-2_x", password: strongPassword, roles: [] })
        return (yield* service.listUsers).map((user) => user.username)
      })
    )
    expect(accepted).toEqual(["a", "jo.smith-2_x", "x".repeat(64)])
  })

  it("administers accounts: duplicate names, roles, password changes, disable and enable", async () => {
    const result = await run(
      Effect.gen(function* () {
        const service = yield* users
        yield* createAlice
        const duplicate = yield* failure(service.createUser({ username: "alice", password: strongPassword, roles: [] }))
        yield* TestClock.adjust("1 minute")
        const withRoles = yield* service.setRoles("alice", ["admin", "developer", "admin"])
        const badRoles = yield* failure(service.setRoles("alice", ["", "x".repeat(65)]))
        const identity = yield* service.verifyPassword("alice", strongPassword)
        yield* service.setPassword("alice", "a brand new passphrase")
        const oldPassword = yield* failure(service.verifyPassword("alice", strongPassword))
        const newPassword = yield* service.verifyPassword("alice", "a brand new passphrase")
        yield* service.disable("alice")
        const whileDisabled = yield* failure(service.verifyPassword("alice", "a brand new passphrase"))
        yield* service.enable("alice")
        const enabledAgain = yield* service.verifyPassword("alice", "a brand new passphrase")
        const missing = yield* Effect.all([
          failure(service.setPassword("nobody", strongPassword)),
          failure(service.setRoles("nobody", [])),
          failure(service.disable("nobody")),
          failure(service.deleteUser("nobody"))
        ])
        yield* service.deleteUser("alice")
        const afterDelete = yield* service.getUser("alice")
        return {
          duplicate,
          withRoles,
          badRoles,
          identity,
          oldPassword,
          newPassword,
          whileDisabled,
          enabledAgain,
          missing,
          afterDelete
        }
      })
    )
    expect(result.duplicate.reason).toBe("AlreadyExists")
    expect(result.withRoles.roles).toEqual(["admin", "developer"])
    expect(result.withRoles.updatedAt).toBe(T0 + 60_000)
    expect(result.withRoles.createdAt).toBe(T0)
    expect(result.badRoles.reason).toBe("InvalidRoles")
    expect(result.identity.roles).toEqual(["admin", "developer"])
    expect(result.oldPassword.reason).toBe("InvalidCredentials")
    expect(result.newPassword.subject).toBe("alice")
    expect(result.whileDisabled.reason).toBe("InvalidCredentials")
    expect(result.enabledAgain.subject).toBe("alice")
    expect(result.missing.map((error) => error.reason)).toEqual(["NotFound", "NotFound", "NotFound", "NotFound"])
    expect(Option.isNone(result.afterDelete)).toBe(true)
  })

  it("refuses an overlong display name", async () => {
    const error = await run(
      failure(
        Effect.flatMap(users, (service) =>
          service.createUser({ username: "hank", password: strongPassword, roles: [], displayName: "h".repeat(257) })
        )
      )
    )
    expect(error.reason).toBe("InvalidProfile")
  })
})

describe("InMemoryUserStore", () => {
  it("writes a conditional update only while the stored hash is unchanged", async () => {
    const base: LocalUser = {
      username: "ivan",
      passwordHash: await Effect.runPromise(hashPassword(strongPassword, fast)),
      roles: [],
      disabled: false,
      createdAt: T0,
      updatedAt: T0
    }
    const store = makeInMemoryUserStore([base])
    const replacement = await Effect.runPromise(hashPassword("another passphrase", fast))
    const stale = await Effect.runPromise(
      store.update("ivan", { passwordHash: replacement, updatedAt: T0 + 1 }, { passwordHash: "scrypt$stale" })
    )
    expect(Option.isNone(stale)).toBe(true)
    expect(Option.getOrThrow(await Effect.runPromise(store.find("ivan"))).passwordHash).toBe(base.passwordHash)
    const fresh = await Effect.runPromise(
      store.update("ivan", { passwordHash: replacement, updatedAt: T0 + 1 }, { passwordHash: base.passwordHash })
    )
    expect(Option.getOrThrow(fresh).passwordHash).toBe(replacement)
  })
})
