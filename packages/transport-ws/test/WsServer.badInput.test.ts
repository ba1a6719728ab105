import { errorCodes, jsonRpcErrorCodes, PROTOCOL_VERSION } from "@coderclaw/protocol"
import { alice, conformanceAgents } from "@coderclaw/transport-conformance"
import { afterEach, describe, expect, it } from "vitest"
import type { ConnectionClosed, WsServerOptions } from "../src/index.js"
import { type Loopback, startLoopback } from "./support/loopback.js"
import { type Frame, RawSocket } from "./support/rawSocket.js"

const open: Array<Loopback> = []
const sockets: Array<RawSocket> = []
afterEach(async () => {
  for (const raw of sockets.splice(0)) raw.socket.terminate()
  await Promise.all(open.splice(0).map((loopback) => loopback.close()))
})

const start = async (serverOptions: WsServerOptions = {}) => {
  const loopback = await startLoopback({ agents: conformanceAgents, maxConcurrentTasks: 64 }, serverOptions)
  open.push(loopback)
  return loopback
}

const connect = async (loopback: Loopback) => {
  const raw = await RawSocket.connect(loopback.url, loopback.tokenFor(alice))
  sockets.push(raw)
  return raw
}

const fresh = async (loopback: Loopback) => {
  const raw = new RawSocket(loopback.url)
  sockets.push(raw)
  await raw.opened
  await raw.next((frame) => frame.method === "connect.challenge")
  return raw
}

/** The connection still answers, and the server still accepts and serves a new connection. */
const expectHealthy = async (loopback: Loopback, raw?: RawSocket) => {
  if (raw !== undefined) expect((await raw.call(`alive-${Math.random()}`, "connection.ping")).result).toBeDefined()
  const other = await connect(loopback)
  expect((await other.call("other-1", "agent.list")).result).toHaveLength(conformanceAgents.length)
}

const errorOf = (frame: Frame) => {
  expect(frame.error, JSON.stringify(frame)).toBeDefined()
  return frame.error as NonNullable<Frame["error"]>
}

