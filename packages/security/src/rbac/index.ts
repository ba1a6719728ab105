/**
 * Role-based access control: the built-in and custom roles, the precomputed role gate that answers
 * "may these roles do this?" on every call, and the task-ownership rule for `…:any` permissions.
 *
 * @module
 */

/** The fixed permissions of the built-in roles `admin`, `developer`, `readonly` and `ci`. */
export { type BuiltinRoleName, builtinRoles, isBuiltinRole } from "./builtinRoles.js"
/**
 * The ownership rule for task permissions: `checkOwnership` returns the permission needed on a given
 * task (the `:any` variant on someone else's), `isOwnTask` says whose task it is.
 */
export { type Actor, checkOwnership, isOwnTask, type TaskOwnership } from "./checkOwnership.js"
/** Separation of duties: an approval of a dangerous call comes from someone other than the task's owner. */
export { checkSeparationOfDuties, selfApprovalReason } from "./checkSeparationOfDuties.js"
/** A custom role configuration that cannot be loaded, with the reason and the role at fault. */
export { RoleConfigError, RoleConfigErrorReason } from "./RoleConfigError.js"
/** The configuration schema of custom roles: `{ name, inherits?, permissions }`. */
export { RoleConfig, RoleDefinition, RoleName } from "./RoleDefinition.js"
/** The precomputed permission check (`allows`, `permissionsOf`), as a plain value or a service. */
export { makeRoleGate, RoleGate, type RoleGateShape } from "./RoleGate.js"
/** Resolving built-in and custom roles, with inheritance, into a validated table. */
export { builtinRoleTable, makeRoleTable, type Role, type RoleTable, roleTableFromDefinitions } from "./RoleTable.js"
