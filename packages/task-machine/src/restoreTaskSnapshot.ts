import type { JsonValue, TaskFailure, TaskStatus, WaitingReason } from "@coderclaw/protocol"
import type { TaskSnapshot } from "./statusOf.js"
import { taskMachine } from "./taskMachine.js"

/** The parts of a task record a snapshot is rebuilt from; a protocol `TaskRecord` has all of them. */
export interface TaskSnapshotSource {
  readonly status: TaskStatus
  readonly waitingFor?: WaitingReason | undefined
  readonly progress: { readonly percent: number; readonly message?: string | undefined }
  readonly attempt: number
  readonly maxAttempts: number
  readonly lastSeq: number
  readonly result?: JsonValue | undefined
  readonly error?: TaskFailure | undefined
}

/**
 * Rebuilds the statechart snapshot of a task from its journalled record, so a task can be rehydrated
 * (after a crash, or when a passivated waiting task gets an event) without storing actor snapshots.
 * Entry actions do not run: nothing is journalled twice.
 *
 * @throws TypeError when the record is inconsistent (e.g. `waiting` without a reason): that is a bug in
 * the caller's projection, not a runtime condition.
 */
export const restoreTaskSnapshot = (source: TaskSnapshotSource): TaskSnapshot => {
  if ((source.status === "waiting") !== (source.waitingFor !== undefined)) {
    throw new TypeError(
      `A ${source.status} task ${source.status === "waiting" ? "needs" : "cannot have"} a waiting reason`
    )
  }
  const active =
    source.status === "pending" ||
    source.status === "planning" ||
    source.status === "running" ||
    source.status === "waiting"
  return taskMachine.resolveState({
    value: active ? { active: source.status } : source.status,
    context: {
      status: source.status,
      seq: source.lastSeq,
      waitingFor: source.waitingFor,
      progress: { percent: source.progress.percent, message: source.progress.message },
      attempt: source.attempt,
      maxAttempts: source.maxAttempts,
      result: source.result,
      error: source.error
    }
  })
}
