import type { Principal } from "@coderclaw/protocol"
import { Effect, Layer } from "effect"
import { TestClock } from "effect/testing"
import { describe, expect, it } from "vitest"
import { generateDeviceKey, signDeviceProof } from "../src/devices/index.js"
import { Security, type SecurityConfig } from "../src/index.js"

const T0 = Date.UTC(2026, 10, 24, 12)

const config: SecurityConfig = {
  sessions: { issuer: "coderclaw-test", audience: "coderclaw", defaultTtlMs: 60 * 60_000 },
  providers: { local: {} },
  policies: {
    skills: [{ id: "shell-needs-approval", skill: "shell.run", requireApproval: true }]
  }
}

const run = <A, E>(program: Effect.Effect<A, E, Security>) =>
  Effect.runPromise(
    Effect.gen(function* () {
      yield* TestClock.setTime(T0)
      const security = yield* Effect.service(Security)
      for (const [username, roles] of [
        ["admin", ["admin"]],
        ["dev", ["developer"]],
        ["reader", ["readonly"]]
      ] as const) {
        yield* security.users.createUser({ username, password: `${username}-password-123`, roles: [...roles] })
      }
      return yield* program
    }).pipe(Effect.provide(Security.layerInMemory(config).pipe(Layer.provideMerge(TestClock.layer()))))
  )

const security = Effect.service(Security)

const login = (username: string, ttlMs?: number) =>
  Effect.flatMap(security, (service) =>
    service.loginWithPassword(username, `${username}-password-123`, ttlMs === undefined ? {} : { ttlMs })
  )

const connect = (token: string, nonce = "nonce-1") =>
  Effect.flatMap(security, (service) =>
    service.authenticator.authenticate({ credentials: { type: "token", token }, nonce, connectionId: "c-1" })
  )

const auditActions = Effect.flatMap(security, (service) =>
  Effect.map(
    service.audit.query({ principalId: "local:admin", permissions: new Set(["audit:read"]) }, { limit: 1_000 }),
    (page) => [...page.items].sort((a, b) => a.seq - b.seq)
  )
)

