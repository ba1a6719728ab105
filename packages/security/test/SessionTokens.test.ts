import { Effect, Layer } from "effect"
import { TestClock } from "effect/testing"
import { base64url, decodeProtectedHeader, generateKeyPair, importJWK, type JWTPayload, SignJWT } from "jose"
import { describe, expect, it } from "vitest"
import {
  InMemorySigningKeyStore,
  makeInMemorySigningKeyStore,
  type Session,
  type SessionRejected,
  SessionTokens,
  type SessionTokensOptions,
  SigningKeyStore,
  type SigningKeyStoreShape,
  sessionTokenType
} from "../src/sessions/index.js"

const T0 = 1_893_456_000_000 // 2030-01-01T00:00:00Z
const HOUR = 3_600_000
const options: SessionTokensOptions = {
  issuer: "https://runtime.test",
  audience: "coderclaw-runtime",
  maxTokenTtlMs: HOUR,
  clockSkewMs: 30_000
}

const sessionAt = (now: number, overrides: Partial<Session> = {}): Session => ({
  id: "0b7f6a4e-3f7c-4a55-9d55-0d3c2a1b9e01",
  principalId: "local:alice",
  provider: "local",
  roles: ["developer"],
  trust: "untrusted",
  scopes: [],
  createdAt: now,
  expiresAt: now + HOUR / 2,
  ...overrides
})

const layerWith = (store: Layer.Layer<SigningKeyStore>, tokenOptions: SessionTokensOptions = options) =>
  SessionTokens.layer(tokenOptions).pipe(Layer.provideMerge(store))

const run = <A, E>(
  program: Effect.Effect<A, E, SessionTokens | SigningKeyStore>,
  store: Layer.Layer<SigningKeyStore> = InMemorySigningKeyStore.layer
) =>
  Effect.runPromise(
    Effect.gen(function* () {
      yield* TestClock.setTime(T0)
      return yield* program
    }).pipe(Effect.provide(Layer.provideMerge(layerWith(store), TestClock.layer())))
  )

const tokens = Effect.service(SessionTokens)

const rejection = <A>(effect: Effect.Effect<A, SessionRejected, SessionTokens | SigningKeyStore>) =>
  Effect.map(Effect.flip(effect), (error) => error.reason)

const payloadOf = (token: string): JWTPayload =>
  JSON.parse(new TextDecoder().decode(base64url.decode(token.split(".")[1] ?? "")))

/** Signs arbitrary claims with the ring's current private key, as an attacker holding it could. */
const signWithOurKey = (claims: JWTPayload, header: Record<string, unknown> = {}) =>
  Effect.gen(function* () {
    const records = yield* (yield* SigningKeyStore).load
    const current = records.find((record) => record.privateJwk !== undefined && record.retiredAt === undefined)
    if (current?.privateJwk === undefined) return yield* Effect.die("no current key")
    const key = yield* Effect.promise(() =>
      importJWK(current.privateJwk as NonNullable<typeof current.privateJwk>, "EdDSA")
    )
    return yield* Effect.promise(() =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: "EdDSA", kid: current.kid, typ: sessionTokenType, ...header })
        .sign(key)
    )
  })

const nowSeconds = Math.floor(T0 / 1_000)
const validClaims: JWTPayload = {
  iss: options.issuer,
  aud: options.audience,
  sub: "local:alice",
  sid: "0b7f6a4e-3f7c-4a55-9d55-0d3c2a1b9e01",
  jti: "a-unique-id",
  iat: nowSeconds,
  exp: nowSeconds + 600
}

