import { Effect, Layer } from "effect"
import { TestClock } from "effect/testing"
import { importJWK, type JWTPayload, SignJWT } from "jose"
import { describe, expect, it } from "vitest"
import type { Identity } from "../src/identity/index.js"
import {
  InMemorySessionStore,
  InMemorySigningKeyStore,
  type SessionRejected,
  type SessionStore,
  Sessions,
  type SessionsOptions,
  SessionTokens,
  SigningKeyStore,
  sessionTokenType
} from "../src/sessions/index.js"

const T0 = 1_893_456_000_000 // 2030-01-01T00:00:00Z
const HOUR = 3_600_000
const tokenOptions = { issuer: "https://runtime.test", audience: "coderclaw-runtime", maxTokenTtlMs: 12 * HOUR }

type Services = Sessions | SessionStore | SessionTokens | SigningKeyStore

const layerFor = (options: SessionsOptions) =>
  Sessions.layer(options).pipe(
    Layer.provideMerge(InMemorySessionStore.layer),
    Layer.provideMerge(SessionTokens.layer(tokenOptions)),
    Layer.provideMerge(InMemorySigningKeyStore.layer),
    Layer.provideMerge(TestClock.layer())
  )

const run = <A, E>(program: Effect.Effect<A, E, Services>, options: SessionsOptions = { maxTtlMs: 8 * HOUR }) =>
  Effect.runPromise(
    Effect.gen(function* () {
      yield* TestClock.setTime(T0)
      return yield* program
    }).pipe(Effect.provide(layerFor(options)))
  )

const sessions = Effect.service(Sessions)

const rejection = <A>(effect: Effect.Effect<A, SessionRejected, Services>) =>
  Effect.map(Effect.flip(effect), (error) => error.reason)

const identityOf = (subject: string, roles: ReadonlyArray<string> = ["developer"]): Identity => ({
  provider: "local",
  subject,
  principalId: `local:${subject}`,
  displayName: `${subject} (display)`,
  roles,
  attributes: {}
})

const alice = identityOf("alice")

/** Signs arbitrary claims with the ring's current private key (what a token forger holding it could do). */
const signWithOurKey = (claims: JWTPayload) =>
  Effect.gen(function* () {
    const records = yield* (yield* SigningKeyStore).load
    const current = records.find((record) => record.privateJwk !== undefined && record.retiredAt === undefined)
    if (current?.privateJwk === undefined) return yield* Effect.die("no current key")
    const jwk = current.privateJwk
    const key = yield* Effect.promise(() => importJWK(jwk, "EdDSA"))
    return yield* Effect.promise(() =>
      new SignJWT(claims).setProtectedHeader({ alg: "EdDSA", kid: current.kid, typ: sessionTokenType }).sign(key)
    )
  })

