import type { JsonValue } from "@coderclaw/protocol"
import type { TaskCommand } from "@coderclaw/task-machine"
import { Effect } from "effect"
import type { SkillScope } from "../agent/defineSkill.js"
import { SkillError } from "../agent/SkillError.js"
import { spanNames } from "../observability/taskSpans.js"
import { reportersOf } from "./agentReporters.js"
import type { LiveTask } from "./LiveTask.js"
import { refusedPathsWith } from "./refusedPaths.js"
import type { SupervisorState } from "./SupervisorState.js"
import type { Waiters } from "./Waiters.js"

/**
 * A skill call made by a task's agent: the agent must list the skill, the skill must be registered, and the
 * task's owner must be allowed to run it (with a person's approval first if the authorizer asks for one).
 * The skill reports on the task like the agent does; each path it reaches beyond its scope is decided
 * like the call itself.
 */
export const makeSkillCall =
  (
    state: SupervisorState,
    waiters: Pick<Waiters, "awaitApproval">,
    agentApply: (task: LiveTask, command: TaskCommand) => Effect.Effect<void>
  ) =>
  (task: LiveTask, skillId: string, skillInput: JsonValue, scope: SkillScope | undefined) =>
    Effect.gen(function* () {
      const { authorizer } = state
      if (!task.agent.descriptor.skills.includes(skillId)) {
        return yield* new SkillError({
          reason: "NotAllowed",
          skillId,
          detail: `agent ${task.agent.descriptor.id} does not list this skill`
        })
      }
      const skill = state.skills.get(skillId)
      if (skill === undefined) {
        return yield* new SkillError({ reason: "Unknown", skillId, detail: "no skill with this id is registered" })
      }
      const context = {
        taskOwner: task.owner.id,
        taskSession: task.sessionId,
        agentId: task.agent.descriptor.id,
        skillId,
        dangerous: skill.descriptor.dangerous,
        skillPermissions: skill.descriptor.permissions,
        ...scope
      }
      const grant = yield* authorizer
        .authorize({ principal: task.owner, action: "skill:execute", resource: `skill/${skillId}`, context })
        .pipe(
          Effect.mapError(
            (forbidden) => new SkillError({ reason: "Forbidden", skillId, detail: forbidden.reasons.join(", ") })
          )
        )
      if (grant.requiresApproval) yield* waiters.awaitApproval(task, skillId, skillInput, scope)
      yield* agentApply(task, { type: "log", level: "debug", message: `calling skill ${skillId}` })
      return yield* skill
        .run(skillInput, {
          taskId: task.id,
          agentId: task.agent.descriptor.id,
          principal: task.owner,
          ...(scope === undefined ? {} : { scope }),
          ...reportersOf(agentApply, task),
          // Each path the skill reaches beyond its scope is decided like the call itself.
          refusedPaths: refusedPathsWith((paths) =>
            authorizer.authorize({
              principal: task.owner,
              action: "skill:execute",
              resource: `skill/${skillId}`,
              context: { ...context, paths }
            })
          )
        })
        .pipe(
          Effect.mapError(
            (error) =>
              new SkillError({
                reason: "Failed",
                skillId,
                detail: error instanceof Error ? error.message : String(error)
              })
          )
        )
    }).pipe(
      Effect.withSpan(spanNames.skill, { attributes: { "coderclaw.task_id": task.id, "coderclaw.skill_id": skillId } })
    )
