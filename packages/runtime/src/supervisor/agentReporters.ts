import type { TaskCommand } from "@coderclaw/task-machine"
import { Effect } from "effect"
import type { AgentContext } from "../agent/AgentContext.js"
import type { Lifecycle } from "./Lifecycle.js"
import type { LiveTask } from "./LiveTask.js"
import { agentPrincipal } from "./principals.js"

/** Applies a command on behalf of the agent; if the task refuses (it ended), the agent is stopped. */
export const agentApply =
  (lifecycle: Pick<Lifecycle, "apply">) =>
  (task: LiveTask, command: TaskCommand): Effect.Effect<void> =>
    lifecycle.apply(task, command, agentPrincipal(task.agent.descriptor.id)).pipe(
      Effect.catchTag("InvalidTransition", () => Effect.interrupt),
      Effect.orDie,
      Effect.asVoid
    )

/** What both an agent and the skills it calls use to report on the task: progress, outputs, logs. */
export const reportersOf = (
  apply: (task: LiveTask, command: TaskCommand) => Effect.Effect<void>,
  task: LiveTask
): Pick<AgentContext, "progress" | "output" | "log"> => ({
  progress: (percent, message) =>
    apply(task, { type: "progress", percent, ...(message === undefined ? {} : { message }) }),
  output: (name, value, mimeType) =>
    apply(task, { type: "output", name, value, ...(mimeType === undefined ? {} : { mimeType }) }),
  log: (level, message) => apply(task, { type: "log", level, message })
})
