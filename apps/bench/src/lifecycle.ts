import { Role, TaskState } from "@a2a-js/sdk"
import {
  AgentEvent,
  type AgentExecutor,
  DefaultRequestHandler,
  InMemoryTaskStore,
  ServerCallContext
} from "@a2a-js/sdk/server"
import { InMemoryJournal } from "@coderclaw/runtime"
import { taskMachine } from "@coderclaw/task-machine"
import { createActor } from "xstate"
import { concurrently } from "./concurrently.js"
import { startRuntime, timed } from "./driveRuntime.js"

/** The runtime on its in-memory journal: submit → completed for `tasks` echo tasks, 256 in flight. */
export const measureRuntimeLifecycle = async (options: { readonly tasks: number; readonly warmup: number }) => {
  const mesh = await startRuntime(InMemoryJournal.layer)
  try {
    await mesh.runTasks(options.warmup)
    const { seconds, cpuMicros } = await timed(() => mesh.runTasks(options.tasks))
    return { tasksPerSecond: options.tasks / seconds, cpuMicrosPerTask: cpuMicros / options.tasks }
  } finally {
    await mesh.close()
  }
}

/**
 * The anchor for the runtime: a bare XState loop doing what the runtime's statechart does for each task,
 * with nothing else (no journal, no fibers, no events): one actor of the same `taskMachine`, started,
 * planned, started, completed, stopped.
 */
export const measureBareXState = (options: { readonly tasks: number; readonly warmup: number }) => {
  const run = (count: number) => {
    for (let i = 0; i < count; i++) {
      const actor = createActor(taskMachine, { input: { maxAttempts: 1 } }).start()
      actor.send({ type: "plan" })
      actor.send({ type: "start" })
      actor.send({ type: "complete", result: i })
      actor.stop()
    }
  }
  run(options.warmup)
  const started = performance.now()
  run(options.tasks)
  return { tasksPerSecond: options.tasks / ((performance.now() - started) / 1000) }
}

export const agentCard = {
  name: "echo",
  description: "completes at once",
  supportedInterfaces: [],
  provider: undefined,
  version: "1.0.0",
  capabilities: undefined,
  securitySchemes: {},
  securityRequirements: [],
  defaultInputModes: ["application/json"],
  defaultOutputModes: ["application/json"],
  skills: [],
  signatures: []
}

const status = (state: TaskState) => ({ state, message: undefined, timestamp: undefined })

/** The trivial agent, A2A style: the task is submitted, works, and completes. */
export const echoExecutor: AgentExecutor = {
  execute: async (context, bus) => {
    const ids = { taskId: context.taskId, contextId: context.contextId, metadata: undefined }
    bus.publish(
      AgentEvent.task({
        id: context.taskId,
        contextId: context.contextId,
        status: status(TaskState.TASK_STATE_SUBMITTED),
        artifacts: [],
        history: [context.userMessage],
        metadata: {}
      })
    )
    bus.publish(AgentEvent.statusUpdate({ ...ids, status: status(TaskState.TASK_STATE_WORKING) }))
    bus.publish(AgentEvent.statusUpdate({ ...ids, status: status(TaskState.TASK_STATE_COMPLETED) }))
    bus.finished()
  },
  cancelTask: async () => {}
}

/**
 * The other anchor: `@a2a-js/sdk`'s `DefaultRequestHandler` with its `InMemoryTaskStore`, doing the
 * equivalent submit → completed (a blocking `sendMessage` to an agent that completes at once), 256 in flight.
 */
export const measureA2A = async (options: { readonly tasks: number; readonly warmup: number }) => {
  const handler = new DefaultRequestHandler(agentCard as never, new InMemoryTaskStore(), echoExecutor)
  const context = new ServerCallContext()
  let sent = 0
  const send = async () => {
    const id = sent++
    const task = await handler.sendMessage(
      {
        tenant: "",
        message: {
          messageId: `m${id}`,
          contextId: "",
          taskId: "",
          role: Role.ROLE_USER,
          parts: [
            { content: { $case: "data", value: id }, metadata: undefined, filename: "", mediaType: "application/json" }
          ],
          metadata: undefined,
          extensions: [],
          referenceTaskIds: []
        },
        configuration: { acceptedOutputModes: [], taskPushNotificationConfig: undefined, returnImmediately: false },
        metadata: undefined
      },
      context
    )
    if (!("status" in task) || task.status?.state !== TaskState.TASK_STATE_COMPLETED)
      throw new Error("the A2A task did not complete")
  }
  const run = (count: number) => concurrently(count, 256, send)
  await run(options.warmup)
  const { seconds, cpuMicros } = await timed(() => run(options.tasks))
  return { tasksPerSecond: options.tasks / seconds, cpuMicrosPerTask: cpuMicros / options.tasks }
}
