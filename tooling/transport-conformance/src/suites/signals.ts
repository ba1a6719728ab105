import { describe, expect, it } from "vitest"
import { alice } from "../fixtures/principals.js"
import { expectTagged, rejectionOf } from "../support/errors.js"
import type { Harness } from "../support/Harness.js"
import { pause, reached } from "../support/streams.js"

/** How long a cut or aborted stream may take to notice. */
const promptlyMs = 1_000

/** Settles with what the next read of the iterator did, or `"still open"` if it did nothing in time. */
const nextOutcome = async (iterator: AsyncIterator<unknown>) =>
  Promise.race([
    iterator.next().then(
      (result) => ({ ended: result.done === true }) as const,
      (error: unknown) => ({ error }) as const
    ),
    pause(promptlyMs).then(() => "still open" as const)
  ])

/** Abort signals and `close()`: callers can always stop waiting, and a closed client lets go of everything. */
export const signalTests = (harness: Harness): void => {
  describe("abort signals and close", () => {
    it("a call whose signal is already aborted rejects with the signal's reason", async () => {
      const client = (await harness.start()).client(alice)
      const reason = new Error("caller gave up")
      expect(await rejectionOf(client.status({ signal: AbortSignal.abort(reason) }))).toBe(reason)
      expect(await rejectionOf(client.list({}, {}, { signal: AbortSignal.abort(reason) }))).toBe(reason)
      expect(await rejectionOf(client.listAgents({ signal: AbortSignal.abort(reason) }))).toBe(reason)
    })

    it("aborting a subscription's signal stops the stream promptly", async () => {
      const client = (await harness.start()).client(alice)
      const task = await client.submit({ agentId: "block", description: "watched" })
      await reached(client, task.id, "running")
      const controller = new AbortController()
      const iterator = client.subscribe(task.id, { signal: controller.signal })[Symbol.asyncIterator]()
      for (let read = 0; read < 3; read++) await iterator.next()
      const outcome = nextOutcome(iterator)
      controller.abort(new Error("stop watching"))
      expect(await outcome).not.toBe("still open")
      expect((await client.get(task.id)).status).toBe("running")
    })

    it("closing a client cuts its open subscriptions with Unavailable", async () => {
      const runtime = await harness.start()
      const client = runtime.client(alice)
      const task = await client.submit({ agentId: "block", description: "watched" })
      const single = client.subscribe(task.id)[Symbol.asyncIterator]()
      const all = client.subscribeAll({}, { afterPosition: 0 })[Symbol.asyncIterator]()
      await reached(client, task.id, "running")
      for (let read = 0; read < 3; read++) await Promise.all([single.next(), all.next()])
      const outcomes = Promise.all([nextOutcome(single), nextOutcome(all)])
      await client.close()
      for (const outcome of await outcomes) {
        if (outcome === "still open") expect.fail("the subscription stayed open after close()")
        else if ("error" in outcome) expectTagged(outcome.error, "Unavailable")
        else expect.fail("the stream ended as if the task had finished; it must reject with Unavailable")
      }
    })
  })
}
