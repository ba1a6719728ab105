import {
  type Forbidden,
  type InvalidRequest,
  isTerminalStatus,
  makeDecoder,
  type Principal,
  type TaskEventEnvelope,
  TaskFilter,
  type TaskId,
  type TaskNotFound,
  type TaskRecord,
  Unavailable
} from "@coderclaw/protocol"
import { Effect, Option, Result, Stream } from "effect"
import type { AuthorizerShape, RuntimeAction } from "../authorization/Authorizer.js"
import type { EventHub } from "../events/EventHub.js"
import type { JournalShape } from "../journal/Journal.js"
import type { JournalError } from "../journal/JournalError.js"
import type { LiveTask } from "./LiveTask.js"

const decodeFilter = makeDecoder(TaskFilter, "task filter")
const catchUpPage = 1_000

const isFinalEvent = (envelope: TaskEventEnvelope) =>
  envelope.event.type === "status_changed" && isTerminalStatus(envelope.event.to)

const unavailable = (error: JournalError) => new Unavailable({ reason: error.message })
const shuttingDown = new Unavailable({ reason: "the runtime is shutting down" })

interface Dependencies {
  readonly journal: JournalShape
  readonly hub: EventHub
  readonly authorizer: AuthorizerShape
  readonly visibleRecord: (
    principal: Principal,
    taskId: string,
    action: RuntimeAction
  ) => Effect.Effect<TaskRecord, InvalidRequest | TaskNotFound | Forbidden | Unavailable>
  readonly liveTask: (taskId: TaskId) => LiveTask | undefined
  readonly isClosed: () => boolean
}

/**
 * Event streams: the stored history first, then live events from the hub, with no gap and no duplicate.
 *
 * The live subscription is registered before the history is read, so nothing published in between is
 * missed; anything seen twice is dropped by seq (or position). A subscriber that falls behind (its buffer
 * overflowed) or sees a jump in seq re-reads the journal from where it is, so a slow consumer loses
 * nothing and never slows the runtime.
 */