describe("Sessions", () => {
  it("creates a session from an identity and verifies its token back to it", async () => {
    const { created, verified, validated } = await run(
      Effect.gen(function* () {
        const service = yield* sessions
        const created = yield* service.create({ identity: alice, scopes: ["task:read"], ttlMs: 2 * HOUR })
        return {
          created,
          verified: yield* service.verifyToken(created.token),
          validated: yield* service.validate(created.session.id)
        }
      })
    )
    expect(created.session).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      principalId: "local:alice",
      provider: "local",
      displayName: "alice (display)",
      roles: ["developer"],
      trust: "untrusted",
      scopes: ["task:read"],
      createdAt: T0,
      expiresAt: T0 + 2 * HOUR
    })
    expect(verified).toEqual(created.session)
    expect(validated).toEqual(created.session)
  })

  it("records the device and the trust the device check gave it", async () => {
    const session = await run(
      Effect.map(
        Effect.flatMap(sessions, (service) =>
          service.create({ identity: alice, device: { deviceId: "dev-1234", trust: "trusted" }, scopes: [] })
        ),
        (created) => created.session
      )
    )
    expect(session.deviceId).toBe("dev-1234")
    expect(session.trust).toBe("trusted")
    expect(session.expiresAt).toBe(T0 + HOUR) // the default ttl
  })

  it("refuses a session once its expiry has passed, by id and by token", async () => {
    const result = await run(
      Effect.gen(function* () {
        const service = yield* sessions
        const { session, token } = yield* service.create({ identity: alice, scopes: [], ttlMs: 10 * 60_000 })
        yield* TestClock.adjust(10 * 60_000 - 1)
        const lastMoment = yield* service.validate(session.id)
        yield* TestClock.adjust(1)
        return {
          lastMoment,
          byId: yield* rejection(service.validate(session.id)),
          // The token's own exp is still inside the clock skew here: the session's expiry decides.
          byToken: yield* rejection(service.verifyToken(token)),
          listed: yield* service.listFor("local:alice"),
          listedAll: yield* service.listFor("local:alice", { includeInactive: true })
        }
      })
    )
    expect(result.lastMoment.principalId).toBe("local:alice")
    expect(result.byId).toBe("Expired")
    expect(result.byToken).toBe("Expired")
    expect(result.listed).toEqual([])
    expect(result.listedAll).toHaveLength(1)
  })

  it("refuses a revoked session, keeping the first revocation time", async () => {
    const result = await run(
      Effect.gen(function* () {
        const service = yield* sessions
        const { session, token } = yield* service.create({ identity: alice, scopes: [] })
        yield* TestClock.adjust("1 minute")
        const first = yield* service.revoke(session.id)
        yield* TestClock.adjust("1 minute")
        const second = yield* service.revoke(session.id)
        return {
          first,
          second,
          byId: yield* rejection(service.validate(session.id)),
          byToken: yield* rejection(service.verifyToken(token)),
          unknown: yield* rejection(service.revoke("no-such-session")),
          unknownValidate: yield* rejection(service.validate("no-such-session"))
        }
      })
    )
    expect(result.first.revokedAt).toBe(T0 + 60_000)
    expect(result.second.revokedAt).toBe(T0 + 60_000)
    expect(result.byId).toBe("Revoked")
    expect(result.byToken).toBe("Revoked")
    expect(result.unknown).toBe("NotFound")
    expect(result.unknownValidate).toBe("NotFound")
  })

  it("revokes every session of a principal and no one else's", async () => {
    const result = await run(
      Effect.gen(function* () {
        const service = yield* sessions
        const mine = yield* Effect.forEach([1, 2, 3], () => service.create({ identity: alice, scopes: [] }))
        const bobs = yield* service.create({ identity: identityOf("bob"), scopes: [] })
        const before = yield* service.listFor("local:alice")
        const revoked = yield* service.revokeAllFor("local:alice")
        const again = yield* service.revokeAllFor("local:alice")
        return {
          before,
          revoked,
          again,
          refusals: yield* Effect.forEach(mine, ({ token }) => rejection(service.verifyToken(token))),
          bob: yield* service.verifyToken(bobs.token),
          after: yield* service.listFor("local:alice"),
          all: yield* service.listFor("local:alice", { includeInactive: true })
        }
      })
    )
    expect(result.before).toHaveLength(3)
    expect(result.revoked).toBe(3)
    expect(result.again).toBe(0)
    expect(result.refusals).toEqual(["Revoked", "Revoked", "Revoked"])
    expect(result.bob.principalId).toBe("local:bob")
    expect(result.after).toEqual([])
    expect(result.all.map((session) => session.revokedAt)).toEqual([T0, T0, T0])
  })

  it("clamps a ttl above the maximum to the maximum, and refuses one that is not a positive integer", async () => {
    const result = await run(
      Effect.gen(function* () {
        const service = yield* sessions
        const clamped = yield* service.create({ identity: alice, scopes: [], ttlMs: 7 * 24 * HOUR })
        return {
          clamped,
          tokenExp: (yield* (yield* SessionTokens).verify(clamped.token)).exp,
          zero: yield* rejection(service.create({ identity: alice, scopes: [], ttlMs: 0 })),
          negative: yield* rejection(service.create({ identity: alice, scopes: [], ttlMs: -5 })),
          fractional: yield* rejection(service.create({ identity: alice, scopes: [], ttlMs: 1.5 })),
          notANumber: yield* rejection(service.create({ identity: alice, scopes: [], ttlMs: Number.NaN }))
        }
      })
    )
    expect(result.clamped.session.expiresAt).toBe(T0 + 8 * HOUR)
    expect(result.tokenExp).toBe((T0 + 8 * HOUR) / 1_000)
    expect([result.zero, result.negative, result.fractional, result.notANumber]).toEqual([
      "InvalidRequest",
      "InvalidRequest",
      "InvalidRequest",
      "InvalidRequest"
    ])
  })

  it("refuses a maximum ttl beyond what the token service can verify", async () => {
    const error = await Effect.runPromise(
      Effect.flip(Effect.provide(Effect.service(Sessions), layerFor({ maxTtlMs: 24 * HOUR })))
    )
    expect(error.reason).toBe("InvalidRequest")
  })

  it("refuses invalid session contents", async () => {
    const reasons = await run(
      Effect.gen(function* () {
        const service = yield* sessions
        return yield* Effect.all([
          rejection(service.create({ identity: { ...alice, displayName: "x".repeat(257) }, scopes: [] })),
          rejection(service.create({ identity: alice, scopes: Array.from({ length: 33 }, (_, i) => `s${i}`) })),
          rejection(service.create({ identity: identityOf("alice", [""]), scopes: [] })),
          rejection(service.create({ identity: { ...alice, principalId: "local:al ice" }, scopes: [] }))
        ])
      })
    )
    expect(reasons).toEqual(["InvalidRequest", "InvalidRequest", "InvalidRequest", "InvalidRequest"])
  })

  it("builds the principal from the session's server-side roles, never from token claims", async () => {
    const result = await run(
      Effect.gen(function* () {
        const service = yield* sessions
        const { session } = yield* service.create({
          identity: alice,
          device: { deviceId: "dev-1234", trust: "verified" },
          scopes: []
        })
        const now = Math.floor(T0 / 1_000)
        // A genuinely signed token that also claims admin roles and trust: only the session counts.
        const inflated = yield* signWithOurKey({
          iss: tokenOptions.issuer,
          aud: tokenOptions.audience,
          sub: "local:alice",
          sid: session.id,
          jti: "inflated",
          iat: now,
          exp: now + 600,
          roles: ["admin"],
          trust: "trusted"
        })
        const principal = yield* service.authenticate(inflated)
        // A token naming alice's session under another subject is refused.
        const swapped = yield* signWithOurKey({
          iss: tokenOptions.issuer,
          aud: tokenOptions.audience,
          sub: "local:mallory",
          sid: session.id,
          jti: "swapped",
          iat: now,
          exp: now + 600
        })
        return {
          session,
          principal,
          fromSession: service.toPrincipal(session),
          swapped: yield* rejection(service.verifyToken(swapped))
        }
      })
    )
    expect(result.principal).toEqual({
      id: "local:alice",
      provider: "local",
      displayName: "alice (display)",
      sessionId: result.session.id,
      roles: ["developer"],
      deviceId: "dev-1234",
      trust: "verified"
    })
    expect(result.fromSession).toEqual(result.principal)
    expect(result.swapped).toBe("ClaimsMismatch")
  })

  it("refuses a token for a session the store does not hold", async () => {
    const reason = await run(
      Effect.gen(function* () {
        const now = Math.floor(T0 / 1_000)
        const token = yield* signWithOurKey({
          iss: tokenOptions.issuer,
          aud: tokenOptions.audience,
          sub: "local:alice",
          sid: "never-issued",
          jti: "ghost",
          iat: now,
          exp: now + 600
        })
        return yield* rejection(Effect.flatMap(sessions, (service) => service.verifyToken(token)))
      })
    )
    expect(reason).toBe("NotFound")
  })

  it("keeps sessions valid across a key rotation", async () => {
    const result = await run(
      Effect.gen(function* () {
        const service = yield* sessions
        const { token } = yield* service.create({ identity: alice, scopes: [] })
        yield* (yield* SessionTokens).rotate
        const fresh = yield* service.create({ identity: alice, scopes: [] })
        return { old: yield* service.verifyToken(token), fresh: yield* service.verifyToken(fresh.token) }
      })
    )
    expect(result.old.principalId).toBe("local:alice")
    expect(result.fresh.principalId).toBe("local:alice")
  })

  it("purges sessions that expired longer ago than the retention", async () => {
    const result = await run(
      Effect.gen(function* () {
        const service = yield* sessions
        const short = yield* service.create({ identity: alice, scopes: [], ttlMs: 60_000 })
        const long = yield* service.create({ identity: alice, scopes: [], ttlMs: 2 * HOUR })
        yield* TestClock.adjust("2 minutes")
        const retained = yield* service.purgeExpired(5 * 60_000)
        const purged = yield* service.purgeExpired()
        return {
          retained,
          purged,
          short: yield* rejection(service.validate(short.session.id)),
          long: yield* service.validate(long.session.id)
        }
      })
    )
    expect(result.retained).toBe(0)
    expect(result.purged).toBe(1)
    expect(result.short).toBe("NotFound")
    expect(result.long.expiresAt).toBe(T0 + 2 * HOUR)
  })
})
