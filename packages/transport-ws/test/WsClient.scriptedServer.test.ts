import type { AddressInfo } from "node:net"
import { PROTOCOL_VERSION, type TaskEventEnvelope, toErrorInfo, Unavailable } from "@coderclaw/protocol"
import { alice } from "@coderclaw/transport-conformance"
import { afterEach, describe, expect, it } from "vitest"
import { WebSocket, WebSocketServer } from "ws"
import { createWsClient } from "../src/index.js"

const taskId = "0190a0a0-0000-7000-8000-000000000000"

/**
 * A scripted server: it authenticates anyone, and ends every subscription it accepts with `Unavailable`
 * right after one event, without closing the connection (what a server would do if its runtime kept
 * failing the stream). It never answers `connection.ping`.
 */
const startScriptedServer = async (heartbeatIntervalMs = 60_000) => {
  const wss = new WebSocketServer({ host: "127.0.0.1", port: 0 })
  await new Promise<void>((resolve) => wss.once("listening", () => resolve()))
  const subscribes: Array<{ readonly connection: number; readonly afterSeq: unknown }> = []
  const pings: Array<number> = []
  const closes: Array<{ readonly connection: number; readonly code: number }> = []
  let connections = 0
  wss.on("connection", (socket) => {
    const connection = ++connections
    socket.on("close", (code) => closes.push({ connection, code }))
    const send = (frame: unknown) => socket.send(JSON.stringify({ jsonrpc: "2.0", ...(frame as object) }))
    send({
      method: "connect.challenge",
      params: { nonce: "n", protocol: { min: PROTOCOL_VERSION, max: PROTOCOL_VERSION }, handshakeTimeoutMs: 10_000 }
    })
    socket.on("message", (data) => {
      const request = JSON.parse(data.toString()) as { id: number; method: string; params: { afterSeq?: number } }
      if (request.method === "connect")
        send({
          id: request.id,
          result: {
            protocolVersion: PROTOCOL_VERSION,
            connectionId: `c${connection}`,
            principal: alice,
            heartbeatIntervalMs,
            limits: {}
          }
        })
      else if (request.method === "task.subscribe") {
        subscribes.push({ connection, afterSeq: request.params.afterSeq })
        const subscriptionId = `s${subscribes.length}`
        const seq = (request.params.afterSeq ?? 0) + 1
        send({ id: request.id, result: { subscriptionId } })
        const event = { type: "log", level: "info", message: `event ${seq}` }
        send({
          method: "task.event",
          params: { subscriptionId, taskId, seq, position: seq, at: 0, causedBy: "x", event }
        })
        send({
          method: "task.end",
          params: { subscriptionId, error: toErrorInfo(new Unavailable({ reason: "the runtime is shutting down" })) }
        })
      } else if (request.method === "connection.ping") pings.push(connection)
      else send({ id: request.id, result: {} })
    })
  })
  const { port } = wss.address() as AddressInfo
  return {
    url: `ws://127.0.0.1:${port}`,
    subscribes,
    pings,
    closes,
    close: () => new Promise<void>((resolve) => wss.close(() => resolve()))
  }
}

let server: Awaited<ReturnType<typeof startScriptedServer>> | undefined
let client: ReturnType<typeof createWsClient> | undefined
afterEach(async () => {
  await client?.close()
  await server?.close()
  server = undefined
  client = undefined
})

describe("a stream the server ends with Unavailable", () => {
  it("is subscribed again once from its last event on the same connection, then fails with Unavailable", async () => {
    server = await startScriptedServer()
    client = createWsClient({ url: server.url, credentials: { type: "token", token: "t" }, WebSocket })
    const seqs: Array<number> = []
    const outcome = await (async () => {
      for await (const envelope of client.subscribe(taskId)) seqs.push((envelope as TaskEventEnvelope).seq)
      return "ended"
    })().catch((error: unknown) => error)

    expect(outcome).toBeInstanceOf(Unavailable)
    expect(seqs).toEqual([1, 2])
    // The resubscription resumed after the delivered event, on the connection that was still open.
    expect(server.subscribes).toEqual([
      { connection: 1, afterSeq: 0 },
      { connection: 1, afterSeq: 1 }
    ])
  })
})

describe("the client heartbeat", () => {
  it("calls connection.ping and gives the connection up with 4011 when no answer comes within the interval", async () => {
    server = await startScriptedServer(50)
    client = createWsClient({ url: server.url, credentials: { type: "token", token: "t" }, WebSocket })
    await client.hello()
    const scripted = server
    await expect.poll(() => scripted.closes, { timeout: 30_000 }).toEqual([{ connection: 1, code: 4011 }])
    expect(scripted.pings).toEqual([1])
  })
})
