import type { RuntimeClient, TaskRecord } from "@coderclaw/protocol"
import { describe, expect, it } from "vitest"
import { alice } from "../fixtures/principals.js"
import { rejectsWith } from "../support/errors.js"
import type { Harness } from "../support/Harness.js"
import { reached, settle } from "../support/streams.js"

/** Every page of a listing, following `nextCursor` to the end. */
const allPages = async (
  client: RuntimeClient,
  filter: Parameters<RuntimeClient["list"]>[0],
  limit: number
): Promise<Array<Array<TaskRecord>>> => {
  const pages: Array<Array<TaskRecord>> = []
  let cursor: string | undefined
  do {
    const page = await client.list(filter, { limit, ...(cursor === undefined ? {} : { cursor }) })
    pages.push([...page.items])
    cursor = page.nextCursor
  } while (cursor !== undefined && pages.length < 100)
  return pages
}

/** list: filters, newest first, cursor pagination. */
export const listingTests = (harness: Harness): void => {
  describe("list", () => {
    const seed = async (client: RuntimeClient) => {
      const submitted: Array<TaskRecord> = []
      for (const n of [1, 2, 3, 4])
        submitted.push(await client.submit({ agentId: "echo", description: `e${n}`, input: n }))
      for (const n of [5, 6]) submitted.push(await client.submit({ agentId: "block", description: `b${n}` }))
      for (const task of submitted.slice(0, 4)) await settle(client, task.id)
      for (const task of submitted.slice(4)) await reached(client, task.id, "running")
      return submitted
    }

    it("lists visible tasks newest first and narrows by agent, status and creation time", async () => {
      const client = (await harness.start()).client(alice)
      const submitted = await seed(client)
      const newestFirst = submitted.map((task) => task.id).reverse()
      const all = await client.list()
      expect(all.items.map((task) => task.id)).toEqual(newestFirst)
      expect(all.nextCursor).toBeUndefined()

      const echoes = await client.list({ agentId: "echo" })
      expect(echoes.items.map((task) => task.description)).toEqual(["e4", "e3", "e2", "e1"])
      const running = await client.list({ status: ["running"] })
      expect(running.items.map((task) => task.description)).toEqual(["b6", "b5"])
      const completedOrRunning = await client.list({ status: ["completed", "running"] })
      expect(completedOrRunning.items).toHaveLength(6)
      expect((await client.list({ agentId: "echo", status: ["running"] })).items).toEqual([])
      const oldest = submitted[0]?.createdAt ?? 0
      const newest = submitted.at(-1)?.createdAt ?? 0
      expect((await client.list({ createdAfter: oldest - 1 })).items.map((task) => task.id)).toEqual(newestFirst)
      expect((await client.list({ createdAfter: newest })).items).toEqual([])
      expect((await client.list({ createdBefore: oldest })).items).toEqual([])
      expect((await client.list({ createdBefore: newest + 1, agentId: "block" })).items).toHaveLength(2)
    })

    it("pages through a listing with the cursor: every task once, in order, until there is no next cursor", async () => {
      const client = (await harness.start()).client(alice)
      const submitted = await seed(client)
      const newestFirst = submitted.map((task) => task.id).reverse()

      const byFour = await allPages(client, {}, 4)
      expect(byFour.map((page) => page.length)).toEqual([4, 2])
      expect(byFour.flat().map((task) => task.id)).toEqual(newestFirst)

      const byTwo = await allPages(client, {}, 2)
      expect(byTwo.map((page) => page.length)).toEqual([2, 2, 2])
      expect(byTwo.flat().map((task) => task.id)).toEqual(newestFirst)

      const echoesByThree = await allPages(client, { agentId: "echo" }, 3)
      expect(echoesByThree.flat().map((task) => task.description)).toEqual(["e4", "e3", "e2", "e1"])
    })

    it("rejects a malformed filter or page with InvalidRequest naming the field", async () => {
      const client = (await harness.start()).client(alice)
      const badStatus = await rejectsWith(client.list({ status: ["sleeping" as "pending"] }), "InvalidRequest")
      expect(badStatus.issues.map((issue) => issue.path[0])).toContain("status")
      const badLimit = await rejectsWith(client.list({}, { limit: 0 }), "InvalidRequest")
      expect(badLimit.issues.map((issue) => issue.path[0])).toContain("limit")
      await client.submit({ agentId: "echo", description: "listed" })
      // A cursor the server did not issue is refused, not compared as text into a page of arbitrary tasks.
      const badCursor = await rejectsWith(client.list({}, { cursor: "zzzz" }), "InvalidRequest")
      expect(badCursor.issues.map((issue) => issue.path)).toEqual([["cursor"]])
    })
  })
}
