import type { JsonValue } from "@coderclaw/protocol"
import { Effect } from "effect"
import type { AgentContext } from "../agent/AgentContext.js"
import { agentApply, reportersOf } from "./agentReporters.js"
import type { Lifecycle } from "./Lifecycle.js"
import type { LiveTask } from "./LiveTask.js"
import { agentPrincipal } from "./principals.js"
import type { SupervisorState } from "./SupervisorState.js"
import { makeSkillCall } from "./skillCall.js"
import type { TaskRegistry } from "./TaskRegistry.js"
import type { Waiters } from "./Waiters.js"

/**
 * The `AgentContext` one attempt of a task's agent runs with: its reports become the task's events, its
 * questions and waits park the task (`Waiters`), its children are submitted as the task's owner and
 * journalled with the parent's `child_spawned` in one append. Children are replayed on a re-run: the n-th
 * spawn of an attempt returns the n-th child already spawned, so a re-run never spawns twice.
 */
export const makeAgentContext = (
  state: SupervisorState,
  registry: Pick<TaskRegistry, "childrenOf">,
  waiters: Pick<Waiters, "askInput" | "awaitChildren" | "awaitApproval">,
  lifecycle: Pick<Lifecycle, "apply" | "submitTask">
) => {
  const persist = state.writer.persist
  const applyForAgent = agentApply(lifecycle)
  const callSkill = makeSkillCall(state, waiters, applyForAgent)

  return (task: LiveTask, attempt: number, checkpoint: JsonValue | undefined): AgentContext => {
    let spawned = 0
    return {
      taskId: task.id,
      attempt,
      owner: task.owner,
      checkpoint,
      ...reportersOf(applyForAgent, task),
      artifact: (artifact) => applyForAgent(task, { type: "artifact", ...artifact }),
      saveCheckpoint: (data) => persist(state.journal.saveCheckpoint(task.id, data)).pipe(Effect.orDie),
      askInput: (prompt, schema) => waiters.askInput(task, prompt, schema),
      spawn: (request) =>
        Effect.gen(function* () {
          const index = spawned++
          const children = yield* persist(registry.childrenOf(task)).pipe(Effect.orDie)
          const replayed = children[index]
          if (replayed !== undefined) return replayed
          const byAgent = agentPrincipal(task.agent.descriptor.id)
          const child = yield* lifecycle
            .submitTask(task.owner, { ...request, parentId: task.id, sessionId: task.sessionId }, (created) =>
              lifecycle.apply(
                task,
                { type: "spawn_child", childId: created.taskId, agentId: String(request.agentId) },
                byAgent,
                [created]
              )
            )
            .pipe(Effect.catchTag("InvalidTransition", () => Effect.interrupt))
          children.push(child.id)
          return child.id
        }),
      awaitChildren: (childIds, awaitOptions) => waiters.awaitChildren(task, childIds, awaitOptions?.until ?? "all"),
      callSkill: (skillId, skillInput, scope) => callSkill(task, skillId, skillInput, scope)
    }
  }
}

export type MakeAgentContext = ReturnType<typeof makeAgentContext>
