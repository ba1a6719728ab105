import type { Principal, TaskId } from "@coderclaw/protocol"
import { Authenticator, defineAgent, Runtime } from "@coderclaw/runtime"
import { startWsServer } from "@coderclaw/transport-ws"
import { createWsClient, type WsClient } from "@coderclaw/transport-ws/client"
import { startWorker } from "@coderclaw/worker"
import { Effect, Layer, ManagedRuntime } from "effect"
import { WebSocket } from "ws"

const echo = defineAgent({ id: "echo", name: "echo", run: (input) => Effect.succeed(input) })
const hang = defineAgent({ id: "hang", name: "hang", run: () => Effect.never })
const me: Principal = { id: "local:bench", provider: "local", sessionId: "bench", roles: [], trust: "untrusted" }

/** A server on loopback with `agents` in its process; clients authenticate as the bench principal. */
const startServer = async (agents: ReadonlyArray<ReturnType<typeof defineAgent>>) => {
  const runtime = ManagedRuntime.make(
    Layer.mergeAll(
      Runtime.layerInMemory({ agents: [...agents], maxConcurrentTasks: 1_024, maxQueued: 100_000 }),
      Authenticator.insecureDevelopment
    )
  )
  const server = await startWsServer({
    runtime,
    host: "127.0.0.1",
    port: 0,
    limits: { requestsPerSecond: 1_000_000, requestBurst: 1_000_000 }
  })
  const clients: Array<WsClient> = []
  const connect = () => {
    const client = createWsClient({ url: server.url, credentials: { type: "development", principal: me }, WebSocket })
    clients.push(client)
    return client
  }
  return {
    connect,
    close: async () => {
      await Promise.allSettled(clients.map((client) => client.close()))
      await server.close()
      await runtime.dispose()
    }
  }
}

/** Submits `tasks` echo tasks over one connection (`inFlight` at once) and waits for each to complete. */
const drive = async (client: WsClient, tasks: number, inFlight: number): Promise<number> => {
  const done = new Map<TaskId, () => void>()
  const finished = new Set<TaskId>()
  const stream = (async () => {
    for await (const envelope of client.subscribeAll({}, { afterPosition: 0 })) {
      if (envelope.event.type !== "status_changed" || envelope.event.to !== "completed") continue
      const resolve = done.get(envelope.taskId)
      if (resolve === undefined) finished.add(envelope.taskId)
      else resolve()
    }
  })().catch(() => undefined)
  const started = performance.now()
  let next = 0
  const lane = async () => {
    while (next < tasks) {
      const i = next++
      const task = await client.submit({ agentId: "echo", description: "bench", input: i })
      if (!finished.delete(task.id)) await new Promise<void>((resolve) => done.set(task.id, resolve))
    }
  }
  await Promise.all(Array.from({ length: inFlight }, lane))
  const seconds = (performance.now() - started) / 1000
  void stream
  return tasks / seconds
}

/**
 * Dispatch throughput of a trivial agent hosted by one worker (its own connection, concurrency `inFlight`)
 * against the same agent in the server's process, both driven over one caller connection.
 */
export const measureWorkerThroughput = async (options: { readonly tasks: number; readonly inFlight: number }) => {
  const local = await startServer([echo])
  let inProcess: number
  try {
    const caller = local.connect()
    await drive(caller, 200, options.inFlight)
    inProcess = await drive(caller, options.tasks, options.inFlight)
  } finally {
    await local.close()
  }
  const remote = await startServer([])
  try {
    const worker = await startWorker({ client: remote.connect(), agents: [echo], concurrency: options.inFlight })
    const caller = remote.connect()
    await drive(caller, 200, options.inFlight)
    const onWorker = await drive(caller, options.tasks, options.inFlight)
    worker.stop()
    return { inProcess, onWorker }
  } finally {
    await remote.close()
  }
}

/**
 * Failover: an attempt runs on one of two workers, then that worker goes away; the time until the other is
 * handed the attempt (as attempt 2). `closed`: its connection closes (a killed process). `silent`: it stops
 * heartbeating with its connection open (a frozen machine, a lost network), so only the lease expiry tells.
 */
export const measureFailover = async (how: "closed" | "silent"): Promise<number> => {
  const mesh = await startServer([])
  try {
    const dispatchedAt = new Map<string, number>()
    const start = async (name: string) => {
      const client = mesh.connect()
      const worker = await startWorker({
        client,
        agents: [hang],
        concurrency: 1,
        name,
        onEvent: (event) => {
          if (event.type === "dispatched" && event.attempt === 2) dispatchedAt.set(name, performance.now())
        }
      })
      return { client, worker }
    }
    const first = await start("first")
    const caller = mesh.connect()
    const task = await caller.submit({ agentId: "hang", description: "failover", input: 1 })
    while ((await caller.get(task.id)).status !== "running") await new Promise((resolve) => setTimeout(resolve, 5))
    const second = await start("second")
    const goneAt = performance.now()
    if (how === "closed") await first.client.close()
    else first.worker.stop()
    while (!dispatchedAt.has("second")) await new Promise((resolve) => setTimeout(resolve, 5))
    second.worker.stop()
    return (dispatchedAt.get("second") as number) - goneAt
  } finally {
    await mesh.close()
  }
}
