import { createServer, type Server, Socket } from "node:net"
import type { TaskEventEnvelope } from "@coderclaw/protocol"
import { alice, conformanceAgents } from "@coderclaw/transport-conformance"
import { afterEach, describe, expect, it } from "vitest"
import { type Loopback, startLoopback } from "./support/loopback.js"

const heartbeatIntervalMs = 100

/** One client connection through the proxy; once frozen, nothing passes either way and nothing closes. */
interface Pipe {
  readonly client: Socket
  readonly upstream: Socket
  readonly openedAt: number
  frozen: boolean
}

/**
 * A TCP proxy in front of the server that can turn a connection into a black hole: bytes in both
 * directions are swallowed and the upstream's close is not passed on, so the client's socket stays open
 * with nothing arriving, as after a network partition. Only the client's own heartbeat can notice that.
 */
const startProxy = async (port: number) => {
  const pipes: Array<Pipe> = []
  const proxy: Server = createServer((client) => {
    const upstream = new Socket()
    const pipe: Pipe = { client, upstream, openedAt: Date.now(), frozen: false }
    pipes.push(pipe)
    upstream.connect(port, "127.0.0.1")
    client.on("data", (data) => {
      if (!pipe.frozen) upstream.write(data)
    })
    upstream.on("data", (data) => {
      if (!pipe.frozen) client.write(data)
    })
    upstream.on("close", () => {
      if (!pipe.frozen) client.destroy()
    })
    client.on("close", () => upstream.destroy())
    client.on("error", () => undefined)
    upstream.on("error", () => undefined)
  })
  await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve))
  const address = proxy.address()
  return {
    url: `ws://127.0.0.1:${typeof address === "object" && address !== null ? address.port : 0}`,
    pipes,
    freezeAll: () => {
      for (const pipe of pipes) pipe.frozen = true
    },
    close: async () => {
      for (const pipe of pipes) {
        pipe.client.destroy()
        pipe.upstream.destroy()
      }
      await new Promise((resolve) => proxy.close(resolve))
    }
  }
}

let loopback: Loopback | undefined
let proxy: Awaited<ReturnType<typeof startProxy>> | undefined
afterEach(async () => {
  await loopback?.close()
  await proxy?.close()
  loopback = undefined
  proxy = undefined
})

describe("client heartbeats", { timeout: 120_000 }, () => {
  it("a silently dead connection is detected and replaced; the open stream has no gap and no duplicate", async () => {
    loopback = await startLoopback(
      { agents: conformanceAgents, maxConcurrentTasks: 4 },
      { limits: { heartbeatIntervalMs } }
    )
    const through = await startProxy(loopback.server.port)
    proxy = through
    const client = loopback.client(alice, { url: through.url, reconnect: { initialDelayMs: 10, maxDelayMs: 50 } })
    // Long enough (~1 s) that events are emitted while the connection is dead and after the new one opens.
    const task = await client.submit({
      agentId: "steps",
      description: "through a partition",
      input: { count: 60, delayMs: 15 }
    })

    let frozenAt: number | undefined
    let frozenAtSeq = 0
    const events: Array<TaskEventEnvelope> = []
    const streamed = (async () => {
      for await (const envelope of client.subscribe(task.id)) {
        events.push(envelope)
        if (frozenAt === undefined && envelope.seq >= 5) {
          frozenAt = Date.now()
          frozenAtSeq = envelope.seq
          through.freezeAll()
        }
      }
    })()
    // Without a working client heartbeat the stream would wait on the dead connection forever.
    const outcome = await Promise.race([
      streamed.then(() => "ended" as const),
      // Generous: a busy machine slows the stream down; only a stream that never resumes fails this.
      new Promise<"stalled">((resolve) => setTimeout(() => resolve("stalled"), 60_000))
    ])
    expect(outcome, `stream stalled after seq ${events.at(-1)?.seq}`).toBe("ended")

    expect(frozenAt).toBeDefined()
    // A new connection replaced the frozen one (a loaded machine may cause further replacements; the
    // stream's content below is what must not change).
    expect(through.pipes.length).toBeGreaterThanOrEqual(2)
    expect(through.pipes.some((pipe) => pipe.openedAt >= (frozenAt ?? 0))).toBe(true)
    // The dead socket was never closed under the client: detecting it was the client's own doing.
    expect(through.pipes[0]?.client.destroyed).toBe(false)

    const seqs = events.map((envelope) => envelope.seq)
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, index) => index + 1))
    const record = await client.get(task.id)
    expect(record.status).toBe("completed")
    expect(seqs.length).toBe(record.lastSeq)
    expect(events.at(-1)?.event).toMatchObject({ type: "status_changed", to: "completed" })
    // Most of the stream came after the freeze, so the resubscription had to resume it, not just end it.
    expect(seqs.length).toBeGreaterThan(frozenAtSeq + 10)
  })
})
