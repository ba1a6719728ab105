import { Effect } from "effect"
import { CompactSign, exportSPKI, type JWTPayload, SignJWT } from "jose"
import { beforeAll, describe, expect, it } from "vitest"
import type { IdentityVerifier } from "../src/identity/IdentityVerifier.js"
import { makeOidcVerifier } from "../src/identity/OidcVerifier.js"
import {
  expectRejected,
  jwksOf,
  makeKey,
  NOW_S,
  now,
  rawToken,
  sign,
  type TestKey,
  timely,
  withPayload
} from "./support/jwtFixtures.js"

const ISS = "https://issuer.example.test"
const AUD = "coderclaw-client"

let rsa: TestKey
let rsa384: TestKey
let ec: TestKey
let attacker: TestKey
let verifier: IdentityVerifier
let rs256Only: IdentityVerifier

const claims = (extra: Record<string, unknown> = {}): JWTPayload =>
  ({ ...timely(ISS, AUD), sub: "user-1", ...extra }) as JWTPayload

beforeAll(async () => {
  rsa = await makeKey("RS256", "rsa-1")
  rsa384 = await makeKey("RS384", "rsa-384")
  ec = await makeKey("ES256", "ec-1")
  attacker = await makeKey("RS256", "rsa-1")
  verifier = await Effect.runPromise(
    makeOidcVerifier({ issuer: ISS, audience: AUD, jwks: jwksOf(rsa, rsa384, ec), now })
  )
  rs256Only = await Effect.runPromise(
    makeOidcVerifier({ issuer: ISS, audience: AUD, jwks: jwksOf(rsa, rsa384, ec), algorithms: ["RS256"], now })
  )
})

