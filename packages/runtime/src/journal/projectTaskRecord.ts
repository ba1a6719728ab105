import type { TaskEventEnvelope, TaskRecord } from "@coderclaw/protocol"
import { checkTransition } from "@coderclaw/task-machine"
import { JournalError } from "./JournalError.js"

const corrupt = (envelope: TaskEventEnvelope, detail: string) =>
  new JournalError({ reason: "Corrupt", detail, taskId: envelope.taskId, seq: envelope.seq })

/**
 * Folds one event into a task's record: the record is a projection of its events. Every journal
 * implementation maintains records with this function, so all of them agree on what a record is.
 *
 * Refuses (as a `Corrupt` journal error) anything a well-formed history cannot contain: a first event that
 * is not `created`, a gap or repeat in `seq`, a `status_changed` whose `from` is not the current status or
 * whose move the lifecycle forbids. Returns the error instead of throwing so callers decide how to fail.
 */
export const projectTaskRecord = (
  previous: TaskRecord | undefined,
  envelope: TaskEventEnvelope
): TaskRecord | JournalError => {
  const { event } = envelope
  if (previous === undefined) {
    if (event.type !== "created" || envelope.seq !== 1) {
      return corrupt(envelope, `a task's history must start with 'created' at seq 1, found '${event.type}'`)
    }
    return {
      id: envelope.taskId,
      ...(event.parentId === undefined ? {} : { parentId: event.parentId }),
      rootId: event.rootId,
      sessionId: event.sessionId,
      owner: event.owner,
      ...(event.ownerPrincipal === undefined ? {} : { ownerPrincipal: event.ownerPrincipal }),
      agentId: event.agentId,
      description: event.description,
      input: event.input,
      status: "pending",
      progress: { percent: 0 },
      attempt: 1,
      maxAttempts: event.maxAttempts,
      priority: event.priority,
      createdAt: envelope.at,
      updatedAt: envelope.at,
      ...(event.deadline === undefined ? {} : { deadline: event.deadline }),
      ...(event.waitingTimeoutMs === undefined ? {} : { waitingTimeoutMs: event.waitingTimeoutMs }),
      metadata: event.metadata,
      lastSeq: 1,
      lastPosition: envelope.position
    }
  }
  if (envelope.seq !== previous.lastSeq + 1) {
    return corrupt(envelope, `expected seq ${previous.lastSeq + 1} after ${previous.lastSeq}`)
  }
  const base = { ...previous, lastSeq: envelope.seq, lastPosition: envelope.position, updatedAt: envelope.at }
  switch (event.type) {
    case "created":
      return corrupt(envelope, "'created' may only be the first event")
    case "status_changed": {
      if (event.from !== previous.status) {
        return corrupt(envelope, `status_changed from '${event.from}' but the task is '${previous.status}'`)
      }
      const refused = checkTransition(event.from, event.to)
      if (refused !== undefined) return corrupt(envelope, refused.message)
      if ((event.to === "waiting") !== (event.waitingFor !== undefined)) {
        return corrupt(envelope, "a move to 'waiting', and only that move, carries a waiting reason")
      }
      const { waitingFor: _waitingFor, waitingDeadline: _waitingDeadline, ...withoutWaiting } = base
      const terminal = event.to === "completed" || event.to === "failed" || event.to === "cancelled"
      return {
        ...withoutWaiting,
        status: event.to,
        ...(event.to === "waiting" && event.waitingFor !== undefined ? { waitingFor: event.waitingFor } : {}),
        ...(event.to === "waiting" && previous.waitingTimeoutMs !== undefined
          ? { waitingDeadline: envelope.at + previous.waitingTimeoutMs }
          : {}),
        ...(event.to === "running" && previous.startedAt === undefined ? { startedAt: envelope.at } : {}),
        ...(event.result === undefined ? {} : { result: event.result }),
        ...(event.error === undefined ? {} : { error: event.error }),
        ...(terminal ? { completedAt: envelope.at } : {})
      }
    }
    case "progress":
      return {
        ...base,
        progress: { percent: event.percent, ...(event.message === undefined ? {} : { message: event.message }) }
      }
    case "attempt_failed":
      return { ...base, attempt: event.attempt + 1 }
    default:
      return base
  }
}
