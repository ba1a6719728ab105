import { closeCodes, Unavailable } from "@coderclaw/protocol"
import { alice } from "@coderclaw/transport-conformance"
import { describe, expect, it } from "vitest"
import { rawLoopback, recordAll } from "./support/rawLoopback.js"
import type { Frame } from "./support/rawSocket.js"

const { start, connect } = rawLoopback()

describe("server shutdown ends open streams", () => {
  it("sends task.end with UNAVAILABLE for every open subscription before closing with 1001", async () => {
    const loopback = await start()
    const raw = await connect()
    const seen = recordAll(raw)
    const submitted = await raw.call(1, "task.submit", { request: { agentId: "ask", description: "waits" } })
    const taskId = (submitted.result as { id: string }).id
    const one = (await raw.call(2, "task.subscribe", { taskId })).result as { subscriptionId: string }
    const all = (await raw.call(3, "task.subscribeAll", {})).result as { subscriptionId: string }
    // The task is waiting for input: its stream is open, with nothing more to say.
    await raw.next(
      (frame) =>
        frame.method === "task.event" &&
        (frame.params?.event as { type?: string } | undefined)?.type === "input_requested" &&
        frame.params?.subscriptionId === one.subscriptionId
    )

    await loopback.server.close()
    expect(await raw.closed).toEqual({ code: closeCodes.goingAway.code, reason: "server shutting down" })

    const ends = seen.filter((frame): frame is Frame => "method" in frame && frame.method === "task.end")
    expect(ends.map((frame) => frame.params?.subscriptionId).sort()).toEqual(
      [one.subscriptionId, all.subscriptionId].sort()
    )
    for (const end of ends)
      expect(end.params?.error).toMatchObject({
        code: "UNAVAILABLE",
        retryable: true,
        details: { _tag: "Unavailable" }
      })
    // The ends come before the close, and nothing of those streams follows them.
    const lastEnd = Math.max(...ends.map((end) => seen.indexOf(end)))
    expect(seen.slice(lastEnd + 1)).toEqual([{ close: closeCodes.goingAway.code }])
  })

  it("a RuntimeClient stream fails with Unavailable when the server goes away for good", async () => {
    const loopback = await start()
    const client = loopback.client(alice, { reconnect: { initialDelayMs: 10, maxDelayMs: 50, giveUpAfterMs: 500 } })
    const task = await client.submit({ agentId: "ask", description: "waits" })
    const types: Array<string> = []
    const streamed = (async () => {
      for await (const envelope of client.subscribe(task.id)) types.push(envelope.event.type)
    })().then(
      () => "ended" as const,
      (error: unknown) => error
    )
    await expect.poll(() => types, { timeout: 30_000 }).toContain("input_requested")

    await loopback.server.close()
    const outcome = await streamed
    expect(outcome).toBeInstanceOf(Unavailable)
    expect(outcome).toMatchObject({ _tag: "Unavailable" })
  })
})
