import {
  type InvalidRequest,
  InvalidTransition,
  makeDecoder,
  makeTaskId,
  type PrincipalId,
  type SessionId,
  SubmitRequest,
  type TaskEvent,
  TaskEventEnvelope,
  type TaskId,
  type TaskStatus
} from "@coderclaw/protocol"
import { decide, statusOf, type TaskCommand, taskMachine } from "@coderclaw/task-machine"
import { Result } from "effect"
import { type Actor, createActor, type InspectionEvent } from "xstate"

const decodeSubmit = makeDecoder(SubmitRequest, "submit request")
const decodeEnvelope = makeDecoder(TaskEventEnvelope, "task event")

export interface TaskBookOptions {
  /** Receives every event as it is recorded. */
  readonly onEvent?: (envelope: TaskEventEnvelope) => void
  /** Passed to every task actor, as the Stately inspector's observer would be. */
  readonly inspect?: (event: InspectionEvent) => void
  readonly sessionId?: SessionId
}

/**
 * An in-memory book of tasks for this example: one XState actor per task (never children of one parent),
 * and an append-only list of events. Each command is decided first (`decide`), its events recorded, and
 * only then applied to the actor: the order `@coderclaw/runtime` follows with a durable journal.
 */
export class TaskBook {
  readonly journal: Array<TaskEventEnvelope> = []
  private readonly actors = new Map<TaskId, Actor<typeof taskMachine>>()

  constructor(private readonly options: TaskBookOptions = {}) {}

  /** Validates the request and records the task's `created` event. */
  submit(request: unknown, causedBy: PrincipalId): Result.Result<TaskId, InvalidRequest> {
    const decoded = decodeSubmit(request)
    if (Result.isFailure(decoded)) return Result.fail(decoded.failure)
    const submitted = decoded.success
    const id = makeTaskId()
    const actor = createActor(taskMachine, {
      input: { maxAttempts: submitted.maxAttempts ?? 1 },
      ...(this.options.inspect === undefined ? {} : { inspect: this.options.inspect })
    })
    this.actors.set(id, actor)
    this.record(id, 1, causedBy, {
      type: "created",
      agentId: submitted.agentId,
      description: submitted.description,
      input: submitted.input ?? null,
      rootId: id,
      sessionId: submitted.sessionId ?? this.options.sessionId ?? "example-session",
      owner: causedBy,
      priority: submitted.priority ?? 0,
      maxAttempts: submitted.maxAttempts ?? 1,
      metadata: submitted.metadata ?? {}
    })
    actor.start()
    return Result.succeed(id)
  }

  /** Decides and records a command; a refused one is returned as the protocol's `InvalidTransition`. */
  send(taskId: TaskId, command: TaskCommand, causedBy: PrincipalId): Result.Result<void, InvalidTransition> {
    const actor = this.actorOf(taskId)
    const decision = decide(actor.getSnapshot(), command)
    if (decision._tag === "Rejected") {
      const { from, to, event, detail } = decision.error
      return Result.fail(
        new InvalidTransition({ taskId, from, to, event, ...(detail === undefined ? {} : { detail }) })
      )
    }
    for (const { seq, event } of decision.events) this.record(taskId, seq, causedBy, event)
    actor.send(command)
    return Result.succeed(undefined)
  }

  statusOf(taskId: TaskId): TaskStatus {
    return statusOf(this.actorOf(taskId).getSnapshot())
  }

  eventsOf(taskId: TaskId): ReadonlyArray<TaskEventEnvelope> {
    return this.journal.filter((envelope) => envelope.taskId === taskId)
  }

  /** Stops every actor. */
  close(): void {
    for (const actor of this.actors.values()) actor.stop()
    this.actors.clear()
  }

  private actorOf(taskId: TaskId): Actor<typeof taskMachine> {
    const actor = this.actors.get(taskId)
    if (actor === undefined) throw new Error(`No task ${taskId} in this book`)
    return actor
  }

  private record(taskId: TaskId, seq: number, causedBy: PrincipalId, event: TaskEvent): void {
    // Every event goes through the protocol schema before it is kept: a bad event is a bug, caught here.
    const envelope = decodeEnvelope({ taskId, seq, position: this.journal.length + 1, at: Date.now(), causedBy, event })
    if (Result.isFailure(envelope)) throw envelope.failure
    this.journal.push(envelope.success)
    this.options.onEvent?.(envelope.success)
  }
}
