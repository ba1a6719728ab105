import { createHash } from "node:crypto"
import { Effect, Redacted, Schema } from "effect"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { Identity } from "../src/identity/Identity.js"
import { resolveGithubIdentity } from "../src/identity/index.js"
import {
  type DeviceCodePrompt,
  type GithubDeviceLoginOptions,
  GithubRoleRule,
  githubRoles,
  loginWithGithubDevice
} from "../src/login/index.js"
import { makeFakeClock } from "./support/fakeClock.js"
import { type FakeGithub, startFakeGithub } from "./support/fakeGithub.js"

const rules: ReadonlyArray<GithubRoleRule> = Schema.decodeUnknownSync(Schema.Array(GithubRoleRule))([
  { org: "acme", role: "readonly" },
  { org: "ACME", team: "platform", role: "developer" },
  { org: "acme", team: "security", role: "admin" },
  { org: "other-corp", role: "admin" },
  { org: "acme", team: "Platform", role: "readonly" }
])

const failureOf = <A, E>(effect: Effect.Effect<A, E>) => Effect.runPromise(Effect.flip(effect))

let github: FakeGithub

beforeEach(async () => {
  github = await startFakeGithub("Iv1.test-client")
  github.orgs = ["acme", "octo-friends"]
  github.teams = [
    { org: "acme", slug: "platform" },
    { org: "acme", slug: "web" },
    { org: "octo-friends", slug: "security" }
  ]
})

afterEach(async () => {
  await github.close()
})

const login = (clock: ReturnType<typeof makeFakeClock>, extra: Partial<GithubDeviceLoginOptions> = {}) => {
  const prompts: Array<DeviceCodePrompt> = []
  const effect = clock.provide(
    loginWithGithubDevice({
      clientId: github.clientId,
      rules,
      baseUrl: github.baseUrl,
      apiBaseUrl: `${github.apiBaseUrl}/`,
      userAgent: "coderclaw-test/1.0",
      onUserCode: (prompt) => {
        prompts.push(prompt)
      },
      ...extra
    })
  )
  return { effect, prompts }
}

