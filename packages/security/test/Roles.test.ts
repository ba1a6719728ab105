import { permissions } from "@coderclaw/protocol"
import { Effect, Result } from "effect"
import { describe, expect, it } from "vitest"
import {
  builtinRoles,
  builtinRoleTable,
  makeRoleTable,
  RoleConfigError,
  type RoleTable,
  roleTableFromDefinitions
} from "../src/rbac/index.js"

const load = (config: unknown): Result.Result<RoleTable, RoleConfigError> =>
  Effect.runSync(Effect.result(makeRoleTable(config)))

const loadError = (config: unknown): RoleConfigError => {
  const result = load(config)
  if (Result.isSuccess(result)) throw new Error("expected the role configuration to be refused")
  expect(result.failure).toBeInstanceOf(RoleConfigError)
  return result.failure
}

const effective = (table: RoleTable, role: string) => [...(table.get(role)?.effective ?? [])].sort()

describe("built-in roles", () => {
  it("admin holds every permission through admin:all", () => {
    expect(effective(builtinRoleTable, "admin")).toEqual([...permissions].sort())
  })

  it("developer works with its own tasks, agents, skills, status and config reads", () => {
    expect(effective(builtinRoleTable, "developer")).toEqual(
      [
        "agent:invoke",
        "config:read",
        "runtime:status",
        "skill:execute",
        "task:approve",
        "task:cancel",
        "task:input",
        "task:read",
        "task:submit"
      ].sort()
    )
  })

  it("readonly only reads", () => {
    expect(effective(builtinRoleTable, "readonly")).toEqual(["config:read", "runtime:status", "task:read"])
  })

  it("ci cancels its own tasks but holds no :any variant", () => {
    const ci = effective(builtinRoleTable, "ci")
    expect(ci).toContain("task:cancel")
    expect(ci).not.toContain("task:cancel:any")
    expect(ci).not.toContain("task:read:any")
    expect(ci).not.toContain("config:read")
  })

  it("the table has exactly the four built-in roles", () => {
    expect([...builtinRoleTable.keys()].sort()).toEqual(Object.keys(builtinRoles).sort())
  })
})

describe("custom roles", () => {
  it("inherit permissions transitively and add their own", () => {
    const table = Result.getOrThrow(
      load([
        { name: "reviewer", inherits: ["readonly"], permissions: ["task:approve"] },
        { name: "lead", inherits: ["reviewer", "ci"], permissions: ["task:cancel:any"] }
      ])
    )
    expect(effective(table, "reviewer")).toEqual(["config:read", "runtime:status", "task:approve", "task:read"])
    const lead = effective(table, "lead")
    expect(lead).toEqual(
      expect.arrayContaining(["task:approve", "config:read", "task:submit", "skill:execute", "task:cancel:any"])
    )
    expect(lead).not.toContain("audit:read")
    expect(table.get("lead")?.permissions).toEqual(["task:cancel:any"])
    expect(table.get("lead")?.builtin).toBe(false)
  })

  it("a role inheriting admin holds everything", () => {
    const table = Result.getOrThrow(load([{ name: "root", inherits: ["admin"], permissions: [] }]))
    expect(effective(table, "root")).toEqual([...permissions].sort())
  })

  it("definitions may appear in any order", () => {
    const table = Result.getOrThrow(
      roleTableFromDefinitions([
        { name: "b", inherits: ["a"], permissions: [] },
        { name: "a", permissions: ["audit:read"] }
      ])
    )
    expect(effective(table, "b")).toEqual(["audit:read"])
  })

  it("no configuration means only the built-ins", () => {
    expect([...Result.getOrThrow(load(undefined)).keys()].sort()).toEqual(Object.keys(builtinRoles).sort())
  })
})

describe("role configuration errors", () => {
  it("refuses an inheritance cycle and names it", () => {
    const error = loadError([
      { name: "a", inherits: ["b"], permissions: [] },
      { name: "b", inherits: ["c"], permissions: [] },
      { name: "c", inherits: ["a"], permissions: [] }
    ])
    expect(error.reason).toBe("Cycle")
    expect(error.detail).toContain("a -> b -> c -> a")
  })

  it("refuses a role inheriting itself", () => {
    const error = loadError([{ name: "self", inherits: ["self"], permissions: [] }])
    expect(error.reason).toBe("Cycle")
    expect(error.role).toBe("self")
  })

  it("refuses an unknown parent", () => {
    const error = loadError([{ name: "x", inherits: ["developer", "ghost"], permissions: [] }])
    expect(error.reason).toBe("UnknownParent")
    expect(error.role).toBe("x")
    expect(error.message).toContain('"ghost"')
  })

  it("refuses an unknown permission", () => {
    const error = loadError([{ name: "x", permissions: ["task:read", "task:delete"] }])
    expect(error.reason).toBe("UnknownPermission")
    expect(error.role).toBe("x")
    expect(error.message).toContain('"task:delete"')
  })

  it("refuses redefining a built-in role", () => {
    const error = loadError([{ name: "readonly", permissions: ["task:submit"] }])
    expect(error.reason).toBe("BuiltinRedefined")
    expect(error.role).toBe("readonly")
  })

  it("refuses a role defined twice", () => {
    const error = loadError([
      { name: "ops", permissions: [] },
      { name: "ops", permissions: ["audit:read"] }
    ])
    expect(error.reason).toBe("DuplicateRole")
  })

  it("refuses a malformed configuration naming the field", () => {
    const error = loadError([
      { name: "ok", permissions: [] },
      { name: "bad name!", permission: [] }
    ])
    expect(error.reason).toBe("InvalidConfig")
    expect(error.message).toContain("[1].name")
    expect(error.message).toContain("[1].permissions")
    expect(error.message).toContain("[1].permission")
  })
})
