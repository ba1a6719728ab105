import { existsSync } from "node:fs"
import { mkdtemp, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { crc32 } from "node:zlib"
import { eventsFor, newTask, toCompleted } from "@coderclaw/journal-conformance"
import { killTracked, spawnTracked } from "@coderclaw/process-harness"
import type { TaskEvent, TaskEventEnvelope } from "@coderclaw/protocol"
import type { JournalError } from "@coderclaw/runtime"
import { Effect, Exit, Fiber, Option } from "effect"
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest"
import {
  SqliteJournal,
  type SqliteJournalOptions,
  type SqliteJournalRefused,
  type SqliteJournalShape
} from "../src/index.js"
import { describeEachDriver } from "./support/drivers.js"

const packageRoot = join(dirname(fileURLToPath(import.meta.url)), "..")

let root: string
let counter = 0
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "coderclaw-store-sqlite-"))
})
afterEach(async () => {
  // A failed or timed-out test must not leave its child processes running.
  await killTracked()
})
afterAll(async () => {
  await rm(root, { recursive: true, force: true })
})

/** A database file in a folder that does not exist yet: opening must create it. */
const freshFile = () => join(root, `db${++counter}`, "journal.db")

/** A running task with `progressEvents` progress events after reaching `running`. */
const runningHistory = (progressEvents: number) => {
  const task = newTask()
  const bodies: Array<TaskEvent> = [
    { type: "status_changed", from: "pending", to: "planning" },
    { type: "status_changed", from: "planning", to: "running" },
    ...Array.from({ length: progressEvents }, (_, i): TaskEvent => ({ type: "progress", percent: i + 1 }))
  ]
  return { id: task.id, events: [...task.events, ...eventsFor(task.id, 2, bodies)] }
}

