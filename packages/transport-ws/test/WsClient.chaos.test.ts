import { createServer, type Server } from "node:http"
import type { Socket } from "node:net"
import type { TaskEventEnvelope, TaskRecord } from "@coderclaw/protocol"
import { alice, conformanceAgents } from "@coderclaw/transport-conformance"
import { afterEach, describe, expect, it } from "vitest"
import { type Loopback, startLoopback } from "./support/loopback.js"

const tasks = 1_000
const drops = 4

let loopback: Loopback | undefined
let http: Server | undefined
afterEach(async () => {
  await loopback?.close()
  await new Promise((resolve) => (http === undefined ? resolve(undefined) : http.close(resolve)))
  loopback = undefined
  http = undefined
})

const isFinal = (envelope: TaskEventEnvelope) =>
  envelope.event.type === "status_changed" && ["completed", "failed", "cancelled"].includes(envelope.event.to)

// Thousands of streams and several reconnections: a generous budget so a busy machine slows it, not fails it.
describe("disconnect chaos", { timeout: 300_000 }, () => {
  it(`while ${tasks} tasks stream, ${drops} dropped connections lose and repeat no event`, async () => {
    // The server attaches to an HTTP server of the test's own, so the test can cut TCP connections under it
    // exactly as a network failure would: no close frame, no warning.
    const server = createServer()
    http = server
    const sockets = new Set<Socket>()
    server.on("connection", (socket) => {
      sockets.add(socket)
      socket.on("close", () => sockets.delete(socket))
    })
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
    loopback = await startLoopback(
      { agents: conformanceAgents, maxConcurrentTasks: 100 },
      { server, limits: { maxSubscriptions: 2 * tasks } }
    )
    let connections = 0
    server.on("upgrade", () => connections++)
    const client = loopback.client(alice, { reconnect: { initialDelayMs: 10, maxDelayMs: 100 } })

    const submitted: Array<TaskRecord> = []
    for (let start = 0; start < tasks; start += 100)
      submitted.push(
        ...(await Promise.all(
          Array.from({ length: 100 }, (_, offset) =>
            client.submit({
              agentId: "steps",
              description: `chaos ${start + offset}`,
              input: { count: 10, delayMs: 8 }
            })
          )
        ))
      )
    let seen = 0
    const streams = submitted.map(async (task) => {
      const events: Array<TaskEventEnvelope> = []
      for await (const envelope of client.subscribe(task.id)) {
        events.push(envelope)
        seen++
      }
      return events
    })

    const expectedEvents = tasks * 13
    for (let drop = 1; drop <= drops; drop++) {
      const threshold = (expectedEvents * drop) / (drops + 1)
      await expect.poll(() => seen, { timeout: 240_000, interval: 5 }).toBeGreaterThanOrEqual(threshold)
      for (const socket of sockets) socket.destroy()
    }
    const histories = await Promise.all(streams)

    expect(connections).toBeGreaterThanOrEqual(drops + 1)
    const problems: Array<string> = []
    histories.forEach((events, index) => {
      const seqs = events.map((envelope) => envelope.seq)
      const expected = Array.from({ length: events.length }, (_, at) => at + 1)
      if (seqs.join() !== expected.join()) problems.push(`${submitted[index]?.id}: seqs ${seqs.join()}`)
      if (events.filter(isFinal).length !== 1 || !isFinal(events.at(-1) as TaskEventEnvelope))
        problems.push(`${submitted[index]?.id}: does not end with exactly one final event`)
    })
    expect(problems).toEqual([])
    const records = await Promise.all(submitted.map((task) => client.get(task.id)))
    expect(histories.map((events) => events.length)).toEqual(records.map((record) => record.lastSeq))
  })
})
