import type { TaskRecord } from "@coderclaw/protocol"
import type { PendingEvent } from "./Journal.js"
import { JournalError } from "./JournalError.js"

/**
 * The journal's ordering rule, the same for every store: a task's events are numbered 1, 2, 3… with no gap
 * and no repeat, so `pending` must carry the seq after `previous` (the task's record so far, `undefined`
 * for a new task). Answers the `Conflict` to refuse the whole append with, or `undefined` when it follows.
 * A writer that raced another and lost sees this conflict instead of overwriting its events.
 */
export const seqConflict = (previous: TaskRecord | undefined, pending: PendingEvent): JournalError | undefined => {
  const expected = previous === undefined ? 1 : previous.lastSeq + 1
  return pending.seq === expected
    ? undefined
    : new JournalError({
        reason: "Conflict",
        detail: `expected seq ${expected}, got ${pending.seq}`,
        taskId: pending.taskId,
        seq: pending.seq
      })
}
