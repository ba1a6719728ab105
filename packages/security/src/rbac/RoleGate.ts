import { type Permission, permissions } from "@coderclaw/protocol"
import { Context, Effect, Layer } from "effect"
import type { RoleConfigError } from "./RoleConfigError.js"
import { makeRoleTable, type RoleTable } from "./RoleTable.js"

/**
 * The static permission check in front of every call: may a principal holding these roles do this?
 * Roles are the ones the server put in the principal's session (from its identity provider mapping);
 * nothing the caller sends can add a role or a permission.
 */
export interface RoleGateShape {
  /**
   * Whether any of `roles` grants `permission`. Unknown roles grant nothing; an unknown permission is
   * never granted. Allocation-free: one map lookup and one bit test per role.
   */
  allows(roles: ReadonlyArray<string>, permission: Permission): boolean
  /** Every permission `roles` grant together (with `admin:all` expanded), e.g. to show a session's rights. */
  permissionsOf(roles: ReadonlyArray<string>): ReadonlySet<Permission>
  /** The role table the gate was built from. */
  readonly table: RoleTable
}

/** Each permission's bit: its index in the protocol's permission list (15 permissions fit in an int32). */
const bitOf: ReadonlyMap<string, number> = new Map(permissions.map((permission, index) => [permission, 1 << index]))

/**
 * Builds the gate once from a role table: each role's effective permissions become a bitmask over the
 * permission index, so a check is a lookup and an AND.
 */
export const makeRoleGate = (table: RoleTable): RoleGateShape => {
  const masks = new Map<string, number>()
  for (const [name, role] of table) {
    let mask = 0
    for (const permission of role.effective) mask |= bitOf.get(permission) ?? 0
    masks.set(name, mask)
  }
  const allows = (roles: ReadonlyArray<string>, permission: Permission): boolean => {
    const bit = bitOf.get(permission)
    if (bit === undefined) return false
    for (let index = 0; index < roles.length; index++) {
      const mask = masks.get(roles[index] as string)
      if (mask !== undefined && (mask & bit) !== 0) return true
    }
    return false
  }
  const permissionsOf = (roles: ReadonlyArray<string>): ReadonlySet<Permission> => {
    let mask = 0
    for (const role of roles) mask |= masks.get(role) ?? 0
    return new Set(permissions.filter((permission) => (mask & (bitOf.get(permission) as number)) !== 0))
  }
  return { allows, permissionsOf, table }
}

/**
 * The role gate as a service. Built once at startup; replacing roles means building a new layer (role
 * changes are configuration changes, not runtime events).
 */
export class RoleGate extends Context.Service<RoleGate, RoleGateShape>()("@coderclaw/security/RoleGate") {
  /** A gate over the built-in roles plus the custom roles of `config` (the `roles` configuration section). */
  static readonly layer = (config: unknown): Layer.Layer<RoleGate, RoleConfigError> =>
    Layer.effect(
      RoleGate,
      Effect.map(makeRoleTable(config), (table) => RoleGate.of(makeRoleGate(table)))
    )

  /** A gate over the built-in roles only. */
  static readonly layerBuiltin: Layer.Layer<RoleGate> = Layer.effect(
    RoleGate,
    Effect.map(Effect.orDie(makeRoleTable([])), (table) => RoleGate.of(makeRoleGate(table)))
  )
}
