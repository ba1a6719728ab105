import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { InvalidRequest, makeTaskId, type TaskId } from "@coderclaw/protocol"
import { Journal } from "@coderclaw/runtime"
import { Cause, Effect, Exit, Layer, Option } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { created, eventsFor, newTask, toCompleted } from "./history.js"

/** How the suite obtains journals of the implementation under test. */
export interface JournalUnderTest {
  /** The implementation's name, shown in test titles. */
  readonly name: string
  /**
   * A layer over an empty journal stored under `directory` (a fresh temporary folder per test). Building it
   * twice on the same directory must reopen the same data when `durable` is true.
   */
  readonly layer: (directory: string) => Layer.Layer<Journal, unknown>
  /** True when data survives closing and reopening the journal on the same directory. */
  readonly durable: boolean
  /**
   * For journals that check what they read back (checksums): changes one stored byte of the task's
   * events behind the journal's back, while no journal is open on `directory`, as disk damage or a stray
   * write would. With it, the suite checks that the damaged task is refused and reported while every
   * other task stays readable. Journals that cannot detect such damage (in memory) leave it out.
   */
  readonly damage?: (directory: string, taskId: TaskId) => Promise<void> | void
  /**
   * True when the journal has a single owner: a second journal on the same directory is refused while
   * the first is open, and opens once it closed. Not for journals that live inside one process's memory.
   */
  readonly exclusive?: boolean
  /**
   * Why this implementation cannot run here (e.g. a SQLite driver this Node lacks). The suite is then
   * registered skipped, with the reason in its title, so the run shows what was not tested.
   */
  readonly skip?: string | undefined
}

/**
 * Registers the journal conformance tests (vitest) for one implementation. Every `Journal` runs this same
 * suite, so the runtime behaves identically on each of them.
 */
