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
  // Completion times, read from one all-tasks stream over the same connection.
  const completed = new Map<TaskId, number>()
  const waiters = new Map<TaskId, () => void>()
  const stream = (async () => {
    for await (const envelope of client.subscribeAll({}, { afterPosition: 0 })) {
      if (envelope.event.type === "status_changed" && envelope.event.to === "completed") {
        completed.set(envelope.taskId, performance.now())
        waiters.get(envelope.taskId)?.()
      }
    }
  })().catch(() => undefined)
  const whenCompleted = (taskId: TaskId) =>
    completed.has(taskId)
      ? Promise.resolve()
      : new Promise<void>((resolve) => {
          waiters.set(taskId, resolve)
        })
  return {
    client,
    completed,
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
export const measureWsLatency = async (options: { readonly ratePerSecond: number; readonly seconds: number }) => {
  const mesh = await startMesh()
  try {
    const total = Math.round(options.ratePerSecond * options.seconds)
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
          .then((task) => mesh.whenCompleted(task.id).then(() => task.id))
          .then((taskId) => {
            latencies.push((mesh.completed.get(taskId) ?? performance.now()) - sent)
          })
      )
    }
    await Promise.all(pending)
    return latencySummary(latencies)
  } finally {
    await mesh.close()
  }
}
