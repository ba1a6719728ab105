import { Schema } from "effect"
import { reasonWords } from "../internal/reasonWords.js"

/**
 * Why a role configuration was refused: it did not match the schema, named a permission or parent role
 * that does not exist, inherited in a cycle, redefined a built-in role, or defined a role twice.
 */
export const RoleConfigErrorReason = Schema.Literals([
  "InvalidConfig",
  "UnknownPermission",
  "UnknownParent",
  "Cycle",
  "BuiltinRedefined",
  "DuplicateRole"
])
export type RoleConfigErrorReason = typeof RoleConfigErrorReason.Type

/**
 * The custom roles could not be loaded. Nothing of the configuration is used: a role table is built
 * whole or not at all, so a typo can never leave a role silently without (or with extra) permissions.
 */
export class RoleConfigError extends Schema.TaggedError<RoleConfigError>()("RoleConfigError", {
  reason: RoleConfigErrorReason,
  /** The role the problem is in, when there is one. */
  role: Schema.optionalKey(Schema.String),
  detail: Schema.String
}) {
  override get message(): string {
    const where = this.role === undefined ? "" : ` in role "${this.role}"`
    return `Invalid role configuration (${reasonWords(this.reason)})${where}: ${this.detail}`
  }
}
