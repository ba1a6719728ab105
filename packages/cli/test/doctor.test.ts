import { readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { makeTaskId, type TaskEvent } from "@coderclaw/protocol"
import { SqliteJournal } from "@coderclaw/store-sqlite"
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { removeDir, runCli, tempDir } from "./support/harness.js"

let dir: string
beforeAll(async () => {
  dir = await tempDir("doctor")
})
afterAll(async () => {
  await removeDir(dir)
})

/** A journal with `count` completed tasks, each result naming its index; returns the task ids. */
const journalWith = async (filename: string, count: number): Promise<ReadonlyArray<string>> => {
  const owner = "local:doctor"
  const tasks = Array.from({ length: count }, (_, i) => {
    const id = makeTaskId()
    const bodies: Array<TaskEvent> = [
      {
        type: "created",
        agentId: "echo",
        description: `task ${i}`,
        input: null,
        rootId: id,
        sessionId: "s-1",
        owner,
        priority: 0,
        maxAttempts: 1,
        metadata: {}
      },
      { type: "status_changed", from: "pending", to: "planning" },
      { type: "status_changed", from: "planning", to: "running" },
      { type: "status_changed", from: "running", to: "completed", result: `doctor-result-${i}` }
    ]
    return { id, events: bodies.map((event, index) => ({ taskId: id, seq: index + 1, at: 1, causedBy: owner, event })) }
  })
  await Effect.runPromise(
    Effect.scoped(
      Effect.flatMap(SqliteJournal.make({ filename }), (journal) => journal.append(tasks.flatMap((t) => t.events)))
    )
  )
  return tasks.map((task) => task.id)
}

const doctor = (database: string, json = true) =>
  runCli(["doctor", "--database", database, ...(json ? ["--json"] : [])], { home: dir, cwd: dir })

describe("coderclaw doctor", () => {
  it("reports a sound journal and exits 0", async () => {
    const database = join(dir, "sound", "coderclaw.db")
    await journalWith(database, 3)
    const ran = await doctor(database)
    expect(ran.code).toBe(0)
    expect(JSON.parse(ran.stdout)).toMatchObject({
      ok: true,
      damaged: [],
      structure: [],
      positions: { stored: 12, acknowledged: 12 }
    })
  })

  it("lists a task damaged by a byte flipped in the file, and exits 1", async () => {
    const database = join(dir, "flipped", "coderclaw.db")
    const ids = await journalWith(database, 3)
    const bytes = readFileSync(database)
    const at = bytes.indexOf("doctor-result-1")
    expect(at).toBeGreaterThan(0)
    bytes[at + 14] = (bytes[at + 14] ?? 0) ^ 0x02 // "1" becomes "3"
    writeFileSync(database, bytes)

    const ran = await doctor(database)
    expect(ran.code).toBe(1)
    const report = JSON.parse(ran.stdout) as { ok: boolean; damaged: Array<{ taskId: string; detail: string }> }
    expect(report.ok).toBe(false)
    expect(report.damaged.map((task) => task.taskId)).toEqual([ids[1]])
    expect(report.damaged[0]?.detail).toContain("fails its checksum")

    const plain = await doctor(database, false)
    expect(plain.stdout).toContain("DAMAGED")
    expect(plain.stdout).toContain(ids[1])
  })

  it("runs beside the journal's owner, naming it", async () => {
    const database = join(dir, "held", "coderclaw.db")
    await journalWith(database, 1)
    const report = await Effect.runPromise(
      Effect.scoped(
        Effect.gen(function* () {
          yield* SqliteJournal.make({ filename: database })
          const ran = yield* Effect.promise(() => doctor(database))
          return JSON.parse(ran.stdout) as { ok: boolean; holder: { pid: number; running: boolean } }
        })
      )
    )
    expect(report).toMatchObject({ ok: true, holder: { pid: process.pid, running: true } })
  })
})
