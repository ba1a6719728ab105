import type { Unauthenticated } from "@coderclaw/protocol"
import { Effect, Layer } from "effect"
import { TestClock } from "effect/testing"
import { describe, expect, it } from "vitest"
import { Security, type SecurityConfig } from "../src/index.js"

const T0 = Date.UTC(2026, 10, 24, 12)

const config: SecurityConfig = {
  sessions: { issuer: "coderclaw-test", audience: "coderclaw", defaultTtlMs: 60 * 60_000 },
  providers: { local: {} }
}

const run = <A, E>(program: Effect.Effect<A, E, Security>) =>
  Effect.runPromise(
    Effect.gen(function* () {
      yield* TestClock.setTime(T0)
      const security = yield* Effect.service(Security)
      for (const username of ["alice", "bob"]) {
        yield* security.users.createUser({ username, password: `${username}-password-123`, roles: ["developer"] })
      }
      return yield* program
    }).pipe(Effect.provide(Security.layerInMemory(config).pipe(Layer.provideMerge(TestClock.layer()))))
  )

const attempt = (username: string, password: string, remoteAddress: string) =>
  Effect.flatMap(Effect.service(Security), (security) =>
    security.authenticator.authenticate({
      credentials: { type: "password", username, password },
      nonce: "n",
      remoteAddress
    })
  )

const refusal = (username: string, password: string, remoteAddress: string) =>
  Effect.flip(attempt(username, password, remoteAddress)).pipe(
    Effect.map((error: Unauthenticated) => ({ reason: error.reason, retryAfterMs: error.retryAfterMs }))
  )

const auditEntries = Effect.flatMap(Effect.service(Security), (security) =>
  Effect.map(
    security.audit.query({ principalId: "system:test", permissions: new Set(["audit:read"]) }, { limit: 1_000 }),
    (page) => [...page.items].sort((a, b) => a.seq - b.seq)
  )
)

describe("password guessing is throttled", () => {
  it("refuses repeated wrong passwords for one account with a growing retryAfterMs, the right one too", async () => {
    const outcome = await run(
      Effect.gen(function* () {
        const free = []
        for (let i = 0; i < 5; i++) free.push(yield* refusal("alice", `guess-number-${i}-xx`, "203.0.113.7"))
        const throttled = yield* refusal("alice", "guess-number-5-xx", "203.0.113.7")
        // While throttled, even the right password is refused: otherwise guessing would go on unhindered.
        const rightButThrottled = yield* refusal("alice", "alice-password-123", "203.0.113.7")
        yield* TestClock.adjust(throttled.retryAfterMs ?? 0)
        const afterWait = yield* refusal("alice", "guess-number-6-xx", "203.0.113.7")
        const longer = yield* refusal("alice", "guess-number-7-xx", "203.0.113.7")
        const entries = yield* auditEntries
        return { free, throttled, rightButThrottled, afterWait, longer, entries }
      })
    )
    expect(outcome.free.map((r) => r.reason)).toEqual(Array(5).fill("invalid_credentials"))
    expect(outcome.throttled.reason).toBe("throttled")
    expect(outcome.throttled.retryAfterMs).toBeGreaterThan(0)
    expect(outcome.rightButThrottled.reason).toBe("throttled")
    // After the wait one more guess is checked (and fails); the next wait is longer.
    expect(outcome.afterWait.reason).toBe("invalid_credentials")
    expect(outcome.longer.reason).toBe("throttled")
    expect(outcome.longer.retryAfterMs).toBeGreaterThan(outcome.throttled.retryAfterMs ?? 0)
    const throttledEntries = outcome.entries.filter((e) => e.reasons.includes("local:throttled"))
    expect(throttledEntries.length).toBe(3)
    expect(throttledEntries.every((e) => e.resource === "account/local/alice" && e.decision === "failure")).toBe(true)
  }, 120_000)

  it("throttles an unknown account exactly like an existing one (no enumeration)", async () => {
    const answers = await run(
      Effect.gen(function* () {
        const known = []
        const unknown = []
        for (let i = 0; i < 6; i++) known.push(yield* refusal("alice", `wrong-password-${i}`, "198.51.100.1"))
        for (let i = 0; i < 6; i++) unknown.push(yield* refusal("nobody", `wrong-password-${i}`, "198.51.100.2"))
        return { known, unknown }
      })
    )
    expect(answers.unknown).toEqual(answers.known)
    expect(answers.known.at(-1)?.reason).toBe("throttled")
  }, 120_000)

  it("lets an honest login from another address through, unthrottled, during a flood of bogus logins", async () => {
    const outcome = await run(
      Effect.gen(function* () {
        const flood = Effect.all(
          Array.from({ length: 150 }, (_, i) => refusal("alice", `bogus-password-${i}`, "192.0.2.66")),
          { concurrency: "unbounded" }
        )
        const honest = Effect.all(
          [attempt("alice", "alice-password-123", "192.0.2.10"), attempt("bob", "bob-password-123", "2001:db8:1::10")],
          { concurrency: "unbounded" }
        )
        const [floodAnswers, honestLogins] = yield* Effect.all([flood, honest], { concurrency: "unbounded" })
        const entries = yield* auditEntries
        return { floodAnswers, honestLogins, entries }
      })
    )
    expect(outcome.honestLogins.map((login) => login.principal.id)).toEqual(["local:alice", "local:bob"])
    const reasons = outcome.floodAnswers.map((a) => a.reason)
    // The flood from one address is refused early: only a handful of its guesses were hashed.
    expect(reasons.filter((r) => r === "invalid_credentials").length).toBeLessThanOrEqual(5)
    expect(reasons.filter((r) => r === "throttled").length).toBeGreaterThanOrEqual(145)
    const honest = outcome.entries.filter(
      (e) => e.action === "auth.connect" && (e.remoteAddress === "192.0.2.10" || e.remoteAddress === "2001:db8:1::10")
    )
    expect(honest.map((e) => [e.actor, e.decision]).sort()).toEqual([
      ["local:alice", "success"],
      ["local:bob", "success"]
    ])
    expect(honest.some((e) => e.reasons.includes("local:throttled"))).toBe(false)
  }, 120_000)
})
