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
  // Leaving `waiting` (any status change) drops the waiting reason and deadline; they are set again below
  // when the move is into `waiting`.
  const next = copyRecord(previous, envelope, event.type !== "status_changed")
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
      next.status = event.to
      if (event.to === "waiting" && event.waitingFor !== undefined) next.waitingFor = event.waitingFor
      if (event.to === "waiting" && previous.waitingTimeoutMs !== undefined)
        next.waitingDeadline = envelope.at + previous.waitingTimeoutMs
      if (event.to === "running" && previous.startedAt === undefined) next.startedAt = envelope.at
      if (event.result !== undefined) next.result = event.result
      if (event.error !== undefined) next.error = event.error
      if (event.to === "completed" || event.to === "failed" || event.to === "cancelled") next.completedAt = envelope.at
      return next
    }
    case "progress":
      next.progress = { percent: event.percent, ...(event.message === undefined ? {} : { message: event.message }) }
      return next
    case "attempt_failed":
      next.attempt = event.attempt + 1
      // A lost attempt (its worker's lease expired) grants one more attempt: the budget is carried here.
      next.maxAttempts = event.maxAttempts
      return next
    default:
      return next
  }
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] }

/**
 * The record after `envelope`, before what its event changes: a new object (records handed out never
 * change) with the new seq, position and time, and every other field of `previous` (the waiting reason and
 * deadline only if `keepWaiting`).
 *
 * Built as one object literal of the required fields plus assignments of the optional ones present: V8
 * makes a spread copy that then gains a field (`startedAt`, `result`, `completedAt`…) about thirty times
 * slower, and every task goes through here for each of its events. A test fails if a `TaskRecord` field is
 * not copied here.
 */
const copyRecord = (previous: TaskRecord, envelope: TaskEventEnvelope, keepWaiting: boolean): Mutable<TaskRecord> => {
  const next: Mutable<TaskRecord> = {
    id: previous.id,
    rootId: previous.rootId,
    sessionId: previous.sessionId,
    owner: previous.owner,
    agentId: previous.agentId,
    description: previous.description,
    input: previous.input,
    status: previous.status,
    progress: previous.progress,
    attempt: previous.attempt,
    maxAttempts: previous.maxAttempts,
    priority: previous.priority,
    createdAt: previous.createdAt,
    updatedAt: envelope.at,
    metadata: previous.metadata,
    lastSeq: envelope.seq,
    lastPosition: envelope.position
  }
  if (previous.parentId !== undefined) next.parentId = previous.parentId
  if (previous.ownerPrincipal !== undefined) next.ownerPrincipal = previous.ownerPrincipal
  if (previous.result !== undefined) next.result = previous.result
  if (previous.error !== undefined) next.error = previous.error
  if (previous.startedAt !== undefined) next.startedAt = previous.startedAt
  if (previous.completedAt !== undefined) next.completedAt = previous.completedAt
  if (previous.deadline !== undefined) next.deadline = previous.deadline
  if (previous.waitingTimeoutMs !== undefined) next.waitingTimeoutMs = previous.waitingTimeoutMs
  if (keepWaiting && previous.waitingFor !== undefined) next.waitingFor = previous.waitingFor
  if (keepWaiting && previous.waitingDeadline !== undefined) next.waitingDeadline = previous.waitingDeadline
  return next
}
