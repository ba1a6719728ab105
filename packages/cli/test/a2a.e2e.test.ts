import { randomUUID } from "node:crypto"
import { type AgentCard, type Message, type Part, Role, type StreamResponse, type Task, TaskState } from "@a2a-js/sdk"
import {
  type Client,
  ClientFactory,
  DefaultAgentCardResolver,
  JsonRpcTransportFactory,
  RestTransportFactory
} from "@a2a-js/sdk/client"
import { createWsClient } from "@coderclaw/transport-ws/client"
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import WebSocket from "ws"
import type { CoderclawServer } from "../src/server/startServer.js"
import { password, removeDir, startTestServer, tempDir } from "./support/harness.js"

let dir: string
let server: CoderclawServer
let developer: string
let reader: string

const login = async (username: string) =>
  (await Effect.runPromise(server.security.loginWithPassword(username, password))).token

beforeAll(async () => {
  dir = await tempDir("a2a")
  server = await startTestServer(dir)
  await Effect.runPromise(server.security.users.createUser({ username: "dev", password, roles: ["developer"] }))
  await Effect.runPromise(server.security.users.createUser({ username: "reader", password, roles: ["readonly"] }))
  developer = await login("dev")
  reader = await login("reader")
})

afterAll(async () => {
  await server?.close()
  await removeDir(dir)
})

/** `fetch` with `Authorization: Bearer <token>` on every request. */
const bearerFetch =
  (token: string): typeof fetch =>
  (input, init) => {
    const headers = new Headers(init?.headers)
    headers.set("authorization", `Bearer ${token}`)
    return fetch(input, { ...init, headers })
  }

/** The SDK's own client for one binding, discovering the server from its agent card. */
const clientFor = (token: string, binding: "JSONRPC" | "HTTP+JSON"): Promise<Client> => {
  const fetchImpl = bearerFetch(token)
  return new ClientFactory({
    transports: [new JsonRpcTransportFactory({ fetchImpl }), new RestTransportFactory({ fetchImpl })],
    preferredTransports: [binding],
    cardResolver: new DefaultAgentCardResolver({ fetchImpl })
  }).createFromUrl(server.httpUrl)
}

const data = (value: unknown): Part => ({
  content: { $case: "data", value },
  metadata: undefined,
  filename: "",
  mediaType: ""
})
const text = (value: string): Part => ({
  content: { $case: "text", value },
  metadata: undefined,
  filename: "",
  mediaType: ""
})

const message = (parts: Array<Part>, options: { agentId?: string; taskId?: string } = {}): Message => ({
  messageId: randomUUID(),
  contextId: "",
  taskId: options.taskId ?? "",
  role: Role.ROLE_USER,
  parts,
  metadata: options.agentId === undefined ? undefined : { agentId: options.agentId },
  extensions: [],
  referenceTaskIds: []
})

const send = (
  parts: Array<Part>,
  options: { agentId?: string; taskId?: string; returnImmediately?: boolean } = {}
) => ({
  tenant: "",
  message: message(parts, options),
  configuration:
    options.returnImmediately === true
      ? { acceptedOutputModes: [], taskPushNotificationConfig: undefined, returnImmediately: true }
      : undefined,
  metadata: undefined
})

const asTask = (result: unknown): Task => {
  expect(result).toHaveProperty("status")
  return result as Task
}

const stateOf = (event: StreamResponse): TaskState | undefined => {
  const payload = event.payload
  if (payload?.$case === "task") return payload.value.status?.state
  if (payload?.$case === "statusUpdate") return payload.value.status?.state
  return undefined
}

const resultOf = (task: Task): unknown => {
  const part = task.artifacts.find((artifact) => artifact.artifactId === "result")?.parts[0]
  return part?.content?.$case === "data" ? part.content.value : part?.content?.value
}

