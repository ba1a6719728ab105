import { TaskState } from "@a2a-js/sdk"
import type { TaskRecord, TaskStatus } from "@coderclaw/protocol"

/** The failure codes A2A calls `rejected`: the work was refused (by a person or by the agent), not attempted and broken. */
const rejectedCodes: ReadonlySet<string> = new Set(["APPROVAL_DENIED", "INVALID_INPUT"])

/** The part of a task record its A2A state follows from. */
export type StatefulRecord = Pick<TaskRecord, "status" | "waitingFor" | "error">

/**
 * The A2A state of one of our tasks (see the table in `docs/a2a.md`). `waiting` splits by its reason: an
 * answer or an approval is asked of the caller (`input-required`), children are still working (`working`).
 * A failure A2A calls a refusal (`APPROVAL_DENIED`, `INVALID_INPUT`) is `rejected`; `auth-required` never
 * occurs because every HTTP request authenticates on its own.
 */
export const a2aTaskState = (record: StatefulRecord): TaskState => {
  switch (record.status) {
    case "pending":
      return TaskState.TASK_STATE_SUBMITTED
    case "planning":
    case "running":
      return TaskState.TASK_STATE_WORKING
    case "waiting":
      return record.waitingFor === "children" ? TaskState.TASK_STATE_WORKING : TaskState.TASK_STATE_INPUT_REQUIRED
    case "completed":
      return TaskState.TASK_STATE_COMPLETED
    case "failed":
      return record.error !== undefined && rejectedCodes.has(record.error.code)
        ? TaskState.TASK_STATE_REJECTED
        : TaskState.TASK_STATE_FAILED
    case "cancelled":
      return TaskState.TASK_STATE_CANCELED
  }
}

/**
 * Our statuses that may have a given A2A state, for `ListTasks`' status filter (records are then checked
 * one by one with `a2aTaskState`, since `waiting` maps to two states). Unknown or unspecified: no filter.
 */
export const statusesOf = (state: TaskState): ReadonlyArray<TaskStatus> | undefined => {
  switch (state) {
    case TaskState.TASK_STATE_SUBMITTED:
      return ["pending"]
    case TaskState.TASK_STATE_WORKING:
      return ["planning", "running", "waiting"]
    case TaskState.TASK_STATE_INPUT_REQUIRED:
      return ["waiting"]
    case TaskState.TASK_STATE_COMPLETED:
      return ["completed"]
    case TaskState.TASK_STATE_FAILED:
    case TaskState.TASK_STATE_REJECTED:
      return ["failed"]
    case TaskState.TASK_STATE_CANCELED:
      return ["cancelled"]
    case TaskState.TASK_STATE_AUTH_REQUIRED:
      return []
    default:
      return undefined
  }
}

/** Whether a stream of this A2A state ends: a final state, or one that waits for the caller. */
export const isInterrupted = (state: TaskState): boolean =>
  state === TaskState.TASK_STATE_COMPLETED ||
  state === TaskState.TASK_STATE_FAILED ||
  state === TaskState.TASK_STATE_CANCELED ||
  state === TaskState.TASK_STATE_REJECTED ||
  state === TaskState.TASK_STATE_INPUT_REQUIRED ||
  state === TaskState.TASK_STATE_AUTH_REQUIRED
