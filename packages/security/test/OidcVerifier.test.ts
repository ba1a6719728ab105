import { createHash } from "node:crypto"
import { Effect, Layer } from "effect"
import { TestClock } from "effect/testing"
import type { JWTPayload } from "jose"
import { afterEach, beforeAll, describe, expect, it } from "vitest"
import type { InvalidVerifierConfig } from "../src/identity/InvalidVerifierConfig.js"
import { makeOidcVerifier, type OidcVerifierOptions } from "../src/identity/OidcVerifier.js"
import { TokenRejected, unauthenticatedFrom } from "../src/identity/TokenRejected.js"
import {
  expectRejected,
  failureOf,
  type JwksServer,
  jwksOf,
  makeKey,
  NOW_MS,
  NOW_S,
  now,
  sign,
  startJwksServer,
  type TestKey,
  timely
} from "./support/jwtFixtures.js"

const ISS = "https://login.example.test"
const AUD = "coderclaw"
/** The namespace of ISS in principal ids: `iss.` + the first 24 hex digits of its SHA-256. */
const NS = `iss.${createHash("sha256").update(ISS).digest("hex").slice(0, 24)}`

let rsa: TestKey
let ed: TestKey

const claims = (extra: Record<string, unknown> = {}): JWTPayload =>
  ({ ...timely(ISS, AUD), sub: "u-42", ...extra }) as JWTPayload
const build = (options: Partial<OidcVerifierOptions> = {}) =>
  Effect.runPromise(makeOidcVerifier({ issuer: ISS, audience: AUD, jwks: jwksOf(rsa, ed), now, ...options }))

beforeAll(async () => {
  rsa = await makeKey("RS256", "rsa-1")
  ed = await makeKey("EdDSA", "ed-1")
})

