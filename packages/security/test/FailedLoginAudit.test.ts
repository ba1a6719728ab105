import { Effect, Layer } from "effect"
import { TestClock } from "effect/testing"
import { describe, expect, it } from "vitest"
import { Security, type SecurityConfig } from "../src/index.js"

const config: SecurityConfig = {
  sessions: { issuer: "coderclaw-test", audience: "coderclaw" },
  providers: { local: {} }
}

const run = <A, E>(program: Effect.Effect<A, E, Security>) =>
  Effect.runPromise(
    program.pipe(Effect.provide(Security.layerInMemory(config).pipe(Layer.provideMerge(TestClock.layer()))))
  )

describe("failed logins name the account they tried", () => {
  it("records the attempted name, sanitised and bounded, and never the password", async () => {
    const long = `a${"b".repeat(300)}`
    const entries = await run(
      Effect.gen(function* () {
        const security = yield* Effect.service(Security)
        for (const username of ["ghost", "evil\n\u001b[31mname\u202e", long]) {
          yield* Effect.flip(
            security.authenticator.authenticate({
              credentials: { type: "password", username, password: "the-secret-password-1" },
              nonce: "n",
              remoteAddress: "203.0.113.9"
            })
          )
        }
        yield* Effect.flip(security.loginWithPassword("ghost2", "the-secret-password-2"))
        const page = yield* security.audit.query(
          { principalId: "system:test", permissions: new Set(["audit:read"]) },
          { limit: 100 }
        )
        return [...page.items].sort((a, b) => a.seq - b.seq)
      })
    )
    const failures = entries.filter((e) => e.decision === "failure")
    expect(failures.map((e) => e.resource)).toEqual([
      "account/local/ghost",
      "account/local/evil??[31mname?",
      `account/local/a${"b".repeat(62)}…`,
      "account/local/ghost2"
    ])
    expect(failures.map((e) => e.actor)).toEqual(Array(4).fill("anonymous"))
    expect(JSON.stringify(entries)).not.toContain("the-secret-password")
  }, 120_000)
})
