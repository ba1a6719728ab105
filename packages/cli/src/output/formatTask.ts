import type { TaskEvent, TaskFailure, TaskRecord } from "@coderclaw/protocol"
import { formatDuration } from "./formatValue.js"
import { summarizeResult } from "./summarizeResult.js"
import { singleLine, truncate } from "./table.js"

/** A failure as `CODE: message`. */
export const formatFailure = (failure: TaskFailure): string => `${failure.code}: ${singleLine(failure.message)}`

/** The status of a record, with what it waits for. */
export const formatStatus = (task: Pick<TaskRecord, "status" | "waitingFor">): string =>
  task.status === "waiting" && task.waitingFor !== undefined ? `waiting (${task.waitingFor})` : task.status

/** A status change as one phrase: `running → waiting (approval)`, `running → failed: TIMEOUT: …`. */
export const formatTransition = (event: Extract<TaskEvent, { type: "status_changed" }>): string => {
  const to = event.waitingFor === undefined ? event.to : `${event.to} (${event.waitingFor})`
  const why =
    event.error !== undefined
      ? `: ${formatFailure(event.error)}`
      : event.reason !== undefined
        ? `: ${singleLine(event.reason)}`
        : ""
  return `${event.from} → ${to}${why}`
}

/** The lines a finished task ends a `--wait` or `watch` with. */
export const formatOutcome = (task: TaskRecord): string => {
  const took = task.completedAt === undefined ? "" : ` in ${formatDuration(task.completedAt - task.createdAt)}`
  switch (task.status) {
    case "completed":
      return `✔ ${task.agentId} task ${task.id} completed${took}\nresult: ${summarizeResult(task.result)}`
    case "failed":
      return `✖ ${task.agentId} task ${task.id} failed${took}${task.error === undefined ? "" : `: ${formatFailure(task.error)}`}`
    case "cancelled":
      return `✖ ${task.agentId} task ${task.id} was cancelled${took}`
    default:
      return `${task.agentId} task ${task.id} is ${formatStatus(task)}`
  }
}

/** One line describing a task for lists. */
export const describeTask = (task: TaskRecord): string =>
  `${task.id}  ${formatStatus(task)}  ${task.agentId}  ${truncate(singleLine(task.description), 60)}`
