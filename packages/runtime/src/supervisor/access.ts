import {
  type AuthorizationContext,
  makeDecoder,
  type Principal,
  TaskId,
  TaskNotFound,
  type TaskRecord
} from "@coderclaw/protocol"
import { Effect, Option } from "effect"
import type { RuntimeAction } from "../authorization/Authorizer.js"
import { fromResult } from "./fromResult.js"
import { unavailable } from "./journalFailures.js"
import type { SupervisorState } from "./SupervisorState.js"

const decodeTaskId = makeDecoder(TaskId, "task id")

/** The caller-facing checks: may this principal do this, and which task records may it see. */
export const makeAccess = (state: SupervisorState) => {
  const { authorizer, journal } = state

  const authorize = (principal: Principal, action: RuntimeAction, resource: string, context?: AuthorizationContext) =>
    authorizer.authorize({ principal, action, resource, ...(context === undefined ? {} : { context }) })

  /** The record of a task the caller may see; invisible and missing tasks are indistinguishable. */
  const visibleRecord = (principal: Principal, rawTaskId: string, action: RuntimeAction, approving = false) =>
    Effect.gen(function* () {
      const taskId = yield* fromResult(decodeTaskId(rawTaskId))
      const stored = yield* journal.loadTask(taskId).pipe(Effect.mapError(unavailable))
      if (Option.isNone(stored)) return yield* new TaskNotFound({ taskId })
      const sessions = yield* authorizer.visibleSessions(principal)
      if (sessions !== undefined && !sessions.includes(stored.value.sessionId))
        return yield* new TaskNotFound({ taskId })
      // Decided knowing whose task it is: acting on another person's task needs more than acting on one's own.
      yield* authorizer.authorize({
        principal,
        action,
        resource: `task/${taskId}`,
        context: {
          taskOwner: stored.value.owner,
          taskSession: stored.value.sessionId,
          agentId: stored.value.agentId,
          // An approval names whose call it lets run (the task's owner: its skill calls act for them), so
          // the authorizer can refuse self-approval (separation of duties).
          ...(approving ? { approvalRequestedBy: stored.value.owner } : {})
        }
      })
      return stored.value satisfies TaskRecord
    })

  return { authorize, visibleRecord }
}

export type Access = ReturnType<typeof makeAccess>
