import type { TaskEvent, TaskFailure, TaskRecord } from "@coderclaw/protocol"
import { singleLine, truncate } from "./table.js"

/** A failure as `CODE: message`. */
export const formatFailure = (failure: TaskFailure): string => `${failure.code}: ${singleLine(failure.message)}`

/** A JSON value for people: indented, cut after `max` characters. */
export const formatJson = (value: unknown, max = 4_000): string => {
  const text = JSON.stringify(value, null, 2) ?? "null"
  return text.length <= max ? text : `${text.slice(0, max)}\n… (${text.length - max} more characters; use --json)`
}

/** A duration in ms as `850 ms`, `12.3 s` or `4 min 05 s`. */
export const formatDuration = (ms: number): string => {
  if (ms < 1_000) return `${Math.round(ms)} ms`
  if (ms < 60_000) return `${(ms / 1_000).toFixed(1)} s`
  const minutes = Math.floor(ms / 60_000)
  return `${minutes} min ${String(Math.round((ms % 60_000) / 1_000)).padStart(2, "0")} s`
}

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
      return `✔ ${task.agentId} task ${task.id} completed${took}\nresult: ${formatJson(task.result ?? null)}`
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
