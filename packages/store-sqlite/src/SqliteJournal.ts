import type { TaskEventEnvelope, TaskRecord, TaskStatus } from "@coderclaw/protocol"
import { taskStatuses } from "@coderclaw/protocol"
import { Journal, JournalError, type JournalShape } from "@coderclaw/runtime"
import { Clock, Effect, Layer, Option, type Scope } from "effect"
import { appendEvents } from "./internal/appendEvents.js"
import { attempt } from "./internal/attempt.js"
import { type GroupCommitStats, makeGroupCommit } from "./internal/GroupCommit.js"
import { prepareIdempotencyKeys } from "./internal/idempotencyKeys.js"
import { makeListTasks } from "./internal/makeListTasks.js"
import { schemaVersion as currentSchemaVersion, migrate } from "./internal/migrate.js"
import { type ConnectionSettings, openDatabase } from "./internal/openDatabase.js"
import { RecordCache } from "./internal/RecordCache.js"
import {
  checkPendingEvents,
  checkpointFromText,
  checkpointToText,
  type EventRow,
  eventFromRow,
  recordFromRow
} from "./internal/rowCodec.js"
import { prepareStatements } from "./internal/statements.js"
import { verifyJournal } from "./internal/verifyJournal.js"

/** How to open the SQLite journal. Only `filename` is required. */
export interface SqliteJournalOptions {
  /** The database file. It and its folder are created when missing; WAL adds `-wal` and `-shm` beside it. */
  readonly filename: string
  /**
   * When a commit counts as durable. `"full"` (default): every commit is fsynced before `append` returns,
   * so acknowledged events survive a power loss or OS crash. `"normal"`: commits survive the process being
   * killed but the last ones may be lost (never corrupted) on a power loss; fewer fsyncs, faster.
   */
  readonly synchronous?: "full" | "normal" | undefined
  /** How long a write waits for another connection's lock before failing `Unavailable`. Default 5000 ms. */
  readonly busyTimeoutMs?: number | undefined
  /**
   * Group commit: the most events one transaction takes. Concurrent appends queued on the same tick are
   * committed together up to this size; the rest follow in the next transaction. Default 2048.
   */
  readonly maxBatchEvents?: number | undefined
}

/** Counters of the journal's group commit, e.g. to see how many appends share one fsync. */
export type SqliteJournalStats = GroupCommitStats

/** The SQLite journal: the `Journal` port plus its group-commit counters. */
export interface SqliteJournalShape extends JournalShape {
  /** A snapshot of the group-commit counters since the journal opened. */
  readonly stats: Effect.Effect<SqliteJournalStats>
}

/**
 * The schema version this release writes. Opening a database migrates it up to this version; a database
 * at a higher version (written by a newer release) is refused.
 */
export const schemaVersion: number = currentSchemaVersion

const defaults = { synchronous: "full", busyTimeoutMs: 5_000, maxBatchEvents: 2_048 } as const

const settingsFrom = (
  options: SqliteJournalOptions
): Effect.Effect<ConnectionSettings & { readonly maxBatchEvents: number }, JournalError> => {
  const settings = {
    filename: options.filename,
    synchronous: options.synchronous ?? defaults.synchronous,
    busyTimeoutMs: options.busyTimeoutMs ?? defaults.busyTimeoutMs,
    maxBatchEvents: options.maxBatchEvents ?? defaults.maxBatchEvents
  }
  const invalid = (detail: string) =>
    Effect.fail(new JournalError({ reason: "Unavailable", detail: `invalid SQLite journal option: ${detail}` }))
  if (typeof settings.filename !== "string" || settings.filename.length === 0) return invalid("filename is empty")
  if (settings.synchronous !== "full" && settings.synchronous !== "normal") {
    return invalid(`synchronous must be "full" or "normal", got ${JSON.stringify(settings.synchronous)}`)
  }
  if (!Number.isInteger(settings.busyTimeoutMs) || settings.busyTimeoutMs < 0) {
    return invalid(`busyTimeoutMs must be a non-negative integer, got ${settings.busyTimeoutMs}`)
  }
  if (!Number.isInteger(settings.maxBatchEvents) || settings.maxBatchEvents < 1) {
    return invalid(`maxBatchEvents must be a positive integer, got ${settings.maxBatchEvents}`)
  }
  return Effect.succeed(settings)
}

// SQLite reads a negative LIMIT as "no limit" and refuses a non-integer one: clamp to what the port means.
const sqlLimit = (limit: number): number =>
  Number.isNaN(limit) || limit <= 0
    ? 0
    : Number.isFinite(limit)
      ? Math.min(Math.floor(limit), Number.MAX_SAFE_INTEGER)
      : -1

const eventsFromRows = (rows: ReadonlyArray<EventRow>): ReadonlyArray<TaskEventEnvelope> | JournalError => {
  const envelopes: Array<TaskEventEnvelope> = []
  for (const row of rows) {
    const envelope = eventFromRow(row)
    if (envelope instanceof JournalError) return envelope
    envelopes.push(envelope)
  }
  return envelopes
}