describe("SessionTokens", () => {
  it("issues an EdDSA token naming the session, and verifies it", async () => {
    const session = sessionAt(T0)
    const { token, claims, kid } = await run(
      Effect.gen(function* () {
        const service = yield* tokens
        const token = yield* service.issue(session)
        return { token, claims: yield* service.verify(token), kid: yield* service.currentKeyId }
      })
    )
    expect(decodeProtectedHeader(token)).toEqual({ alg: "EdDSA", kid, typ: sessionTokenType })
    expect(claims).toEqual({
      iss: options.issuer,
      aud: options.audience,
      sub: "local:alice",
      sid: session.id,
      jti: expect.any(String),
      iat: nowSeconds,
      exp: Math.floor(session.expiresAt / 1_000)
    })
    // The token names the session; roles, scopes and trust stay on the server.
    expect(Object.keys(payloadOf(token)).sort()).toEqual(["aud", "exp", "iat", "iss", "jti", "sid", "sub"])
  })

  it("gives every token its own jti", async () => {
    const [first, second] = await run(
      Effect.gen(function* () {
        const service = yield* tokens
        return [yield* service.issue(sessionAt(T0)), yield* service.issue(sessionAt(T0))] as const
      })
    )
    expect(payloadOf(first).jti).not.toBe(payloadOf(second).jti)
  })

  it("keeps verifying tokens of a rotated key until they expire, and signs new ones with the new key", async () => {
    const result = await run(
      Effect.gen(function* () {
        const service = yield* tokens
        const store = yield* SigningKeyStore
        const oldKid = yield* service.currentKeyId
        const oldToken = yield* service.issue(sessionAt(T0))
        yield* TestClock.adjust("10 minutes")
        const newKid = yield* service.rotate
        const newToken = yield* service.issue(sessionAt(T0 + 10 * 60_000))
        const oldStillVerifies = yield* service.verify(oldToken)
        const newVerifies = yield* service.verify(newToken)
        const jwks = yield* service.publicKeys
        const storedAfterRotate = yield* store.load
        // Past the old key's window (the longest token lifetime plus the skew), the next rotation drops it.
        yield* TestClock.adjust(HOUR + 31_000)
        yield* service.rotate
        const afterWindow = yield* rejection(service.verify(oldToken))
        const storedKids = (yield* store.load).map((record) => record.kid)
        return {
          oldKid,
          newKid,
          oldToken,
          newToken,
          oldStillVerifies,
          newVerifies,
          jwks,
          storedAfterRotate,
          afterWindow,
          storedKids
        }
      })
    )
    expect(result.newKid).not.toBe(result.oldKid)
    expect(decodeProtectedHeader(result.oldToken).kid).toBe(result.oldKid)
    expect(decodeProtectedHeader(result.newToken).kid).toBe(result.newKid)
    expect(result.oldStillVerifies.sub).toBe("local:alice")
    expect(result.newVerifies.sub).toBe("local:alice")
    expect(result.jwks.keys.map((key) => key.kid).sort()).toEqual([result.oldKid, result.newKid].sort())
    for (const key of result.jwks.keys) {
      expect(key).toEqual({ kty: "OKP", crv: "Ed25519", x: expect.any(String), kid: key.kid, alg: "EdDSA", use: "sig" })
    }
    const retired = result.storedAfterRotate.find((record) => record.kid === result.oldKid)
    expect(retired?.retiredAt).toBe(T0 + 10 * 60_000)
    expect(retired?.privateJwk).toBeUndefined()
    expect(result.afterWindow).toBe("UnknownKey")
    expect(result.storedKids).not.toContain(result.oldKid)
    expect(result.storedKids).toHaveLength(2)
  })

  it("persists the ring as JWKs: a second service over the same store verifies the first one's tokens", async () => {
    const shared: SigningKeyStoreShape = makeInMemorySigningKeyStore()
    const sharedLayer = Layer.succeed(SigningKeyStore, shared)
    const token = await run(
      Effect.flatMap(tokens, (service) => service.issue(sessionAt(T0))),
      sharedLayer
    )
    const [records, claims] = await run(
      Effect.gen(function* () {
        return [yield* shared.load, yield* (yield* tokens).verify(token)] as const
      }),
      sharedLayer
    )
    expect(records).toHaveLength(1)
    expect(records[0]?.privateJwk).toEqual({ kty: "OKP", crv: "Ed25519", x: expect.any(String), d: expect.any(String) })
    expect(claims.sid).toBe(sessionAt(T0).id)
  })

  it("resolves a ring left with two signing keys: the newest signs, the other only verifies", async () => {
    const first = makeInMemorySigningKeyStore()
    const second = makeInMemorySigningKeyStore()
    const oldToken = await run(
      Effect.flatMap(tokens, (service) => service.issue(sessionAt(T0))),
      Layer.succeed(SigningKeyStore, first)
    )
    const [older] = await Effect.runPromise(first.load)
    const [newer] = await Effect.runPromise(
      Effect.flatMap(
        Effect.provide(Effect.service(SessionTokens), layerWith(Layer.succeed(SigningKeyStore, second))).pipe(
          Effect.provide(TestClock.layer())
        ),
        () => second.load
      )
    )
    if (older === undefined || newer === undefined) throw new Error("keys missing")
    const both = InMemorySigningKeyStore.layerWith([older, { ...newer, createdAt: T0 + 1 }])
    const result = await run(
      Effect.gen(function* () {
        const service = yield* tokens
        return {
          kid: yield* service.currentKeyId,
          old: yield* service.verify(oldToken),
          stored: yield* (yield* SigningKeyStore).load
        }
      }),
      both
    )
    expect(result.kid).toBe(newer.kid)
    expect(result.old.sid).toBe(sessionAt(T0).id)
    expect(result.stored.find((record) => record.kid === older.kid)?.privateJwk).toBeUndefined()
  })

  it("refuses a token signed by a foreign Ed25519 key that claims our kid", async () => {
    const reason = await run(
      Effect.gen(function* () {
        const kid = yield* (yield* tokens).currentKeyId
        const foreign = yield* Effect.promise(() => generateKeyPair("EdDSA", { crv: "Ed25519" }))
        const forged = yield* Effect.promise(() =>
          new SignJWT(validClaims)
            .setProtectedHeader({ alg: "EdDSA", kid, typ: sessionTokenType })
            .sign(foreign.privateKey)
        )
        return yield* rejection(Effect.flatMap(tokens, (service) => service.verify(forged)))
      })
    )
    expect(reason).toBe("BadSignature")
  })

  it("refuses HS256 and unsigned (alg none) tokens", async () => {
    const reasons = await run(
      Effect.gen(function* () {
        const service = yield* tokens
        const kid = yield* service.currentKeyId
        // An HMAC keyed with the public key's bytes: the classic algorithm-confusion forgery.
        const publicX = (yield* service.publicKeys).keys[0]?.x ?? ""
        const hs256 = yield* Effect.promise(() =>
          new SignJWT(validClaims)
            .setProtectedHeader({ alg: "HS256", kid, typ: sessionTokenType })
            .sign(new TextEncoder().encode(publicX))
        )
        const encode = (value: object) => base64url.encode(JSON.stringify(value))
        const none = `${encode({ alg: "none", kid, typ: sessionTokenType })}.${encode(validClaims)}.`
        const noneCaps = `${encode({ alg: "None", kid })}.${encode(validClaims)}.`
        return yield* Effect.all([
          rejection(service.verify(hs256)),
          rejection(service.verify(none)),
          rejection(service.verify(noneCaps))
        ])
      })
    )
    expect(reasons).toEqual(["UnsupportedAlgorithm", "UnsupportedAlgorithm", "UnsupportedAlgorithm"])
  })

  it("refuses tokens with an unknown or missing kid", async () => {
    const reasons = await run(
      Effect.gen(function* () {
        const service = yield* tokens
        return yield* Effect.all([
          rejection(Effect.flatMap(signWithOurKey(validClaims, { kid: "someone-elses-key" }), service.verify)),
          rejection(Effect.flatMap(signWithOurKey(validClaims, { kid: undefined }), service.verify))
        ])
      })
    )
    expect(reasons).toEqual(["UnknownKey", "UnknownKey"])
  })

  it("checks issuer, audience, type, iat and the required claims even when the signature is ours", async () => {
    const reasons = await run(
      Effect.gen(function* () {
        const service = yield* tokens
        const check = (claims: JWTPayload, header: Record<string, unknown> = {}) =>
          rejection(Effect.flatMap(signWithOurKey(claims, header), service.verify))
        const { sid: _sid, ...withoutSid } = validClaims
        return yield* Effect.all({
          issuer: check({ ...validClaims, iss: "https://evil.test" }),
          audience: check({ ...validClaims, aud: "another-service" }),
          type: check(validClaims, { typ: "JWT" }),
          futureIat: check({ ...validClaims, iat: nowSeconds + 300 }),
          tooOld: check({ ...validClaims, iat: nowSeconds - 2 * 3_600 }),
          missingSid: check(withoutSid),
          badSid: check({ ...validClaims, sid: "../../etc" })
        })
      })
    )
    expect(reasons).toEqual({
      issuer: "ClaimsMismatch",
      audience: "ClaimsMismatch",
      type: "ClaimsMismatch",
      futureIat: "ClaimsMismatch",
      tooOld: "Expired",
      missingSid: "ClaimsMismatch",
      badSid: "MalformedToken"
    })
  })

  it("refuses expired tokens once past the clock skew", async () => {
    const result = await run(
      Effect.gen(function* () {
        const service = yield* tokens
        const token = yield* service.issue(sessionAt(T0, { expiresAt: T0 + 60_000 }))
        yield* TestClock.adjust("80 seconds") // 20 s past exp: inside the 30 s skew
        const withinSkew = yield* service.verify(token)
        yield* TestClock.adjust("11 seconds")
        return { withinSkew, after: yield* rejection(service.verify(token)) }
      })
    )
    expect(result.withinSkew.sub).toBe("local:alice")
    expect(result.after).toBe("Expired")
  })

  it("refuses tampered, oversized and malformed tokens", async () => {
    const reasons = await run(
      Effect.gen(function* () {
        const service = yield* tokens
        const token = yield* service.issue(sessionAt(T0))
        const [header, , signature] = token.split(".")
        const tampered = `${header}.${base64url.encode(JSON.stringify({ ...payloadOf(token), sub: "local:root" }))}.${signature}`
        const badHeader = `${base64url.encode("{not json")}.${token.split(".")[1]}.${signature}`
        return yield* Effect.all({
          tampered: rejection(service.verify(tampered)),
          oversized: rejection(service.verify(`${token}${"A".repeat(5_000)}`)),
          garbage: rejection(service.verify("not-a-token")),
          empty: rejection(service.verify("")),
          badHeader: rejection(service.verify(badHeader)),
          headerNotObject: rejection(service.verify(`${base64url.encode("42")}.${token.split(".")[1]}.${signature}`))
        })
      })
    )
    expect(reasons).toEqual({
      tampered: "BadSignature",
      oversized: "MalformedToken",
      garbage: "MalformedToken",
      empty: "MalformedToken",
      badHeader: "MalformedToken",
      headerNotObject: "MalformedToken"
    })
  })

  it("will not issue for a revoked or expired session, or one outliving the longest token", async () => {
    const reasons = await run(
      Effect.gen(function* () {
        const service = yield* tokens
        return yield* Effect.all([
          rejection(service.issue(sessionAt(T0, { revokedAt: T0 }))),
          rejection(service.issue(sessionAt(T0, { expiresAt: T0 }))),
          rejection(service.issue(sessionAt(T0, { expiresAt: T0 + HOUR + 1 })))
        ])
      })
    )
    expect(reasons).toEqual(["InvalidRequest", "InvalidRequest", "InvalidRequest"])
  })

  it("refuses options out of range", async () => {
    const build = (bad: SessionTokensOptions) =>
      Effect.runPromise(
        Effect.flip(
          Effect.provide(
            Effect.service(SessionTokens),
            layerWith(InMemorySigningKeyStore.layer, bad).pipe(Layer.provideMerge(TestClock.layer()))
          )
        )
      )
    expect((await build({ ...options, issuer: "" })).reason).toBe("InvalidRequest")
    expect((await build({ ...options, clockSkewMs: -1 })).reason).toBe("InvalidRequest")
    expect((await build({ ...options, maxTokenTtlMs: 1.5 })).reason).toBe("InvalidRequest")
  })
})
