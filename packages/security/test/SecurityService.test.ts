import { setTimeout as sleep } from "node:timers/promises"
import { Effect, ManagedRuntime } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { Security, type SecurityConfig, SecurityService } from "../src/index.js"

// The facade keeps the original API's method names; these tests pin the places where the original was
// unsafe and ours refuses, and that every answer comes from the real checks.

const config: SecurityConfig = {
  sessions: { issuer: "compat-test", audience: "coderclaw" },
  providers: { local: {} },
  policies: { skills: [{ id: "shell-approval", skill: "shell.run", requireApproval: true }] }
}

let managed: ManagedRuntime.ManagedRuntime<Security, unknown>
let service: SecurityService
const tokens: Record<string, string> = {}
const sessions: Record<string, string> = {}

beforeAll(async () => {
  managed = ManagedRuntime.make(Security.layerInMemory(config))
  const security = await managed.runPromise(Effect.service(Security))
  service = new SecurityService(security)
  for (const [username, roles] of [
    ["admin", ["admin"]],
    ["dev", ["developer"]],
    ["reader", ["readonly"]]
  ] as const) {
    await Effect.runPromise(
      security.users.createUser({ username, password: `${username}-password-123`, roles: [...roles] })
    )
    const login = await service.authenticateUser({ provider: "local", username, password: `${username}-password-123` })
    tokens[username] = login.token ?? ""
    sessions[username] = login.principal.sessionId
  }
})

afterAll(() => managed.dispose())

const rejectionOf = async (promise: Promise<unknown>) => {
  try {
    await promise
  } catch (error) {
    return error as { readonly _tag: string; readonly reason?: string; readonly reasons?: ReadonlyArray<string> }
  }
  throw new Error("expected a rejection")
}

describe("SecurityService (the original API's names)", () => {
  it("authenticateUser accepts only verified credentials", async () => {
    expect(
      await rejectionOf(service.authenticateUser({ provider: "local", username: "dev", password: "guess-guess-guess" }))
    ).toMatchObject({
      _tag: "Unauthenticated",
      reason: "invalid_credentials"
    })
    expect(await rejectionOf(service.authenticateUser({ provider: "token", token: "anything" }))).toMatchObject({
      _tag: "Unauthenticated"
    })
    const viaToken = await service.authenticateUser({ provider: "token", token: tokens.dev ?? "" })
    expect(viaToken.principal).toMatchObject({ id: "local:dev", roles: ["developer"] })
  })

  it("createSession refuses a caller-supplied permission list", async () => {
    const refused = await rejectionOf(service.createSession({ token: tokens.reader ?? "", permissions: ["admin:all"] }))
    expect(refused).toMatchObject({ _tag: "Forbidden", reasons: ["caller-supplied-permissions-refused"] })
    const created = await service.createSession({ token: tokens.reader ?? "" })
    expect(created.principal.roles).toEqual(["readonly"])
  })

  it("permissions come from the session's roles, and an ended session answers nothing", async () => {
    expect(await service.checkPermission(sessions.reader ?? "", "task:submit")).toBe(false)
    expect(await service.checkPermission(sessions.dev ?? "", "task:submit")).toBe(true)
    expect(await service.getEffectivePermissions(sessions.reader ?? "")).toEqual([
      "config:read",
      "runtime:status",
      "task:read"
    ])
    expect(await rejectionOf(service.checkPermission("no-such-session", "task:read"))).toMatchObject({
      _tag: "Unauthenticated",
      reason: "invalid_credentials"
    })
    const security = await managed.runPromise(Effect.service(Security))
    // Long enough to be signed on a loaded machine (a session already expired when its token is signed is
    // refused), short enough to wait out.
    const short = await Effect.runPromise(security.loginWithPassword("dev", "dev-password-123", { ttlMs: 500 }))
    await sleep(600)
    expect(await rejectionOf(service.checkPermission(short.session.id, "task:read"))).toMatchObject({
      reason: "expired"
    })
  })

  it("checkAgentAccess and checkSkillAccess decide with the policies and name them", async () => {
    expect(await service.checkAgentAccess(sessions.reader ?? "", "echo")).toEqual({
      allowed: false,
      requiresApproval: false,
      policies: ["default-deny"]
    })
    const skill = await service.checkSkillAccess(sessions.dev ?? "", "shell.run", { agentId: "runner" })
    expect(skill.allowed).toBe(true)
    expect(skill.requiresApproval).toBe(true)
  })

  it("setRepoPolicy needs config:write, validates the whole set, and takes effect at once", async () => {
    const policy = { id: "protect-workflows", repository: "acme/*", protectedPaths: [".github/workflows"] }
    expect(await rejectionOf(service.setRepoPolicy(sessions.dev ?? "", policy))).toMatchObject({
      _tag: "Forbidden",
      reasons: ["role-gate"]
    })
    expect(
      await rejectionOf(
        service.setRepoPolicy(sessions.admin ?? "", { id: "bad", repository: "x", protectedPaths: ["../etc"] })
      )
    ).toMatchObject({
      _tag: "Forbidden"
    })
    expect(await service.setRepoPolicy(sessions.admin ?? "", policy)).toBe(2)
    expect(service.getRepoPolicy("acme/app").map((each) => each.id)).toEqual(["protect-workflows"])
    expect(service.getRepoPolicy("other/app")).toEqual([])
    const denied = await service.checkSkillAccess(sessions.admin ?? "", "repo.write", {
      repository: "acme/app",
      paths: [".github/workflows/ci.yml"]
    })
    expect(denied.allowed).toBe(false)
    expect(denied.policies.some((id) => id.startsWith("protect-workflows"))).toBe(true)
  })

  it("audit needs audit:read and shows the decisions made above", async () => {
    expect(await rejectionOf(service.audit(sessions.reader ?? ""))).toMatchObject({ _tag: "Forbidden" })
    const entries = await service.audit(sessions.admin ?? "", { limit: 1_000 })
    expect(entries.some((entry) => entry.action === "policy.set" && entry.actor === "local:admin")).toBe(true)
    expect(entries.some((entry) => entry.action === "authz.decide" && entry.decision === "deny")).toBe(true)
  })
})
