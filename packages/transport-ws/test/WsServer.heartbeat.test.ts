import { PROTOCOL_VERSION } from "@coderclaw/protocol"
import { alice, conformanceAgents } from "@coderclaw/transport-conformance"
import { afterEach, describe, expect, it } from "vitest"
import { WebSocket } from "ws"
import type { ConnectionClosed } from "../src/index.js"
import { type Loopback, startLoopback } from "./support/loopback.js"

const heartbeatIntervalMs = 100

let loopback: Loopback | undefined
const silentSockets: Array<WebSocket> = []
afterEach(async () => {
  for (const socket of silentSockets.splice(0)) socket.terminate()
  await loopback?.close()
  loopback = undefined
})

/**
 * A peer that authenticates properly and then never answers a ping: `autoPong: false` stops `ws` from
 * replying for it, as a hung process or a half-open TCP connection would. `RawSocket` cannot be told to.
 */
const connectSilent = async (url: string, token: string) => {
  const socket = new WebSocket(url, { autoPong: false })
  silentSockets.push(socket)
  const closed = new Promise<{ readonly code: number; readonly at: number }>((resolve) =>
    socket.once("close", (code) => resolve({ code, at: Date.now() }))
  )
  let pings = 0
  socket.on("ping", () => pings++)
  const hello = await new Promise<{ connectionId: string }>((resolve, reject) => {
    socket.once("error", reject)
    socket.on("message", (data) => {
      const frame = JSON.parse(data.toString()) as {
        method?: string
        result?: { connectionId: string }
        error?: unknown
      }
      if (frame.method === "connect.challenge")
        socket.send(
          JSON.stringify({
            jsonrpc: "2.0",
            id: 1,
            method: "connect",
            params: {
              protocol: { min: PROTOCOL_VERSION, max: PROTOCOL_VERSION },
              credentials: { type: "token", token }
            }
          })
        )
      else if (frame.result !== undefined) resolve(frame.result)
      else reject(new Error(`connect failed: ${JSON.stringify(frame.error)}`))
    })
  })
  return { socket, hello, connectedAt: Date.now(), closed, pings: () => pings }
}

describe("server heartbeats", () => {
  it("drops a peer that never answers pings within two intervals; a normal client stays connected", async () => {
    const closures: Array<ConnectionClosed> = []
    loopback = await startLoopback(
      { agents: conformanceAgents, maxConcurrentTasks: 4 },
      { limits: { heartbeatIntervalMs }, onConnectionClosed: (closed) => closures.push(closed) }
    )
    const client = loopback.client(alice)
    expect(await client.listAgents()).toHaveLength(conformanceAgents.length)
    const silent = await connectSilent(loopback.url, loopback.tokenFor(alice))

    const dropped = await Promise.race([
      silent.closed,
      new Promise<undefined>((resolve) => setTimeout(resolve, 60_000))
    ])
    expect(dropped, "the silent peer was never dropped").toBeDefined()
    // The first ping after the connection opened goes unanswered and the next tick drops it: the peer saw
    // one ping, two at most (counted, not timed, so a busy machine cannot fail it).
    expect(silent.pings()).toBeGreaterThanOrEqual(1)
    expect(silent.pings()).toBeLessThanOrEqual(2)
    // The server says why (4011) before it destroys the socket, and reports the same code.
    expect(dropped?.code).toBe(4011)
    await expect
      .poll(() => closures.map((closed) => closed.connectionId), { timeout: 30_000 })
      .toEqual([silent.hello.connectionId])
    expect(closures[0]?.code).toBe(4011)

    // Several more intervals: the normal client's pongs keep it alive, on its first and only connection
    // (it would reconnect silently if dropped, so the closure list is what proves it was not).
    await new Promise((resolve) => setTimeout(resolve, 5 * heartbeatIntervalMs))
    expect(await client.listAgents()).toHaveLength(conformanceAgents.length)
    expect(closures.map((closed) => closed.connectionId)).toEqual([silent.hello.connectionId])
    expect(loopback.server.connectionCount).toBe(1)
  })

  it("only pongs count as liveness: a peer that calls connection.ping but never pongs is dropped with 4011", async () => {
    const closures: Array<ConnectionClosed> = []
    loopback = await startLoopback(
      { agents: conformanceAgents, maxConcurrentTasks: 4 },
      { limits: { heartbeatIntervalMs }, onConnectionClosed: (closed) => closures.push(closed) }
    )
    const silent = await connectSilent(loopback.url, loopback.tokenFor(alice))
    let answered = 0
    silent.socket.on("message", (data) => {
      if ((JSON.parse(data.toString()) as { result?: unknown }).result !== undefined) answered++
    })
    // Far more often than the heartbeat: were calls liveness, this peer would never be dropped.
    let id = 100
    const calling = setInterval(
      () => silent.socket.send(JSON.stringify({ jsonrpc: "2.0", id: id++, method: "connection.ping" })),
      heartbeatIntervalMs / 5
    )
    try {
      const dropped = await Promise.race([
        silent.closed,
        new Promise<undefined>((resolve) => setTimeout(resolve, 60_000))
      ])
      expect(dropped?.code).toBe(4011)
    } finally {
      clearInterval(calling)
    }
    expect(answered).toBeGreaterThan(0)
    await expect.poll(() => closures.map((closed) => closed.code), { timeout: 30_000 }).toEqual([4011])
  })

  it("pings every connection from when it opens, before connect too", async () => {
    loopback = await startLoopback(
      { agents: conformanceAgents, maxConcurrentTasks: 4 },
      { limits: { heartbeatIntervalMs, handshakeTimeoutMs: 60_000 } }
    )
    const socket = new WebSocket(loopback.url)
    silentSockets.push(socket)
    const pinged = new Promise<void>((resolve) => socket.once("ping", () => resolve()))
    const closed = new Promise<"closed">((resolve) => socket.once("close", () => resolve("closed")))
    // The handshake timeout is far away: the ping comes from the heartbeat, to a connection that never sent connect.
    expect(await Promise.race([pinged.then(() => "pinged" as const), closed])).toBe("pinged")
  })
})