describe("the agent card", () => {
  it("is served without a token, from the live registry, with interfaces, input schemas and security schemes", async () => {
    const response = await fetch(`${server.httpUrl}/.well-known/agent-card.json`)
    expect(response.status).toBe(200)
    const card = (await response.json()) as Record<string, unknown> & { skills: Array<{ id: string }> }
    expect(card.skills.map((skill) => skill.id)).toEqual(expect.arrayContaining(["echo", "ask", "greet", "idle"]))
    expect(card.supportedInterfaces).toEqual([
      expect.objectContaining({
        url: `${server.httpUrl}/a2a/jsonrpc`,
        protocolBinding: "JSONRPC",
        protocolVersion: "1.0"
      }),
      expect.objectContaining({
        url: `${server.httpUrl}/a2a/rest`,
        protocolBinding: "HTTP+JSON",
        protocolVersion: "1.0"
      })
    ])
    expect(JSON.stringify(card.securitySchemes)).toContain("Bearer")
    const extensions = (
      card.capabilities as { extensions: Array<{ params: { skills: Record<string, { schema: unknown }> } }> }
    ).extensions
    expect(extensions[0]?.params.skills.greet?.schema).toMatchObject({ type: "object", required: ["name"] })
  })

  it("is what the SDK's resolver reads", async () => {
    const card: AgentCard = await new DefaultAgentCardResolver().resolve(server.httpUrl)
    expect(card.skills.some((skill) => skill.id === "echo")).toBe(true)
  })
})

describe("refusals", () => {
  const post = (path: string, headers: Record<string, string>) =>
    fetch(`${server.httpUrl}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ListTasks", params: {} })
    })

  it("refuses a request without a token with 401, a JSON error and WWW-Authenticate, and audits it", async () => {
    const response = await post("/a2a/jsonrpc", {})
    expect(response.status).toBe(401)
    expect(response.headers.get("www-authenticate")).toMatch(/^Bearer/)
    expect(await response.json()).toEqual({
      error: { code: "UNAUTHENTICATED", message: expect.any(String), reason: "missing_credentials" }
    })
    const audit = await Effect.runPromise(
      server.security.audit.query(
        { principalId: "system:test", permissions: new Set(["audit:read"]) },
        { action: "auth.connect", decision: "failure", limit: 1_000 }
      )
    )
    expect(audit.items.length).toBeGreaterThan(0)
  })

  it("refuses a bad token with 401 on both bindings", async () => {
    for (const path of ["/a2a/jsonrpc", "/a2a/rest/tasks"]) {
      const response = await post(path, { authorization: "Bearer not-a-token" })
      expect(response.status).toBe(401)
      expect(((await response.json()) as { error: { reason: string } }).error.reason).toBe("invalid_credentials")
    }
  })

  it("refuses a call the caller's role does not allow with 403, through the method gate", async () => {
    const client = await clientFor(reader, "JSONRPC")
    await expect(client.sendMessage(send([data({})], { agentId: "echo" }))).rejects.toThrow(/403|Forbidden/)
    const response = await fetch(`${server.httpUrl}/a2a/rest/message:send`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${reader}` },
      body: JSON.stringify({ message: { messageId: randomUUID(), role: "ROLE_USER", parts: [{ text: "hi" }] } })
    })
    expect(response.status).toBe(403)
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe("FORBIDDEN")
  })

  it("ends an open stream once its session is revoked, and refuses the token after", async () => {
    const login = await Effect.runPromise(server.security.loginWithPassword("dev", password))
    const client = await clientFor(login.token, "JSONRPC")
    const stream = client.sendMessageStream(send([text("wait")], { agentId: "idle" }))
    const first = await stream.next()
    expect(first.value?.payload?.$case).toBe("task")
    await Effect.runPromise(server.security.sessions.revoke(login.session.id))
    // The stream ends (the server closes it): reading on finishes, by an error or by the end.
    const ended = async (): Promise<boolean> => {
      try {
        while (!(await stream.next()).done) {
          // progress updates of the idle task may come first
        }
        return true
      } catch {
        return true
      }
    }
    expect(await ended()).toBe(true)
    const refused = await fetch(`${server.httpUrl}/a2a/rest/tasks`, {
      headers: { authorization: `Bearer ${login.token}` }
    })
    expect(refused.status).toBe(401)
    const taskId = first.value?.payload?.$case === "task" ? first.value.payload.value.id : ""
    await (await clientFor(developer, "JSONRPC")).cancelTask({ tenant: "", id: taskId, metadata: undefined })
  })

  it("answers paths no route serves with a JSON 404", async () => {
    const response = await fetch(`${server.httpUrl}/nowhere`)
    expect(response.status).toBe(404)
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe("INVALID_REQUEST")
  })
})

