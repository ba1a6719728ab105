import type { Permission } from "@coderclaw/protocol"

/**
 * The roles every deployment has. Their permissions are fixed here, not configurable: a configuration
 * that tries to redefine one is refused (define a custom role that inherits it instead).
 *
 * - `admin`: `admin:all`, which implies every permission.
 * - `developer`: works with its own tasks (submit, read, cancel, answer input, approve), invokes agents
 *   and skills, reads the runtime status and the configuration.
 * - `readonly`: reads its own tasks, the runtime status and the configuration; cannot submit.
 * - `ci`: submits, reads, cancels and answers its own tasks, invokes agents and skills, reads the runtime
 *   status. It holds `task:cancel` but not `task:cancel:any`, so a CI job cannot cancel others' tasks.
 * - `worker`: hosts agents on a remote worker (`agent:host`) and reads the runtime status; it cannot
 *   submit or read tasks as a caller. Policy still decides which agent ids it may host.
 */
export const builtinRoles: { readonly [Name in BuiltinRoleName]: ReadonlyArray<Permission> } = {
  admin: ["admin:all"],
  developer: [
    "task:submit",
    "task:read",
    "task:cancel",
    "task:input",
    "task:approve",
    "agent:invoke",
    "skill:execute",
    "runtime:status",
    "config:read"
  ],
  readonly: ["task:read", "runtime:status", "config:read"],
  ci: ["task:submit", "task:read", "task:cancel", "task:input", "agent:invoke", "skill:execute", "runtime:status"],
  worker: ["agent:host", "runtime:status"]
}

/** The name of a built-in role. */
export type BuiltinRoleName = "admin" | "developer" | "readonly" | "ci" | "worker"

/** Whether `name` is one of the built-in roles. */
export const isBuiltinRole = (name: string): name is BuiltinRoleName => Object.hasOwn(builtinRoles, name)