export const makeSubscriptions = (deps: Dependencies) => {
  const { journal, hub } = deps

  const subscribe = (principal: Principal, rawTaskId: string, afterSeq = 0) =>
    Stream.unwrap(
      Effect.gen(function* () {
        const taskRecord = yield* deps.visibleRecord(principal, rawTaskId, "task:read")
        const taskId = taskRecord.id
        const subscriber = hub.subscribeTask(taskId)
        const history = yield* journal.readTask(taskId, afterSeq).pipe(
          Effect.mapError(unavailable),
          Effect.tapError(() => Effect.sync(() => hub.unsubscribe(subscriber, taskId)))
        )
        const storedFinal =
          taskRecord.status === "completed" || taskRecord.status === "failed" || taskRecord.status === "cancelled"
        const endedAlready = history.some(isFinalEvent) || (storedFinal && history.length === 0)
        const startSeq = history.at(-1)?.seq ?? afterSeq
        // One generator function per subscription, not one per batch (each would need a hidden class of its own).
        const nextBatch = Effect.fnUntraced(function* (lastSeq: number) {
          const { events, lagged } = yield* subscriber.take
          if (deps.isClosed()) return yield* Effect.fail(shuttingDown)
          let fresh = events.filter((envelope) => envelope.seq > lastSeq)
          const first = fresh[0]
          if (lagged || (first !== undefined && first.seq !== lastSeq + 1)) {
            fresh = [...(yield* journal.readTask(taskId, lastSeq).pipe(Effect.mapError(unavailable)))]
          }
          const next = fresh.at(-1)?.seq ?? lastSeq
          return [fresh, fresh.some(isFinalEvent) ? Option.none() : Option.some(next)] as const
        })
        const live = Stream.paginate(startSeq, nextBatch)
        const stream = endedAlready ? Stream.fromIterable(history) : Stream.concat(Stream.fromIterable(history), live)
        return stream.pipe(Stream.ensuring(Effect.sync(() => hub.unsubscribe(subscriber, taskId))))
      })
    )

  const subscribeAll = (principal: Principal, rawFilter?: unknown, afterPosition?: number) =>
    Stream.unwrap(
      Effect.gen(function* () {
        const decoded = decodeFilter(rawFilter ?? {})
        if (Result.isFailure(decoded)) return yield* Effect.fail(decoded.failure)
        const filter = decoded.success
        yield* deps.authorizer.authorize({ principal, action: "task:read", resource: "tasks" })
        const sessions = yield* deps.authorizer.visibleSessions(principal)
        const matches = (sessionId: string, agentId: string, parentId: TaskId | undefined, rootId: TaskId): boolean =>
          (sessions === undefined || sessions.includes(sessionId)) &&
          (filter.sessionId === undefined || filter.sessionId === sessionId) &&
          (filter.agentId === undefined || filter.agentId === agentId) &&
          (filter.parentId === undefined || filter.parentId === parentId) &&
          (filter.rootId === undefined || filter.rootId === rootId)
        // Whether each task seen lately is visible: a task's session, agent, parent and root never change.
        const known = new Map<TaskId, boolean>()
        const remember = (taskId: TaskId, ok: boolean) => {
          // A long-lived subscription sees unboundedly many tasks: keep the cache bounded.
          if (known.size >= 10_000) known.clear()
          known.set(taskId, ok)
        }
        // Pre-filter at publish time while the task is live, which also settles the task's visibility
        // without reading its record; other tasks are checked against the journal below.
        const subscriber = hub.subscribeAll((envelope) => {
          const live = deps.liveTask(envelope.taskId)
          if (live === undefined) return true
          const ok = matches(live.sessionId, live.agent.descriptor.id, live.parentId, live.rootId)
          remember(envelope.taskId, ok)
          return ok
        })
        const loadVisible = (envelopes: ReadonlyArray<TaskEventEnvelope>) =>
          Effect.filter(envelopes, (envelope) =>
            Effect.gen(function* () {
              const cached = known.get(envelope.taskId)
              if (cached !== undefined) return cached
              const stored = yield* journal.loadTask(envelope.taskId).pipe(Effect.mapError(unavailable))
              const ok =
                Option.isSome(stored) &&
                matches(stored.value.sessionId, stored.value.agentId, stored.value.parentId, stored.value.rootId)
              remember(envelope.taskId, ok)
              return ok
            })
          )
        /** The envelopes the caller may see; synchronous (one effect per batch) when every task is known. */
        const visible = (envelopes: ReadonlyArray<TaskEventEnvelope>) => {
          const kept: Array<TaskEventEnvelope> = []
          for (const envelope of envelopes) {
            const cached = known.get(envelope.taskId)
            if (cached === undefined) return loadVisible(envelopes)
            if (cached) kept.push(envelope)
          }
          return Effect.succeed(kept)
        }
        const readFrom = (position: number) =>
          Effect.gen(function* () {
            const collected: Array<TaskEventEnvelope> = []
            let cursor = position
            for (;;) {
              const page = yield* journal.readAll(cursor, catchUpPage).pipe(Effect.mapError(unavailable))
              collected.push(...(yield* visible(page)))
              cursor = page.at(-1)?.position ?? cursor
              if (page.length < catchUpPage) return { events: collected, position: cursor }
            }
          })
        const start = afterPosition ?? (yield* journal.lastPosition.pipe(Effect.mapError(unavailable)))
        const history = yield* readFrom(start).pipe(
          Effect.tapError(() => Effect.sync(() => hub.unsubscribe(subscriber)))
        )
        const nextBatch = Effect.fnUntraced(function* (lastPosition: number) {
          const { events, lagged } = yield* subscriber.take
          if (deps.isClosed()) return yield* Effect.fail(shuttingDown)
          if (lagged) {
            const caught = yield* readFrom(lastPosition)
            return [caught.events, Option.some(caught.position)] as const
          }
          const fresh = yield* visible(events.filter((envelope) => envelope.position > lastPosition))
          const next = Math.max(lastPosition, events.at(-1)?.position ?? lastPosition)
          return [fresh, Option.some(next)] as const
        })
        const live = Stream.paginate(history.position, nextBatch)
        return Stream.concat(Stream.fromIterable(history.events), live).pipe(
          Stream.ensuring(Effect.sync(() => hub.unsubscribe(subscriber)))
        )
      })
    )

  return { subscribe, subscribeAll }
}
