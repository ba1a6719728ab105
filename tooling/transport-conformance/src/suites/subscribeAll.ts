import type { RuntimeClient, TaskEventEnvelope } from "@coderclaw/protocol"
import { describe, expect, it } from "vitest"
import { admin, alice, bob } from "../fixtures/principals.js"
import type { Harness } from "../support/Harness.js"
import { collect, isFinalEvent, settle } from "../support/streams.js"

/** Reads an all-tasks stream until every task in `ids` has ended, then unsubscribes. */
const untilEnded = async (
  stream: AsyncIterable<TaskEventEnvelope>,
  ids: ReadonlyArray<string>
): Promise<Array<TaskEventEnvelope>> => {
  const waiting = new Set(ids)
  const events: Array<TaskEventEnvelope> = []
  for await (const envelope of stream) {
    events.push(envelope)
    if (isFinalEvent(envelope)) waiting.delete(envelope.taskId)
    if (waiting.size === 0) return events
  }
  throw new Error("subscribeAll ended by itself; it should stay open until the caller stops reading")
}

const positions = (events: ReadonlyArray<TaskEventEnvelope>) => events.map((envelope) => envelope.position)
const increasing = (values: ReadonlyArray<number>) =>
  values.every((value, index) => index === 0 || value > (values[index - 1] ?? 0))

/** Checks that the events of `taskId` in an all-tasks stream are that task's full history. */
const expectWholeHistory = async (
  client: RuntimeClient,
  seen: ReadonlyArray<TaskEventEnvelope>,
  taskId: string
): Promise<void> => {
  const own = await collect(client.subscribe(taskId))
  expect(seen.filter((envelope) => envelope.taskId === taskId)).toEqual(own)
}

/** subscribeAll: the events of every visible task, in journal order. */
export const subscribeAllTests = (harness: Harness): void => {
  describe("subscribeAll", () => {
    it("delivers the events of visible tasks only, in position order, without gaps", async () => {
      const runtime = await harness.start()
      const [asAlice, asBob, asAdmin] = [runtime.client(alice), runtime.client(bob), runtime.client(admin)]
      const slow = { agentId: "steps", input: { count: 5, delayMs: 10 } }
      const first = await asAlice.submit({ ...slow, description: "alice 1" })
      const other = await asBob.submit({ ...slow, description: "bob 1" })
      const second = await asAlice.submit({ ...slow, description: "alice 2" })
      const from = { afterPosition: first.lastPosition - 1 }

      const [seenByAlice, seenByBob, seenByAdmin, adminOnBob] = await Promise.all([
        untilEnded(asAlice.subscribeAll({}, from), [first.id, second.id]),
        untilEnded(asBob.subscribeAll({}, from), [other.id]),
        untilEnded(asAdmin.subscribeAll({}, from), [first.id, other.id, second.id]),
        untilEnded(asAdmin.subscribeAll({ sessionId: bob.sessionId }, from), [other.id])
      ])

      expect(new Set(seenByAlice.map((envelope) => envelope.taskId))).toEqual(new Set([first.id, second.id]))
      expect(new Set(seenByBob.map((envelope) => envelope.taskId))).toEqual(new Set([other.id]))
      expect(new Set(adminOnBob.map((envelope) => envelope.taskId))).toEqual(new Set([other.id]))
      for (const seen of [seenByAlice, seenByBob, seenByAdmin, adminOnBob])
        expect(increasing(positions(seen))).toBe(true)

      await expectWholeHistory(asAlice, seenByAlice, first.id)
      await expectWholeHistory(asAlice, seenByAlice, second.id)
      await expectWholeHistory(asBob, seenByBob, other.id)
      for (const id of [first.id, other.id, second.id]) await expectWholeHistory(asAdmin, seenByAdmin, id)
    })

    it("without afterPosition, starts from now: nothing that happened before is replayed", async () => {
      const client = (await harness.start()).client(alice)
      const before = await settle(client, (await client.submit({ agentId: "echo", description: "before" })).id)
      const iterator = client.subscribeAll()[Symbol.asyncIterator]()
      // Asking for the first event opens the subscription; the task below is submitted after that.
      const firstEvent = iterator.next()
      const after = await client.submit({ agentId: "steps", description: "after", input: { count: 2, delayMs: 20 } })
      const seen: Array<TaskEventEnvelope> = []
      for (let next = await firstEvent; next.done !== true; next = await iterator.next()) {
        seen.push(next.value)
        if (isFinalEvent(next.value) && next.value.taskId === after.id) break
      }
      await iterator.return?.()
      expect(seen.some((envelope) => envelope.taskId === before.id)).toBe(false)
      expect(seen.at(-1)?.event).toMatchObject({ type: "status_changed", to: "completed" })
    })
  })
}
