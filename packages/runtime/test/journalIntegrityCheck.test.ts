import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import type { DamagedTask, JournalShape } from "../src/index.js"
import { JournalError, makeInMemoryJournal } from "../src/index.js"
import { journalIntegrityCheck } from "../src/status/journalIntegrityCheck.js"

/** The in-memory journal plus the optional `damagedTasks` of a journal that checks what it reads. */
const checkingJournal = (damaged: Effect.Effect<ReadonlyArray<DamagedTask>, JournalError>): JournalShape => ({
  ...makeInMemoryJournal(),
  damagedTasks: damaged
})

describe("journalIntegrityCheck", () => {
  it("adds no check for a journal without checksums", async () => {
    expect(await Effect.runPromise(journalIntegrityCheck(makeInMemoryJournal()))).toBeUndefined()
  })

  it("is ok while no task is damaged", async () => {
    const check = await Effect.runPromise(journalIntegrityCheck(checkingJournal(Effect.succeed([]))))
    expect(check).toEqual({ name: "journal-integrity", state: "ok", observed: 0 })
  })

  it("is degraded naming every damaged task and what was found", async () => {
    const damaged = [
      { taskId: "task-a", detail: "the event at position 7 (seq 3) fails its checksum" },
      { taskId: "task-b", detail: "the task row fails its checksum" }
    ]
    const check = await Effect.runPromise(journalIntegrityCheck(checkingJournal(Effect.succeed(damaged))))
    expect(check).toMatchObject({ name: "journal-integrity", state: "degraded", observed: 2 })
    expect(check?.detail).toContain("task-a (the event at position 7 (seq 3) fails its checksum)")
    expect(check?.detail).toContain("task-b")
  })

  it("keeps the detail within the protocol's limit however many tasks are damaged", async () => {
    const damaged = Array.from({ length: 500 }, (_, i) => ({ taskId: `task-${i}`, detail: "fails its checksum" }))
    const check = await Effect.runPromise(journalIntegrityCheck(checkingJournal(Effect.succeed(damaged))))
    expect(check?.observed).toBe(500)
    expect(check?.detail?.length).toBeLessThanOrEqual(4_000)
  })

  it("is failing when the journal cannot say", async () => {
    const broken = Effect.fail(new JournalError({ reason: "Unavailable", detail: "disk gone" }))
    const check = await Effect.runPromise(journalIntegrityCheck(checkingJournal(broken)))
    expect(check).toMatchObject({ name: "journal-integrity", state: "failing" })
    expect(check?.detail).toContain("disk gone")
  })
})
