import { createServer, type RequestListener } from "node:http"
import type { AddressInfo } from "node:net"
import { type AgentCard, type Message, Role, type SendMessageRequest, type Task, TaskState } from "@a2a-js/sdk"
import { JsonRpcTransportFactory } from "@a2a-js/sdk/client"
import { DefaultRequestHandler, InMemoryTaskStore } from "@a2a-js/sdk/server"
import { jsonRpcHandler, UserBuilder } from "@a2a-js/sdk/server/express"
import { a2aGateway, httpRouter } from "@coderclaw/gateway"
import { type Principal, Unauthenticated } from "@coderclaw/protocol"
import { Authenticator, defineAgent, Runtime } from "@coderclaw/runtime"
import { Effect, Layer, ManagedRuntime } from "effect"
import express from "express"
import { concurrently } from "./concurrently.js"
import { timed } from "./driveRuntime.js"
import { agentCard, echoExecutor } from "./lifecycle.js"

const echo = defineAgent({ id: "echo", name: "echo", run: (input) => Effect.succeed(input) })
const me: Principal = { id: "local:bench", provider: "local", sessionId: "bench", roles: [], trust: "untrusted" }
const benchToken = "bench-token"

// The gateway authenticates every request; the benchmark's authenticator accepts one fixed token, so the
// figure is the gateway's and the runtime's cost, not a signature check's (measured in `authorization`).
const benchAuthenticator = Layer.succeed(
  Authenticator,
  Authenticator.of({
    authenticate: ({ credentials }) =>
      credentials.type === "token" && credentials.token === benchToken
        ? Effect.succeed({ principal: me })
        : Effect.fail(new Unauthenticated({ reason: "invalid_credentials" }))
  })
)

const listen = async (listener: RequestListener) => {
  const server = createServer(listener)
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve())
      server.closeAllConnections()
    })
  return { url, close }
}

const message = (i: number, agentId?: string): Message => ({
  messageId: `m${i}-${Math.random()}`,
  contextId: "",
  taskId: "",
  role: Role.ROLE_USER,
  parts: [{ content: { $case: "data", value: i }, metadata: undefined, filename: "", mediaType: "application/json" }],
  metadata: agentId === undefined ? undefined : { agentId },
  extensions: [],
  referenceTaskIds: []
})

/** `tasks` blocking `SendMessage` calls (submit → completed) through the SDK's JSON-RPC client, `inFlight` at once. */
const drive = async (url: string, card: AgentCard, agentId: string | undefined, options: A2aHttpOptions) => {
  const fetchImpl: typeof fetch = (input, init) => {
    const headers = new Headers(init?.headers)
    headers.set("authorization", `Bearer ${benchToken}`)
    headers.set("a2a-version", "1.0")
    return fetch(input, { ...init, headers })
  }
  const transport = await new JsonRpcTransportFactory({ fetchImpl }).create(url, card)
  let sent = 0
  const send = async () => {
    const request: SendMessageRequest = {
      tenant: "",
      message: message(sent++, agentId),
      configuration: undefined,
      metadata: undefined
    }
    const result = (await transport.sendMessage(request)) as Task
    if (result.status?.state !== TaskState.TASK_STATE_COMPLETED) throw new Error("the A2A task did not complete")
  }
  const run = (count: number) => concurrently(count, options.inFlight, send)
  await run(options.warmup)
  const { seconds } = await timed(() => run(options.tasks))
  return { tasksPerSecond: options.tasks / seconds }
}

/** How many tasks, how many of them outstanding at once, after how many warm-up tasks. */
export interface A2aHttpOptions {
  readonly tasks: number
  readonly warmup: number
  readonly inFlight: number
}

/** Our runtime (in-memory journal, trivial agent) behind the A2A gateway on loopback HTTP. */
export const measureA2aGateway = async (options: A2aHttpOptions) => {
  const runtime = ManagedRuntime.make(
    Layer.mergeAll(
      Runtime.layerInMemory({ agents: [echo], maxConcurrentTasks: 1_024, maxQueued: 100_000 }),
      benchAuthenticator
    )
  )
  let base = ""
  const router = httpRouter()
  const server = await listen(router.listener)
  base = server.url
  try {
    router.use(await a2aGateway({ runtime, baseUrl: () => base }))
    const card = (await (await fetch(`${base}/.well-known/agent-card.json`)).json()) as AgentCard
    return await drive(`${base}/a2a/jsonrpc`, card, "echo", options)
  } finally {
    await server.close()
    await runtime.dispose()
  }
}

/** The anchor: `@a2a-js/sdk`'s default server (`DefaultRequestHandler` + `InMemoryTaskStore`, Express JSON-RPC). */
export const measureA2aSdkServer = async (options: A2aHttpOptions) => {
  // The SDK's server checks the requested A2A version against the interfaces its card declares.
  const card = {
    ...agentCard,
    supportedInterfaces: [{ url: "http://127.0.0.1/", protocolBinding: "JSONRPC", tenant: "", protocolVersion: "1.0" }]
  } as AgentCard
  const handler = new DefaultRequestHandler(card, new InMemoryTaskStore(), echoExecutor)
  const app = express()
  app.use("/", jsonRpcHandler({ requestHandler: handler, userBuilder: UserBuilder.noAuthentication }))
  const server = await listen(app)
  try {
    return await drive(server.url, card, undefined, options)
  } finally {
    await server.close()
  }
}
