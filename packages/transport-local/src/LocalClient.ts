import {
  type CallOptions,
  type JsonValue,
  type Principal,
  type RuntimeClient,
  type SubscribeAllOptions,
  type SubscribeOptions,
  type TaskEventEnvelope,
  Unavailable
} from "@coderclaw/protocol"
import { Runtime, type RuntimeShape } from "@coderclaw/runtime"
import { Cause, Context, Effect, Exit, type ManagedRuntime, Stream } from "effect"

const runtimeClosed = () => new Unavailable({ reason: "the runtime is closed" })
const clientClosed = () => new Unavailable({ reason: "this client is closed" })

/**
 * Runs a runtime call at the Promise edge: resolves with its value, or rejects with the typed protocol
 * error it failed with (`TaskNotFound`, `InvalidTransition`, …), never a wrapper. A call cut short by its
 * own signal rejects with the signal's reason; one cut short by the runtime closing, with `Unavailable`.
 */
const settle = async <A, E>(
  managed: ManagedRuntime.ManagedRuntime<Runtime, unknown>,
  effect: Effect.Effect<A, E, Runtime>,
  options: CallOptions | undefined
): Promise<A> => {
  const signal = options?.signal
  if (signal?.aborted) throw signal.reason
  const exit = await managed
    .runPromiseExit(effect, signal === undefined ? undefined : { signal })
    .catch(() => Exit.die(runtimeClosed()))
  if (Exit.isSuccess(exit)) return exit.value
  if (Cause.hasInterruptsOnly(exit.cause)) throw signal?.aborted ? signal.reason : runtimeClosed()
  throw Cause.squash(exit.cause)
}

const useRuntime = <A, E>(use: (runtime: RuntimeShape) => Effect.Effect<A, E>) =>
  Effect.gen(function* () {
    return yield* use(yield* Runtime)
  })

/**
 * A `RuntimeClient` for a runtime in this process, acting as one principal. Every call goes through the
 * runtime's authorizer and visibility checks exactly as a remote call would; errors are the protocol's
 * typed errors. `close()` only closes this client: the runtime keeps running for its other clients.
 */
export const makeLocalClient = (
  managed: ManagedRuntime.ManagedRuntime<Runtime, unknown>,
  principal: Principal,
  /** Aborted when the runtime itself closes: calls and streams of every client then end with `Unavailable`. */
  runtimeClosing?: AbortSignal
): RuntimeClient => {
  const closing = new AbortController()
  const closedError = () => (closing.signal.aborted ? clientClosed() : runtimeClosed())
  const isClosed = () => closing.signal.aborted || runtimeClosing?.aborted === true
  const call = <A, E>(use: (runtime: RuntimeShape) => Effect.Effect<A, E>, options?: CallOptions): Promise<A> =>
    isClosed() ? Promise.reject(closedError()) : settle(managed, useRuntime(use), options)
  // Completes, failing with `Unavailable`, when this client or the runtime closes.
  const untilClosed = Effect.raceFirst(
    abortOf(closing.signal),
    runtimeClosing === undefined ? Effect.never : abortOf(runtimeClosing)
  ).pipe(Effect.andThen(Effect.fail(new Unavailable({ reason: "the client or its runtime closed" }))))

  const stream = (
    open: (runtime: RuntimeShape) => Stream.Stream<TaskEventEnvelope, unknown>,
    signal: AbortSignal | undefined
  ): AsyncIterable<TaskEventEnvelope> => ({
    [Symbol.asyncIterator]: () => {
      let inner: AsyncIterator<TaskEventEnvelope> | undefined
      const start = async () => {
        if (isClosed()) throw closedError()
        const context = await managed.context()
        const runtime = Context.get(context, Runtime)
        const cut = open(runtime).pipe(Stream.interruptWhen(untilClosed))
        const events = signal === undefined ? cut : cut.pipe(Stream.interruptWhen(abortOf(signal)))
        inner = Stream.toAsyncIterableWith(events, context)[Symbol.asyncIterator]()
        return inner
      }
      return {
        next: async () => (inner ?? (await start())).next(),
        return: async (value?: unknown) => {
          await inner?.return?.(value)
          return { done: true, value: undefined }
        }
      }
    }
  })

  return {
    submit: (request, options) => call((runtime) => runtime.submit(principal, request), options),
    get: (taskId, options) => call((runtime) => runtime.get(principal, taskId), options),
    list: (filter, page, options) => call((runtime) => runtime.list(principal, filter, page), options),
    cancel: (taskId, reason, options) => call((runtime) => runtime.cancel(principal, taskId, reason), options),
    provideInput: (taskId, input: JsonValue, options) =>
      call((runtime) => runtime.provideInput(principal, taskId, input), options),
    resolveApproval: (taskId, decision, options) =>
      call((runtime) => runtime.resolveApproval(principal, taskId, decision), options),
    subscribe: (taskId, options?: SubscribeOptions) =>
      stream((runtime) => runtime.subscribe(principal, taskId, options?.afterSeq ?? 0), options?.signal),
    subscribeAll: (filter, options?: SubscribeAllOptions) =>
      stream((runtime) => runtime.subscribeAll(principal, filter, options?.afterPosition), options?.signal),
    listAgents: (options) => call((runtime) => runtime.listAgents(principal), options),
    listSkills: (options) => call((runtime) => runtime.listSkills(principal), options),
    status: (options) => call((runtime) => runtime.status(principal), options),
    submitWorkflow: (definition, options) => call((runtime) => runtime.submitWorkflow(principal, definition), options),
    close: async () => {
      closing.abort()
    }
  }
}

/** An effect that completes when the signal aborts. */
const abortOf = (signal: AbortSignal): Effect.Effect<void> =>
  Effect.callback<void>((resume) => {
    if (signal.aborted) return resume(Effect.void)
    const onAbort = () => resume(Effect.void)
    signal.addEventListener("abort", onAbort, { once: true })
    return Effect.sync(() => signal.removeEventListener("abort", onAbort))
  })