describe("JWT attacks are refused with a specific reason", () => {
  it("accepts the genuine token the attacks start from", async () => {
    const identity = await Effect.runPromise(verifier.verify(await sign(rsa, claims())))
    expect(identity.subject).toBe("user-1")
  })

  it("alg none, with and without a signature, in any letter case", async () => {
    for (const alg of ["none", "None", "NONE"]) {
      await expectRejected(verifier.verify(rawToken({ alg, typ: "JWT" }, claims())), "AlgorithmNotAllowed", "alg")
      await expectRejected(
        verifier.verify(rawToken({ alg, typ: "JWT" }, claims(), "c2lnbmF0dXJl")),
        "AlgorithmNotAllowed",
        "alg"
      )
    }
  })

  it("HS256 signed with the RSA public key bytes as the HMAC secret", async () => {
    const pem = await exportSPKI(rsa.publicKey)
    for (const secret of [new TextEncoder().encode(pem), new TextEncoder().encode(JSON.stringify(rsa.publicJwk))]) {
      const forged = await new SignJWT(claims()).setProtectedHeader({ alg: "HS256", kid: rsa.kid }).sign(secret)
      await expectRejected(verifier.verify(forged), "AlgorithmNotAllowed", "alg")
    }
  })

  it("an algorithm outside the allow-list, signed with a key the JWKS publishes", async () => {
    const rs384Token = await sign(rsa384, claims())
    const es256Token = await sign(ec, claims())
    await expectRejected(rs256Only.verify(rs384Token), "AlgorithmNotAllowed", "alg")
    await expectRejected(rs256Only.verify(es256Token), "AlgorithmNotAllowed", "alg")
    // RS384 is outside the default list too; ES256 is inside it, so the refusals are the allow-list's doing.
    await expectRejected(verifier.verify(rs384Token), "AlgorithmNotAllowed", "alg")
    const identity = await Effect.runPromise(verifier.verify(es256Token))
    expect(identity.subject).toBe("user-1")
  })

  it("a tampered payload (elevated claims, later expiry) no longer matches its signature", async () => {
    const token = await sign(rsa, claims())
    await expectRejected(verifier.verify(withPayload(token, claims({ sub: "admin" }))), "BadSignature")
    await expectRejected(verifier.verify(withPayload(token, claims({ exp: NOW_S + 86_400 }))), "BadSignature")
  })

  it("a stripped or truncated signature", async () => {
    const token = await sign(rsa, claims())
    const [header, payload, signature = ""] = token.split(".")
    await expectRejected(verifier.verify(`${header}.${payload}.`), "Malformed")
    await expectRejected(verifier.verify(`${header}.${payload}`), "Malformed")
    await expectRejected(verifier.verify(`${header}.${payload}.${signature.slice(0, 20)}`), "BadSignature")
  })

  it("an unknown kid", async () => {
    await expectRejected(verifier.verify(await sign(rsa, claims(), { kid: "rotated-away" })), "UnknownKey", "kid")
  })

  it("a foreign key carrying the kid of a published key", async () => {
    await expectRejected(verifier.verify(await sign(attacker, claims())), "BadSignature")
  })

  it("a key embedded in the header (jwk), even one that verifies the signature", async () => {
    const token = await sign(attacker, claims(), { jwk: attacker.publicJwk, kid: "attacker" })
    await expectRejected(verifier.verify(token), "EmbeddedKey", "jwk")
  })

  it("a key URL (jku, x5u) or certificate chain (x5c) in the header", async () => {
    await expectRejected(
      verifier.verify(await sign(attacker, claims(), { jku: "http://127.0.0.1:9/jwks.json" })),
      "EmbeddedKey",
      "jku"
    )
    await expectRejected(
      verifier.verify(await sign(attacker, claims(), { x5u: "http://127.0.0.1:9/cert.pem" })),
      "EmbeddedKey",
      "x5u"
    )
    await expectRejected(verifier.verify(await sign(rsa, claims(), { x5c: ["MIIB"] })), "EmbeddedKey", "x5c")
  })

  it("a crit header this verifier does not implement", async () => {
    const token = await new SignJWT(claims())
      .setProtectedHeader({ alg: "RS256", kid: rsa.kid, crit: ["urn:example:policy"], "urn:example:policy": "x" })
      .sign(rsa.privateKey, { crit: { "urn:example:policy": true } })
    await expectRejected(verifier.verify(token), "UnsupportedHeader", "crit")
  })

  it("expired, beyond the clock skew; accepted within it", async () => {
    await expectRejected(verifier.verify(await sign(rsa, claims({ exp: NOW_S - 61 }))), "Expired", "exp")
    const identity = await Effect.runPromise(verifier.verify(await sign(rsa, claims({ exp: NOW_S - 30 }))))
    expect(identity.subject).toBe("user-1")
  })

  it("a future nbf, beyond the clock skew; accepted within it", async () => {
    await expectRejected(verifier.verify(await sign(rsa, claims({ nbf: NOW_S + 120 }))), "NotYetValid", "nbf")
    const identity = await Effect.runPromise(verifier.verify(await sign(rsa, claims({ nbf: NOW_S + 30 }))))
    expect(identity.subject).toBe("user-1")
  })

  it("iat in the future or older than the maximum token age", async () => {
    await expectRejected(verifier.verify(await sign(rsa, claims({ iat: NOW_S + 600 }))), "NotYetValid", "iat")
    const old = claims({ iat: NOW_S - 2 * 86_400, nbf: NOW_S - 2 * 86_400 })
    await expectRejected(verifier.verify(await sign(rsa, old)), "Expired", "iat")
  })

  it("a missing exp", async () => {
    const { exp: _, ...noExp } = claims()
    await expectRejected(verifier.verify(await sign(rsa, noExp)), "MissingClaim", "exp")
  })

  it("a missing iat", async () => {
    const { iat: _, ...noIat } = claims()
    await expectRejected(verifier.verify(await sign(rsa, noIat)), "MissingClaim", "iat")
  })

  it("exp or iat of the wrong type", async () => {
    await expectRejected(verifier.verify(await sign(rsa, claims({ exp: "tomorrow" }))), "InvalidClaim", "exp")
    await expectRejected(verifier.verify(await sign(rsa, claims({ iat: "today" }))), "InvalidClaim", "iat")
  })

  it("a wrong issuer, including a near-miss spelling and a missing iss", async () => {
    for (const iss of ["https://evil.example.test", `${ISS}/`, "https://ISSUER.example.test"]) {
      await expectRejected(verifier.verify(await sign(rsa, claims({ iss }))), "WrongIssuer", "iss")
    }
    const { iss: _, ...noIss } = claims()
    await expectRejected(verifier.verify(await sign(rsa, noIss)), "MissingClaim", "iss")
  })

  it("a wrong audience, as a string or a list", async () => {
    await expectRejected(verifier.verify(await sign(rsa, claims({ aud: "other-client" }))), "WrongAudience", "aud")
    await expectRejected(verifier.verify(await sign(rsa, claims({ aud: ["a", "b"] }))), "WrongAudience", "aud")
    // Listed among several audiences, the token must name us as its authorized party (see OidcVerifier.test).
    const identity = await Effect.runPromise(
      verifier.verify(await sign(rsa, claims({ aud: ["other", AUD], azp: AUD })))
    )
    expect(identity.subject).toBe("user-1")
  })

  it("an oversized token, before any parsing", async () => {
    const big = await sign(rsa, claims({ padding: "x".repeat(9_000) }))
    expect(big.length).toBeGreaterThan(8_192)
    await expectRejected(verifier.verify(big), "TooLong")
    // Garbage of the same size is refused for its size too: nothing was parsed.
    await expectRejected(verifier.verify("!".repeat(8_193)), "TooLong")
  })

  it("garbage strings", async () => {
    const randomPart = () => Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("base64url")
    const garbage = [
      "",
      "...",
      "..",
      "a.b",
      "a.b.c.d",
      "not a token",
      `${randomPart()}.${randomPart()}.${randomPart()}`,
      "eyJhbGciOiJSUzI1NiJ9.e30.%%%",
      `${Buffer.from("[1,2]").toString("base64url")}.e30.c2ln`,
      `${Buffer.from("null").toString("base64url")}.e30.c2ln`,
      `${Buffer.from('{"alg":5}').toString("base64url")}.e30.c2ln`
    ]
    for (const token of garbage) await expectRejected(verifier.verify(token), "Malformed")
  })

  it("a payload that is not a JSON object", async () => {
    // A validly signed JWS whose payload is a JSON array.
    const signed = await new CompactSign(new TextEncoder().encode("[1]"))
      .setProtectedHeader({ alg: "RS256", kid: rsa.kid })
      .sign(rsa.privateKey)
    await expectRejected(verifier.verify(signed), "Malformed")
  })

  it("error details never contain the token", async () => {
    const token = await sign(attacker, claims({ secret: "do-not-log-me" }))
    const error = await expectRejected(verifier.verify(token), "BadSignature")
    expect(error.message).not.toContain(token)
    expect(JSON.stringify(error)).not.toContain("do-not-log-me")
  })
})
