import { type Permission, permissions } from "@coderclaw/protocol"
import { Effect, Result } from "effect"
import { describe, expect, it } from "vitest"
import {
  builtinRoleTable,
  checkOwnership,
  isOwnTask,
  makeRoleGate,
  RoleGate,
  roleTableFromDefinitions
} from "../src/rbac/index.js"

const gate = makeRoleGate(builtinRoleTable)

describe("RoleGate.allows", () => {
  it("admin is allowed every permission", () => {
    for (const permission of permissions) expect(gate.allows(["admin"], permission)).toBe(true)
  })

  it("readonly cannot submit, cancel or write config, but reads", () => {
    expect(gate.allows(["readonly"], "task:submit")).toBe(false)
    expect(gate.allows(["readonly"], "task:cancel")).toBe(false)
    expect(gate.allows(["readonly"], "config:write")).toBe(false)
    expect(gate.allows(["readonly"], "task:read")).toBe(true)
    expect(gate.allows(["readonly"], "runtime:status")).toBe(true)
  })

  it("ci holds task:cancel but not task:cancel:any", () => {
    expect(gate.allows(["ci"], "task:cancel")).toBe(true)
    expect(gate.allows(["ci"], "task:cancel:any")).toBe(false)
    expect(gate.allows(["ci"], "task:submit")).toBe(true)
    expect(gate.allows(["ci"], "config:read")).toBe(false)
  })

  it("developer lacks admin-only permissions", () => {
    for (const permission of ["config:write", "audit:read", "device:approve", "admin:all", "task:read:any"] as const) {
      expect(gate.allows(["developer"], permission)).toBe(false)
    }
  })

  it("any one of several roles is enough", () => {
    expect(gate.allows(["readonly", "ci"], "task:submit")).toBe(true)
    expect(gate.allows(["readonly", "ci"], "config:read")).toBe(true)
  })

  it("unknown roles and no roles grant nothing", () => {
    for (const permission of permissions) {
      expect(gate.allows([], permission)).toBe(false)
      expect(gate.allows(["root", "superuser", "__proto__", "constructor", "Admin"], permission)).toBe(false)
    }
  })

  it("a name that is not a permission is never granted, even to admin", () => {
    expect(gate.allows(["admin"], "task:delete" as Permission)).toBe(false)
    expect(gate.allows(["admin"], "__proto__" as Permission)).toBe(false)
  })

  it("custom roles are honoured, including what they inherit", () => {
    const table = Result.getOrThrow(
      roleTableFromDefinitions([{ name: "auditor", inherits: ["readonly"], permissions: ["audit:read"] }])
    )
    const custom = makeRoleGate(table)
    expect(custom.allows(["auditor"], "audit:read")).toBe(true)
    expect(custom.allows(["auditor"], "task:read")).toBe(true)
    expect(custom.allows(["auditor"], "task:submit")).toBe(false)
    // The built-in gate does not know the role.
    expect(gate.allows(["auditor"], "audit:read")).toBe(false)
  })
})

describe("RoleGate.permissionsOf", () => {
  it("unions the roles' permissions", () => {
    expect([...gate.permissionsOf(["readonly", "ci"])].sort()).toEqual(
      [
        "agent:invoke",
        "config:read",
        "runtime:status",
        "skill:execute",
        "task:cancel",
        "task:input",
        "task:read",
        "task:submit"
      ].sort()
    )
  })

  it("expands admin:all to every permission and ignores unknown roles", () => {
    expect(gate.permissionsOf(["admin"]).size).toBe(permissions.length)
    expect(gate.permissionsOf(["nobody"]).size).toBe(0)
  })
})

describe("checkOwnership", () => {
  const ci = { principalId: "github-actions:repo:acme/app", sessionId: "s-ci-1" }

  it("ci cancels its own task but not someone else's", () => {
    const own = checkOwnership("task:cancel", ci, { taskOwner: ci.principalId, taskSession: "s-ci-0" })
    expect(own).toBe("task:cancel")
    expect(gate.allows(["ci"], own)).toBe(true)
    const others = checkOwnership("task:cancel", ci, { taskOwner: "local:alice", taskSession: "s-alice" })
    expect(others).toBe("task:cancel:any")
    expect(gate.allows(["ci"], others)).toBe(false)
    expect(gate.allows(["admin"], others)).toBe(true)
  })

  it("ownership follows the principal across sessions, not the session", () => {
    expect(isOwnTask(ci, { taskOwner: ci.principalId, taskSession: "an-earlier-session" })).toBe(true)
    expect(isOwnTask(ci, { taskOwner: "local:bob", taskSession: ci.sessionId })).toBe(false)
  })

  it("falls back to the session only when no owner is recorded, and unknown means someone else's", () => {
    expect(checkOwnership("task:read", ci, { taskSession: ci.sessionId })).toBe("task:read")
    expect(checkOwnership("task:read", ci, { taskSession: "other" })).toBe("task:read:any")
    expect(checkOwnership("task:read", ci, {})).toBe("task:read:any")
  })

  it("input on someone else's task takes admin:all, approval task:approve:any", () => {
    const task = { taskOwner: "local:alice" }
    expect(checkOwnership("task:input", ci, task)).toBe("admin:all")
    expect(checkOwnership("task:approve", ci, task)).toBe("task:approve:any")
    expect(checkOwnership("task:approve", ci, { taskOwner: ci.principalId })).toBe("task:approve")
  })

  it("leaves permissions that are not about an existing task unchanged", () => {
    expect(checkOwnership("task:submit", ci, { taskOwner: "local:alice" })).toBe("task:submit")
    expect(checkOwnership("agent:invoke", ci, {})).toBe("agent:invoke")
    expect(checkOwnership("task:cancel:any", ci, {})).toBe("task:cancel:any")
  })
})

describe("RoleGate service", () => {
  it("is built from the roles configuration section", async () => {
    const allowed = await Effect.runPromise(
      Effect.gen(function* () {
        const roleGate = yield* RoleGate
        return roleGate.allows(["auditor"], "audit:read")
      }).pipe(Effect.provide(RoleGate.layer([{ name: "auditor", permissions: ["audit:read"] }])))
    )
    expect(allowed).toBe(true)
  })

  it("fails to build with the typed error on a bad configuration", async () => {
    const error = await Effect.runPromise(
      Effect.flip(
        Effect.gen(function* () {
          return yield* RoleGate
        }).pipe(Effect.provide(RoleGate.layer([{ name: "x", inherits: ["nope"], permissions: [] }])))
      )
    )
    expect(error._tag).toBe("RoleConfigError")
    expect(error.reason).toBe("UnknownParent")
  })

  it("has a built-in-only layer", async () => {
    const allowed = await Effect.runPromise(
      Effect.gen(function* () {
        const roleGate = yield* RoleGate
        return roleGate.allows(["ci"], "task:cancel:any")
      }).pipe(Effect.provide(RoleGate.layerBuiltin))
    )
    expect(allowed).toBe(false)
  })
})
