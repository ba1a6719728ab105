import { alice, conformanceAgents } from "@coderclaw/transport-conformance"
import { afterEach } from "vitest"
import type { WsServerOptions } from "../../src/index.js"
import { type Loopback, startLoopback } from "./loopback.js"
import { type Frame, RawSocket } from "./rawSocket.js"

/**
 * For a test file speaking the wire by hand: each test gets one loopback server (started by its first
 * `connect`, with that call's options) and authenticated raw sockets, all closed after the test.
 */
export const rawLoopback = () => {
  let loopback: Loopback | undefined
  const sockets: Array<RawSocket> = []
  afterEach(async () => {
    for (const raw of sockets.splice(0)) raw.socket.terminate()
    await loopback?.close()
    loopback = undefined
  })
  const start = async (serverOptions: WsServerOptions = {}) => {
    loopback ??= await startLoopback({ agents: conformanceAgents, maxConcurrentTasks: 4 }, serverOptions)
    return loopback
  }
  return {
    start,
    /** A raw socket authenticated as alice. */
    connect: async (serverOptions: WsServerOptions = {}) => {
      const started = await start(serverOptions)
      const raw = await RawSocket.connect(started.url, started.tokenFor(alice))
      sockets.push(raw)
      return raw
    }
  }
}

/** Every frame `raw` receives from now on, in order, and its close as the last entry. */
export const recordAll = (raw: RawSocket): Array<Frame | { readonly close: number }> => {
  const seen: Array<Frame | { readonly close: number }> = []
  raw.socket.on("message", (data) => seen.push(JSON.parse(data.toString()) as Frame))
  raw.socket.on("close", (code) => seen.push({ close: code }))
  return seen
}
