import type { IncomingMessage } from "node:http"
import { alice, conformanceAgents } from "@coderclaw/transport-conformance"
import { afterEach, describe, expect, it } from "vitest"
import { WebSocket } from "ws"
import type { WsServerOptions } from "../src/index.js"
import { type Loopback, startLoopback } from "./support/loopback.js"
import { RawSocket } from "./support/rawSocket.js"

const open: Array<Loopback> = []
const sockets: Array<WebSocket> = []
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.terminate()
  await Promise.all(open.splice(0).map((loopback) => loopback.close()))
})

const start = async (serverOptions: WsServerOptions = {}) => {
  const loopback = await startLoopback({ agents: conformanceAgents }, serverOptions)
  open.push(loopback)
  return loopback
}

/** How an upgrade attempt ended: open (with the challenge read), or refused with an HTTP status. */
type Attempt = { readonly opened: WebSocket } | { readonly status: number } | { readonly error: string }

/** Opens a raw socket from `localAddress` (127.0.0.x are distinct source addresses on loopback). */
const attempt = (url: string, localAddress: string, headers: Record<string, string> = {}): Promise<Attempt> =>
  new Promise((resolve) => {
    const socket = new WebSocket(url, { localAddress, headers })
    sockets.push(socket)
    socket.once("message", () => resolve({ opened: socket }))
    socket.once("unexpected-response", (_request, response: IncomingMessage) => {
      resolve({ status: response.statusCode ?? 0 })
      response.resume()
    })
    socket.once("error", (error) => resolve({ error: error.message }))
  })

const statusOf = (result: Attempt) => ("status" in result ? result.status : "opened" in result ? "open" : result.error)

describe("connection exhaustion: one address cannot lock everyone else out", () => {
  it("unauthenticated connections are capped per address; other addresses still get in and authenticate", async () => {
    const loopback = await start({ limits: { maxUnauthenticatedPerAddress: 5, handshakeTimeoutMs: 60_000 } })
    const idle = await Promise.all(Array.from({ length: 5 }, () => attempt(loopback.url, "127.0.0.2")))
    expect(idle.map(statusOf)).toEqual(["open", "open", "open", "open", "open"])
    // The sixth idle socket from the same address is refused at once…
    expect(statusOf(await attempt(loopback.url, "127.0.0.2"))).toBe(429)
    // …while another address is served and authenticates as usual.
    const other = await attempt(loopback.url, "127.0.0.3")
    expect(statusOf(other)).toBe("open")
    const client = loopback.client(alice)
    expect(await client.listAgents()).toHaveLength(conformanceAgents.length)

    // Connections that finished `connect` no longer count: the held address frees a slot by authenticating.
    const first = idle[0]
    if (first === undefined || !("opened" in first)) throw new Error("expected an open socket")
    const authenticated = new Promise<unknown>((resolve) => first.opened.once("message", resolve))
    first.opened.send(
      JSON.stringify({
        jsonrpc: "2.0",
        id: 1,
        method: "connect",
        params: { protocol: { min: 1, max: 1 }, credentials: { type: "token", token: loopback.tokenFor(alice) } }
      })
    )
    expect(JSON.parse(String(await authenticated))).toHaveProperty("result")
    expect(statusOf(await attempt(loopback.url, "127.0.0.2"))).toBe("open")
    // A closed unauthenticated connection frees its slot too.
    const second = idle[1]
    if (second === undefined || !("opened" in second)) throw new Error("expected an open socket")
    second.opened.terminate()
    const deadline = Date.now() + 10_000
    let retried = await attempt(loopback.url, "127.0.0.2")
    while (statusOf(retried) !== "open" && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50))
      retried = await attempt(loopback.url, "127.0.0.2")
    }
    expect(statusOf(retried)).toBe("open")
  })

  it("an upgrade to a path the server does not serve is refused with 404 at once, not held open", async () => {
    const loopback = await start({ path: "/ws" })
    const url = new URL(loopback.url)
    const refused = await attempt(`ws://${url.host}/elsewhere`, "127.0.0.1")
    expect(statusOf(refused)).toBe(404)
    expect(statusOf(await attempt(loopback.url, "127.0.0.1"))).toBe("open")
    expect(loopback.server.connectionCount).toBe(1)
  })

  it("malformed frames spend a budget; past it the connection is closed with 4012 and others are unaffected", async () => {
    const loopback = await start({ limits: { badFrameBurst: 20, badFramesPerSecond: 1 } })
    const raw = await RawSocket.connect(loopback.url, loopback.tokenFor(alice))
    try {
      const closed = raw.closed
      for (let index = 0; index < 30_000 && raw.socket.readyState === WebSocket.OPEN; index++) {
        raw.sendText(index % 2 === 0 ? "{ not json" : JSON.stringify({ jsonrpc: "2.0", id: index, method: "nope" }))
        if (index % 500 === 0) await new Promise((resolve) => setImmediate(resolve))
      }
      expect((await closed).code).toBe(4012)
      const healthy = await RawSocket.connect(loopback.url, loopback.tokenFor(alice))
      expect((await healthy.call(1, "connection.ping")).result).toBeDefined()
      healthy.socket.terminate()
    } finally {
      raw.socket.terminate()
    }
  })

  it("well-formed requests never spend the bad-frame budget", async () => {
    const loopback = await start({ limits: { badFrameBurst: 5, badFramesPerSecond: 1 } })
    const raw = await RawSocket.connect(loopback.url, loopback.tokenFor(alice))
    try {
      for (let id = 1; id <= 50; id++) expect((await raw.call(id, "connection.ping")).result).toBeDefined()
      expect(raw.socket.readyState).toBe(WebSocket.OPEN)
    } finally {
      raw.socket.terminate()
    }
  })
})

describe("default Origin policy", () => {
  const originOf = async (loopback: Loopback, origin: string | undefined) =>
    statusOf(await attempt(loopback.url, "127.0.0.1", origin === undefined ? {} : { Origin: origin }))

  it("by default only same-origin and loopback browser origins connect; clients without Origin still do", async () => {
    const loopback = await start()
    const port = new URL(loopback.url).port
    expect(await originOf(loopback, "https://evil.example")).toBe(403)
    expect(await originOf(loopback, "http://attacker.test:8787")).toBe(403)
    expect(await originOf(loopback, "null")).toBe(403)
    expect(await originOf(loopback, `http://127.0.0.1:${port}`)).toBe("open")
    expect(await originOf(loopback, "http://localhost:5173")).toBe("open")
    expect(await originOf(loopback, "http://[::1]:3000")).toBe("open")
    expect(await originOf(loopback, undefined)).toBe("open")
  })

  it("an Origin equal to the Host header (a page this server served) connects", async () => {
    const loopback = await start()
    const port = new URL(loopback.url).port
    const result = await attempt(loopback.url, "127.0.0.1", {
      Origin: `https://console.example:${port}`,
      Host: `console.example:${port}`
    })
    expect(statusOf(result)).toBe("open")
  })

  it("allowedOrigins overrides the default: only the listed origins connect", async () => {
    const loopback = await start({ allowedOrigins: ["https://app.example"] })
    expect(await originOf(loopback, "https://app.example")).toBe("open")
    expect(await originOf(loopback, "https://evil.example")).toBe(403)
    expect(await originOf(loopback, "http://localhost:5173")).toBe(403)
    expect(await originOf(loopback, undefined)).toBe("open")
    const any = await start({ allowedOrigins: ["*"] })
    expect(await originOf(any, "https://evil.example")).toBe("open")
  })
})
