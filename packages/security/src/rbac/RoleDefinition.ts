import { Schema } from "effect"

/**
 * A role name: a letter, then letters, digits, `_`, `-` or `.`; at most 64 characters (the size the
 * protocol's `Principal.roles` entries allow).
 */
export const RoleName = Schema.String.pipe(
  Schema.check(
    Schema.isPattern(/^[A-Za-z][A-Za-z0-9_.-]*$/, {
      expected: "a role name: a letter, then letters, digits, '_', '-' or '.'"
    }),
    Schema.isMaxLength(64)
  )
)
export type RoleName = typeof RoleName.Type

/**
 * A custom role as written in the configuration: its own permissions plus every permission of the roles
 * it inherits (built-in or custom). Permission names are checked against the protocol's permission set
 * when the table is built, so an unknown one is reported with the role it is in.
 */
export const RoleDefinition = Schema.Struct({
  name: RoleName,
  inherits: Schema.optionalKey(Schema.Array(RoleName)),
  permissions: Schema.Array(Schema.String)
})
export type RoleDefinition = typeof RoleDefinition.Type

/** The `roles` section of the configuration: a list of custom roles. */
export const RoleConfig = Schema.Array(RoleDefinition)
export type RoleConfig = typeof RoleConfig.Type
