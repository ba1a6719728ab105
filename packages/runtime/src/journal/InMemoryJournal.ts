import type { JsonValue, TaskEventEnvelope, TaskId, TaskRecord, TaskStatus } from "@coderclaw/protocol"
import { InvalidRequest, isTerminalStatus, taskStatuses } from "@coderclaw/protocol"
import { Effect, Layer, Option } from "effect"
import { decodeTaskCursor } from "./decodeTaskCursor.js"
import { defaultPageSize, type IdempotencyClaim, Journal, type JournalShape, type PendingEvent } from "./Journal.js"
import { JournalError } from "./JournalError.js"
import { matchesTaskQuery } from "./matchesTaskQuery.js"
import { projectTaskRecord } from "./projectTaskRecord.js"
import { seqConflict } from "./seqConflict.js"

/**
 * A journal held in memory: fast, and gone with the process. For tests, benchmarks and local runs that
 * need no durability. Appends are validated and projected exactly like the durable stores'.
 */
export const makeInMemoryJournal = (): JournalShape => {
  const events: Array<TaskEventEnvelope> = []
  const byTask = new Map<TaskId, Array<TaskEventEnvelope>>()
  const records = new Map<TaskId, TaskRecord>()
  const checkpoints = new Map<TaskId, JsonValue>()
  // Keyed by owner and key; the owner is a principal id, which never contains a newline.
  const claims = new Map<string, IdempotencyClaim>()
  let claimsSinceSweep = 0

  const append = (batch: ReadonlyArray<PendingEvent>) =>
    Effect.suspend(() => {
      // Project the whole batch first; store nothing unless every event is valid (atomicity). Batches hold
      // one to a few events, so an event's predecessor in the batch is found by scanning back, not by a map.
      const projected: Array<TaskRecord> = []
      const stored: Array<TaskEventEnvelope> = []
      for (let index = 0; index < batch.length; index++) {
        const pending = batch[index] as PendingEvent
        let previous: TaskRecord | undefined
        for (let earlier = index - 1; earlier >= 0 && previous === undefined; earlier--)
          if ((batch[earlier] as PendingEvent).taskId === pending.taskId) previous = projected[earlier]
        previous ??= records.get(pending.taskId)
        const conflict = seqConflict(previous, pending)
        if (conflict !== undefined) return Effect.fail(conflict)
        // Listed field by field: a spread copy that then gains `position` is several times slower.
        const envelope: TaskEventEnvelope = {
          taskId: pending.taskId,
          seq: pending.seq,
          position: events.length + index + 1,
          at: pending.at,
          causedBy: pending.causedBy,
          event: pending.event
        }
        const next = projectTaskRecord(previous, envelope)
        if (next instanceof JournalError) return Effect.fail(next)
        projected.push(next)
        stored.push(envelope)
      }
      for (let index = 0; index < stored.length; index++) {
        const envelope = stored[index] as TaskEventEnvelope
        events.push(envelope)
        const history = byTask.get(envelope.taskId)
        if (history === undefined) byTask.set(envelope.taskId, [envelope])
        else history.push(envelope)
        // In batch order, so each task ends with its last record.
        records.set(envelope.taskId, projected[index] as TaskRecord)
      }
      return Effect.succeed(stored)
    })

  return {
    append,
    readTask: (taskId, afterSeq) => Effect.sync(() => (byTask.get(taskId) ?? []).slice(Math.max(0, afterSeq))),
    readAll: (afterPosition, limit) =>
      Effect.sync(() => events.slice(Math.max(0, afterPosition), Math.max(0, afterPosition) + limit)),
    lastPosition: Effect.sync(() => events.length),
    loadTask: (taskId) => Effect.sync(() => Option.fromNullishOr(records.get(taskId))),
    listTasks: (query, page) =>
      Effect.suspend(() => {
        const cursor = decodeTaskCursor(page.cursor)
        if (cursor instanceof InvalidRequest) return Effect.fail(cursor)
        const limit = page.limit ?? defaultPageSize
        const matching = [...records.values()]
          .filter((record) => matchesTaskQuery(record, query))
          .filter((record) => cursor === undefined || record.id < cursor)
          .sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
        const items = matching.slice(0, limit)
        const last = items.at(-1)
        return Effect.succeed(
          matching.length > limit && last !== undefined ? { items, nextCursor: last.id } : { items }
        )
      }),
    activeTasks: Effect.sync(() =>
      [...records.values()].filter((record) => !isTerminalStatus(record.status)).sort((a, b) => (a.id < b.id ? -1 : 1))
    ),
    countByStatus: Effect.sync(() => {
      const counts = Object.fromEntries(taskStatuses.map((status) => [status, 0])) as Record<TaskStatus, number>
      for (const record of records.values()) counts[record.status]++
      return counts
    }),
    saveCheckpoint: (taskId, data) =>
      Effect.sync(() => {
        checkpoints.set(taskId, data)
      }),
    loadCheckpoint: (taskId) => Effect.sync(() => Option.fromNullishOr(checkpoints.get(taskId))),
    claimIdempotencyKey: (claim, now) =>
      Effect.sync(() => {
        const id = `${claim.owner}\n${claim.key}`
        const held = claims.get(id)
        if (held !== undefined && held.expiresAt > now) return held
        // Lapsed claims are swept now and then, not on every claim: a sweep reads them all.
        if (++claimsSinceSweep >= 1_024) {
          claimsSinceSweep = 0
          for (const [other, earlier] of claims) if (earlier.expiresAt <= now) claims.delete(other)
        }
        claims.set(id, claim)
        return claim
      }),
    probe: Effect.void
  }
}

/** Layers providing an in-memory `Journal`. */
export const InMemoryJournal = {
  /** A fresh, empty in-memory journal per layer build. */
  layer: Layer.sync(Journal, makeInMemoryJournal)
}