describe("Security: the authenticator", () => {
  it("turns a session token into the session's principal: server-side roles, untrusted without a device", async () => {
    const principal = await run(
      Effect.gen(function* () {
        const { token } = yield* login("dev")
        return (yield* connect(token)).principal
      })
    )
    expect(principal).toMatchObject({ id: "local:dev", provider: "local", roles: ["developer"], trust: "untrusted" })
    expect(principal.deviceId).toBeUndefined()
  })

  it("password credentials open a session and hand back its token; a wrong password is refused", async () => {
    const outcome = await run(
      Effect.gen(function* () {
        const service = yield* security
        const opened = yield* service.authenticator.authenticate({
          credentials: { type: "password", username: "dev", password: "dev-password-123" },
          nonce: "n-1"
        })
        const again = yield* connect(opened.session?.token ?? "")
        const refused = yield* Effect.flip(
          service.authenticator.authenticate({
            credentials: { type: "password", username: "dev", password: "wrong-password-123" },
            nonce: "n-2"
          })
        )
        return { opened, again, refused }
      })
    )
    expect(outcome.opened.principal).toMatchObject({ id: "local:dev", roles: ["developer"] })
    expect(outcome.opened.session?.expiresAt).toBe(T0 + 60 * 60_000)
    expect(outcome.again.principal.sessionId).toBe(outcome.opened.principal.sessionId)
    expect(outcome.again.session).toBeUndefined()
    expect(outcome.refused).toMatchObject({ _tag: "Unauthenticated", reason: "invalid_credentials" })
  })

  it("a proved device makes the principal verified; a proof over another connection's nonce refuses the connection", async () => {
    const outcome = await run(
      Effect.gen(function* () {
        const service = yield* security
        const { token } = yield* login("dev")
        const key = generateDeviceKey()
        const now = T0
        const good = yield* service.authenticator.authenticate({
          credentials: { type: "token", token },
          nonce: "nonce-a",
          device: signDeviceProof(key, { nonce: "nonce-a", scopes: [], now })
        })
        const stolen = yield* Effect.flip(
          service.authenticator.authenticate({
            credentials: { type: "token", token },
            nonce: "nonce-b",
            device: signDeviceProof(key, { nonce: "nonce-c", scopes: [], now })
          })
        )
        const pending = yield* service.devices.listPending
        return { good, stolen, pending, entries: yield* auditActions, deviceId: key.deviceId }
      })
    )
    expect(outcome.good.principal).toMatchObject({ trust: "verified" })
    // The unpaired device asked to be paired to the principal it proved itself for.
    expect(outcome.pending.map((request) => [request.deviceId, request.principalId])).toEqual([
      [outcome.deviceId, "local:dev"]
    ])
    expect(outcome.stolen).toMatchObject({ _tag: "Unauthenticated", reason: "device_proof_failed" })
    const failures = outcome.entries.filter((entry) => entry.action === "auth.connect" && entry.decision === "failure")
    expect(failures.map((entry) => entry.reasons)).toEqual([["device:bad_signature"]])
  })

  it("refuses development credentials, garbage and tokens from unknown issuers, and audits each refusal", async () => {
    const outcome = await run(
      Effect.gen(function* () {
        const service = yield* security
        const claimed: Principal = {
          id: "local:x",
          provider: "local",
          sessionId: "s",
          roles: ["admin"],
          trust: "trusted"
        }
        const development = yield* Effect.flip(
          service.authenticator.authenticate({ credentials: { type: "development", principal: claimed }, nonce: "n" })
        )
        const garbage = yield* Effect.flip(connect("not-a-token"))
        return { development, garbage, entries: yield* auditActions }
      })
    )
    expect(outcome.development).toMatchObject({ _tag: "Unauthenticated", reason: "invalid_credentials" })
    expect(outcome.garbage).toMatchObject({ _tag: "Unauthenticated", reason: "invalid_credentials" })
    expect(
      outcome.entries.filter((entry) => entry.action === "auth.connect").map((entry) => [entry.decision, entry.actor])
    ).toEqual([
      ["failure", "anonymous"],
      ["failure", "anonymous"]
    ])
  })

  it("a wrong password answers invalid_credentials and is audited without the password", async () => {
    const outcome = await run(
      Effect.gen(function* () {
        const service = yield* security
        const refused = yield* Effect.flip(service.loginWithPassword("dev", "not-the-password-at-all"))
        const unknown = yield* Effect.flip(service.loginWithPassword("nobody", "whatever-password-1"))
        return { refused, unknown, entries: yield* auditActions }
      })
    )
    expect(outcome.refused).toMatchObject({ _tag: "Unauthenticated", reason: "invalid_credentials" })
    expect(outcome.unknown).toMatchObject({ _tag: "Unauthenticated", reason: "invalid_credentials" })
    expect(outcome.entries.map((entry) => [entry.action, entry.decision])).toEqual([
      ["auth.login", "failure"],
      ["auth.login", "failure"]
    ])
    expect(JSON.stringify(outcome.entries)).not.toContain("not-the-password-at-all")
  })

  it("an expired session's token is refused as expired, and its principal can no longer act", async () => {
    const outcome = await run(
      Effect.gen(function* () {
        const service = yield* security
        const { token, principal } = yield* login("dev", 60_000)
        yield* TestClock.adjust(60_001)
        const connecting = yield* Effect.flip(connect(token))
        const acting = yield* Effect.flip(
          service.authorizer.authorize({ principal, action: "task:submit", resource: "agent/echo" })
        )
        return { connecting, acting }
      })
    )
    expect(outcome.connecting).toMatchObject({ _tag: "Unauthenticated", reason: "expired" })
    expect(outcome.acting).toMatchObject({ _tag: "Forbidden", reasons: ["session:expired"] })
  })
})

