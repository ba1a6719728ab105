import { generateKeyPairSync, randomBytes } from "node:crypto"
import { Effect, Layer } from "effect"
import { TestClock } from "effect/testing"
import { generateKeyPair, SignJWT } from "jose"
import { describe, expect, it } from "vitest"
import {
  type AuditEntry,
  type AuditInput,
  AuditLog,
  canonicalAuditJson,
  defaultAuditLimits,
  type InMemoryAuditRows,
  InMemoryAuditStore,
  isSecretKey,
  makeInMemoryAuditRows,
  redactAuditInput,
  redactSecrets
} from "../src/audit/index.js"

/** Records `input` into fresh rows and returns the entry, the rows and the verification that followed. */
const recordOne = (input: AuditInput) => {
  const rows: InMemoryAuditRows = makeInMemoryAuditRows()
  return Effect.runPromise(
    Effect.gen(function* () {
      const log = yield* AuditLog
      const entry = yield* log.record(input)
      return { entry, rows, verification: yield* log.verify() }
    }).pipe(
      Effect.provide(
        AuditLog.layer.pipe(
          Layer.provideMerge(InMemoryAuditStore.layerOver(rows)),
          Layer.provideMerge(TestClock.layer())
        )
      )
    )
  )
}

/** Every way the stored entry can be read back or exported. */
const textsOf = (entry: AuditEntry): ReadonlyArray<string> => [JSON.stringify(entry), canonicalAuditJson(entry)]