describe("makeOidcVerifier", () => {
  it("turns a valid ID token into exactly this identity", async () => {
    const verifier = await build({ roles: { default: ["readonly"] } })
    const token = await sign(
      rsa,
      claims({ name: "Ada Lovelace", email: "ada@example.test", email_verified: true, groups: ["x"] })
    )
    const identity = await Effect.runPromise(verifier.verify(token))
    expect(identity).toEqual({
      provider: "oidc",
      subject: "u-42",
      principalId: `oidc:${NS}:u-42`,
      displayName: "Ada Lovelace",
      email: "ada@example.test",
      roles: ["readonly"],
      attributes: { issuer: ISS }
    })
    expect(verifier.provider).toBe("oidc")
  })

  it("accepts EdDSA tokens and any of several issuer spellings and audiences", async () => {
    const verifier = await build({ issuer: [ISS, "login.example.test"], audience: ["other", AUD] })
    for (const iss of [ISS, "login.example.test"]) {
      const identity = await Effect.runPromise(verifier.verify(await sign(ed, claims({ iss }))))
      expect(identity.attributes).toEqual({ issuer: iss })
    }
  })

  it("keeps the e-mail only when it is verified, and falls back to preferred_username", async () => {
    const verifier = await build()
    for (const email_verified of [false, "true", undefined]) {
      const token = await sign(rsa, claims({ email: "eve@example.test", email_verified, preferred_username: "eve" }))
      const identity = await Effect.runPromise(verifier.verify(token))
      expect(identity.email).toBeUndefined()
      expect(identity.displayName).toBe("eve")
    }
  })

  it("maps roles from defaults, subjects and a claim's values only", async () => {
    const verifier = await build({
      roles: {
        default: ["readonly"],
        subjects: { "u-42": ["admin"] },
        claim: { name: "groups", values: { engineers: ["developer"], admins: ["admin"] } }
      }
    })
    const token = await sign(rsa, claims({ groups: ["engineers", "admins", "root", "__proto__", "constructor"] }))
    expect((await Effect.runPromise(verifier.verify(token))).roles).toEqual(["readonly", "admin", "developer"])
    const other = await sign(rsa, claims({ sub: "u-7", groups: "engineers" }))
    expect((await Effect.runPromise(verifier.verify(other))).roles).toEqual(["readonly", "developer"])
    const oddClaim = await sign(rsa, claims({ sub: "u-8", groups: { engineers: true } }))
    expect((await Effect.runPromise(verifier.verify(oddClaim))).roles).toEqual(["readonly"])
    const noMapping = await build()
    expect((await Effect.runPromise(noMapping.verify(token))).roles).toEqual([])
  })

  it("keys subjects outside the principal-id alphabet by their digest", async () => {
    const verifier = await build()
    const digest = (raw: string) => `sha256:${createHash("sha256").update(raw).digest("base64url")}`
    for (const sub of ["auth0|5f2a", "x".repeat(200), "sha256:abc"]) {
      const identity = await Effect.runPromise(verifier.verify(await sign(rsa, claims({ sub }))))
      expect(identity.subject).toBe(digest(sub))
      expect(identity.principalId).toBe(`oidc:${NS}:${digest(sub)}`)
    }
  })

  it("requires sub, as a non-empty string", async () => {
    const verifier = await build()
    const { sub: _, ...noSub } = claims()
    await expectRejected(verifier.verify(await sign(rsa, noSub)), "MissingClaim", "sub")
    await expectRejected(verifier.verify(await sign(rsa, claims({ sub: "" }))), "InvalidClaim", "sub")
    await expectRejected(verifier.verify(await sign(rsa, claims({ name: 42 }))), "InvalidClaim", "name")
  })

  it("checks the authorized party: required for several audiences, and one of our client ids", async () => {
    const verifier = await build({ audience: [AUD, "coderclaw-cli"] })
    // A token issued to another client that lists us among its audiences.
    await expectRejected(verifier.verify(await sign(rsa, claims({ aud: [AUD, "elsewhere"] }))), "MissingClaim", "azp")
    await expectRejected(
      verifier.verify(await sign(rsa, claims({ aud: [AUD, "elsewhere"], azp: "elsewhere" }))),
      "WrongAudience",
      "azp"
    )
    await expectRejected(verifier.verify(await sign(rsa, claims({ azp: "elsewhere" }))), "WrongAudience", "azp")
    await expectRejected(verifier.verify(await sign(rsa, claims({ azp: 7 }))), "InvalidClaim", "azp")
    for (const extra of [{}, { azp: AUD }, { azp: "coderclaw-cli" }, { aud: [AUD, "elsewhere"], azp: AUD }]) {
      const identity = await Effect.runPromise(verifier.verify(await sign(rsa, claims(extra))))
      expect(identity.principalId).toBe(`oidc:${NS}:u-42`)
    }
  })

  it("reads the time from Effect's Clock when no `now` is given", async () => {
    const verifier = await Effect.runPromise(makeOidcVerifier({ issuer: ISS, audience: AUD, jwks: jwksOf(rsa) }))
    const token = await sign(rsa, claims())
    const at = (millis: number) =>
      Effect.gen(function* () {
        yield* TestClock.setTime(millis)
        return yield* verifier.verify(token)
      }).pipe(Effect.provide(Layer.mergeAll(TestClock.layer())))
    expect((await Effect.runPromise(at(NOW_MS))).subject).toBe("u-42")
    await expectRejected(at(NOW_MS + 3_600_000), "Expired", "exp")
    await expectRejected(at(NOW_MS - 3_600_000), "NotYetValid")
  })

  it("maps rejections to the wire's Unauthenticated without saying which check failed", async () => {
    const verifier = await build()
    const expired = await expectRejected(verifier.verify(await sign(rsa, claims({ exp: NOW_S - 600 }))), "Expired")
    expect(unauthenticatedFrom(expired).reason).toBe("expired")
    const forged = await expectRejected(verifier.verify(await sign(rsa, claims({ iss: "x" }))), "WrongIssuer")
    expect(unauthenticatedFrom(forged).reason).toBe("invalid_credentials")
    expect(forged).toBeInstanceOf(TokenRejected)
    expect(forged.message).toBe(
      "Token rejected by oidc verifier: wrong issuer (iss): the issuer is not one this verifier accepts"
    )
  })

  it("verifies in a tight loop", async () => {
    const verifier = await build()
    const token = await sign(ed, claims())
    const results = await Effect.runPromise(Effect.forEach(Array.from({ length: 500 }), () => verifier.verify(token)))
    expect(results).toHaveLength(500)
    expect(new Set(results.map((identity) => identity.principalId))).toEqual(new Set([`oidc:${NS}:u-42`]))
  })
})

