import type { Permission } from "@coderclaw/protocol"

/** Who acts: the principal and the session it acts from (both from the server's session). */
export interface Actor {
  readonly principalId: string
  readonly sessionId: string
}

/** Whose task is acted on, as recorded with the task. Missing fields mean "unknown". */
export interface TaskOwnership {
  readonly taskOwner?: string | undefined
  readonly taskSession?: string | undefined
}

/**
 * Whether the task is the actor's own. Ownership follows the principal, not the session: a user who
 * reconnects (new session) still owns the tasks they submitted earlier, and a CI job's tasks belong to
 * the CI principal. Only when the task records no owner does the session decide (a session belongs to
 * exactly one principal, so the same session implies the same principal). With neither recorded the task
 * is treated as someone else's: unknown ownership never grants the narrower permission.
 */
export const isOwnTask = (actor: Actor, task: TaskOwnership): boolean =>
  task.taskOwner !== undefined
    ? task.taskOwner === actor.principalId
    : task.taskSession !== undefined && task.taskSession === actor.sessionId

/** What acting on someone else's task takes, for the task permissions that are scoped to the owner. */
const othersVariant: { readonly [P in Permission]?: Permission } = {
  "task:read": "task:read:any",
  "task:cancel": "task:cancel:any",
  // Approving someone else's dangerous call is the normal case (separation of duties): a reviewer role
  // holds `task:approve:any` (with `task:read:any` to see the task).
  "task:approve": "task:approve:any",
  // No `:any` variant exists for this: answering input for another principal's task is an operator's act,
  // so it takes `admin:all`.
  "task:input": "admin:all"
}

/**
 * The permission the actor needs for `permission` on this task: the base permission on its own task, the
 * `:any` variant on anyone else's (`task:read` → `task:read:any`, `task:cancel` → `task:cancel:any`,
 * `task:approve` → `task:approve:any`; `task:input` → `admin:all`). Permissions not about an existing task (`task:submit`,
 * `agent:invoke`, …) and the `:any` variants themselves are returned unchanged. Check the result with
 * `RoleGate.allows`: `gate.allows(roles, checkOwnership("task:cancel", actor, task))`.
 */
export const checkOwnership = (permission: Permission, actor: Actor, task: TaskOwnership): Permission => {
  const variant = othersVariant[permission]
  if (variant === undefined) return permission
  return isOwnTask(actor, task) ? permission : variant
}
