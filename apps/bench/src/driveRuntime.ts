import type { Principal, TaskId } from "@coderclaw/protocol"
import {
  type AgentDefinition,
  Authorizer,
  defineAgent,
  type Journal,
  Runtime,
  type RuntimeOptions
} from "@coderclaw/runtime"
import { Effect, Fiber, Layer, ManagedRuntime, Stream } from "effect"

/** The caller every benchmark submits as. */
export const benchPrincipal: Principal = {
  id: "local:bench",
  provider: "local",
  sessionId: "bench",
  roles: [],
  trust: "untrusted"
}

/** The trivial agent: completes at once with its input. */
export const echoAgent = defineAgent({ id: "echo", name: "echo", run: (input) => Effect.succeed(input) })

/**
 * A runtime driven with Promises, as a plain caller would: `submit`, then wait for the task's completion,
 * read from one all-tasks stream (the cheapest way for a caller to learn that many tasks ended).
 */
export const startRuntime = async (
  journal: Layer.Layer<Journal, unknown>,
  options: Partial<RuntimeOptions> & {
    readonly agents?: ReadonlyArray<AgentDefinition>
    /** Follow completions on an all-tasks stream (default); without it, `runTasks` cannot be used. */
    readonly watch?: boolean
  } = {}
) => {
  const { watch = true, ...runtimeOptions } = options
  const layer = Runtime.layer({
    agents: [echoAgent],
    maxConcurrentTasks: 1_024,
    maxQueued: 1_000_000,
    ...runtimeOptions
  }).pipe(Layer.provideMerge(Layer.merge(journal, Authorizer.permissive)))
  const managed = ManagedRuntime.make(layer)
  const runtime = await managed.runPromise(
    Effect.gen(function* () {
      return yield* Runtime
    })
  )
  const ended = new Set<TaskId>()
  const waiters = new Map<TaskId, () => void>()
  const events = watch ? runtime.subscribeAll(benchPrincipal, {}, undefined) : Stream.empty
  const stream = managed.runFork(
    Stream.runForEach(events, (envelope) =>
      Effect.sync(() => {
        const event = envelope.event
        if (event.type !== "status_changed" || (event.to !== "completed" && event.to !== "failed")) return
        const waiter = waiters.get(envelope.taskId)
        if (waiter === undefined) ended.add(envelope.taskId)
        else {
          waiters.delete(envelope.taskId)
          waiter()
        }
      })
    )
  )
  // Let the stream subscribe before anything is submitted.
  await new Promise((resolve) => setTimeout(resolve, 5))
  const whenEnded = (taskId: TaskId): Promise<void> => {
    if (ended.delete(taskId)) return Promise.resolve()
    return new Promise((resolve) => waiters.set(taskId, resolve))
  }
  /** Submits `count` echo tasks with `inFlight` outstanding and waits for all of them to complete. */
  const runTasks = async (count: number, inFlight = 256): Promise<void> => {
    let next = 0
    const worker = async () => {
      while (next < count) {
        const input = next++
        const task = await managed.runPromise(
          runtime.submit(benchPrincipal, { agentId: "echo", description: "bench", input })
        )
        await whenEnded(task.id)
      }
    }
    await Promise.all(Array.from({ length: Math.min(inFlight, count) }, worker))
  }
  return {
    managed,
    runtime,
    runTasks,
    close: async () => {
      await managed.runPromise(Fiber.interrupt(stream))
      await managed.dispose()
    }
  }
}

/** Runs `run` and returns the elapsed seconds and the process CPU time it used, in microseconds. */
export const timed = async (run: () => Promise<void>) => {
  const cpu = process.cpuUsage()
  const started = performance.now()
  await run()
  const seconds = (performance.now() - started) / 1000
  const used = process.cpuUsage(cpu)
  return { seconds, cpuMicros: used.user + used.system }
}
