import { Schema } from "effect"

/**
 * Everything a caller may be allowed to do. Permissions are never sent by a caller: the server computes
 * them from the caller's roles. `…:any` variants extend an action to other people's tasks; without them a
 * caller acts only on the tasks of its own session.
 */
export const permissions = [
  "task:submit",
  "task:read",
  "task:read:any",
  "task:cancel",
  "task:cancel:any",
  "task:input",
  "task:approve",
  "task:approve:any",
  "agent:invoke",
  "agent:host",
  "skill:execute",
  "runtime:status",
  "config:read",
  "config:write",
  "audit:read",
  "device:approve",
  "admin:all"
] as const

/** One permission name, e.g. `task:submit`. */
export const Permission = Schema.Literals(permissions)
export type Permission = typeof Permission.Type

/** Whether `name` is a permission this protocol knows. */
export const isPermission = (name: string): name is Permission => (permissions as ReadonlyArray<string>).includes(name)
