import { Schema } from "effect"

/**
 * Where a task is in its lifecycle. `pending`, `planning`, `running` and `waiting` are active;
 * `completed`, `failed` and `cancelled` are final and never change again.
 */
export const TaskStatus = Schema.Literals([
  "pending",
  "planning",
  "running",
  "waiting",
  "completed",
  "failed",
  "cancelled"
]).annotate({ title: "TaskStatus" })
export type TaskStatus = typeof TaskStatus.Type

/** Every status, in lifecycle order. */
export const taskStatuses: ReadonlyArray<TaskStatus> = TaskStatus.literals

/** The statuses a task never leaves. */
export const TerminalStatus = Schema.Literals(["completed", "failed", "cancelled"])
export type TerminalStatus = typeof TerminalStatus.Type

/** The statuses of a task that can still change. */
export const ActiveStatus = Schema.Literals(["pending", "planning", "running", "waiting"])
export type ActiveStatus = typeof ActiveStatus.Type

/** True when the status is final. */
export const isTerminalStatus = (status: TaskStatus): status is TerminalStatus =>
  status === "completed" || status === "failed" || status === "cancelled"

/**
 * Why a task is `waiting`: for an answer from its caller (`input`), for its child tasks to end
 * (`children`), or for a person to approve a dangerous skill (`approval`).
 */
export const WaitingReason = Schema.Literals(["input", "children", "approval"]).annotate({ title: "WaitingReason" })
export type WaitingReason = typeof WaitingReason.Type
