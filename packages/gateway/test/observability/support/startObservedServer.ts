import { createServer } from "node:http"
import { Authenticator, Authorizer, defineAgent, defineSkill, Runtime } from "@coderclaw/runtime"
import { Security, type SecurityConfig } from "@coderclaw/security"
import { SqliteJournal } from "@coderclaw/store-sqlite"
import { createWsClient, startWsServer, type WsClient } from "@coderclaw/transport-ws"
import type { SpanExporter } from "@opentelemetry/sdk-trace-base"
import { SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base"
import { Effect, Layer, ManagedRuntime } from "effect"
import { WebSocket } from "ws"
import { listenMetrics, makeObservability, type RouteHandler, tracingLayerWith } from "../../../src/index.js"

const securityConfig: SecurityConfig = {
  sessions: { issuer: "coderclaw-test", audience: "coderclaw", defaultTtlMs: 60 * 60_000 },
  providers: { local: {} }
}

/** Upper-cases its input: the skill the `shout` agent calls. */
const upper = defineSkill({
  id: "text.upper",
  name: "Upper-case",
  run: (input) => Effect.succeed(String(input).toUpperCase())
})

/** An agent that calls a skill, so a task has every seam: submit, dispatch, attempt, skill, appends. */
const shout = defineAgent({
  id: "shout",
  name: "Shouts its input",
  skills: ["text.upper"],
  run: (input, ctx) => ctx.callSkill("text.upper", input)
})

/** An agent that always fails for good, for the failed state and the `failed` attempt outcome. */
const refuse = defineAgent({
  id: "refuse",
  name: "Refuses",
  run: () => Effect.fail(new Error("no"))
})

let release: () => void = () => undefined
const held = new Promise<void>((resolve) => {
  release = resolve
})
/** Lets every `hold` task finish. */
export const releaseHeld = () => release()

/** An agent that runs until `releaseHeld()`: it keeps its slot, so later tasks stay queued. */
const hold = defineAgent({
  id: "hold",
  name: "Holds its slot",
  run: () =>
    Effect.as(
      Effect.promise(() => held),
      "released"
    )
})

export const password = "alice-password-123"

/**
 * A coderClaw server as `coderclaw serve` assembles it, on loopback: a SQLite journal at `filename`, local
 * accounts (user `alice`), the runtime, the WebSocket server on an `http.Server` whose plain requests go to
 * the probes, and `/metrics` on a listener of its own. With `spanExporter`, spans are recorded there.
 */
export const startObservedServer = async (
  filename: string,
  options: { readonly spanExporter?: SpanExporter; readonly maxConcurrentTasks?: number } = {}
) => {
  const { spanExporter } = options
  const security = Security.layerInMemory(securityConfig)
  const ports = Security.layerPorts({ Authorizer, Authenticator }).pipe(Layer.provideMerge(security))
  const tracing =
    spanExporter === undefined ? Layer.empty : tracingLayerWith(new SimpleSpanProcessor(spanExporter), "coderclaw-test")
  const layer = Runtime.layer({
    agents: [shout, refuse, hold],
    skills: [upper],
    mode: "remote-enabled",
    defaultMaxAttempts: 1,
    ...(options.maxConcurrentTasks === undefined ? {} : { maxConcurrentTasks: options.maxConcurrentTasks })
  }).pipe(Layer.provideMerge(Layer.merge(SqliteJournal.layer({ filename }), ports)), Layer.provideMerge(tracing))
  const runtime = ManagedRuntime.make(layer)
  await runtime.runPromise(
    Effect.gen(function* () {
      const service = yield* Security
      yield* service.users.createUser({ username: "alice", password, roles: ["developer"] })
    })
  )
  const observability = await runtime.runPromise(makeObservability())
  const routes: Array<RouteHandler> = [observability.probes]
  const http = createServer((request, response) => {
    if (!routes.some((route) => route(request, response))) response.writeHead(426).end()
  })
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve))
  const ws = await startWsServer({ runtime, server: http, host: "127.0.0.1" })
  const metrics = await listenMetrics(observability.metrics, 0)
  const address = http.address()
  const port = typeof address === "object" && address !== null ? address.port : 0
  const clients: Array<WsClient> = []
  return {
    runtime,
    httpUrl: `http://127.0.0.1:${port}`,
    wsUrl: ws.url,
    metricsUrl: metrics.url,
    /** A WebSocket client signed in as `alice` (with `secret` as her password). */
    client: (options: { secret?: string; traceparent?: string } = {}) => {
      const { traceparent } = options
      const client = createWsClient({
        url: ws.url,
        WebSocket: WebSocket as never,
        credentials: { type: "password", username: "alice", password: options.secret ?? password },
        reconnect: { maxAttempts: 1, giveUpAfterMs: 2_000 },
        ...(traceparent === undefined ? {} : { traceContext: () => ({ traceparent }) })
      })
      clients.push(client)
      return client
    },
    close: async () => {
      for (const client of clients) client.close()
      await metrics.close()
      await ws.close()
      await new Promise<void>((resolve) => {
        http.close(() => resolve())
        http.closeAllConnections()
      })
      await runtime.dispose()
    }
  }
}
