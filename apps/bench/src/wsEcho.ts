import type { AddressInfo } from "node:net"
import { WebSocket, WebSocketServer } from "ws"
import { latencySummary } from "./statistics.js"

/**
 * The physical floor over the same loopback and the same `ws` library: a bare echo server. Measures
 * sequential round-trip latency and pipelined messages per second, with JSON frames of the same order of
 * size as a JSON-RPC request.
 */
export const measureWsEcho = async (options: { readonly roundTrips: number; readonly pipelined: number }) => {
  const server = new WebSocketServer({ host: "127.0.0.1", port: 0, perMessageDeflate: false })
  server.on("connection", (socket) => socket.on("message", (data) => socket.send(data)))
  await new Promise<void>((resolve) => server.once("listening", () => resolve()))
  const { port } = server.address() as AddressInfo
  const socket = new WebSocket(`ws://127.0.0.1:${port}`, { perMessageDeflate: false })
  await new Promise<void>((resolve, reject) => {
    socket.once("open", () => resolve())
    socket.once("error", reject)
  })
  const frame = (id: number) =>
    JSON.stringify({
      jsonrpc: "2.0",
      id,
      method: "task.submit",
      params: { agentId: "echo", description: "x", input: id }
    })
  try {
    const latencies: Array<number> = []
    for (let i = 0; i < options.roundTrips; i++) {
      const started = performance.now()
      await new Promise<void>((resolve) => {
        socket.once("message", () => resolve())
        socket.send(frame(i))
      })
      latencies.push(performance.now() - started)
    }
    const started = performance.now()
    await new Promise<void>((resolve) => {
      let received = 0
      const onMessage = () => {
        if (++received === options.pipelined) {
          socket.off("message", onMessage)
          resolve()
        }
      }
      socket.on("message", onMessage)
      for (let i = 0; i < options.pipelined; i++) socket.send(frame(i))
    })
    const seconds = (performance.now() - started) / 1000
    return { latency: latencySummary(latencies), messagesPerSecond: options.pipelined / seconds }
  } finally {
    socket.close()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  }
}