describe("Security: the authorizer", () => {
  it("takes roles from the session, never from the principal it is handed", async () => {
    const forged = await run(
      Effect.gen(function* () {
        const service = yield* security
        const { principal } = yield* login("reader")
        return yield* Effect.flip(
          service.authorizer.authorize({
            principal: { ...principal, roles: ["admin"] },
            action: "task:submit",
            resource: "agent/echo"
          })
        )
      })
    )
    expect(forged).toMatchObject({ _tag: "Forbidden", action: "task:submit", reasons: ["default-deny"] })
  })

  it("a revoked session is refused, and a principal cannot borrow another principal's session", async () => {
    const outcome = await run(
      Effect.gen(function* () {
        const service = yield* security
        const dev = yield* login("dev")
        const admin = yield* login("admin")
        const borrowed = yield* Effect.flip(
          service.authorizer.authorize({
            principal: { ...dev.principal, sessionId: admin.session.id },
            action: "task:submit",
            resource: "agent/echo"
          })
        )
        yield* service.sessions.revoke(dev.session.id)
        const revoked = yield* Effect.flip(
          service.authorizer.authorize({ principal: dev.principal, action: "task:submit", resource: "agent/echo" })
        )
        return { borrowed, revoked }
      })
    )
    expect(outcome.borrowed).toMatchObject({ _tag: "Forbidden", reasons: ["session:not-this-principal"] })
    expect(outcome.revoked).toMatchObject({ _tag: "Forbidden", reasons: ["session:revoked"] })
  })

  it("acting on another principal's task needs the :any permission", async () => {
    const outcome = await run(
      Effect.gen(function* () {
        const service = yield* security
        const dev = yield* login("dev")
        const admin = yield* login("admin")
        const own = yield* service.authorizer.authorize({
          principal: dev.principal,
          action: "task:cancel",
          resource: "task/1",
          context: { taskOwner: "local:dev" }
        })
        const others = yield* Effect.flip(
          service.authorizer.authorize({
            principal: dev.principal,
            action: "task:cancel",
            resource: "task/2",
            context: { taskOwner: "local:admin" }
          })
        )
        const byAdmin = yield* service.authorizer.authorize({
          principal: admin.principal,
          action: "task:cancel",
          resource: "task/1",
          context: { taskOwner: "local:dev" }
        })
        const entries = yield* auditActions
        return { own, others, byAdmin, entries }
      })
    )
    expect(outcome.own.requiresApproval).toBe(false)
    expect(outcome.others).toMatchObject({ _tag: "Forbidden", action: "task:cancel" })
    expect(outcome.byAdmin.policies).toContain("role:admin")
    const decisions = outcome.entries.filter((entry) => entry.action === "authz.decide")
    expect(decisions.map((entry) => [entry.resource, entry.decision, entry.details?.permission])).toEqual([
      ["task/1", "allow", "task:cancel"],
      ["task/2", "deny", "task:cancel:any"],
      ["task/1", "allow", "task:cancel:any"]
    ])
  })

  it("a skill policy requiring approval turns an allow into a grant that waits for a person", async () => {
    const grant = await run(
      Effect.gen(function* () {
        const service = yield* security
        const { principal } = yield* login("dev")
        return yield* service.authorizer.authorize({
          principal,
          action: "skill:execute",
          resource: "skill/shell.run",
          context: { skillId: "shell.run", agentId: "runner" }
        })
      })
    )
    expect(grant.requiresApproval).toBe(true)
    expect(grant.policies.some((id) => id.startsWith("shell-needs-approval"))).toBe(true)
  })

  it("hostile paths are refused before any policy sees them", async () => {
    const refused = await run(
      Effect.gen(function* () {
        const service = yield* security
        const { principal } = yield* login("admin")
        return yield* Effect.flip(
          service.authorizer.authorize({
            principal,
            action: "skill:execute",
            resource: "skill/repo.write",
            context: { repository: "app", paths: ["src/../.github/workflows/x"] }
          })
        )
      })
    )
    expect(refused._tag).toBe("Forbidden")
    expect(refused.reasons[0]).toMatch(/^path-rejected:/)
  })

  it("sees its own sessions' tasks (across logins); readers of any task see every session", async () => {
    const outcome = await run(
      Effect.gen(function* () {
        const service = yield* security
        const first = yield* login("dev")
        const second = yield* login("dev")
        const admin = yield* login("admin")
        return {
          dev: yield* service.authorizer.visibleSessions(second.principal),
          admin: yield* service.authorizer.visibleSessions(admin.principal),
          sessions: [first.session.id, second.session.id]
        }
      })
    )
    expect([...(outcome.dev ?? [])].sort()).toEqual([...outcome.sessions].sort())
    expect(outcome.admin).toBeUndefined()
  })
})