describe.each(["JSONRPC", "HTTP+JSON"] as const)("A2A over %s with the SDK's client", (binding) => {
  let client: Client
  beforeAll(async () => {
    client = await clientFor(developer, binding)
  })

  it("sends a message and gets the completed task, whose record is ours (visible over WebSocket)", async () => {
    const task = asTask(await client.sendMessage(send([data({ n: 1 })], { agentId: "echo" })))
    expect(task.status?.state).toBe(TaskState.TASK_STATE_COMPLETED)
    expect(resultOf(task)).toEqual({ echoed: { n: 1 } })
    const ws = await createWsClient({ url: server.url, credentials: { type: "token", token: developer }, WebSocket })
    try {
      const record = await ws.get(task.id)
      expect(record).toMatchObject({ status: "completed", agentId: "echo", result: { echoed: { n: 1 } } })
    } finally {
      await ws.close()
    }
  })

  it("streams a task from submitted to completed", async () => {
    const events: Array<StreamResponse> = []
    for await (const event of client.sendMessageStream(send([data({ n: 2 })], { agentId: "echo" }))) events.push(event)
    expect(events[0]?.payload?.$case).toBe("task")
    expect(events.some((event) => event.payload?.$case === "artifactUpdate")).toBe(true)
    expect(stateOf(events.at(-1) as StreamResponse)).toBe(TaskState.TASK_STATE_COMPLETED)
  })

  it("resubscribes after a dropped stream, then sees the cancellation end it; get and list agree", async () => {
    let taskId = ""
    for await (const event of client.sendMessageStream(send([text("wait")], { agentId: "idle" }))) {
      if (event.payload?.$case === "task") taskId = event.payload.value.id
      break // the connection drops
    }
    expect(taskId).not.toBe("")
    const resumed = client.resubscribeTask({ tenant: "", id: taskId })
    const first = await resumed.next()
    expect(first.value?.payload?.$case).toBe("task")
    const canceled = await client.cancelTask({ tenant: "", id: taskId, metadata: { reason: "enough" } })
    expect(canceled.status?.state).toBe(TaskState.TASK_STATE_CANCELED)
    const rest: Array<StreamResponse> = []
    for await (const event of { [Symbol.asyncIterator]: () => resumed }) rest.push(event)
    expect(stateOf(rest.at(-1) as StreamResponse)).toBe(TaskState.TASK_STATE_CANCELED)

    const got = await client.getTask({ tenant: "", id: taskId })
    expect(got.status?.state).toBe(TaskState.TASK_STATE_CANCELED)
    await expect(client.cancelTask({ tenant: "", id: taskId, metadata: undefined })).rejects.toThrow()
    const listed = await client.listTasks({
      tenant: "",
      contextId: "",
      status: TaskState.TASK_STATE_CANCELED,
      pageToken: "",
      statusTimestampAfter: undefined
    })
    expect(listed.tasks.map((task) => task.id)).toContain(taskId)
    expect(listed.tasks.every((task) => task.status?.state === TaskState.TASK_STATE_CANCELED)).toBe(true)
  })

  it("round-trips input-required: the answer resumes the task", async () => {
    const asked = asTask(await client.sendMessage(send([text("question please")], { agentId: "ask" })))
    expect(asked.status?.state).toBe(TaskState.TASK_STATE_INPUT_REQUIRED)
    const question = asked.status?.message?.parts[0]?.content
    expect(question).toEqual({ $case: "text", value: "What is the answer?" })
    const answered = asTask(await client.sendMessage(send([text("42")], { taskId: asked.id })))
    expect(answered.status?.state).toBe(TaskState.TASK_STATE_COMPLETED)
    expect(resultOf(answered)).toEqual({ answer: "42" })
    await expect(client.sendMessage(send([text("again")], { taskId: asked.id }))).rejects.toThrow()
  })

  it("refuses a task it cannot see as not found, and a message naming no agent as malformed", async () => {
    await expect(client.getTask({ tenant: "", id: randomUUID() })).rejects.toThrow()
    await expect(client.sendMessage(send([text("to whom?")]))).rejects.toThrow(/agentId/)
  })
})
