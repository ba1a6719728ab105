import type { TaskStatus } from "@coderclaw/protocol"
import type { SnapshotFrom } from "xstate"
import type { TaskMachine } from "./taskMachine.js"

/** A snapshot of `taskMachine`. */
export type TaskSnapshot = SnapshotFrom<TaskMachine>

/** The status of a task snapshot, read from its state value (`{ active: "running" }` → `running`). */
export const statusOf = (snapshot: TaskSnapshot): TaskStatus => {
  const value = snapshot.value
  return typeof value === "string" ? value : value.active
}