describe("Security: pairing-request flood", () => {
  it("caps pending pairing requests per user: fresh keys past the cap are refused with a clear reason and audited", async () => {
    const outcome = await run(
      Effect.gen(function* () {
        const service = yield* security
        const { token } = yield* login("dev")
        const results: Array<string> = []
        for (let index = 0; index < 25; index++) {
          const nonce = `flood-${index}`
          const attempt = yield* Effect.result(
            service.authenticator.authenticate({
              credentials: { type: "token", token },
              nonce,
              connectionId: `c-${index}`,
              remoteAddress: "10.0.0.1",
              device: signDeviceProof(generateDeviceKey(), { nonce, scopes: [], now: T0 })
            })
          )
          results.push(attempt._tag === "Success" ? "connected" : attempt.failure.reason)
        }
        const pending = yield* service.devices.listPending
        return { results, pending, entries: yield* auditActions }
      })
    )
    expect(outcome.results.slice(0, 5)).toEqual(Array(5).fill("connected"))
    expect(outcome.results.slice(5)).toEqual(Array(20).fill("device_proof_failed"))
    expect(outcome.pending).toHaveLength(5)
    const refusals = outcome.entries.filter((entry) => entry.action === "device.pairing_refused")
    expect(refusals).toHaveLength(20)
    expect(refusals[0]?.reasons).toEqual(["device:too-many-pending-pairing-requests"])
    expect(refusals[0]?.actor).toBe("local:dev")
  })

  it("caps pending pairing requests per address across users", async () => {
    const outcome = await Effect.runPromise(
      Effect.gen(function* () {
        yield* TestClock.setTime(T0)
        const service = yield* Effect.service(Security)
        const results: Array<string> = []
        for (let index = 0; index < 6; index++) {
          const username = `user${index}`
          yield* service.users.createUser({ username, password: `${username}-password-123`, roles: ["developer"] })
          const { token } = yield* service.loginWithPassword(username, `${username}-password-123`)
          const nonce = `n-${index}`
          const attempt = yield* Effect.result(
            service.authenticator.authenticate({
              credentials: { type: "token", token },
              nonce,
              remoteAddress: "10.0.0.9",
              device: signDeviceProof(generateDeviceKey(), { nonce, scopes: [], now: T0 })
            })
          )
          results.push(attempt._tag === "Success" ? "connected" : attempt.failure.reason)
        }
        // Another address is not affected.
        const { token } = yield* service.loginWithPassword("user0", "user0-password-123")
        const other = yield* Effect.result(
          service.authenticator.authenticate({
            credentials: { type: "token", token },
            nonce: "n-other",
            remoteAddress: "10.0.0.10",
            device: signDeviceProof(generateDeviceKey(), { nonce: "n-other", scopes: [], now: T0 })
          })
        )
        return { results, other: other._tag }
      }).pipe(
        Effect.provide(
          Security.layerInMemory({ ...config, devices: { maxPendingPairingsPerAddress: 3 } }).pipe(
            Layer.provideMerge(TestClock.layer())
          )
        )
      )
    )
    expect(outcome.results).toEqual([
      "connected",
      "connected",
      "connected",
      "device_proof_failed",
      "device_proof_failed",
      "device_proof_failed"
    ])
    expect(outcome.other).toBe("Success")
  })
})
