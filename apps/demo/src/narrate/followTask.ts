import type { RuntimeClient, TaskEventEnvelope, TaskRecord, TaskStatus } from "@coderclaw/protocol"
import { Effect, Stream } from "effect"
import { DemoError } from "../DemoError.js"
import { call, describeFailure } from "../mesh/clientCall.js"
import { labelWidth, type Narrator, type TaskBar } from "./Narrator.js"

/** A task followed to its end: its final record and the statuses its events walked through. */
export interface FollowedTask {
  readonly record: TaskRecord
  readonly path: ReadonlyArray<TaskStatus>
}

/** How to follow a task. */
export interface FollowOptions {
  /** The name in the narrative's lines. */
  readonly label: string
  /** Where its progress goes; none for tasks whose progress does not matter. */
  readonly bar?: TaskBar
  /** Reacts to each event as it arrives (answers a question, approves, captures an output…). */
  readonly onEvent?: (envelope: TaskEventEnvelope) => Effect.Effect<void, DemoError>
}

const transitionLine = (label: string, event: Extract<TaskEventEnvelope["event"], { type: "status_changed" }>) => {
  const why =
    event.waitingFor !== undefined
      ? ` (for ${event.waitingFor})`
      : event.error !== undefined
        ? ` (${event.error.code}: ${event.error.message})`
        : event.reason !== undefined
          ? ` (${event.reason})`
          : ""
  return `${label.padEnd(labelWidth)} ${event.from} → ${event.to}${why}`
}

/**
 * Follows one task through its own event stream (`subscribe`: the stored history, then live, no gap),
 * printing one line per lifecycle transition, feeding its progress to `bar`, and handing every event to
 * `onEvent`. Ends with the task's final record once its stream ends (after its final event).
 */
export const followTask = (
  step: string,
  narrator: Narrator,
  client: RuntimeClient,
  taskId: string,
  options: FollowOptions
): Effect.Effect<FollowedTask, DemoError> =>
  Effect.gen(function* () {
    const path: Array<TaskStatus> = ["pending"]
    yield* Stream.fromAsyncIterable(
      client.subscribe(taskId),
      (error) =>
        new DemoError({
          step,
          reason: "CallFailed",
          detail: `the event stream of ${options.label} failed: ${describeFailure(error)}`
        })
    ).pipe(
      Stream.runForEach((envelope) =>
        Effect.gen(function* () {
          const event = envelope.event
          if (event.type === "status_changed") {
            path.push(event.to)
            yield* narrator.line(transitionLine(options.label, event))
            if (event.to === "completed" || event.to === "failed" || event.to === "cancelled") {
              if (event.to === "completed") options.bar?.update(100, "done")
              options.bar?.finish(event.to)
            }
          } else if (event.type === "progress") {
            options.bar?.update(event.percent, event.message)
          }
          if (options.onEvent !== undefined) yield* options.onEvent(envelope)
        })
      )
    )
    const record = yield* call(step, `reading ${options.label}`, (signal) => client.get(taskId, { signal }))
    return { record, path }
  })
