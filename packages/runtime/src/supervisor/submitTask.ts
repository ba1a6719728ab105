import {
  AgentNotFound,
  Forbidden,
  InvalidRequest,
  makeDecoder,
  makeTaskId,
  Overloaded,
  type Principal,
  SubmitRequest,
  type TaskEvent,
  type TaskEventEnvelope,
  type TaskId,
  Unavailable
} from "@coderclaw/protocol"
import { Clock, Effect, Option } from "effect"
import type { PendingEvent } from "../journal/Journal.js"
import { JournalError } from "../journal/JournalError.js"
import { projectTaskRecord } from "../journal/projectTaskRecord.js"
import { rememberSubmitSpan, spanNames } from "../observability/taskSpans.js"
import { defaultIdempotencyWindowMs } from "../RuntimeOptions.js"
import type { Access } from "./access.js"
import type { Deadlines } from "./Deadlines.js"
import { fromResult } from "./fromResult.js"
import { unavailable } from "./journalFailures.js"
import { makeKeyLocks } from "./keyLocks.js"
import type { JournalCreated, Lifecycle } from "./Lifecycle.js"
import { requestFingerprint } from "./requestFingerprint.js"
import type { SupervisorState } from "./SupervisorState.js"
import type { TaskRegistry } from "./TaskRegistry.js"

const decodeSubmit = makeDecoder(SubmitRequest, "submit request")

/**
 * Submitting a task: validated, authorized and journalled, then queued. A submit with an idempotency key
 * claims the key first; a retry with the same key and request returns the task the first call created.
 */
export const makeSubmitTask = (
  state: SupervisorState,
  access: Access,
  registry: Pick<TaskRegistry, "newLiveTask">,
  deadlines: Pick<Deadlines, "armTask">,
  lifecycle: Pick<Lifecycle, "drain">
) => {
  const { journal, authorizer, queue, tasks } = state
  const idempotencyWindowMs = state.options.idempotencyWindowMs ?? defaultIdempotencyWindowMs
  const { withKeyLock } = makeKeyLocks()
  const journalAlone = (created: PendingEvent) => state.writer.append([created], state.callerPatience)

  /**
   * Validates, authorizes and journals a new task, then queues it. `journalCreated` stores its `created`
   * event; a spawning parent passes one that appends it together with its own `child_spawned`, so a crash
   * can never leave a child its parent does not know about.
   */
  const submitTask = <E = never>(
    principal: Principal,
    raw: unknown,
    journalCreated: JournalCreated<E> = journalAlone as JournalCreated<E>
  ) =>
    Effect.gen(function* () {
      if (!state.accepting) return yield* new Unavailable({ reason: "the runtime is shutting down" })
      const request = yield* fromResult(decodeSubmit(raw))
      const agent = state.agents.get(request.agentId)
      if (agent === undefined) return yield* new AgentNotFound({ agentId: request.agentId })
      const onAgent = { agentId: agent.descriptor.id }
      yield* access.authorize(principal, "task:submit", `agent/${agent.descriptor.id}`, onAgent)
      yield* access.authorize(principal, "agent:invoke", `agent/${agent.descriptor.id}`, onAgent)
      const parent =
        request.parentId === undefined
          ? undefined
          : yield* access.visibleRecord(principal, request.parentId, "task:read")
      const sessionId = request.sessionId ?? parent?.sessionId ?? principal.sessionId
      if (sessionId !== principal.sessionId) {
        const sessions = yield* authorizer.visibleSessions(principal)
        if (sessions !== undefined && !sessions.includes(sessionId)) {
          return yield* new Forbidden({
            action: "task:submit",
            resource: `session/${sessionId}`,
            reasons: ["the session is not visible to the caller"]
          })
        }
      }
      const { maxQueued } = state.limits
      const create = (id: TaskId) =>
        Effect.gen(function* () {
          if (queue.size >= maxQueued) {
            return yield* new Overloaded({ queued: queue.size, limit: maxQueued, retryAfterMs: 1_000 })
          }
          const at = yield* Clock.currentTimeMillis
          const maxAttempts = request.maxAttempts ?? state.limits.defaultMaxAttempts
          const created: TaskEvent = {
            type: "created",
            agentId: agent.descriptor.id,
            description: request.description,
            input: request.input ?? null,
            ...(parent === undefined ? {} : { parentId: parent.id }),
            rootId: parent?.rootId ?? id,
            sessionId,
            owner: principal.id,
            ownerPrincipal: principal,
            priority: request.priority ?? 0,
            maxAttempts,
            ...(request.timeoutMs === undefined ? {} : { deadline: at + request.timeoutMs }),
            ...(request.waitingTimeoutMs === undefined ? {} : { waitingTimeoutMs: request.waitingTimeoutMs }),
            metadata: request.metadata ?? {}
          }
          const task = registry.newLiveTask({
            id,
            agent,
            sessionId,
            parentId: parent?.id,
            rootId: parent?.rootId ?? id,
            priority: request.priority ?? 0,
            waitingTimeoutMs: request.waitingTimeoutMs,
            owner: principal,
            maxAttempts,
            snapshot: undefined,
            children: []
          })
          tasks.set(id, task)
          yield* rememberSubmitSpan(task)
          yield* Effect.annotateCurrentSpan({ "coderclaw.task_id": id, "coderclaw.agent_id": agent.descriptor.id })
          const stored = yield* journalCreated({ taskId: id, seq: 1, at, causedBy: principal.id, event: created }).pipe(
            Effect.tapError(() =>
              Effect.sync(() => {
                tasks.delete(id)
                task.actor.stop()
              })
            )
          )
          const createdEnvelope = stored.find((envelope) => envelope.taskId === id && envelope.seq === 1)
          const taskRecord = projectTaskRecord(undefined, createdEnvelope as TaskEventEnvelope)
          if (taskRecord instanceof JournalError) return yield* Effect.die(taskRecord)
          queue.push(id, agent.descriptor.id, taskRecord.priority)
          if (request.timeoutMs !== undefined) yield* deadlines.armTask(task, at + request.timeoutMs)
          yield* lifecycle.drain
          return taskRecord
        })
      if (request.idempotencyKey === undefined) return yield* create(makeTaskId())
      const key = request.idempotencyKey
      const fingerprint = requestFingerprint(request, sessionId)
      // One keyed submit at a time per owner and key, from the claim to the stored `created` event.
      return yield* withKeyLock(
        `${principal.id}\n${key}`,
        Effect.gen(function* () {
          const now = yield* Clock.currentTimeMillis
          const claim = {
            owner: principal.id,
            key,
            taskId: makeTaskId(),
            fingerprint,
            expiresAt: now + idempotencyWindowMs
          }
          const held = yield* state.writer
            .persist(journal.claimIdempotencyKey(claim, now), state.callerPatience)
            .pipe(Effect.mapError(unavailable))
          if (held.fingerprint !== fingerprint) {
            return yield* new InvalidRequest({
              what: "submit request",
              issues: [
                {
                  path: ["idempotencyKey"],
                  message: `already used for a different request (task ${held.taskId}); use a new key for a new request`
                }
              ]
            })
          }
          const existing = yield* journal.loadTask(held.taskId).pipe(Effect.mapError(unavailable))
          if (Option.isSome(existing)) return existing.value
          // Claimed, but the task was never stored (that submit failed or the runtime stopped): create it now,
          // under the id claimed.
          return yield* create(held.taskId)
        })
      )
    }).pipe(Effect.withSpan(spanNames.submit))

  return submitTask
}