/**
 * Opens the journal in the current scope and returns it with its `stats`; closing the scope commits what
 * is queued and closes the database. Use it when you need the counters or manage the scope yourself;
 * otherwise provide `layer`.
 *
 * Opening creates the file if needed, enables WAL, applies schema migrations and verifies the data (see
 * the README): it fails with a `JournalError` (`Corrupt` naming the task and seq at fault, or
 * `Unavailable`) rather than running over a damaged or newer journal.
 */
export const make = (options: SqliteJournalOptions): Effect.Effect<SqliteJournalShape, JournalError, Scope.Scope> =>
  Effect.gen(function* () {
    const settings = yield* settingsFrom(options)
    const db = yield* Effect.acquireRelease(
      attempt(`opening ${settings.filename}`, () => openDatabase(settings)),
      (db) => Effect.sync(() => db.close())
    )
    const openedAt = yield* Clock.currentTimeMillis
    yield* attempt(`migrating ${settings.filename}`, () => migrate(db, openedAt))
    const statements = yield* attempt(`preparing ${settings.filename}`, () => prepareStatements(db))
    const idempotencyKeys = yield* attempt(`preparing ${settings.filename}`, () => prepareIdempotencyKeys(db))
    yield* attempt(`verifying ${settings.filename}`, () => verifyJournal(db, statements))
    const listTasks = makeListTasks(db)
    const records = new RecordCache()
    const committer = makeGroupCommit(db, { maxBatchEvents: settings.maxBatchEvents })
    // Added after the connection's release, so it runs before it: queued writes commit, then it closes.
    yield* Effect.addFinalizer(() => Effect.sync(() => committer.close()))

    const journal: SqliteJournalShape = {
      append: (events) =>
        events.length === 0
          ? Effect.succeed([])
          : Effect.suspend(() => {
              // Checked in the caller's fiber, so the shared commit does only SQLite work.
              const checked = checkPendingEvents(events)
              return checked instanceof JournalError
                ? Effect.fail(checked)
                : committer.submit("append", checked.length, () => appendEvents(statements, records, checked))
            }),
      readTask: (taskId, afterSeq) =>
        attempt("reading a task's events", () => eventsFromRows(statements.readTask.all(taskId, afterSeq))),
      readAll: (afterPosition, limit) =>
        attempt("reading events", () =>
          eventsFromRows(statements.readAll.all(Math.max(0, afterPosition), sqlLimit(limit)))
        ),
      lastPosition: attempt("reading the last position", () => statements.lastPosition.get() ?? 0),
      loadTask: (taskId) =>
        attempt("loading a task", () => {
          const row = statements.loadRecord.get(taskId)
          if (row === undefined) return Option.none<TaskRecord>()
          const record = records.read(row)
          return record instanceof JournalError ? record : Option.some(record)
        }),
      listTasks: (query, page) => attempt("listing tasks", () => listTasks(query, page)),
      activeTasks: attempt("reading active tasks", () => {
        const records: Array<TaskRecord> = []
        for (const row of statements.activeTasks.all()) {
          const record = recordFromRow(row)
          if (record instanceof JournalError) return record
          records.push(record)
        }
        return records
      }),
      countByStatus: attempt("counting tasks", () => {
        const counts = Object.fromEntries(taskStatuses.map((status) => [status, 0])) as Record<TaskStatus, number>
        for (const { status, count } of statements.countByStatus.all()) {
          if (!Object.hasOwn(counts, status)) {
            return new JournalError({ reason: "Corrupt", detail: `a task row has the unknown status '${status}'` })
          }
          counts[status as TaskStatus] = count
        }
        return counts
      }),
      saveCheckpoint: (taskId, data) =>
        Effect.flatMap(Clock.currentTimeMillis, (now) => {
          const text = checkpointToText(taskId, data)
          return text instanceof JournalError
            ? Effect.fail(text)
            : committer.submit("checkpoint", 1, () => {
                statements.saveCheckpoint.run(taskId, text, now)
              })
        }),
      loadCheckpoint: (taskId) =>
        attempt("loading a checkpoint", () => {
          const text = statements.loadCheckpoint.get(taskId)
          if (text === undefined) return Option.none()
          const data = checkpointFromText(taskId, text)
          return data instanceof JournalError ? data : Option.some(data)
        }),
      claimIdempotencyKey: (claim, now) => committer.submit("claim", 1, () => idempotencyKeys.claim(claim, now)),
      // A committed write, not only a lock: it proves the WAL can grow and be synced right now.
      probe: Effect.flatMap(Clock.currentTimeMillis, (now) =>
        attempt("probing the journal", () => {
          statements.probe.run(now)
        })
      ),
      stats: Effect.sync(() => committer.stats())
    }
    return journal
  })

/**
 * The `Journal` stored in a SQLite file: what a runtime that must survive restarts provides. The database
 * opens when the layer is built and closes when its scope closes; building fails with a `JournalError` when
 * the file cannot be opened, is newer than this release, or fails verification.
 */
export const layer = (options: SqliteJournalOptions): Layer.Layer<Journal, JournalError> =>
  Layer.effect(Journal, make(options))
