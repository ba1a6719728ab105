import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { Security, type SecurityConfig } from "../src/index.js"
import { type FakeGithub, startFakeGithub } from "./support/fakeGithub.js"

// A GitHub user token is opaque: the server asks GitHub's API who it belongs to. Its refusal must keep
// GitHub's answer (the token was refused, or GitHub could not be asked) instead of posing as a JWT check.
let github: FakeGithub
beforeAll(async () => {
  github = await startFakeGithub("client-1")
})
afterAll(() => github.close())

const refusalReasons = (apiBaseUrl: string) => {
  const config: SecurityConfig = {
    sessions: { issuer: "coderclaw-test", audience: "coderclaw", defaultTtlMs: 60_000 },
    providers: { github: { rules: [{ org: "acme", role: "developer" }], apiBaseUrl } }
  }
  return Effect.runPromise(
    Effect.gen(function* () {
      const security = yield* Security
      const refused = yield* Effect.flip(
        security.authenticator.authenticate({
          credentials: { type: "token", token: "gho_forged" },
          nonce: "nonce-1",
          connectionId: "c-1"
        })
      )
      const page = yield* security.audit.query({ principalId: "system:test", permissions: new Set(["audit:read"]) }, {})
      return { refused, reasons: page.items.filter((entry) => entry.action === "auth.connect").map((e) => e.reasons) }
    }).pipe(Effect.provide(Security.layerInMemory(config)))
  )
}

describe("Security: GitHub user tokens", () => {
  it("audits a token GitHub refuses as github:provider_refused, and answers invalid_credentials", async () => {
    const { refused, reasons } = await refusalReasons(github.apiBaseUrl)
    expect(refused).toMatchObject({ _tag: "Unauthenticated", reason: "invalid_credentials" })
    expect(reasons).toEqual([["github:provider_refused"]])
  })

  it("audits an unreachable GitHub API as github:provider_unavailable", async () => {
    const { refused, reasons } = await refusalReasons("http://127.0.0.1:9/api/v3")
    expect(refused).toMatchObject({ _tag: "Unauthenticated", reason: "invalid_credentials" })
    expect(reasons).toEqual([["github:provider_unavailable"]])
  })
})