describeEachDriver("SqliteJournal", (driver) => {
  /** Opens the journal, runs `use` on it, closes it. */
  const withJournal = <A, E>(
    options: SqliteJournalOptions,
    use: (journal: SqliteJournalShape) => Effect.Effect<A, E>
  ): Promise<A> =>
    Effect.runPromise(Effect.scoped(Effect.flatMap(SqliteJournal.make({ driver: driver.name, ...options }), use)))

  /** Opens the journal expecting the open itself to fail, and returns its error. */
  const openFailure = async (filename: string): Promise<JournalError | SqliteJournalRefused> => {
    const exit = await Effect.runPromiseExit(Effect.scoped(SqliteJournal.make({ filename, driver: driver.name })))
    if (Exit.isSuccess(exit)) throw new Error(`expected ${filename} to be refused`)
    return Option.getOrThrowWith(Exit.findErrorOption(exit), () => new Error(`opening died: ${String(exit.cause)}`))
  }

  it("opens in WAL mode and records its schema version", async () => {
    const filename = freshFile()
    await withJournal({ filename }, (journal) => journal.append(newTask().events))
    const stored = driver.raw(filename, (db) => ({
      mode: db.pragma("journal_mode", { simple: true }),
      versions: db.prepare("SELECT version FROM schema_migrations ORDER BY version").pluck().all(),
      tables: db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").pluck().all()
    }))
    expect(stored.mode).toBe("wal")
    expect(stored.versions).toEqual(Array.from({ length: SqliteJournal.schemaVersion }, (_, i) => i + 1))
    expect(stored.tables).toEqual(expect.arrayContaining(["checkpoints", "events", "schema_migrations", "tasks"]))
  })

  it("commits 1,000 concurrent appends in a few transactions; a conflicting call among them fails alone", async () => {
    const existing = newTask()
    const writers = Array.from({ length: 1_000 }, () => newTask())
    const outcome = await withJournal({ filename: freshFile() }, (journal) =>
      Effect.gen(function* () {
        yield* journal.append(existing.events)
        const before = yield* journal.stats
        // The conflicting call (a second `created` for an existing task) is queued in the middle of the wave.
        const calls = [...writers.slice(0, 500), existing, ...writers.slice(500)].map((task) => task.events)
        const exits = yield* Effect.forEach(calls, (events) => Effect.exit(journal.append(events)), {
          concurrency: "unbounded"
        })
        const after = yield* journal.stats
        return { exits, before, after, all: yield* journal.readAll(0, 10_000), last: yield* journal.lastPosition }
      })
    )
    const failed = outcome.exits.flatMap((exit, index) =>
      Option.match(Exit.findErrorOption(exit), { onNone: () => [], onSome: (error) => [{ index, error }] })
    )
    expect(failed).toHaveLength(1)
    expect(failed[0]?.index).toBe(500)
    expect(failed[0]?.error).toMatchObject({ reason: "Conflict", taskId: existing.id, seq: 1 })

    const commits = outcome.after.commits - outcome.before.commits
    console.info(`group commit: 1,001 concurrent append calls (1,000 stored, 1 refused) in ${commits} commit(s)`)
    expect(commits).toBeLessThanOrEqual(5)
    expect(outcome.after.appends - outcome.before.appends).toBe(1_000)
    expect(outcome.after.appendedEvents - outcome.before.appendedEvents).toBe(1_000)
    expect(outcome.after.failed - outcome.before.failed).toBe(1)

    // Every other call of the batch is stored, at dense positions, in the order the calls were made.
    const stored = outcome.exits.filter(Exit.isSuccess).map((exit) => exit.value[0] as TaskEventEnvelope)
    expect(stored.map((envelope) => envelope.position)).toEqual(Array.from({ length: 1_000 }, (_, i) => i + 2))
    expect(stored.map((envelope) => envelope.taskId)).toEqual(writers.map((task) => task.id))
    expect(outcome.all.map((envelope) => envelope.position)).toEqual(Array.from({ length: 1_001 }, (_, i) => i + 1))
    expect(outcome.last).toBe(1_001)
  })

  it("never stores an append whose caller is interrupted while it waits for its batch", async () => {
    const outcome = await withJournal({ filename: freshFile() }, (journal) =>
      Effect.gen(function* () {
        const fiber = yield* Effect.forkChild(journal.append(newTask().events))
        // Lets the fiber queue its write; the batch only starts on the next macrotask.
        yield* Effect.yieldNow
        const exit = yield* Fiber.interrupt(fiber).pipe(Effect.andThen(Fiber.await(fiber)))
        yield* Effect.sleep(10)
        return { exit, last: yield* journal.lastPosition, stats: yield* journal.stats }
      })
    )
    expect(Exit.hasInterrupts(outcome.exit)).toBe(true)
    expect(outcome.last).toBe(0)
    expect(outcome.stats).toMatchObject({ commits: 0, appends: 0 })
  })

  it("refuses to open a database whose schema is newer than it knows, changing nothing", async () => {
    const filename = freshFile()
    await withJournal({ filename }, (journal) => journal.append(newTask().events))
    const newer = SqliteJournal.schemaVersion + 1
    driver.raw(filename, (db) =>
      db.prepare("INSERT INTO schema_migrations (version, applied_at) VALUES (?, 0)").run(newer)
    )

    const error = await openFailure(filename)
    expect(error.reason).toBe("Unavailable")
    expect(error.message).toContain(`schema version ${newer}, newer than the ${SqliteJournal.schemaVersion}`)
    expect(driver.raw(filename, (db) => db.prepare("SELECT count(*) FROM events").pluck().get())).toBe(1)
  })

  describe("quarantines a damaged task when opening, and still opens", () => {
    const storeRunningTask = async () => {
      const filename = freshFile()
      const task = runningHistory(3)
      const other = runningHistory(1)
      await withJournal({ filename }, (journal) => journal.append([...task.events, ...other.events]))
      return { filename, taskId: task.id, otherId: other.id }
    }

    /** Opens the damaged file: what the journal reports damaged, the refusal of a read, and the other task. */
    const damageFound = (filename: string, taskId: string, otherId: string) =>
      withJournal({ filename }, (journal) =>
        Effect.gen(function* () {
          return {
            damaged: yield* journal.damagedTasks,
            load: yield* Effect.flip(journal.loadTask(taskId as never)),
            read: yield* Effect.flip(journal.readTask(taskId as never, 0)),
            active: (yield* journal.activeTasks).map((record) => record.id),
            other: Option.getOrThrow(yield* journal.loadTask(otherId as never)).id
          }
        })
      )

    const expectQuarantined = (
      found: Awaited<ReturnType<typeof damageFound>>,
      taskId: string,
      otherId: string,
      detail: string
    ) => {
      expect(found.damaged).toEqual([{ taskId, detail: expect.stringContaining(detail) }])
      expect(found.load).toMatchObject({ reason: "Corrupt", taskId })
      expect(found.read).toMatchObject({ reason: "Corrupt", taskId })
      expect(found.load.message).toContain(detail)
      // Not resumed by recovery; the other task is untouched.
      expect(found.active).toEqual([otherId])
      expect(found.other).toBe(otherId)
    }

    it("a missing event in the middle of an active task's history, naming the task", async () => {
      const { filename, taskId, otherId } = await storeRunningTask()
      driver.raw(filename, (db) => db.prepare("DELETE FROM events WHERE task_id = ? AND seq = 3").run(taskId))
      const found = await damageFound(filename, taskId, otherId)
      expectQuarantined(found, taskId, otherId, "is at seq 6 but 5 of its events are stored")
    })

    it("an event changed by another connection (not valid JSON any more)", async () => {
      const { filename, taskId, otherId } = await storeRunningTask()
      driver.raw(filename, (db) =>
        db.prepare("UPDATE events SET event = '{\"type\":' WHERE task_id = ? AND seq = 2").run(taskId)
      )
      const found = await damageFound(filename, taskId, otherId)
      expectQuarantined(found, taskId, otherId, "(seq 2) fails its checksum")
    })

    it("the last events missing behind a record that counts them", async () => {
      const { filename, taskId, otherId } = await storeRunningTask()
      driver.raw(filename, (db) => db.prepare("DELETE FROM events WHERE task_id = ? AND seq >= 5").run(taskId))
      const found = await damageFound(filename, taskId, otherId)
      expectQuarantined(found, taskId, otherId, "is at seq 6 but 4 of its events are stored")
    })

    it("a record that differs from the projection of its events, even with a recomputed checksum", async () => {
      const { filename, taskId, otherId } = await storeRunningTask()
      // Rewritten with a checksum as the journal computes it: only re-projecting the events finds the lie.
      driver.raw(filename, (db) => {
        db.prepare("UPDATE tasks SET record = json_set(record, '$.progress.percent', 99) WHERE id = ?").run(taskId)
        const row = db.prepare("SELECT * FROM tasks WHERE id = ?").get(taskId) as Record<string, unknown>
        const columns = ["id", "status", "session_id", "agent_id", "parent_id", "root_id", "created_at", "last_seq"]
        const text = [...columns, "record"].map((column) => (row[column] === null ? "" : String(row[column])))
        db.prepare("UPDATE tasks SET crc = ? WHERE id = ?").run(crc32(text.join("\u0000")), taskId)
      })
      const found = await damageFound(filename, taskId, otherId)
      expectQuarantined(found, taskId, otherId, "differs from the projection")
    })

    it("a file that is not a SQLite database fails the open", async () => {
      const filename = freshFile()
      await withJournal({ filename }, () => Effect.void)
      await writeFile(filename, Buffer.alloc(8_192, "garbage!"))
      await rm(`${filename}-wal`, { force: true })
      await rm(`${filename}-shm`, { force: true })
      await rm(`${filename}.mark`, { force: true })
      expect((await openFailure(filename)).reason).toBe("Corrupt")
    })

    it("and reports damage in a finished task's history, never serving it", async () => {
      const filename = freshFile()
      const task = newTask()
      await withJournal({ filename }, (journal) =>
        journal.append([...task.events, ...eventsFor(task.id, 2, toCompleted())])
      )
      driver.raw(filename, (db) =>
        db.prepare("UPDATE events SET event = 'null' WHERE task_id = ? AND seq = 4").run(task.id)
      )
      const read = await withJournal({ filename }, (journal) => Effect.flip(journal.readTask(task.id, 0)))
      expect(read).toMatchObject({ reason: "Corrupt", taskId: task.id })
      expect(read.message).toContain("(seq 4) fails its checksum")
    })
  })

  it("fails with Busy (transient) or Unavailable, never throws, when another connection holds the lock or it is closed", async () => {
    const filename = freshFile()
    const task = runningHistory(0)
    let closed: SqliteJournalShape | undefined
    await withJournal({ filename, busyTimeoutMs: 50 }, (journal) =>
      Effect.gen(function* () {
        closed = journal
        yield* journal.append(task.events)
        const blocker = driver.open(filename)
        blocker.exec("BEGIN IMMEDIATE")
        const probe = yield* Effect.flip(journal.probe)
        const append = yield* Effect.flip(journal.append(eventsFor(task.id, 4, [{ type: "progress", percent: 9 }])))
        blocker.exec("ROLLBACK")
        blocker.close()
        expect(probe.reason).toBe("Busy")
        expect(probe.message).toContain("SQLITE_BUSY")
        expect(append.reason).toBe("Busy")
        expect(append.transient).toBe(true)
        // The lock is gone: the same append now succeeds, so nothing of the failed one was kept.
        yield* journal.probe
        yield* journal.append(eventsFor(task.id, 4, [{ type: "progress", percent: 9 }]))
      })
    )
    // After its scope closed, the same service object fails every call instead of throwing.
    const journal = closed as SqliteJournalShape
    const calls: ReadonlyArray<Effect.Effect<unknown, JournalError>> = [
      journal.probe,
      journal.lastPosition,
      journal.readTask(task.id, 0),
      journal.append(eventsFor(task.id, 5, toCompleted())),
      journal.saveCheckpoint(task.id, { step: 1 })
    ]
    for (const call of calls) {
      const exit = await Effect.runPromiseExit(call)
      expect(Option.getOrUndefined(Exit.findErrorOption(exit))?.reason).toBe("Unavailable")
    }
  })

  it("keeps every acknowledged event when its process is killed with SIGKILL mid-stream", {
    timeout: 180_000
  }, async () => {
    const fixture = join(packageRoot, "test", "fixtures", "appendUntilKilled.mjs")
    if (!existsSync(join(packageRoot, "dist", "index.js"))) {
      throw new Error("the kill -9 test runs the built package: build @coderclaw/store-sqlite first")
    }
    const filename = freshFile()
    const acknowledged: Array<{ readonly taskId: string; readonly seq: number; readonly position: number }> = []
    const exited = await new Promise<NodeJS.Signals | null>((resolve, reject) => {
      const child = spawnTracked(process.execPath, [fixture, filename, "8", driver.name], {
        stdio: ["ignore", "pipe", "pipe"]
      })
      let pending = ""
      let stderr = ""
      const timer = setTimeout(() => {
        child.kill("SIGKILL")
        reject(new Error(`the writer acknowledged only ${acknowledged.length} events in time: ${stderr}`))
      }, 120_000)
      child.stderr?.on("data", (chunk: Buffer) => {
        stderr += chunk.toString()
      })
      child.stdout?.on("data", (chunk: Buffer) => {
        pending += chunk.toString()
        const lines = pending.split("\n")
        pending = lines.pop() ?? "" // a line cut by the kill is not an acknowledgement
        for (const line of lines) {
          const [taskId = "", seq, position] = line.split(" ")
          acknowledged.push({ taskId, seq: Number(seq), position: Number(position) })
        }
        if (acknowledged.length >= 2_000 && child.exitCode === null && !child.killed) child.kill("SIGKILL")
      })
      child.on("exit", (code, signal) => {
        clearTimeout(timer)
        if (signal === null) reject(new Error(`the writer exited by itself (${code}): ${stderr}`))
        else resolve(signal)
      })
    })
    expect(exited).toBe("SIGKILL")

    const reopened = await withJournal({ filename }, (journal) =>
      Effect.gen(function* () {
        const all = yield* journal.readAll(0, 1_000_000)
        const taskIds = [...new Set(acknowledged.map((ack) => ack.taskId))]
        const histories = yield* Effect.forEach(taskIds, (taskId) => journal.readTask(taskId as never, 0))
        const records = yield* Effect.forEach(taskIds, (taskId) => journal.loadTask(taskId as never))
        return { all, histories, records }
      })
    )
    const byPosition = new Map(reopened.all.map((envelope) => [envelope.position, envelope]))
    for (const ack of acknowledged) {
      expect(byPosition.get(ack.position), `acknowledged position ${ack.position}`).toMatchObject({
        taskId: ack.taskId,
        seq: ack.seq
      })
    }
    expect(reopened.all.map((envelope) => envelope.position)).toEqual(reopened.all.map((_, i) => i + 1))
    for (const [index, history] of reopened.histories.entries()) {
      expect(history.map((envelope) => envelope.seq)).toEqual(history.map((_, i) => i + 1))
      expect(Option.getOrThrow(reopened.records[index] ?? Option.none()).lastSeq).toBe(history.length)
    }
    expect(acknowledged.length).toBeGreaterThanOrEqual(2_000)
  })
})