describe("audit redaction", () => {
  it("keeps a JWT, a password, a bearer token and a PEM key out of the stored entry and its canonical JSON", async () => {
    const { privateKey } = await generateKeyPair("EdDSA")
    const jwt = await new SignJWT({ sub: "alice", scope: "admin" })
      .setProtectedHeader({ alg: "EdDSA" })
      .setIssuedAt()
      .setExpirationTime("1h")
      .sign(privateKey)
    const [, jwtPayload, jwtSignature] = jwt.split(".") as [string, string, string]
    const bearer = randomBytes(32).toString("base64url")
    const password = "correct horse battery staple 42"
    const pem = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({
      type: "pkcs1",
      format: "pem"
    }) as string
    const pemBody = pem.split("\n").filter((line) => line.length > 0 && !line.startsWith("-----"))
    expect(pemBody.length).toBeGreaterThan(10)

    const { entry, rows, verification } = await recordOne({
      actor: "local:alice",
      action: "auth.login",
      decision: "failure",
      resource: `https://idp.example/callback?state=s1&id_token=${jwt}`,
      reasons: [`rejected token ${jwt}`, `Authorization: Bearer ${bearer}`],
      details: {
        password,
        Authorization: `Bearer ${bearer}`,
        forwarded: `Bearer ${bearer}`,
        idToken: jwt,
        upstream: jwt,
        note: `key was ${pem}`,
        userAgent: "coderclaw-cli/1.0",
        attempt: 3
      }
    })

    const stored = rows.entries[0] as AuditEntry
    expect(stored).toEqual(entry)
    const secrets = [jwt, jwtPayload, jwtSignature, bearer, password, "PRIVATE KEY", ...pemBody]
    for (const text of textsOf(stored)) {
      for (const secret of secrets) expect(text).not.toContain(secret)
    }
    expect(stored.details).toEqual({
      password: "[redacted]",
      Authorization: "[redacted]",
      forwarded: "[redacted]",
      idToken: "[redacted]",
      upstream: "[redacted]",
      note: "key was [redacted]\n",
      userAgent: "coderclaw-cli/1.0",
      attempt: 3
    })
    expect(stored.reasons).toEqual(["rejected token [redacted]", "Authorization: [redacted]"])
    expect(stored.resource).toBe("https://idp.example/callback?state=s1&id_token=[redacted]")
    // The hash covers the redacted entry, so the log still verifies.
    expect(verification).toMatchObject({ ok: true, entries: 1 })
  })

  it("redacts the values of secret-named keys whatever their case or spelling", () => {
    const secretKeys = [
      "token",
      "access_token",
      "refreshToken",
      "PASSWORD",
      "userPassword",
      "passwd",
      "client_secret",
      "Secret",
      "authorization",
      "Proxy-Authorization",
      "cookie",
      "Set-Cookie",
      "privateKey",
      "private_key",
      "apiKey",
      "X-API-KEY",
      "signature",
      "webhookSignature",
      "credentials"
    ]
    const details = Object.fromEntries(secretKeys.map((key, index) => [key, index % 2 === 0 ? `v-${index}` : index]))
    const redacted = redactAuditInput({
      action: "task.submit",
      decision: "info",
      details: { ...details, host: "api.example.com", count: 2, ok: false, nothing: null }
    })
    for (const key of secretKeys) expect(redacted.details?.[key]).toBe("[redacted]")
    expect(redacted.details).toMatchObject({ host: "api.example.com", count: 2, ok: false, nothing: null })
    for (const key of ["user", "host", "count", "agentId", "repository", "branch"]) expect(isSecretKey(key)).toBe(false)
  })

  it("redacts secrets inside free text and leaves ordinary text alone", () => {
    const jws = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLWJ5dGVz"
    const jwe = "eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0..aXYtYnl0ZXM.Y2lwaGVydGV4dA.dGFnLWJ5dGVz"
    const cases: ReadonlyArray<readonly [string, string]> = [
      [`token ${jws} rejected`, "token [redacted] rejected"],
      [`got ${jwe}`, "got [redacted]"],
      ["bearer abc123XYZ", "[redacted]"],
      ["Authorization: Basic dXNlcjpwYXNz", "Authorization: [redacted]"],
      ["sent Basic dXNlcjpwYXNz", "sent [redacted]"],
      ["basic dXNlcjpwYXNz", "[redacted]"],
      ["basic checks passed", "basic checks passed"],
      ["Cookie: sid=abc; theme=dark\nnext", "Cookie: [redacted]\nnext"],
      ["-----BEGIN EC PRIVATE KEY-----\nMHcCAQEE\n-----END EC PRIVATE KEY----- done", "[redacted] done"],
      ["-----BEGIN PRIVATE KEY-----\nMIIEvQIBADAN cut off", "[redacted]"],
      ["https://bob:hunter2@git.example/repo.git", "https://[redacted]@git.example/repo.git"],
      ["/cb?code=4/0AbCd&state=xyz&access_token=ya29.a0", "/cb?code=[redacted]&state=xyz&access_token=[redacted]"],
      ['{"user":"bob","password":"hunter2"}', '{"user":"bob","password":"[redacted]"}'],
      ["login password=hunter2 user=bob", "login password=[redacted] user=bob"],
      ["password: hunter2", "password: [redacted]"],
      // Ordinary text stays as it was.
      ["token: expired", "token: expired"],
      ["Basic configuration is missing", "Basic configuration is missing"],
      ["policy:repo-protect.deny-protected-branches", "policy:repo-protect.deny-protected-branches"],
      [
        "auth.login from 192.168.1.10 via api.example.com v1.2.3",
        "auth.login from 192.168.1.10 via api.example.com v1.2.3"
      ],
      ["eyes.open.wide", "eyes.open.wide"],
      ["exitCode=1 agent=repo-scan", "exitCode=1 agent=repo-scan"]
    ]
    for (const [input, expected] of cases) expect(redactSecrets(input)).toBe(expected)
  })

  it("caps string lengths, reason counts and details size, and makes odd values storable", async () => {
    const manyDetails: Record<string, number> = {}
    for (let index = 0; index < 50; index++) manyDetails[`k${index}`] = index
    const { entry, verification } = await recordOne({
      actor: "a".repeat(1_000),
      action: "task.submit",
      decision: "info",
      resource: `task/${"r".repeat(5_000)}`,
      reasons: Array.from({ length: 40 }, (_, index) => `reason ${index} ${"x".repeat(index === 0 ? 10_000 : 1)}`),
      details: {
        ...manyDetails,
        [`long-${"k".repeat(200)}`]: 1
      }
    })
    expect(entry.actor).toHaveLength(defaultAuditLimits.maxFieldLength)
    expect(entry.actor.endsWith("…")).toBe(true)
    expect(entry.resource).toHaveLength(defaultAuditLimits.maxResourceLength)
    expect(entry.reasons).toHaveLength(defaultAuditLimits.maxReasons + 1)
    expect(entry.reasons[0]).toHaveLength(defaultAuditLimits.maxReasonLength)
    expect(entry.reasons.at(-1)).toBe("…and 24 more")
    expect(Object.keys(entry.details ?? {})).toHaveLength(defaultAuditLimits.maxDetailKeys + 1)
    expect(entry.details?.["[truncated]"]).toBe(19)
    expect(canonicalAuditJson(entry).length).toBeLessThan(16_000)
    expect(verification).toMatchObject({ ok: true })

    const odd = redactAuditInput({
      actor: "",
      action: "task.submit",
      decision: "info",
      details: {
        nan: Number.NaN,
        inf: Number.POSITIVE_INFINITY,
        object: { nested: true } as never,
        missing: undefined,
        lone: "a\uD800b",
        pair: "😀",
        [`${"k".repeat(100)}`]: "long key"
      }
    })
    expect(odd.actor).toBe("anonymous")
    expect(odd.details).toEqual({
      nan: null,
      inf: null,
      object: "[unsupported]",
      lone: "a\uFFFDb",
      pair: "😀",
      [`${"k".repeat(63)}…`]: "long key"
    })
    // A cut never splits a surrogate pair.
    const emoji = redactAuditInput({ action: "a.b", decision: "info", reasons: ["😀".repeat(400)] })
    expect(emoji.reasons[0]).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/)
    expect(redactAuditInput({ action: "a.b", decision: "info", details: {} }).details).toBeUndefined()
  })

  it("cuts huge values in linear time without letting a token split by the cut through", () => {
    const pemBlock = (size: number) => `-----BEGIN PRIVATE KEY-----\n${"A".repeat(size)}\n-----END PRIVATE KEY----- `
    const jwt = `eyJhbGciOiJFZERTQSJ9.${"eyJzdWIiOiJhbGljZSJ9".repeat(20)}.${"s".repeat(86)}`
    // Key blocks filling the first 65,436 characters (redaction shrinks them to about 100), then a JWT
    // across the 65,536 cut: what is left of it after the cut would land inside the kept 512 characters.
    let text = ""
    for (let index = 0; index < 9; index++) text += pemBlock(6_000)
    text += pemBlock(65_436 - text.length - pemBlock(0).length)
    expect(text).toHaveLength(65_436)
    text += `${jwt} tail`
    const cleaned = redactAuditInput({ action: "a.b", decision: "info", reasons: [text] }).reasons[0] ?? ""
    expect(cleaned.length).toBeLessThanOrEqual(defaultAuditLimits.maxReasonLength)
    expect(cleaned).not.toContain("eyJhbGciOiJFZERTQSJ9.eyJz")
    expect(cleaned).not.toContain("AAAA")

    // Inputs built to make backtracking patterns quadratic finish (a quadratic pattern would run into the
    // test timeout); speed itself is measured by benchmarks, not here.
    for (const hostile of [
      "a".repeat(1_000_000),
      `eyJ${"a".repeat(1_000_000)}`,
      "a.".repeat(500_000),
      '"password":"'.repeat(80_000),
      "Bearer ".repeat(150_000)
    ]) {
      redactAuditInput({ action: "a.b", decision: "info", reasons: [hostile], details: { value: hostile } })
    }
  })
})
