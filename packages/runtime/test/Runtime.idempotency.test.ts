import { Effect, Layer } from "effect"
import { afterEach, describe, expect, it } from "vitest"
import { defineAgent, Journal, JournalError, type JournalShape, makeInMemoryJournal } from "../src/index.js"
import { alice, bob, type Harness, startRuntime } from "./support/harness.js"

const running: Array<Harness> = []
afterEach(async () => {
  for (const harness of running.splice(0)) await harness.dispose()
})

const echo = defineAgent({ id: "echo", name: "echo", run: (input) => Effect.succeed(input) })

const start = (journal: JournalShape = makeInMemoryJournal()) => {
  const harness = startRuntime({ agents: [echo], journalWaitMs: 20 }, Layer.succeed(Journal, journal))
  running.push(harness)
  return harness
}

const request = { agentId: "echo", description: "once", input: { n: 1 }, idempotencyKey: "order-42" }

const countTasks = async (harness: Harness) =>
  (await harness.call((runtime) => runtime.list(alice, {}, { limit: 100 }))).items.length

describe("submit with an idempotency key", () => {
  it("returns the same task to a retry by the same owner, before and after the task ended", async () => {
    const harness = start()
    const first = await harness.submit(request)
    const retried = await harness.submit({ ...request })
    expect(retried.id).toBe(first.id)
    await harness.settled(first.id)
    // Key order and a retry after the end make no difference: still the one task, now completed.
    const late = await harness.submit({
      idempotencyKey: "order-42",
      input: { n: 1 },
      description: "once",
      agentId: "echo"
    })
    expect(late.id).toBe(first.id)
    expect(late.status).toBe("completed")
    expect(await countTasks(harness)).toBe(1)
  })

  it("creates one task for concurrent submits with the same key", async () => {
    const harness = start()
    const all = await Promise.all(Array.from({ length: 20 }, () => harness.submit(request)))
    expect(new Set(all.map((task) => task.id)).size).toBe(1)
    expect(await countTasks(harness)).toBe(1)
  })

  it("keeps keys of different owners apart", async () => {
    const harness = start()
    const mine = await harness.submit(request, alice)
    const theirs = await harness.submit(request, bob)
    expect(theirs.id).not.toBe(mine.id)
    expect(theirs.owner).toBe(bob.id)
  })

  it("refuses the same key with a different request, naming the field", async () => {
    const harness = start()
    const first = await harness.submit(request)
    const refused = await harness.submit({ ...request, input: { n: 2 } }).catch((error: unknown) => error)
    expect(refused).toMatchObject({ _tag: "InvalidRequest", issues: [{ path: ["idempotencyKey"] }] })
    expect(String((refused as Error).message)).toContain(first.id)
    expect(await countTasks(harness)).toBe(1)
  })

  it("refuses a key that is empty, too long or not printable ASCII", async () => {
    const harness = start()
    for (const idempotencyKey of ["", "x".repeat(256), "with space", "ключ"]) {
      const refused = await harness.submit({ ...request, idempotencyKey }).catch((error: unknown) => error)
      expect(refused, idempotencyKey).toMatchObject({ _tag: "InvalidRequest" })
    }
    expect(await countTasks(harness)).toBe(0)
  })

  it("is kept in the journal: a new runtime on the same journal returns the original task", async () => {
    const journal = makeInMemoryJournal()
    const first = start(journal)
    const created = await first.submit(request)
    await first.settled(created.id)
    await first.dispose()
    running.splice(0)
    const second = start(journal)
    expect((await second.submit(request)).id).toBe(created.id)
    expect(await countTasks(second)).toBe(1)
  })

  it("creates the task on a retry when the first submit failed after claiming the key", async () => {
    const inner = makeInMemoryJournal()
    let full = true
    const journal: JournalShape = {
      ...inner,
      append: (events) =>
        full ? Effect.fail(new JournalError({ reason: "Full", detail: "disk full" })) : inner.append(events)
    }
    const harness = start(journal)
    const failed = await harness.submit(request).catch((error: unknown) => error)
    expect(failed).toMatchObject({ _tag: "Unavailable" })
    full = false
    const created = await harness.submit(request)
    expect((await harness.settled(created.id)).status).toBe("completed")
    expect((await harness.submit(request)).id).toBe(created.id)
    expect(await countTasks(harness)).toBe(1)
  })
})
