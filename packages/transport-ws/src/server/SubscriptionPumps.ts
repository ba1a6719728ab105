import {
  type JsonRpcId,
  makeDecoder,
  Overloaded,
  type Principal,
  type RuntimeError,
  type TaskEventEnvelope,
  TaskFilter,
  toErrorInfo
} from "@coderclaw/protocol"
import type { Authenticator, Runtime, RuntimeShape } from "@coderclaw/runtime"
import { Cause, Effect, type Fiber, Result, Stream } from "effect"
import { errorOf } from "./errorOf.js"
import { failureFrame, notificationFrame, successFrame } from "./frames.js"

const decodeFilter = makeDecoder(TaskFilter, "task filter")

/** What the pumps need from their connection. */
export interface SubscriptionHost {
  readonly runFork: <A, E>(effect: Effect.Effect<A, E, Runtime | Authenticator>) => Fiber.Fiber<A, E>
  readonly runtime: RuntimeShape
  readonly maxSubscriptions: number
  /** Sends a frame on the connection. */
  send(frame: string): void
  /** Answers request `id` (its id then joins the connection's recent window). */
  answer(id: JsonRpcId, frame: string): void
  /** The connection's current session check, run before each delivery. */
  sessionCheck(): Effect.Effect<void, RuntimeError>
  /** The session ended (revoked, expired): the connection closes. */
  sessionEnded(error: RuntimeError): void
}

/** The params of `task.subscribe` and `task.subscribeAll`, decoded by the request pipeline. */
export interface SubscribeParams {
  readonly taskId: string
  readonly afterSeq?: number
  readonly filter?: unknown
  readonly afterPosition?: number
}

interface Pump {
  fiber: Fiber.Fiber<void> | undefined
  /** Whether the client was told the subscription id (only then can a `task.end` name it). */
  answered: boolean
}

/**
 * One connection's subscriptions: each a fiber pumping a runtime stream into `task.event` notifications
 * until the stream ends (`task.end`), fails (`task.end` with the error), is unsubscribed or the
 * connection goes. A subscription is live while it is in the map: nothing is sent for one removed from it.
 */
export class SubscriptionPumps {
  private readonly pumps = new Map<string, Pump>()
  private nextId = 0

  constructor(private readonly host: SubscriptionHost) {}

  /** `task.subscribe` / `task.subscribeAll`: answers `{ subscriptionId }`, then pumps the stream's events. */
  subscribe(
    id: JsonRpcId,
    method: "task.subscribe" | "task.subscribeAll",
    params: SubscribeParams,
    principal: Principal,
    gate: Effect.Effect<void, RuntimeError>
  ): void {
    const { host } = this
    const limit = host.maxSubscriptions
    if (this.pumps.size >= limit) {
      host.answer(id, failureFrame(id, new Overloaded({ queued: this.pumps.size, limit })))
      return
    }
    const runtime = host.runtime
    const subscriptionId = `s${++this.nextId}`
    // Checked before answering, so a bad id or filter fails the request itself, not the stream later.
    const open =
      method === "task.subscribe"
        ? runtime
            .get(principal, params.taskId)
            .pipe(Effect.as(runtime.subscribe(principal, params.taskId, params.afterSeq ?? 0)))
        : Effect.gen(function* () {
            const filter = decodeFilter(params.filter ?? {})
            if (Result.isFailure(filter)) return yield* Effect.fail(filter.failure)
            return runtime.subscribeAll(principal, params.filter, params.afterPosition)
          })
    const pump: Pump = { fiber: undefined, answered: false }
    this.pumps.set(subscriptionId, pump)
    const live = () => this.pumps.get(subscriptionId) === pump
    const deliver = (stream: Stream.Stream<TaskEventEnvelope, RuntimeError>) =>
      stream.pipe(
        // Each delivery re-checks the session first: once it is revoked, no further event leaves.
        Stream.runForEachArray((events) =>
          Effect.andThen(
            host.sessionCheck(),
            Effect.sync(() => {
              if (!live()) return
              for (const envelope of events) host.send(notificationFrame("task.event", { subscriptionId, ...envelope }))
            })
          )
        ),
        Effect.matchCause({
          onSuccess: () => {
            if (live()) host.send(notificationFrame("task.end", { subscriptionId }))
          },
          onFailure: (cause) => {
            if (Cause.hasInterruptsOnly(cause) || !live()) return
            const error = errorOf(cause)
            host.send(notificationFrame("task.end", { subscriptionId, error: toErrorInfo(error) }))
            if (error._tag === "Unauthenticated") host.sessionEnded(error)
          }
        })
      )
    const run = Effect.andThen(gate, open).pipe(
      Effect.matchCauseEffect({
        onFailure: (cause) => Effect.sync(() => host.answer(id, failureFrame(id, errorOf(cause)))),
        onSuccess: (stream) =>
          Effect.andThen(
            // The answer goes out before the first event, so the client knows the id its events carry.
            Effect.sync(() => {
              pump.answered = true
              host.answer(id, successFrame(id, { subscriptionId }))
            }),
            deliver(stream)
          )
      }),
      Effect.ensuring(
        Effect.sync(() => {
          if (live()) this.pumps.delete(subscriptionId)
        })
      )
    )
    const fiber = host.runFork(run)
    if (live()) pump.fiber = fiber
  }

  /** `task.unsubscribe`: stops the pump; `unsubscribed` says whether there was one to stop. */
  unsubscribe(id: JsonRpcId, params: { readonly subscriptionId: string }): void {
    const pump = this.pumps.get(params.subscriptionId)
    this.pumps.delete(params.subscriptionId)
    pump?.fiber?.interruptUnsafe()
    this.host.answer(id, successFrame(id, { unsubscribed: pump !== undefined }))
  }

  /**
   * Ends every answered subscription with `task.end` carrying `error` (the server is going away) and stops
   * its pump, so no event follows the end. Subscriptions not yet answered are left to `interruptAll`.
   */
  endAll(error: RuntimeError): void {
    const info = toErrorInfo(error)
    for (const [subscriptionId, pump] of [...this.pumps]) {
      if (!pump.answered) continue
      this.pumps.delete(subscriptionId)
      pump.fiber?.interruptUnsafe()
      this.host.send(notificationFrame("task.end", { subscriptionId, error: info }))
    }
  }

  /** Stops every pump without a word (the connection is gone). */
  interruptAll(): void {
    const pumps = [...this.pumps.values()]
    this.pumps.clear()
    for (const pump of pumps) pump.fiber?.interruptUnsafe()
  }
}