describe("loginWithGithubDevice", () => {
  it("logs in after pending and slow_down and maps org/team memberships to roles", async () => {
    github.deviceScript = ["authorization_pending", "slow_down", "approve"]
    github.pageSize = 2 // three teams: the second page must be followed
    const clock = makeFakeClock()
    const { effect, prompts } = login(clock)
    const result = await Effect.runPromise(effect)

    expect(prompts).toEqual([
      { verificationUri: `${github.baseUrl}/login/device`, userCode: "ABCD-1234", expiresInSeconds: 900 }
    ])
    // interval 5 s; slow_down makes it 10 s for the rest of the grant.
    expect(clock.sleeps).toEqual([5_000, 5_000, 10_000])

    expect(Schema.is(Identity)(result.identity)).toBe(true)
    expect(result.identity).toEqual({
      provider: "github",
      subject: "583231",
      // The fake is a GitHub Enterprise Server, so its users carry its namespace.
      principalId: `github:iss.${createHash("sha256").update(github.apiBaseUrl).digest("hex").slice(0, 24)}:583231`,
      displayName: "The Octocat",
      // acme member → readonly; acme/platform → developer; octo-friends/security is not acme/security.
      roles: ["readonly", "developer"],
      attributes: { login: "octocat" }
    })
    expect(result.scope).toBe("read:user read:org")
    expect(Redacted.value(result.accessToken)).toMatch(/^gho_/)

    const paths = github.requests.map((r) => `${r.method} ${r.path}`)
    expect(paths.filter((p) => p === "GET /api/v3/user/teams")).toHaveLength(2)
    expect(paths).toContain("GET /api/v3/user/orgs")
    for (const request of github.requests) {
      expect(request.headers["user-agent"]).toBe("coderclaw-test/1.0")
      if (request.path.startsWith("/login/")) expect(request.headers.accept).toBe("application/json")
    }
  })

  it("keys the identity on the numeric id, so a renamed account stays the same principal", async () => {
    github.deviceScript = ["approve"]
    const first = await Effect.runPromise(login(makeFakeClock()).effect)
    github.user = { ...github.user, login: "octocat-renamed", name: null }
    github.deviceScript = ["approve"]
    const second = await Effect.runPromise(login(makeFakeClock()).effect)

    expect(second.identity.principalId).toBe(first.identity.principalId)
    expect(second.identity.attributes).toEqual({ login: "octocat-renamed" })
    expect(second.identity.displayName).toBe("octocat-renamed")
  })

  it("grants no role to a user matching no rule, and skips membership calls the rules do not need", async () => {
    github.deviceScript = ["approve"]
    github.orgs = ["elsewhere"]
    github.teams = []
    const result = await Effect.runPromise(
      login(makeFakeClock(), { rules: [{ org: "acme", role: "developer" }] }).effect
    )
    expect(result.identity.roles).toEqual([])
    const paths = github.requests.map((r) => r.path)
    expect(paths).toContain("/api/v3/user/orgs")
    expect(paths).not.toContain("/api/v3/user/teams")
  })

  it("fails with access_denied when the user cancels on GitHub", async () => {
    github.deviceScript = ["authorization_pending", "access_denied"]
    const error = await failureOf(login(makeFakeClock()).effect)
    expect(error._tag).toBe("LoginFailed")
    expect(error.provider).toBe("github")
    expect(error.reason).toBe("AccessDenied")
    expect(github.requests.some((r) => r.path.startsWith("/api/"))).toBe(false)
  })

  it("fails with expired_token when GitHub says the device code expired", async () => {
    github.deviceScript = ["expired_token"]
    const error = await failureOf(login(makeFakeClock()).effect)
    expect(error.reason).toBe("ExpiredToken")
  })

  it("fails with timeout once the device code's lifetime has passed locally", async () => {
    github.deviceExpiresIn = 20
    const clock = makeFakeClock()
    const error = await failureOf(login(clock).effect)
    expect(error.reason).toBe("Timeout")
    expect(clock.sleeps).toEqual([5_000, 5_000, 5_000, 5_000])
  })

  it("fails with api_failed when the GitHub API answers 500", async () => {
    github.deviceScript = ["approve"]
    github.apiFailure = 500
    const error = await failureOf(login(makeFakeClock()).effect)
    expect(error.reason).toBe("ApiFailed")
    expect(error.detail).toBe("GET /api/v3/user: HTTP 500")
  })

  it("fails with device_authorization_failed for an unknown client id", async () => {
    const error = await failureOf(login(makeFakeClock(), { clientId: "Iv1.unknown" }).effect)
    expect(error.reason).toBe("DeviceAuthorizationFailed")
    expect(error.detail).toContain("incorrect_client_credentials")
  })

  it("ends with aborted when the signal fires during polling", async () => {
    const controller = new AbortController()
    const clock = makeFakeClock()
    const { effect } = login(clock, { signal: controller.signal, onUserCode: () => controller.abort() })
    const error = await failureOf(effect)
    expect(error.reason).toBe("Aborted")
    expect(github.requests.some((r) => r.path === "/login/oauth/access_token")).toBe(false)
  })
})

describe("resolveGithubIdentity", () => {
  it("refuses a token GitHub does not know with token_rejected", async () => {
    const error = await failureOf(
      resolveGithubIdentity({ accessToken: Redacted.make("gho_forged"), rules, apiBaseUrl: github.apiBaseUrl })
    )
    expect(error.reason).toBe("TokenRejected")
  })
})

describe("githubRoles", () => {
  it("matches org and team case-insensitively, implies org membership from a team, and removes duplicates", () => {
    expect(githubRoles(rules, { orgs: [], teams: [{ org: "Acme", team: "PLATFORM" }] })).toEqual([
      "readonly",
      "developer"
    ])
    expect(githubRoles(rules, { orgs: ["other-corp"], teams: [] })).toEqual(["admin"])
    expect(githubRoles(rules, { orgs: ["acme-evil"], teams: [{ org: "evil", team: "platform" }] })).toEqual([])
  })

  it("refuses a rule without an organisation when decoding configuration", () => {
    expect(() => Schema.decodeUnknownSync(GithubRoleRule)({ org: "", role: "admin" })).toThrow()
    expect(() => Schema.decodeUnknownSync(GithubRoleRule)({ team: "platform", role: "admin" })).toThrow()
  })
})
