import { Effect } from "effect"
import type { JWTPayload } from "jose"
import { afterEach, beforeAll, describe, expect, it } from "vitest"
import { type GoogleVerifierOptions, googleIssuers, makeGoogleVerifier } from "../src/identity/GoogleVerifier.js"
import {
  expectRejected,
  failureOf,
  type JwksServer,
  jwksOf,
  makeKey,
  now,
  sign,
  startJwksServer,
  type TestKey,
  timely
} from "./support/jwtFixtures.js"

const CLIENT_ID = "1234567890-abc.apps.googleusercontent.com"
const SUB = "110169484474386276334"

let google: TestKey
let other: TestKey

const claims = (extra: Record<string, unknown> = {}): JWTPayload =>
  ({
    ...timely("https://accounts.google.com", CLIENT_ID),
    sub: SUB,
    azp: CLIENT_ID,
    email: "ada@corp.example.test",
    email_verified: true,
    hd: "corp.example.test",
    name: "Ada Lovelace",
    ...extra
  }) as JWTPayload

const build = (options: Partial<GoogleVerifierOptions> = {}) =>
  Effect.runPromise(makeGoogleVerifier({ clientId: CLIENT_ID, jwks: jwksOf(google), now, ...options }))

beforeAll(async () => {
  google = await makeKey("RS256", "google-2025")
  other = await makeKey("RS256", "google-2025")
})

describe("makeGoogleVerifier", () => {
  it("turns a valid Google ID token into exactly this identity", async () => {
    const verifier = await build({ roles: { subjects: { [SUB]: ["developer"] } } })
    const identity = await Effect.runPromise(verifier.verify(await sign(google, claims())))
    expect(identity).toEqual({
      provider: "google",
      subject: SUB,
      principalId: `google:${SUB}`,
      displayName: "Ada Lovelace",
      email: "ada@corp.example.test",
      roles: ["developer"],
      attributes: { email_verified: true, hd: "corp.example.test" }
    })
    expect(verifier.provider).toBe("google")
  })

  it("accepts both issuer spellings Google uses, and nothing else", async () => {
    expect(googleIssuers).toEqual(["https://accounts.google.com", "accounts.google.com"])
    const verifier = await build()
    for (const iss of googleIssuers) {
      expect((await Effect.runPromise(verifier.verify(await sign(google, claims({ iss }))))).subject).toBe(SUB)
    }
    for (const iss of ["http://accounts.google.com", "https://accounts.google.com/", "https://evil.example.test"]) {
      await expectRejected(verifier.verify(await sign(google, claims({ iss }))), "WrongIssuer", "iss")
    }
  })

  it("refuses an unverified or unstated e-mail", async () => {
    const verifier = await build()
    await expectRejected(
      verifier.verify(await sign(google, claims({ email_verified: false }))),
      "ClaimNotAllowed",
      "email_verified"
    )
    const { email_verified: _, ...noFlag } = claims()
    await expectRejected(verifier.verify(await sign(google, noFlag)), "MissingClaim", "email_verified")
    const { email: __, ...noEmail } = claims()
    await expectRejected(verifier.verify(await sign(google, noEmail)), "MissingClaim", "email")
    await expectRejected(
      verifier.verify(await sign(google, claims({ email_verified: "true" }))),
      "InvalidClaim",
      "email_verified"
    )
  })

  it("pins the hosted domain when configured", async () => {
    const verifier = await build({ hostedDomain: ["corp.example.test", "Subsidiary.example.test"] })
    expect((await Effect.runPromise(verifier.verify(await sign(google, claims())))).subject).toBe(SUB)
    const sub = await sign(google, claims({ hd: "SUBSIDIARY.example.test" }))
    expect((await Effect.runPromise(verifier.verify(sub))).attributes.hd).toBe("SUBSIDIARY.example.test")
    await expectRejected(
      verifier.verify(await sign(google, claims({ hd: "evil.example.test" }))),
      "ClaimNotAllowed",
      "hd"
    )
    // A personal account (no hd) whose e-mail merely looks like the domain's is refused too.
    const { hd: _, ...personal } = claims({ email: "ada@corp.example.test" })
    await expectRejected(verifier.verify(await sign(google, personal)), "MissingClaim", "hd")
    // Without a pin, personal accounts are fine and carry no hd attribute.
    const open = await build()
    expect((await Effect.runPromise(open.verify(await sign(google, personal)))).attributes).toEqual({
      email_verified: true
    })
  })

  it("refuses another client's token and a foreign key", async () => {
    const verifier = await build()
    await expectRejected(
      verifier.verify(await sign(google, claims({ aud: "someone-else.apps.googleusercontent.com" }))),
      "WrongAudience",
      "aud"
    )
    await expectRejected(verifier.verify(await sign(other, claims())), "BadSignature")
  })

  it("allows only RS256 unless configured otherwise", async () => {
    const ec = await makeKey("ES256", "ec")
    const verifier = await build({ jwks: jwksOf(google, ec) })
    await expectRejected(verifier.verify(await sign(ec, claims())), "AlgorithmNotAllowed", "alg")
    const refused = await failureOf(makeGoogleVerifier({ clientId: CLIENT_ID, algorithms: ["HS256"] }))
    expect(refused._tag).toBe("InvalidVerifierConfig")
  })

  it("refuses a misspelt option rather than ignoring it", async () => {
    const error = await failureOf(
      makeGoogleVerifier({ clientId: CLIENT_ID, hostedDomian: "corp.example.test" } as unknown as GoogleVerifierOptions)
    )
    expect(error.issues.join(" ")).toContain("hostedDomian")
  })
})

describe("Google keys from a JWKS URL", () => {
  let server: JwksServer | undefined
  afterEach(async () => {
    await server?.close()
    server = undefined
  })

  it("fetches the configured URL once and verifies against it", async () => {
    server = await startJwksServer(jwksOf(google))
    const verifier = await build({ jwks: { url: server.url } })
    const token = await sign(google, claims({ iss: "accounts.google.com" }))
    expect((await Effect.runPromise(verifier.verify(token))).principalId).toBe(`google:${SUB}`)
    expect((await Effect.runPromise(verifier.verify(token))).principalId).toBe(`google:${SUB}`)
    expect(server.requests()).toBe(1)
  })
})
