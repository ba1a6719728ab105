import { spawn } from "node:child_process"
import { copyFileSync, existsSync, readFileSync, statSync, truncateSync, writeFileSync } from "node:fs"
import { mkdir, mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { eventsFor, newTask } from "@coderclaw/journal-conformance"
import type { TaskEvent, TaskId } from "@coderclaw/protocol"
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { SqliteJournal, type SqliteJournalShape } from "../src/index.js"
import { describeEachDriver } from "./support/drivers.js"
import { journalRefusal } from "./support/journalRefusal.js"

const packageRoot = join(dirname(fileURLToPath(import.meta.url)), "..")

let root: string
let counter = 0
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "coderclaw-store-sqlite-damage-"))
})
afterAll(async () => {
  await rm(root, { recursive: true, force: true })
})

const freshFile = () => join(root, `db${++counter}`, "journal.db")

describeEachDriver("SqliteJournal damage", (driver) => {
  const withJournal = <A, E>(filename: string, use: (journal: SqliteJournalShape) => Effect.Effect<A, E>): Promise<A> =>
    Effect.runPromise(Effect.scoped(Effect.flatMap(SqliteJournal.make({ filename, driver: driver.name }), use)))

  const refusal = (filename: string) => journalRefusal(filename, driver)

  /** A completed task whose result is `result`. */
  const completedTask = (result: string) => {
    const task = newTask()
    const bodies: Array<TaskEvent> = [
      { type: "status_changed", from: "pending", to: "planning" },
      { type: "status_changed", from: "planning", to: "running" },
      { type: "status_changed", from: "running", to: "completed", result }
    ]
    return { id: task.id, events: [...task.events, ...eventsFor(task.id, 2, bodies)] }
  }

  /** Runs the kill -9 writer until it acknowledged `acks` events, kills it, returns the last acknowledged position. */
  const crashWriter = (filename: string, acks: number): Promise<number> => {
    const fixture = join(packageRoot, "test", "fixtures", "appendUntilKilled.mjs")
    if (!existsSync(join(packageRoot, "dist", "index.js"))) {
      throw new Error("the kill -9 tests run the built package: build @coderclaw/store-sqlite first")
    }
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [fixture, filename, "4", driver.name], {
        stdio: ["ignore", "pipe", "pipe"]
      })
      let pending = ""
      let stderr = ""
      let last = 0
      let count = 0
      const timer = setTimeout(() => {
        child.kill("SIGKILL")
        reject(new Error(`the writer acknowledged only ${count} events in time: ${stderr}`))
      }, 30_000)
      child.stderr.on("data", (chunk: Buffer) => {
        stderr += chunk.toString()
      })
      child.stdout.on("data", (chunk: Buffer) => {
        pending += chunk.toString()
        const lines = pending.split("\n")
        pending = lines.pop() ?? ""
        for (const line of lines) {
          count++
          last = Math.max(last, Number(line.split(" ")[2]))
        }
        if (count >= acks && child.exitCode === null && !child.killed) child.kill("SIGKILL")
      })
      child.on("exit", (_, signal) => {
        clearTimeout(timer)
        if (signal === "SIGKILL") resolve(last)
        else reject(new Error(`the writer exited by itself: ${stderr}`))
      })
    })
  }

  /** A copy of the crashed files (database, WAL, mark) in a new folder, to damage one copy and keep another. */
  const copyOf = async (filename: string): Promise<string> => {
    const target = freshFile()
    await mkdir(dirname(target), { recursive: true })
    for (const suffix of ["", "-wal", ".mark"]) {
      if (existsSync(filename + suffix)) copyFileSync(filename + suffix, target + suffix)
    }
    return target
  }

  describe("SqliteJournal: acknowledged events lost with the WAL", () => {
    it("refuses to open when the -wal and -shm files were deleted after a kill -9, naming the positions", async () => {
      const filename = freshFile()
      const acknowledged = await crashWriter(filename, 300)
      expect(statSync(`${filename}-wal`).size).toBeGreaterThan(0)
      const undamaged = await copyOf(filename)
      await rm(`${filename}-wal`)
      await rm(`${filename}-shm`, { force: true })

      const refused = await refusal(filename)
      expect(refused.reason).toBe("DataLost")
      expect(refused.expectedPosition).toBeGreaterThanOrEqual(acknowledged)
      expect(refused.foundPosition).toBeLessThan(acknowledged)
      expect(refused.message).toContain(`records position ${refused.expectedPosition}`)
      expect(refused.message).toContain(`ends at position ${refused.foundPosition}`)

      // The same crash with its WAL intact opens, every acknowledged event there.
      const last = await withJournal(undamaged, (journal) => journal.lastPosition)
      expect(last).toBeGreaterThanOrEqual(acknowledged)
    })

    it("refuses to open when the WAL was truncated after a kill -9", async () => {
      const filename = freshFile()
      const acknowledged = await crashWriter(filename, 300)
      const size = statSync(`${filename}-wal`).size
      truncateSync(`${filename}-wal`, Math.floor(size / 2))
      const refused = await refusal(filename)
      expect(refused.reason).toBe("DataLost")
      expect(refused.expectedPosition).toBeGreaterThanOrEqual(acknowledged)
      expect(refused.foundPosition).toBeLessThan(refused.expectedPosition ?? 0)
    })

    it("opens again once the operator accepts the loss by removing the mark", async () => {
      const filename = freshFile()
      await crashWriter(filename, 200)
      await rm(`${filename}-wal`)
      await rm(`${filename}-shm`, { force: true })
      await refusal(filename)
      await rm(`${filename}.mark`)
      const found = await withJournal(filename, (journal) => journal.lastPosition)
      expect(readFileSync(`${filename}.mark`, "latin1").trim()).toBe(String(found).padStart(20, "0"))
    })
  })

  describe("SqliteJournal: damaged rows are detected, quarantined and never served", () => {
    const storeTasks = async (count: number) => {
      const filename = freshFile()
      const tasks = Array.from({ length: count }, (_, i) => completedTask(`result-${i}-${"x".repeat(40)}`))
      await withJournal(filename, (journal) => journal.append(tasks.flatMap((task) => task.events)))
      return { filename, tasks }
    }

    /** What every reader sees after the damage. */
    const readEverything = (filename: string, damaged: TaskId) =>
      withJournal(filename, (journal) =>
        Effect.gen(function* () {
          return {
            load: yield* Effect.flip(journal.loadTask(damaged)),
            read: yield* Effect.flip(journal.readTask(damaged, 0)),
            listed: (yield* journal.listTasks({ filter: {} }, { limit: 1_000 })).items.map((record) => record.id),
            all: yield* journal.readAll(0, 1_000_000),
            damaged: yield* journal.damagedTasks
          }
        })
      )

    const expectOnlyDamaged = (
      seen: Awaited<ReturnType<typeof readEverything>>,
      tasks: ReadonlyArray<{ readonly id: TaskId; readonly events: ReadonlyArray<unknown> }>,
      damaged: TaskId
    ) => {
      const others = tasks.filter((task) => task.id !== damaged)
      expect(seen.load).toMatchObject({ reason: "Corrupt", taskId: damaged })
      expect(seen.read).toMatchObject({ reason: "Corrupt", taskId: damaged })
      expect(seen.damaged.map((task) => task.taskId)).toEqual([damaged])
      expect([...seen.listed].sort()).toEqual(others.map((task) => task.id).sort())
      expect(new Set(seen.all.map((envelope) => envelope.taskId))).toEqual(new Set(others.map((task) => task.id)))
      expect(seen.all).toHaveLength(others.length * 4)
    }

    it("a changed digit in a stored result (written by another connection) is refused, not served", async () => {
      const { filename, tasks } = await storeTasks(5)
      const victim = tasks[2]?.id as TaskId
      const db = driver.open(filename)
      db.prepare("UPDATE events SET event = replace(event, 'result-2-', 'result-3-') WHERE task_id = ?").run(victim)
      db.close()
      const seen = await readEverything(filename, victim)
      expectOnlyDamaged(seen, tasks, victim)
      expect(seen.load.message).toContain("fails its checksum")
    })

    it("a changed stored record is refused, and the listing still returns every other task", async () => {
      const { filename, tasks } = await storeTasks(5)
      const victim = tasks[0]?.id as TaskId
      const db = driver.open(filename)
      db.prepare("UPDATE tasks SET record = replace(record, 'result-0-', 'result-9-') WHERE id = ?").run(victim)
      db.close()
      expectOnlyDamaged(await readEverything(filename, victim), tasks, victim)
    })

    it("a byte flipped in the file where it lands in an event row", async () => {
      const { filename, tasks } = await storeTasks(5)
      const victim = tasks[3]?.id as TaskId
      // The journal closed cleanly, so the rows are in the main file (the WAL was checkpointed away).
      expect(existsSync(`${filename}-wal`)).toBe(false)
      const bytes = readFileSync(filename)
      const at = bytes.indexOf("result-3-")
      expect(at).toBeGreaterThan(0)
      expect(bytes.indexOf("result-3-", at + 1)).toBeGreaterThan(at) // in the event and in the record
      bytes[at + 7] = (bytes[at + 7] ?? 0) ^ 0x01 // "3" becomes "2"
      writeFileSync(filename, bytes)
      expectOnlyDamaged(await readEverything(filename, victim), tasks, victim)
    })

    it("a task found damaged by a later read is quarantined from then on, the journal staying open", async () => {
      const { filename, tasks } = await storeTasks(3)
      const victim = tasks[1]?.id as TaskId
      const seen = await withJournal(filename, (journal) =>
        Effect.gen(function* () {
          const before = yield* journal.damagedTasks
          const db = driver.open(filename)
          db.prepare("UPDATE events SET at = at + 1 WHERE task_id = ? AND seq = 4").run(victim)
          db.close()
          const read = yield* Effect.flip(journal.readTask(victim, 0))
          return { before, read, after: yield* journal.damagedTasks, all: yield* journal.readAll(0, 100) }
        })
      )
      expect(seen.before).toEqual([])
      expect(seen.read).toMatchObject({ reason: "Corrupt", taskId: victim, seq: 4 })
      expect(seen.after).toEqual([{ taskId: victim, detail: expect.stringContaining("fails its checksum") }])
      expect(seen.all).toHaveLength(8)
    })

    it("check() reports the damaged tasks of a file without opening it as a journal", async () => {
      const { filename, tasks } = await storeTasks(3)
      const victim = tasks[0]?.id as TaskId
      const db = driver.open(filename)
      db.prepare("UPDATE events SET event = replace(event, 'result-0-', 'result-7-') WHERE task_id = ?").run(victim)
      db.close()
      const report = await Effect.runPromise(SqliteJournal.check(filename, { driver: driver.name }))
      expect(report.structure).toEqual([])
      expect(report.damaged).toEqual([{ taskId: victim, detail: expect.stringContaining("fails its checksum") }])
      expect(report.positions).toEqual({ acknowledged: 12, stored: 12 })
    })
  })

  describe("SqliteJournal: schema version 2 adds checksums to an existing journal", () => {
    it("computes them for every existing row, then detects later damage", async () => {
      const filename = freshFile()
      const tasks = [completedTask("before-migration-0"), completedTask("before-migration-1")]
      await withJournal(filename, (journal) => journal.append(tasks.flatMap((task) => task.events)))
      // Back to a version 1 file: the columns and the record of the migration gone.
      const db = driver.open(filename)
      for (const table of ["tasks", "events", "checkpoints"]) db.exec(`ALTER TABLE ${table} DROP COLUMN crc`)
      db.exec("DELETE FROM schema_migrations WHERE version = 2")
      db.close()

      const migrated = await withJournal(filename, (journal) =>
        Effect.gen(function* () {
          return { damaged: yield* journal.damagedTasks, all: yield* journal.readAll(0, 100) }
        })
      )
      expect(migrated.damaged).toEqual([])
      expect(migrated.all).toHaveLength(8)
      const versions = driver.open(filename)
      expect(versions.prepare("SELECT version FROM schema_migrations ORDER BY version").pluck().all()).toEqual([1, 2])
      versions.prepare("UPDATE events SET event = replace(event, 'migration-1', 'migration-2')").run()
      versions.close()
      const damaged = await withJournal(filename, (journal) => journal.damagedTasks)
      expect(damaged.map((task) => task.taskId)).toEqual([tasks[1]?.id])
    })
  })
})