describe("configuration", () => {
  const refused = async (options: Partial<OidcVerifierOptions> & Record<string, unknown>): Promise<string> => {
    const error: InvalidVerifierConfig = await failureOf(
      makeOidcVerifier({ issuer: ISS, audience: AUD, jwks: jwksOf(rsa), ...options } as OidcVerifierOptions)
    )
    expect(error._tag).toBe("InvalidVerifierConfig")
    expect(error.provider).toBe("oidc")
    return error.message
  }

  it("refuses none and every HS* algorithm even when listed beside good ones", async () => {
    expect(await refused({ algorithms: ["none"] })).toContain('"none"')
    expect(await refused({ algorithms: ["RS256", "HS256"] })).toContain("HS256 is a shared-secret algorithm")
    expect(await refused({ algorithms: ["HS384"] })).toContain("HS384")
    expect(await refused({ algorithms: ["hs512"] })).toContain("hs512")
    expect(await refused({ algorithms: ["RSA-OAEP"] })).toContain("not a supported signature algorithm")
    expect(await refused({ algorithms: [] })).toContain("at least one")
  })

  it("bounds the clock skew and the token length", async () => {
    expect(await refused({ clockSkewSeconds: 301 })).toContain("clockSkewSeconds")
    expect(await refused({ clockSkewSeconds: -1 })).toContain("clockSkewSeconds")
    expect(await refused({ maxTokenLength: 1_000_000 })).toContain("maxTokenLength")
    expect(
      await Effect.runPromise(
        makeOidcVerifier({ issuer: ISS, audience: AUD, jwks: jwksOf(rsa), clockSkewSeconds: 300 })
      )
    ).toBeDefined()
  })

  it("refuses empty issuers or audiences, unknown keys and unsafe JWKS URLs", async () => {
    expect(await refused({ issuer: [] })).toContain("issuer")
    expect(await refused({ audience: "" })).toContain("audience")
    expect(await refused({ clockSkew: 5 })).toContain("clockSkew")
    expect(await refused({ jwks: { url: "http://keys.example.test/jwks" } })).toContain("https")
    expect(await refused({ jwks: { url: "not a url" } })).toContain("jwks.url")
    expect(await refused({ jwks: { keys: [] } })).toContain("jwks")
    expect(await refused({ jwks: { url: "https://user:pw@keys.example.test/jwks" } })).toContain("credentials")
  })

  it("applies a configured skew and token length", async () => {
    const strict = await build({ clockSkewSeconds: 0, maxTokenLength: 512 })
    await expectRejected(strict.verify(await sign(ed, claims({ exp: NOW_S - 1 }))), "Expired")
    await expectRejected(strict.verify(await sign(ed, claims({ padding: "p".repeat(400) }))), "TooLong")
    expect((await Effect.runPromise(strict.verify(await sign(ed, claims())))).subject).toBe("u-42")
  })
})

describe("remote JWKS", () => {
  let server: JwksServer | undefined
  afterEach(async () => {
    await server?.close()
    server = undefined
  })

  const remote = (url: string, cooldownMs: number) =>
    Effect.runPromise(
      makeOidcVerifier({ issuer: ISS, audience: AUD, jwks: { url, cooldownMs, cacheMaxAgeMs: 600_000 }, now })
    )

  it("fetches the keys once, then serves verifications from the cache", async () => {
    server = await startJwksServer(jwksOf(rsa))
    const verifier = await remote(server.url, 30_000)
    expect(server.requests()).toBe(0)
    const token = await sign(rsa, claims())
    expect((await Effect.runPromise(verifier.verify(token))).subject).toBe("u-42")
    expect(server.requests()).toBe(1)
    for (let i = 0; i < 5; i++) await Effect.runPromise(verifier.verify(token))
    expect(server.requests()).toBe(1)
  })

  it("does not refetch for unknown kids within the cooldown", async () => {
    server = await startJwksServer(jwksOf(rsa))
    const verifier = await remote(server.url, 30_000)
    await Effect.runPromise(verifier.verify(await sign(rsa, claims())))
    for (let i = 0; i < 10; i++) {
      await expectRejected(verifier.verify(await sign(rsa, claims(), { kid: `forged-${i}` })), "UnknownKey", "kid")
    }
    expect(server.requests()).toBe(1)
  })

  it("refetches at most once per cooldown for unknown kids, which picks up a rotated key", async () => {
    server = await startJwksServer(jwksOf(rsa))
    const verifier = await remote(server.url, 150)
    await Effect.runPromise(verifier.verify(await sign(rsa, claims())))
    expect(server.requests()).toBe(1)
    const rotated = await makeKey("RS256", "rsa-2")
    server.jwks = jwksOf(rsa, rotated)
    await new Promise((resolve) => setTimeout(resolve, 200))
    const results = await Promise.all(
      Array.from({ length: 5 }, async (_, i) =>
        Effect.runPromise(Effect.result(verifier.verify(await sign(rsa, claims(), { kid: `unknown-${i}` }))))
      )
    )
    expect(results.every((result) => result._tag === "Failure")).toBe(true)
    expect(server.requests()).toBe(2)
    for (let i = 0; i < 3; i++) {
      await expectRejected(verifier.verify(await sign(rsa, claims(), { kid: `again-${i}` })), "UnknownKey")
    }
    expect(server.requests()).toBe(2)
    // The rotated key arrived with that single refetch.
    expect((await Effect.runPromise(verifier.verify(await sign(rotated, claims())))).subject).toBe("u-42")
    expect(server.requests()).toBe(2)
  })

  it("reports an unreachable or failing key endpoint as keys_unavailable", async () => {
    server = await startJwksServer(jwksOf(rsa))
    server.status = 500
    const failing = await remote(server.url, 30_000)
    await expectRejected(failing.verify(await sign(rsa, claims())), "KeysUnavailable")
    server.status = 200
    server.jwks = { not: "a jwks" }
    const invalid = await remote(server.url, 30_000)
    await expectRejected(invalid.verify(await sign(rsa, claims())), "KeysUnavailable")
    const url = server.url
    await server.close()
    server = undefined
    const closed = await remote(url, 30_000)
    await expectRejected(closed.verify(await sign(rsa, claims())), "KeysUnavailable")
  })
})
