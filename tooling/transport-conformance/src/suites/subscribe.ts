import type { TaskEventEnvelope } from "@coderclaw/protocol"
import { describe, expect, it } from "vitest"
import { alice } from "../fixtures/principals.js"
import type { Harness } from "../support/Harness.js"
import { collect, isFinalEvent, readUntil, settle } from "../support/streams.js"

const seqs = (events: ReadonlyArray<TaskEventEnvelope>) => events.map((envelope) => envelope.seq)
const oneToN = (n: number) => Array.from({ length: n }, (_, index) => index + 1)

/** subscribe: replay then live, in order, no gap, no duplicate, ends after the final event. */
export const subscribeTests = (harness: Harness): void => {
  describe("subscribe", () => {
    it("streams progress events in order and ends right after the final event", async () => {
      const client = (await harness.start()).client(alice)
      const task = await client.submit({
        agentId: "steps",
        description: "five steps",
        input: { count: 5, delayMs: 10 }
      })
      const events = await collect(client.subscribe(task.id))
      const progress = events.flatMap((envelope) => (envelope.event.type === "progress" ? [envelope.event] : []))
      expect(progress).toEqual(
        [20, 40, 60, 80, 100].map((percent, index) => ({
          type: "progress",
          percent,
          message: `step ${index + 1}`
        }))
      )
      expect(seqs(events)).toEqual(oneToN(events.length))
      expect(events.filter(isFinalEvent)).toHaveLength(1)
      expect(events.at(-1)?.event).toMatchObject({ type: "status_changed", from: "running", to: "completed" })
      expect(events.every((envelope) => envelope.taskId === task.id)).toBe(true)
      const record = await client.get(task.id)
      expect(record.progress).toEqual({ percent: 100, message: "step 5" })
      expect(record.lastSeq).toBe(events.length)
    })

    it("with afterSeq mid-flight, delivers exactly the later events: no gap, no duplicate", async () => {
      const client = (await harness.start()).client(alice)
      const task = await client.submit({
        agentId: "steps",
        description: "ten steps",
        input: { count: 10, delayMs: 15 }
      })
      const full = collect(client.subscribe(task.id))
      const prefix = await readUntil(
        client.subscribe(task.id),
        (envelope) => envelope.event.type === "progress" && envelope.event.message === "step 3"
      )
      const afterSeq = prefix.at(-1)?.seq ?? 0
      expect((await client.get(task.id)).status).toBe("running")

      const later = await collect(client.subscribe(task.id, { afterSeq }))
      const all = await full
      expect(seqs(all)).toEqual(oneToN(all.length))
      expect(later[0]?.seq).toBe(afterSeq + 1)
      expect(later).toEqual(all.filter((envelope) => envelope.seq > afterSeq))
      expect(later.at(-1)?.event).toMatchObject({ to: "completed" })
    })

    it("with afterSeq on a finished task, replays only the later events and ends", async () => {
      const client = (await harness.start()).client(alice)
      const task = await client.submit({
        agentId: "steps",
        description: "three steps",
        input: { count: 3, delayMs: 0 }
      })
      const done = await settle(client, task.id)
      const all = await collect(client.subscribe(task.id))
      expect(await collect(client.subscribe(task.id, { afterSeq: 2 }))).toEqual(all.slice(2))
      expect(await collect(client.subscribe(task.id, { afterSeq: done.lastSeq }))).toEqual([])
    })

    it("gives 100 concurrent subscribers of one task the identical full sequence", async () => {
      const client = (await harness.start()).client(alice)
      const task = await client.submit({ agentId: "steps", description: "watched", input: { count: 20, delayMs: 3 } })
      const streams = await Promise.all(Array.from({ length: 100 }, () => collect(client.subscribe(task.id))))
      const reference = streams[0] ?? []
      expect(seqs(reference)).toEqual(oneToN(reference.length))
      expect(reference.filter((envelope) => envelope.event.type === "progress")).toHaveLength(20)
      expect(reference.filter(isFinalEvent)).toHaveLength(1)
      for (const events of streams) expect(events).toEqual(reference)
    })

    it("a stalled subscriber slows no one and, once it reads again, gets every event exactly once", async () => {
      // A tiny per-subscriber buffer makes the stalled subscriber overflow, so it must catch up.
      const client = (await harness.start({ subscriberBuffer: 4 })).client(alice)
      const task = await client.submit({ agentId: "steps", description: "busy", input: { count: 60, delayMs: 2 } })

      const stalled = client.subscribe(task.id)[Symbol.asyncIterator]()
      const stalledEvents: Array<TaskEventEnvelope> = []
      for (let read = 0; read < 2; read++) {
        const next = await stalled.next()
        if (next.done !== true) stalledEvents.push(next.value)
      }
      // The stalled subscriber reads nothing until the others have their whole streams: were it holding
      // them back, they would never end (decided by what happens, not by a clock, so a busy machine
      // cannot fail it).
      const fast = await Promise.all(
        Array.from({ length: 3 }, async () => ({ events: await collect(client.subscribe(task.id)) }))
      )
      const done = await client.get(task.id)
      expect(done.status).toBe("completed")

      for (let next = await stalled.next(); next.done !== true; next = await stalled.next()) {
        stalledEvents.push(next.value)
      }
      const reference = fast[0]?.events ?? []
      expect(seqs(reference)).toEqual(oneToN(done.lastSeq))
      expect(stalledEvents).toEqual(reference)
      for (const { events } of fast) expect(events).toEqual(reference)
    })
  })
}
