import { Effect, Layer } from "effect"
import { TestClock } from "effect/testing"
import { describe, expect, it } from "vitest"
import { type DeviceKey, generateDeviceKey } from "../src/devices/index.js"
import { Security, type SecurityConfig } from "../src/index.js"

const T0 = Date.UTC(2026, 10, 24, 12)
const config: SecurityConfig = {
  sessions: { issuer: "coderclaw-test", audience: "coderclaw", defaultTtlMs: 60 * 60_000 },
  providers: { local: {} }
}
const operator = { principalId: "local:ops", permissions: new Set(["device:approve"]) }
const cli = { actor: "system:cli", via: "cli-database", details: { osUser: "ops" } }

const run = <A, E>(program: Effect.Effect<A, E, Security>) =>
  Effect.runPromise(
    Effect.gen(function* () {
      yield* TestClock.setTime(T0)
      return yield* program
    }).pipe(Effect.provide(Security.layerInMemory(config).pipe(Layer.provideMerge(TestClock.layer()))))
  )

const security = Effect.service(Security)

const ask = (key: DeviceKey, principalId: string) =>
  Effect.flatMap(security, (service) =>
    service.devices.requestPairing({ deviceId: key.deviceId, publicKey: key.publicKey, principalId, name: "laptop" })
  )

/** Every audit entry, oldest first, without the chain fields. */
const entries = Effect.flatMap(security, (service) =>
  Effect.map(service.audit.query({ principalId: "local:ops", permissions: new Set(["audit:read"]) }, {}), (page) =>
    [...page.items]
      .sort((a, b) => a.seq - b.seq)
      .map(({ actor, device, action, resource, decision, reasons, details }) => ({
        actor,
        device,
        action,
        resource,
        decision,
        reasons,
        details
      }))
  )
)

describe("SecurityAdmin: administrative decisions are audited by security", () => {
  it("approves the one pending request of a device named by its id, and records who, how and on what", async () => {
    const key = generateDeviceKey()
    const { decision, log } = await run(
      Effect.gen(function* () {
        const request = yield* ask(key, "local:alice")
        const decision = yield* (yield* security).admin.approveDevice(key.deviceId, operator, cli)
        expect(decision.requestId).toBe(request.id)
        return { decision, log: yield* entries }
      })
    )
    expect(decision).toMatchObject({ deviceId: key.deviceId, principalId: "local:alice", operator: "local:ops" })
    expect(decision.device.status).toBe("paired")
    expect(log).toEqual([
      {
        actor: "local:ops",
        device: key.deviceId,
        action: "device.approve",
        resource: `pairing/${decision.requestId}`,
        decision: "success",
        reasons: ["via:cli-database"],
        details: { osUser: "ops" }
      }
    ])
  })

  it("records a refused decision with the refusal's reason, and still fails with it", async () => {
    const key = generateDeviceKey()
    const { error, log } = await run(
      Effect.gen(function* () {
        const request = yield* ask(key, "local:alice")
        const bystander = { principalId: "local:mallory", permissions: new Set(["task:read"]) }
        const error = yield* Effect.flip((yield* security).admin.rejectDevice(request.id, bystander, cli))
        return { error, log: yield* entries }
      })
    )
    expect(error).toMatchObject({ _tag: "DeviceError", operation: "pairing", reason: "NotPermitted" })
    expect(log.map((entry) => [entry.actor, entry.action, entry.decision, entry.reasons])).toEqual([
      ["local:mallory", "device.reject", "failure", ["via:cli-database", "pairing:not_permitted"]]
    ])
  })

  it("refuses a device id without exactly one pending request: not_found, or ambiguous naming the principals", async () => {
    const key = generateDeviceKey()
    const { none, several, chosen, log } = await run(
      Effect.gen(function* () {
        const admin = (yield* security).admin
        const none = yield* Effect.flip(admin.approveDevice(key.deviceId, operator, cli))
        yield* ask(key, "local:alice")
        yield* ask(key, "local:bob")
        const several = yield* Effect.flip(admin.approveDevice(key.deviceId, operator, cli))
        const chosen = yield* admin.approveDevice(key.deviceId, operator, { ...cli, principalId: "local:bob" })
        return { none, several, chosen, log: yield* entries }
      })
    )
    expect(none).toMatchObject({ reason: "NotFound", deviceId: key.deviceId })
    expect(several).toMatchObject({ reason: "Ambiguous", deviceId: key.deviceId })
    expect(several.message).toContain("local:alice, local:bob")
    expect(chosen.principalId).toBe("local:bob")
    // Nothing was decided by the refused look-ups, so only the approval is in the log.
    expect(log.map((entry) => entry.action)).toEqual(["device.approve"])
  })

  it("audits account creation (roles, never the password), changes and session revocations", async () => {
    const log = await run(
      Effect.gen(function* () {
        const service = yield* security
        yield* service.admin.createUser(
          { username: "alice", password: "alice-password-123", roles: ["developer"] },
          cli
        )
        yield* service.loginWithPassword("alice", "alice-password-123")
        yield* service.admin.changeUser("alice", { action: "roles", roles: ["readonly"] }, cli)
        yield* service.loginWithPassword("alice", "alice-password-123")
        const revoked = yield* service.admin.revokeSessions({ principalId: "local:alice" }, cli)
        expect(revoked).toBe(1)
        yield* Effect.flip(service.admin.changeUser("nobody", { action: "disable" }, cli))
        return (yield* entries).filter((entry) => entry.action !== "auth.login")
      })
    )
    expect(log).toEqual([
      {
        actor: "system:cli",
        device: undefined,
        action: "user.create",
        resource: "user/local:alice",
        decision: "success",
        reasons: ["via:cli-database"],
        details: { roles: "developer", osUser: "ops" }
      },
      {
        actor: "system:cli",
        device: undefined,
        action: "user.set_roles",
        resource: "user/local:alice",
        decision: "success",
        reasons: ["via:cli-database", "sessions:revoked"],
        details: { roles: "readonly", osUser: "ops" }
      },
      {
        actor: "system:cli",
        device: undefined,
        action: "session.revoke",
        resource: "user/local:alice",
        decision: "success",
        reasons: ["via:cli-database"],
        details: { revoked: 1, osUser: "ops" }
      },
      {
        actor: "system:cli",
        device: undefined,
        action: "user.disable",
        resource: "user/local:nobody",
        decision: "failure",
        reasons: ["via:cli-database", "user:not_found"],
        details: { osUser: "ops" }
      }
    ])
    expect(JSON.stringify(log)).not.toContain("alice-password-123")
  })
})