export const journalConformance = (subject: JournalUnderTest): void => {
  const suite = subject.skip === undefined ? describe : describe.skip
  const reason = subject.skip === undefined ? "" : ` (skipped: ${subject.skip})`
  suite(`Journal conformance: ${subject.name}${reason}`, () => {
    let root: string
    let counter = 0
    beforeAll(async () => {
      root = await mkdtemp(join(tmpdir(), "coderclaw-journal-"))
    })
    afterAll(async () => {
      await rm(root, { recursive: true, force: true })
    })

    const freshDirectory = () => join(root, `j${++counter}`)
    const run = <A>(effect: Effect.Effect<A, unknown, Journal>, directory = freshDirectory()): Promise<A> =>
      Effect.runPromise(Effect.provide(effect, subject.layer(directory)) as Effect.Effect<A, unknown>)

    it("appends atomically, assigns positions 1, 2, 3… and returns the stored envelopes", async () => {
      const a = newTask()
      const b = newTask()
      const stored = await run(
        Effect.gen(function* () {
          const journal = yield* Journal
          const first = yield* journal.append([...a.events, ...b.events])
          const second = yield* journal.append(eventsFor(a.id, 2, toCompleted()))
          return { first, second, last: yield* journal.lastPosition }
        })
      )
      expect(stored.first.map((e) => e.position)).toEqual([1, 2])
      expect(stored.second.map((e) => [e.seq, e.position])).toEqual([
        [2, 3],
        [3, 4],
        [4, 5],
        [5, 6]
      ])
      expect(stored.first[0]).toEqual({ ...a.events[0], position: 1 })
      expect(stored.last).toBe(6)
    })

    it("reads a task after a seq and all events after a position, in order", async () => {
      const a = newTask()
      const b = newTask()
      const result = await run(
        Effect.gen(function* () {
          const journal = yield* Journal
          yield* journal.append(a.events)
          yield* journal.append(b.events)
          yield* journal.append(eventsFor(a.id, 2, toCompleted()))
          return {
            taskAfter2: yield* journal.readTask(a.id, 2),
            taskAll: yield* journal.readTask(a.id, 0),
            unknown: yield* journal.readTask(makeTaskId(), 0),
            allAfter1: yield* journal.readAll(1, 100),
            limited: yield* journal.readAll(0, 2),
            pastEnd: yield* journal.readAll(99, 10)
          }
        })
      )
      expect(result.taskAfter2.map((e) => e.seq)).toEqual([3, 4, 5])
      expect(result.taskAll.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5])
      expect(result.unknown).toEqual([])
      expect(result.allAfter1.map((e) => e.position)).toEqual([2, 3, 4, 5, 6])
      expect(result.allAfter1[0]?.taskId).toBe(b.id)
      expect(result.limited.map((e) => e.position)).toEqual([1, 2])
      expect(result.pastEnd).toEqual([])
    })

    it("refuses a seq that is not the task's next with a Conflict, and stores none of the batch", async () => {
      const a = newTask()
      const b = newTask()
      const outcome = await run(
        Effect.gen(function* () {
          const journal = yield* Journal
          yield* journal.append(a.events)
          const duplicate = yield* Effect.flip(journal.append(eventsFor(a.id, 1, [created(a.id)])))
          const gap = yield* Effect.flip(journal.append([...b.events, ...eventsFor(a.id, 3, toCompleted())]))
          return {
            duplicate,
            gap,
            b: yield* journal.loadTask(b.id),
            last: yield* journal.lastPosition
          }
        })
      )
      expect(outcome.duplicate._tag).toBe("JournalError")
      expect(outcome.duplicate.reason).toBe("Conflict")
      expect(outcome.duplicate.taskId).toBe(a.id)
      expect(outcome.gap.reason).toBe("Conflict")
      expect(Option.isNone(outcome.b)).toBe(true)
      expect(outcome.last).toBe(1)
    })

    it("refuses histories the lifecycle forbids as Corrupt, storing nothing", async () => {
      const a = newTask()
      const orphan = makeTaskId()
      const errors = await run(
        Effect.gen(function* () {
          const journal = yield* Journal
          yield* journal.append(a.events)
          const noCreated = yield* Effect.flip(
            journal.append(eventsFor(orphan, 1, [{ type: "log", level: "info", message: "hi" }]))
          )
          const badMove = yield* Effect.flip(
            journal.append(eventsFor(a.id, 2, [{ type: "status_changed", from: "pending", to: "completed" }]))
          )
          const wrongFrom = yield* Effect.flip(
            journal.append(eventsFor(a.id, 2, [{ type: "status_changed", from: "running", to: "completed" }]))
          )
          return { noCreated, badMove, wrongFrom, record: yield* journal.loadTask(a.id) }
        })
      )
      expect(errors.noCreated.reason).toBe("Corrupt")
      expect(errors.badMove.reason).toBe("Corrupt")
      expect(errors.badMove.message).toContain("'pending'")
      expect(errors.badMove.message).toContain("'completed'")
      expect(errors.wrongFrom.reason).toBe("Corrupt")
      expect(Option.getOrThrow(errors.record).lastSeq).toBe(1)
    })

    it("keeps each task's record as the projection of its events", async () => {
      const a = newTask({ agentId: "repo-scan", sessionId: "s-1" })
      const record = await run(
        Effect.gen(function* () {
          const journal = yield* Journal
          yield* journal.append(a.events)
          yield* journal.append(
            eventsFor(a.id, 2, [
              { type: "status_changed", from: "pending", to: "planning" },
              { type: "status_changed", from: "planning", to: "running" },
              { type: "progress", percent: 30, message: "scanning" },
              {
                type: "attempt_failed",
                attempt: 1,
                maxAttempts: 3,
                error: { code: "AGENT_ERROR", message: "flaky" },
                retryInMs: 10
              },
              { type: "input_requested", prompt: "branch?" },
              { type: "status_changed", from: "running", to: "waiting", waitingFor: "input" }
            ])
          )
          const waiting = Option.getOrThrow(yield* journal.loadTask(a.id))
          yield* journal.append(
            eventsFor(a.id, 8, [
              { type: "input_provided", input: "main" },
              { type: "status_changed", from: "waiting", to: "running" },
              { type: "status_changed", from: "running", to: "completed", result: { files: 3 } }
            ])
          )
          return { waiting, done: Option.getOrThrow(yield* journal.loadTask(a.id)) }
        })
      )
      expect(record.waiting).toMatchObject({
        id: a.id,
        agentId: "repo-scan",
        sessionId: "s-1",
        status: "waiting",
        waitingFor: "input",
        progress: { percent: 30, message: "scanning" },
        attempt: 2,
        maxAttempts: 3,
        lastSeq: 7,
        input: { n: 1 },
        metadata: { suite: "journal" }
      })
      expect(record.waiting.startedAt).toBeDefined()
      expect(record.done.status).toBe("completed")
      expect(record.done.waitingFor).toBeUndefined()
      expect(record.done.result).toEqual({ files: 3 })
      expect(record.done.completedAt).toBe(1_700_000_000_000 + 10)
      expect(record.done.lastSeq).toBe(10)
    })

    it("lists tasks newest first with filters, session visibility and gap-free pagination", async () => {
      const outcome = await run(
        Effect.gen(function* () {
          const journal = yield* Journal
          const ids: Array<TaskId> = []
          for (let i = 0; i < 25; i++) {
            const task = newTask({ sessionId: i % 2 === 0 ? "even" : "odd", agentId: i % 5 === 0 ? "rare" : "echo" })
            ids.push(task.id)
            yield* journal.append(task.events)
            if (i % 3 === 0) yield* journal.append(eventsFor(task.id, 2, toCompleted()))
          }
          const pages: Array<ReadonlyArray<TaskId>> = []
          let cursor: string | undefined
          do {
            const page = yield* journal.listTasks(
              { filter: {} },
              { limit: 7, ...(cursor === undefined ? {} : { cursor }) }
            )
            pages.push(page.items.map((record) => record.id))
            cursor = page.nextCursor
          } while (cursor !== undefined)
          return {
            ids,
            pages,
            completed: yield* journal.listTasks({ filter: { status: ["completed"] } }, {}),
            rare: yield* journal.listTasks({ filter: { agentId: "rare" } }, {}),
            evenOnly: yield* journal.listTasks({ filter: {}, sessions: ["even"] }, { limit: 100 }),
            nobody: yield* journal.listTasks({ filter: {}, sessions: [] }, {}),
            active: yield* journal.activeTasks,
            counts: yield* journal.countByStatus
          }
        })
      )
      expect(outcome.pages.map((page) => page.length)).toEqual([7, 7, 7, 4])
      expect(outcome.pages.flat()).toEqual([...outcome.ids].reverse())
      expect(outcome.completed.items).toHaveLength(9)
      expect(outcome.completed.items.every((record) => record.status === "completed")).toBe(true)
      expect(outcome.rare.items).toHaveLength(5)
      expect(outcome.evenOnly.items).toHaveLength(13)
      expect(outcome.evenOnly.items.every((record) => record.sessionId === "even")).toBe(true)
      expect(outcome.nobody.items).toEqual([])
      expect(outcome.active.map((record) => record.id)).toEqual(outcome.ids.filter((_, i) => i % 3 !== 0))
      expect(outcome.counts).toEqual({
        pending: 16,
        planning: 0,
        running: 0,
        waiting: 0,
        completed: 9,
        failed: 0,
        cancelled: 0
      })
    })

    it("refuses a cursor it did not issue with InvalidRequest naming `cursor`, listing nothing", async () => {
      const outcome = await run(
        Effect.gen(function* () {
          const journal = yield* Journal
          for (let i = 0; i < 3; i++) yield* journal.append(newTask().events)
          const refusals = []
          // Garbage, a near-miss of an id, and an id of another shape: none of them is a cursor of this journal.
          for (const cursor of ["garbage", "zzzz", "0192f0c1-0000-7000-8000-00000000000", "not a cursor at all!"]) {
            const exit = yield* Effect.exit(journal.listTasks({ filter: {} }, { cursor }))
            refusals.push(exit)
          }
          const first = yield* journal.listTasks({ filter: {} }, { limit: 1 })
          const issued = first.nextCursor
          const next = issued === undefined ? undefined : yield* journal.listTasks({ filter: {} }, { cursor: issued })
          return { refusals, first, next }
        })
      )
      for (const exit of outcome.refusals) {
        expect(Exit.isFailure(exit)).toBe(true)
        if (Exit.isFailure(exit)) {
          const error = Cause.squash(exit.cause)
          expect(error).toBeInstanceOf(InvalidRequest)
          expect((error as InvalidRequest).issues.map((issue) => issue.path)).toEqual([["cursor"]])
        }
      }
      // The cursors the journal issues keep working.
      expect(outcome.first.items).toHaveLength(1)
      expect(outcome.next?.items).toHaveLength(2)
    })

    it("lists children of a parent and tasks of a root", async () => {
      const outcome = await run(
        Effect.gen(function* () {
          const journal = yield* Journal
          const parent = newTask()
          yield* journal.append(parent.events)
          const childIds: Array<TaskId> = []
          for (let i = 0; i < 3; i++) {
            const id = makeTaskId()
            childIds.push(id)
            yield* journal.append(eventsFor(id, 1, [created(id, { parentId: parent.id, rootId: parent.id })]))
          }
          return {
            parent: parent.id,
            childIds,
            children: yield* journal.listTasks({ filter: { parentId: parent.id } }, {}),
            tree: yield* journal.listTasks({ filter: { rootId: parent.id } }, {})
          }
        })
      )
      expect(outcome.children.items.map((record) => record.id).sort()).toEqual([...outcome.childIds].sort())
      expect(outcome.tree.items).toHaveLength(4)
    })

    it("stores and replaces the agent's checkpoint", async () => {
      const a = newTask()
      const outcome = await run(
        Effect.gen(function* () {
          const journal = yield* Journal
          yield* journal.append(a.events)
          const before = yield* journal.loadCheckpoint(a.id)
          yield* journal.saveCheckpoint(a.id, { step: 1 })
          yield* journal.saveCheckpoint(a.id, { step: 2, files: ["a.ts"] })
          return { before, after: yield* journal.loadCheckpoint(a.id) }
        })
      )
      expect(Option.isNone(outcome.before)).toBe(true)
      expect(Option.getOrThrow(outcome.after)).toEqual({ step: 2, files: ["a.ts"] })
    })

    it("keeps positions unique and seqs contiguous under many concurrent appends", async () => {
      const outcome = await run(
        Effect.gen(function* () {
          const journal = yield* Journal
          const tasks = Array.from({ length: 50 }, () => newTask())
          yield* Effect.forEach(
            tasks,
            (task) =>
              Effect.gen(function* () {
                yield* journal.append(task.events)
                for (const [index, event] of toCompleted().entries()) {
                  yield* journal.append(eventsFor(task.id, index + 2, [event]))
                }
              }),
            { concurrency: "unbounded" }
          )
          const all = yield* journal.readAll(0, 10_000)
          const perTask = yield* Effect.forEach(tasks, (task) => journal.readTask(task.id, 0))
          return { all, perTask }
        })
      )
      expect(outcome.all.map((e) => e.position)).toEqual(outcome.all.map((_, i) => i + 1))
      for (const history of outcome.perTask) expect(history.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5])
    })

    it("answers its health probe", async () => {
      await expect(
        run(
          Effect.gen(function* () {
            return yield* (yield* Journal).probe
          })
        )
      ).resolves.toBeUndefined()
    })

    it("claims an idempotency key per owner until it lapses, then lets it be claimed anew", async () => {
      const claim = (owner: string, key: string, fingerprint: string, expiresAt: number) => ({
        owner,
        key,
        taskId: makeTaskId(),
        fingerprint,
        expiresAt
      })
      const first = claim("local:alice", "k-1", "f-1", 1_000)
      const result = await run(
        Effect.gen(function* () {
          const journal = yield* Journal
          return {
            claimed: yield* journal.claimIdempotencyKey(first, 0),
            retried: yield* journal.claimIdempotencyKey(claim("local:alice", "k-1", "f-2", 5_000), 999),
            otherOwner: yield* journal.claimIdempotencyKey(claim("local:bob", "k-1", "f-3", 1_000), 10),
            otherKey: yield* journal.claimIdempotencyKey(claim("local:alice", "k-2", "f-4", 1_000), 10),
            afterLapse: yield* journal.claimIdempotencyKey(claim("local:alice", "k-1", "f-5", 9_000), 1_000),
            stillNew: yield* journal.claimIdempotencyKey(claim("local:alice", "k-1", "f-6", 9_000), 1_001)
          }
        })
      )
      expect(result.claimed).toEqual(first)
      // Held: the earlier claim comes back unchanged, whatever the new one says.
      expect(result.retried).toEqual(first)
      expect(result.otherOwner.fingerprint).toBe("f-3")
      expect(result.otherKey.fingerprint).toBe("f-4")
      // Lapsed at its expiry time: replaced by the new claim, which then holds.
      expect(result.afterLapse.fingerprint).toBe("f-5")
      expect(result.afterLapse.taskId).not.toBe(first.taskId)
      expect(result.stillNew).toEqual(result.afterLapse)
    })

    if (subject.durable) {
      it("keeps idempotency keys across a reopen", async () => {
        const directory = freshDirectory()
        const first = { owner: "local:alice", key: "k", taskId: makeTaskId(), fingerprint: "f", expiresAt: 1_000 }
        await run(
          Effect.gen(function* () {
            yield* (yield* Journal).claimIdempotencyKey(first, 0)
          }),
          directory
        )
        const held = await run(
          Effect.gen(function* () {
            return yield* (yield* Journal).claimIdempotencyKey(
              { ...first, taskId: makeTaskId(), fingerprint: "g" },
              500
            )
          }),
          directory
        )
        expect(held).toEqual(first)
      })

      it("keeps everything across close and reopen", async () => {
        const directory = freshDirectory()
        const a = newTask()
        await run(
          Effect.gen(function* () {
            const journal = yield* Journal
            yield* journal.append(a.events)
            yield* journal.append(eventsFor(a.id, 2, toCompleted({ ok: true })))
            yield* journal.saveCheckpoint(a.id, { step: 9 })
          }),
          directory
        )
        const reopened = await run(
          Effect.gen(function* () {
            const journal = yield* Journal
            const record = yield* journal.loadTask(a.id)
            const history = yield* journal.readTask(a.id, 0)
            const checkpoint = yield* journal.loadCheckpoint(a.id)
            const next = newTask()
            const appended = yield* journal.append(next.events)
            return { record, history, checkpoint, appended }
          }),
          directory
        )
        expect(Option.getOrThrow(reopened.record).result).toEqual({ ok: true })
        expect(reopened.history.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5])
        expect(Option.getOrThrow(reopened.checkpoint)).toEqual({ step: 9 })
        expect(reopened.appended[0]?.position).toBe(6)
      })
    }

    it("reports no damaged task on a sound journal (when it checks what it reads)", async () => {
      const a = newTask()
      const damaged = await run(
        Effect.gen(function* () {
          const journal = yield* Journal
          yield* journal.append([...a.events, ...eventsFor(a.id, 2, toCompleted())])
          return journal.damagedTasks === undefined ? [] : yield* journal.damagedTasks
        })
      )
      expect(damaged).toEqual([])
    })

    const damage = subject.damage
    if (damage !== undefined) {
      it("refuses a damaged task as Corrupt naming it, and keeps every other task readable", async () => {
        const directory = freshDirectory()
        const tasks = [newTask(), newTask(), newTask()]
        await run(
          Effect.gen(function* () {
            const journal = yield* Journal
            for (const task of tasks) yield* journal.append([...task.events, ...eventsFor(task.id, 2, toCompleted())])
          }),
          directory
        )
        const victim = tasks[1]?.id as TaskId
        await damage(directory, victim)
        const seen = await run(
          Effect.gen(function* () {
            const journal = yield* Journal
            const damaged = journal.damagedTasks === undefined ? undefined : yield* journal.damagedTasks
            return {
              load: yield* Effect.flip(journal.loadTask(victim)),
              read: yield* Effect.flip(journal.readTask(victim, 0)),
              append: yield* Effect.flip(
                journal.append(eventsFor(victim, 6, [{ type: "log", level: "info", message: "x" }]))
              ),
              listed: (yield* journal.listTasks({ filter: {} }, { limit: 100 })).items.map((record) => record.id),
              all: yield* journal.readAll(0, 1_000),
              others: yield* Effect.forEach([tasks[0], tasks[2]], (task) => journal.readTask(task?.id as TaskId, 0)),
              damaged
            }
          }),
          directory
        )
        const others = [tasks[0]?.id, tasks[2]?.id]
        expect(seen.load).toMatchObject({ reason: "Corrupt", taskId: victim })
        expect(seen.read).toMatchObject({ reason: "Corrupt", taskId: victim })
        expect(seen.append).toMatchObject({ reason: "Corrupt", taskId: victim })
        expect([...seen.listed].sort()).toEqual([...others].sort())
        expect(new Set(seen.all.map((envelope) => envelope.taskId))).toEqual(new Set(others))
        const positions = seen.all.map((envelope) => envelope.position)
        expect(positions).toEqual([...positions].sort((x, y) => x - y))
        expect(seen.others.map((history) => history.length)).toEqual([5, 5])
        // A journal that detects damage also lists what it found (the runtime's health reports it).
        expect(seen.damaged?.map((task) => task.taskId)).toEqual([victim])
      })
    }

    if (subject.exclusive === true) {
      it("refuses a second journal on the same directory while the first is open, and opens once it closed", async () => {
        const directory = freshDirectory()
        const second = await Effect.runPromise(
          Effect.scoped(
            Effect.gen(function* () {
              yield* Layer.build(subject.layer(directory))
              return yield* Effect.exit(Effect.scoped(Layer.build(subject.layer(directory))))
            })
          ) as Effect.Effect<Exit.Exit<unknown, unknown>>
        )
        expect(Exit.isFailure(second)).toBe(true)
        const reopened = await run(
          Effect.gen(function* () {
            return yield* (yield* Journal).lastPosition
          }),
          directory
        )
        expect(reopened).toBe(0)
      })
    }
  })
}
