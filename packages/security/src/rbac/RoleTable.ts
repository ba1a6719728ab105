import { boundaryParseOptions, isPermission, type Permission, permissions } from "@coderclaw/protocol"
import { Effect, Result, Schema } from "effect"
import { builtinRoles, isBuiltinRole } from "./builtinRoles.js"
import { describeSchemaError } from "./internal/describeSchemaError.js"
import { RoleConfigError } from "./RoleConfigError.js"
import { RoleConfig, type RoleDefinition } from "./RoleDefinition.js"

/** A resolved role: what it grants by itself and, with everything it inherits, in effect. */
export interface Role {
  readonly name: string
  readonly builtin: boolean
  /** The roles it inherits from, as configured (direct parents only). */
  readonly inherits: ReadonlyArray<string>
  /** The permissions the role grants by itself, as configured. */
  readonly permissions: ReadonlyArray<Permission>
  /** Its own and inherited permissions; `admin:all` anywhere in the chain expands to every permission. */
  readonly effective: ReadonlySet<Permission>
}

/** Every role a deployment knows, built-in and custom, by name. Built once at startup; never mutated. */
export type RoleTable = ReadonlyMap<string, Role>

const allPermissions: ReadonlySet<Permission> = new Set(permissions)

const expand = (granted: ReadonlySet<Permission>): ReadonlySet<Permission> =>
  granted.has("admin:all") ? allPermissions : granted

const fail = (reason: RoleConfigError["reason"], role: string | undefined, detail: string) =>
  Result.fail(new RoleConfigError({ reason, ...(role === undefined ? {} : { role }), detail }))

/** Finds one inheritance cycle among the custom roles, as the list of names along it. */
const findCycle = (parentsOf: ReadonlyMap<string, ReadonlyArray<string>>): ReadonlyArray<string> | undefined => {
  const done = new Set<string>()
  const onPath: Array<string> = []
  const visit = (name: string): ReadonlyArray<string> | undefined => {
    const at = onPath.indexOf(name)
    if (at >= 0) return [...onPath.slice(at), name]
    if (done.has(name)) return undefined
    onPath.push(name)
    for (const parent of parentsOf.get(name) ?? []) {
      const cycle = visit(parent)
      if (cycle !== undefined) return cycle
    }
    onPath.pop()
    done.add(name)
    return undefined
  }
  for (const name of parentsOf.keys()) {
    const cycle = visit(name)
    if (cycle !== undefined) return cycle
  }
  return undefined
}

/**
 * Builds the role table from already-decoded custom role definitions, checking them all first: a custom
 * role may not reuse a built-in or another custom role's name, may only name permissions the protocol
 * knows and parents that exist, and may not inherit (directly or not) from itself.
 */
export const roleTableFromDefinitions = (
  definitions: ReadonlyArray<RoleDefinition>
): Result.Result<RoleTable, RoleConfigError> => {
  const parentsOf = new Map<string, ReadonlyArray<string>>()
  for (const definition of definitions) {
    if (isBuiltinRole(definition.name)) {
      return fail(
        "BuiltinRedefined",
        definition.name,
        "built-in roles cannot be redefined; define a new role that inherits it"
      )
    }
    if (parentsOf.has(definition.name)) return fail("DuplicateRole", definition.name, "the role is defined twice")
    parentsOf.set(definition.name, definition.inherits ?? [])
  }
  for (const definition of definitions) {
    const unknown = definition.permissions.filter((name) => !isPermission(name))
    if (unknown.length > 0) {
      return fail(
        "UnknownPermission",
        definition.name,
        `unknown permission ${unknown.map((name) => JSON.stringify(name)).join(", ")}; known: ${permissions.join(", ")}`
      )
    }
    const missing = (definition.inherits ?? []).filter((parent) => !isBuiltinRole(parent) && !parentsOf.has(parent))
    if (missing.length > 0) {
      return fail(
        "UnknownParent",
        definition.name,
        `inherits from undefined role ${missing.map((name) => JSON.stringify(name)).join(", ")}`
      )
    }
  }
  const cycle = findCycle(parentsOf)
  if (cycle !== undefined) return fail("Cycle", cycle[0], `inheritance cycle ${cycle.join(" -> ")}`)

  const table = new Map<string, Role>()
  for (const [name, granted] of Object.entries(builtinRoles)) {
    table.set(name, { name, builtin: true, inherits: [], permissions: granted, effective: expand(new Set(granted)) })
  }
  const byName = new Map(definitions.map((definition) => [definition.name, definition]))
  const resolve = (name: string): Role => {
    const known = table.get(name)
    if (known !== undefined) return known
    // Cycles and unknown names were refused above, so every name here is a custom role and recursion ends.
    const definition = byName.get(name) as RoleDefinition
    const granted = new Set(definition.permissions as ReadonlyArray<Permission>)
    const inherits = definition.inherits ?? []
    for (const parent of inherits) for (const permission of resolve(parent).effective) granted.add(permission)
    const role: Role = {
      name,
      builtin: false,
      inherits,
      permissions: definition.permissions as ReadonlyArray<Permission>,
      effective: expand(granted)
    }
    table.set(name, role)
    return role
  }
  for (const definition of definitions) resolve(definition.name)
  return Result.succeed(table)
}

const decodeRoleConfig = Schema.decodeUnknownResult(RoleConfig, boundaryParseOptions)

/**
 * Decodes the `roles` section of the configuration (a list of `{ name, inherits?, permissions }`) and
 * builds the role table, or explains with a `RoleConfigError` what is wrong. `undefined` means no custom
 * roles.
 */
export const makeRoleTable = (config: unknown): Effect.Effect<RoleTable, RoleConfigError> =>
  Effect.suspend(() => {
    const decoded = decodeRoleConfig(config ?? [])
    if (Result.isFailure(decoded)) {
      return Effect.fail(
        new RoleConfigError({ reason: "InvalidConfig", detail: describeSchemaError(decoded.failure).join("; ") })
      )
    }
    return Effect.fromResult(roleTableFromDefinitions(decoded.success))
  })

/** The table with only the built-in roles. */
export const builtinRoleTable: RoleTable = Result.getOrThrow(roleTableFromDefinitions([]))
