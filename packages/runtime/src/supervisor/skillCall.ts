import type { AuthorizationContext, JsonValue, SkillDescriptor } from "@coderclaw/protocol"
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

/** A skill call that may run: the check of each path it reaches beyond its scope. */
export interface SkillCallGrant {
  readonly refusedPaths: (paths: ReadonlyArray<string>) => Effect.Effect<ReadonlyArray<string>>
}

/**
 * Decides a skill call of a task's agent: the agent must list the skill, and the task's owner must be
 * allowed to run it (with a person's approval first if the authorizer asks for one). The same decision
 * serves skills run in this process and skills run on the worker hosting the agent (`hostedBy`).
 */
export const makeSkillAuthorization =
  (state: SupervisorState, waiters: Pick<Waiters, "awaitApproval">) =>
  (
    task: LiveTask,
    skill: SkillDescriptor,
    skillInput: JsonValue,
    scope: SkillScope | undefined,
    hostedBy?: AuthorizationContext["hostedBy"],
    /** Only the path check of a call already decided (a skill on a worker asking about paths it reaches). */
    pathsOnly = false
  ): Effect.Effect<SkillCallGrant, SkillError> =>
    Effect.gen(function* () {
      const { authorizer } = state
      const skillId = skill.id
      if (!task.agent.descriptor.skills.includes(skillId)) {
        return yield* new SkillError({
          reason: "NotAllowed",
          skillId,
          detail: `agent ${task.agent.descriptor.id} does not list this skill`
        })
      }
      const context: AuthorizationContext = {
        taskOwner: task.owner.id,
        taskSession: task.sessionId,
        agentId: task.agent.descriptor.id,
        skillId,
        dangerous: skill.dangerous,
        skillPermissions: skill.permissions,
        ...(hostedBy === undefined ? {} : { hostedBy }),
        ...scope
      }
      if (!pathsOnly) {
        const grant = yield* authorizer
          .authorize({ principal: task.owner, action: "skill:execute", resource: `skill/${skillId}`, context })
          .pipe(
            Effect.mapError(
              (forbidden) => new SkillError({ reason: "Forbidden", skillId, detail: forbidden.reasons.join(", ") })
            )
          )
        if (grant.requiresApproval) yield* waiters.awaitApproval(task, skillId, skillInput, scope)
      }
      return {
        // Each path the skill reaches beyond its scope is decided like the call itself.
        refusedPaths: refusedPathsWith((paths) =>
          authorizer.authorize({
            principal: task.owner,
            action: "skill:execute",
            resource: `skill/${skillId}`,
            context: { ...context, paths }
          })
        )
      }
    })

/**
 * A skill call made by a task's agent: the skill must be registered and the call authorised
 * (`makeSkillAuthorization`). The skill reports on the task like the agent does; each path it reaches
 * beyond its scope is decided like the call itself.
 */
export const makeSkillCall = (
  state: SupervisorState,
  waiters: Pick<Waiters, "awaitApproval">,
  agentApply: (task: LiveTask, command: TaskCommand) => Effect.Effect<void>
) => {
  const authorizeSkill = makeSkillAuthorization(state, waiters)
  return (task: LiveTask, skillId: string, skillInput: JsonValue, scope: SkillScope | undefined) =>
    Effect.gen(function* () {
      const skill = state.skills.get(skillId)
      if (skill === undefined) {
        if (!task.agent.descriptor.skills.includes(skillId)) {
          return yield* new SkillError({
            reason: "NotAllowed",
            skillId,
            detail: `agent ${task.agent.descriptor.id} does not list this skill`
          })
        }
        return yield* new SkillError({ reason: "Unknown", skillId, detail: "no skill with this id is registered" })
      }
      const grant = yield* authorizeSkill(task, skill.descriptor, skillInput, scope)
      yield* agentApply(task, { type: "log", level: "debug", message: `calling skill ${skillId}` })
      return yield* skill
        .run(skillInput, {
          taskId: task.id,
          agentId: task.agent.descriptor.id,
          principal: task.owner,
          ...(scope === undefined ? {} : { scope }),
          ...reportersOf(agentApply, task),
          refusedPaths: grant.refusedPaths
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
}