describe("bad input after connect: answered, connection and server stay healthy", () => {
  it("malformed JSON is -32700 with id null", async () => {
    const loopback = await start()
    const raw = await connect(loopback)
    raw.sendText("{ not json")
    const error = errorOf(await raw.next((frame) => frame.id === null))
    expect(error.code).toBe(jsonRpcErrorCodes.parseError)
    expect(error.data?.code).toBe("INVALID_REQUEST")
    await expectHealthy(loopback, raw)
  })

  it("a JSON array or a number instead of an object is -32600", async () => {
    const loopback = await start()
    const raw = await connect(loopback)
    for (const text of ["[1, 2]", "42", '"text"', "null"]) {
      raw.sendText(text)
      expect(errorOf(await raw.next((frame) => frame.id === null)).code).toBe(jsonRpcErrorCodes.invalidRequest)
    }
    await expectHealthy(loopback, raw)
  })

  it("an unknown method is -32601 and names the method", async () => {
    const loopback = await start()
    const raw = await connect(loopback)
    const error = errorOf(await raw.call(1, "task.delete", { taskId: "x" }))
    expect(error.code).toBe(jsonRpcErrorCodes.methodNotFound)
    expect(error.message).toContain("task.delete")
    await expectHealthy(loopback, raw)
  })

  it("invalid params are -32602 naming every bad field, nested request fields included", async () => {
    const loopback = await start()
    const raw = await connect(loopback)
    const wrongType = errorOf(await raw.call(1, "task.get", { taskId: 5, extra: true }))
    expect(wrongType.code).toBe(jsonRpcErrorCodes.invalidParams)
    const issues = (wrongType.data?.details as { issues: Array<{ path: Array<string> }> } | undefined)?.issues ?? []
    expect(issues.map((issue) => issue.path.join(".")).sort()).toEqual(["extra", "taskId"])
    const badSubmit = errorOf(await raw.call(2, "task.submit", { request: { agentId: "echo" } }))
    expect(badSubmit.code).toBe(errorCodes.INVALID_REQUEST.jsonRpcCode)
    expect(badSubmit.data?.code).toBe("INVALID_REQUEST")
    expect(badSubmit.message).toContain("description")
    await expectHealthy(loopback, raw)
  })

  it("a reused request id is -32600 while the first answer stands", async () => {
    const loopback = await start()
    const raw = await connect(loopback)
    expect((await raw.call(7, "connection.ping")).result).toBeDefined()
    const error = errorOf(await raw.call(7, "connection.ping"))
    expect(error.code).toBe(jsonRpcErrorCodes.invalidRequest)
    await expectHealthy(loopback, raw)
  })

  it("a frame over maxMessageBytes is -32600; one over maxPayloadBytes closes with 1009; the server lives on", async () => {
    const loopback = await start({ limits: { maxMessageBytes: 4_096, maxPayloadBytes: 65_536 } })
    const raw = await connect(loopback)
    raw.send({ jsonrpc: "2.0", id: 1, method: "task.submit", params: { request: { padding: "x".repeat(8_000) } } })
    const error = errorOf(await raw.next((frame) => frame.id === null))
    expect(error.code).toBe(jsonRpcErrorCodes.invalidRequest)
    expect(error.message).toContain("4096")
    await expectHealthy(loopback, raw)

    raw.sendText("x".repeat(100_000))
    expect((await raw.closed).code).toBe(1009)
    await expectHealthy(loopback)
  })

  it("a flood over the rate limit gets RATE_LIMITED with retryAfterMs, then service resumes", async () => {
    const loopback = await start({ limits: { requestsPerSecond: 50, requestBurst: 100 } })
    const raw = await connect(loopback)
    for (let id = 1; id <= 500; id++) raw.send({ jsonrpc: "2.0", id, method: "connection.ping" })
    const answers = await Promise.all(Array.from({ length: 500 }, (_, index) => raw.response(index + 1)))
    const limited = answers.filter((frame) => frame.error !== undefined)
    expect(answers.length - limited.length).toBeGreaterThanOrEqual(100)
    expect(limited.length).toBeGreaterThan(300)
    for (const frame of limited) {
      expect(errorOf(frame).code).toBe(errorCodes.RATE_LIMITED.jsonRpcCode)
      expect(errorOf(frame).data?.retryAfterMs).toBeGreaterThan(0)
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
    await expectHealthy(loopback, raw)
  })

  // Ten thousand requests on one connection: a generous budget so a busy machine slows it, not fails it.
  it("10,000 subscriptions: the first maxSubscriptions open, the rest get OVERLOADED", {
    timeout: 180_000
  }, async () => {
    const loopback = await start({ limits: { maxSubscriptions: 1_000 } })
    const raw = await connect(loopback)
    for (let id = 1; id <= 10_000; id++) raw.send({ jsonrpc: "2.0", id, method: "task.subscribeAll" })
    const answers = await Promise.all(Array.from({ length: 10_000 }, (_, index) => raw.response(index + 1, 150_000)))
    const refused = answers.filter((frame) => frame.error !== undefined)
    expect(answers.length - refused.length).toBe(1_000)
    for (const frame of refused) expect(errorOf(frame).data?.code).toBe("OVERLOADED")
    // Releasing one makes room for one more.
    const first = answers[0]?.result as { subscriptionId: string }
    expect((await raw.call("u", "task.unsubscribe", { subscriptionId: first.subscriptionId })).result).toEqual({
      unsubscribed: true
    })
    expect((await raw.call("again", "task.subscribeAll")).result).toBeDefined()
    await expectHealthy(loopback, raw)
  })

  it("a client that never reads is disconnected as a slow consumer while another is served promptly", async () => {
    const closed: Array<ConnectionClosed> = []
    const loopback = await start({
      limits: { maxOutboundBytes: 256 * 1024 },
      onConnectionClosed: (event) => closed.push(event)
    })
    const healthy = loopback.client(alice)
    const big = "x".repeat(200_000)
    const task = await healthy.submit({ agentId: "echo", description: "big output", input: big })
    const stalled = await connect(loopback)
    stalled.socket.pause()
    for (let id = 1; id <= 300; id++)
      stalled.send({ jsonrpc: "2.0", id, method: "task.subscribe", params: { taskId: task.id } })

    const other = await healthy.submit({ agentId: "echo", description: "small", input: 1 })
    const events = []
    for await (const envelope of healthy.subscribe(other.id)) events.push(envelope)
    expect(events.at(-1)?.event).toMatchObject({ type: "status_changed", to: "completed" })

    await expect.poll(() => closed.map((event) => event.code), { timeout: 60_000 }).toContain(4008)
    expect(closed.find((event) => event.code === 4008)?.phase).toBe("open")
    await expectHealthy(loopback)
  })
})

describe("bad handshakes: refused with a clear error and close code, the server stays healthy", () => {
  it("a request before connect is UNAUTHENTICATED and closes with 4003", async () => {
    const loopback = await start()
    const raw = await fresh(loopback)
    const error = errorOf(await raw.call(1, "task.list", {}))
    expect(error.data?.code).toBe("UNAUTHENTICATED")
    expect((await raw.closed).code).toBe(4003)
    await expectHealthy(loopback)
  })

  it("a wrong protocol version is UNSUPPORTED_PROTOCOL_VERSION and closes with 4010", async () => {
    const loopback = await start()
    const raw = await fresh(loopback)
    const error = errorOf(
      await raw.call(1, "connect", {
        protocol: { min: PROTOCOL_VERSION + 1, max: PROTOCOL_VERSION + 5 },
        credentials: { type: "token", token: loopback.tokenFor(alice) }
      })
    )
    expect(error.data?.code).toBe("UNSUPPORTED_PROTOCOL_VERSION")
    expect((await raw.closed).code).toBe(4010)
    await expectHealthy(loopback)
  })

  it("missing or bad credentials are refused: -32602 or UNAUTHENTICATED, then the connection closes", async () => {
    const loopback = await start()
    const missing = await fresh(loopback)
    const noCredentials = errorOf(
      await missing.call(1, "connect", { protocol: { min: PROTOCOL_VERSION, max: PROTOCOL_VERSION } })
    )
    expect(noCredentials.code).toBe(jsonRpcErrorCodes.invalidParams)
    expect((await missing.closed).code).toBe(4003)

    const wrong = await fresh(loopback)
    const bad = errorOf(
      await wrong.call(1, "connect", {
        protocol: { min: PROTOCOL_VERSION, max: PROTOCOL_VERSION },
        credentials: { type: "token", token: "not-a-token" }
      })
    )
    expect(bad.data?.code).toBe("UNAUTHENTICATED")
    expect((await wrong.closed).code).toBe(4001)
    await expectHealthy(loopback)
  })

  it("a first frame over preAuthMaxBytes closes with 4009; silence closes with 4002", async () => {
    const loopback = await start({ limits: { preAuthMaxBytes: 1_024, handshakeTimeoutMs: 200 } })
    const large = await fresh(loopback)
    large.sendText(JSON.stringify({ jsonrpc: "2.0", id: 1, method: "connect", params: { pad: "x".repeat(2_000) } }))
    expect((await large.closed).code).toBe(4009)
    const silent = await fresh(loopback)
    expect((await silent.closed).code).toBe(4002)
    await expectHealthy(loopback)
  })

  it("an Origin outside the allow-list is refused at the upgrade", async () => {
    const loopback = await start({ allowedOrigins: ["https://app.example"] })
    const { WebSocket } = await import("ws")
    const refused = new WebSocket(loopback.url, { origin: "https://evil.example" })
    refused.on("error", () => undefined)
    const status = await new Promise<number | undefined>((resolve) => {
      refused.on("unexpected-response", (_, response) => resolve(response.statusCode))
      refused.on("open", () => resolve(undefined))
    })
    refused.terminate()
    expect(status).toBe(403)
    const allowed = new WebSocket(loopback.url, { origin: "https://app.example" })
    await new Promise((resolve, reject) => {
      allowed.once("open", resolve)
      allowed.once("error", reject)
    })
    allowed.terminate()
  })
})
