import { existsSync } from "node:fs"
import { describe, expect, it } from "vitest"
import { alice } from "../fixtures/principals.js"
import type { Harness } from "../support/Harness.js"
import { collect, isFinalEvent, pause, reached, readUntil, settle, shape } from "../support/streams.js"

/** Agents spawn child tasks, wait for them and use their results; cancelling the parent cancels them. */
export const childrenTests = (harness: Harness): void => {
  describe("child tasks", () => {
    it("a parent spawns three children, waits for them and completes with their results", async () => {
      const client = (await harness.start()).client(alice)
      const root = await client.submit({ agentId: "parent", description: "fan out", input: { children: [1, 2, 3] } })
      const done = await settle(client, root.id)
      expect(done).toMatchObject({ status: "completed", result: { results: [2, 4, 6], sum: 12 } })

      const children = (await client.list({ parentId: root.id })).items
      expect(children).toHaveLength(3)
      for (const child of children) {
        expect(child).toMatchObject({
          status: "completed",
          parentId: root.id,
          rootId: root.id,
          sessionId: alice.sessionId,
          agentId: "double"
        })
      }
      expect(children.map((child) => child.result).sort()).toEqual([2, 4, 6])
      expect((await client.list({ rootId: root.id })).items).toHaveLength(4)

      const events = await collect(client.subscribe(root.id))
      const spawned = events.flatMap((envelope) =>
        envelope.event.type === "child_spawned" ? [envelope.event.childId] : []
      )
      expect(new Set(spawned)).toEqual(new Set(children.map((child) => child.id)))
      expect(
        events.find((envelope) => envelope.event.type === "status_changed" && envelope.event.to === "waiting")?.event
      ).toMatchObject({
        waitingFor: "children"
      })
      expect(shape(events).slice(-3)).toEqual(["running→waiting", "waiting→running", "running→completed"])
    })

    it("cancelling the parent cancels its active children and stops their work", async () => {
      const client = (await harness.start()).client(alice)
      const paths = ["a", "b", "c"].map((name) => harness.scratchPath(`child-${name}.txt`))
      const root = await client.submit({
        agentId: "parent",
        description: "fan out slow writers",
        input: { children: paths.map((path) => ({ path, delayMs: 300 })), childAgent: "slow-writer" }
      })
      await readUntil(
        client.subscribe(root.id),
        (envelope) => envelope.event.type === "status_changed" && envelope.event.waitingFor === "children"
      )
      const children = (await client.list({ parentId: root.id })).items
      expect(children).toHaveLength(3)
      for (const child of children) await reached(client, child.id, "running")

      expect((await client.cancel(root.id)).status).toBe("cancelled")
      for (const child of children) {
        const events = await collect(client.subscribe(child.id))
        expect(events.filter(isFinalEvent)).toHaveLength(1)
        expect(events.at(-1)?.event).toMatchObject({ type: "status_changed", from: "running", to: "cancelled" })
      }
      expect((await client.list({ parentId: root.id, status: ["cancelled"] })).items).toHaveLength(3)
      await pause(400)
      for (const path of paths) expect(existsSync(path)).toBe(false)
    })
  })
}
