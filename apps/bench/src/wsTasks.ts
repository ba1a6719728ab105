import type { Principal, TaskId } from "@coderclaw/protocol"
import { Authenticator, defineAgent, Runtime } from "@coderclaw/runtime"
import { startWsServer } from "@coderclaw/transport-ws"
import { createWsClient } from "@coderclaw/transport-ws/client"
import { Effect, Layer, ManagedRuntime } from "effect"
import { WebSocket } from "ws"
import { latencySummary, sleepUntil } from "./statistics.js"

const echo = defineAgent({ id: "echo", name: "echo", run: (input) => Effect.succeed(input) })
const me: Principal = { id: "local:bench", provider: "local", sessionId: "bench", roles: [], trust: "untrusted" }

/** A runtime (in-memory journal, trivial agent) behind a WebSocket server, and one client connection. */
const startMesh = async () => {
  const layer = Layer.mergeAll(
    Runtime.layerInMemory({ agents: [echo], maxConcurrentTasks: 1_024, maxQueued: 100_000 }),
    Authenticator.insecureDevelopment
  )
  const runtime = ManagedRuntime.make(layer)
  const server = await startWsServer({
    runtime,
    host: "127.0.0.1",
    port: 0,
    // The benchmark measures the transport, not the per-connection rate limit.
    limits: { requestsPerSecond: 1_000_000, requestBurst: 1_000_000 }
  })
  const client = createWsClient({ url: server.url, credentials: { type: "development", principal: me }, WebSocket })
  // Completion times, read from one all-tasks stream over the same connection; each is forgotten once
  // read, so the benchmark itself holds no memory per task.
  const completed = new Map<TaskId, number>()
  const waiters = new Map<TaskId, (at: number) => void>()
  const stream = (async () => {
    for await (const envelope of client.subscribeAll({}, { afterPosition: 0 })) {
      if (envelope.event.type === "status_changed" && envelope.event.to === "completed") {
        const at = performance.now()
        const waiter = waiters.get(envelope.taskId)
        if (waiter === undefined) completed.set(envelope.taskId, at)
        else {
          waiters.delete(envelope.taskId)
          waiter(at)
        }
      }
    }
  })().catch(() => undefined)
  /** Resolves with the time the task was seen completing. */
  const whenCompleted = (taskId: TaskId): Promise<number> => {
    const at = completed.get(taskId)
    if (at !== undefined) {
      completed.delete(taskId)
      return Promise.resolve(at)
    }
    return new Promise((resolve) => waiters.set(taskId, resolve))
  }
  return {
    client,
    whenCompleted,
    close: async () => {
      await client.close()
      await stream
      await server.close()
      await runtime.dispose()
    }
  }
}

/** Tasks per second, submit to completed, over one connection with `inFlight` submits outstanding. */
export const measureWsThroughput = async (options: { readonly tasks: number; readonly inFlight: number }) => {
  const mesh = await startMesh()
  try {
    // Warm up the JIT and the connection.
    await Promise.all(
      Array.from({ length: 200 }, async (_, i) =>
        mesh.whenCompleted((await mesh.client.submit({ agentId: "echo", description: "warm", input: i })).id)
      )
    )
    const started = performance.now()
    let next = 0
    const worker = async () => {
      while (next < options.tasks) {
        const i = next++
        const task = await mesh.client.submit({ agentId: "echo", description: "bench", input: i })
        await mesh.whenCompleted(task.id)
      }
    }
    await Promise.all(Array.from({ length: options.inFlight }, worker))
    const seconds = (performance.now() - started) / 1000
    return { tasksPerSecond: options.tasks / seconds }
  } finally {
    await mesh.close()
  }
}

/** Submit → completed latency when tasks arrive at a fixed rate, over one connection. */
export const measureWsLatency = async (options: {
  readonly ratePerSecond: number
  readonly seconds: number
  /** Seconds at the same rate before measuring, so start-up (compilation, heap growth) is not measured. */
  readonly warmupSeconds: number
}) => {
  const mesh = await startMesh()
  try {
    const warmup = Math.round(options.ratePerSecond * options.warmupSeconds)
    const total = warmup + Math.round(options.ratePerSecond * options.seconds)
    const interval = 1000 / options.ratePerSecond
    const latencies: Array<number> = []
    const pending: Array<Promise<void>> = []
    const start = performance.now() + 50
    for (let i = 0; i < total; i++) {
      const due = start + i * interval
      if (due - performance.now() > 1) await sleepUntil(due)
      const sent = performance.now()
      pending.push(
        mesh.client
          .submit({ agentId: "echo", description: "latency", input: i })
          .then((task) => mesh.whenCompleted(task.id))
          .then((completedAt) => {
            if (i >= warmup) latencies.push(completedAt - sent)
          })
      )
    }
    await Promise.all(pending)
    return latencySummary(latencies)
  } finally {
    await mesh.close()
  }
}
