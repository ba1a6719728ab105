import { makeTaskId, type PrincipalId, type TaskEvent, type TaskEventEnvelope, type TaskId } from "@coderclaw/protocol"
import type { PendingEvent } from "@coderclaw/runtime"

const owner: PrincipalId = "local:conformance"

/** A `created` event for a fresh task. */
export const created = (
  taskId: TaskId,
  options: { agentId?: string; sessionId?: string; parentId?: TaskId; rootId?: TaskId } = {}
): TaskEvent => ({
  type: "created",
  agentId: options.agentId ?? "echo",
  description: "conformance task",
  input: { n: 1 },
  ...(options.parentId === undefined ? {} : { parentId: options.parentId }),
  rootId: options.rootId ?? taskId,
  sessionId: options.sessionId ?? "session-a",
  owner,
  priority: 0,
  maxAttempts: 3,
  metadata: { suite: "journal" }
})

/** Builds pending events for one task, numbering seqs from `firstSeq`. */
export const eventsFor = (taskId: TaskId, firstSeq: number, bodies: ReadonlyArray<TaskEvent>): Array<PendingEvent> =>
  bodies.map((event, index) => ({
    taskId,
    seq: firstSeq + index,
    at: 1_700_000_000_000 + firstSeq + index,
    causedBy: owner,
    event
  }))

/** The event bodies that take a created task to `completed` with `result`. */
export const toCompleted = (result: unknown = "done"): Array<TaskEvent> => [
  { type: "status_changed", from: "pending", to: "planning" },
  { type: "status_changed", from: "planning", to: "running" },
  { type: "progress", percent: 50, message: "half" },
  { type: "status_changed", from: "running", to: "completed", result: result as never }
]

/** A new task id together with its `created` event at seq 1. */
export const newTask = (options?: Parameters<typeof created>[1]): { id: TaskId; events: Array<PendingEvent> } => {
  const id = makeTaskId()
  return { id, events: eventsFor(id, 1, [created(id, options)]) }
}

export type { TaskEventEnvelope }
