import type { TaskEventEnvelope, TaskRecord, TaskStatus } from "@coderclaw/protocol"
import { InvalidRequest, taskStatuses } from "@coderclaw/protocol"
import { type DamagedTask, Journal, JournalError, type JournalShape } from "@coderclaw/runtime"
import { Clock, Effect, Layer, Option, type Scope } from "effect"
import { appendEvents } from "./internal/appendEvents.js"
import { attempt } from "./internal/attempt.js"
import { checkJournalFile, type JournalFileCheck } from "./internal/checkJournalFile.js"
import { DatabaseRefused } from "./internal/DatabaseRefused.js"
import { type SqliteDriverChoice, sqliteDriverChoices } from "./internal/driver/resolveDriver.js"
import { makeGroupCommit } from "./internal/GroupCommit.js"
import type { GroupCommitStats } from "./internal/GroupCommitStats.js"
import { prepareIdempotencyKeys } from "./internal/idempotencyKeys.js"
import { acquireJournalLock } from "./internal/JournalLock.js"
import { makeListTasks } from "./internal/makeListTasks.js"
import { schemaVersion as currentSchemaVersion, migrate } from "./internal/migrate.js"
import { type ConnectionSettings, driverFor, openDatabase } from "./internal/openDatabase.js"
import { markFileOf, openMark, readMark } from "./internal/PositionMark.js"
import { Quarantine } from "./internal/Quarantine.js"
import { RecordCache } from "./internal/RecordCache.js"
import {
  checkPendingEvents,
  checkpointFromRow,
  checkpointToRow,
  type EventRow,
  eventFromRow,
  recordFromRow
} from "./internal/rowCodec.js"
import { prepareStatements } from "./internal/statements.js"
import { verifyJournal } from "./internal/verifyJournal.js"
import { SqliteJournalRefused } from "./SqliteJournalRefused.js"

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
  /**
   * The SQLite implementation: `"better-sqlite3"` (the native module), `"node:sqlite"` (built into Node 24),
   * or `"auto"` (default): better-sqlite3 when its native binding loads on this Node, else node:sqlite. Open
   * a file with one driver per process (two SQLite libraries in one process do not see each other's locks).
   */
  readonly driver?: SqliteDriverChoice | undefined
}

/** Counters of the journal's group commit, e.g. to see how many appends share one fsync. */
export type SqliteJournalStats = GroupCommitStats

/** The SQLite journal: the `Journal` port plus its group-commit counters. */
export interface SqliteJournalShape extends JournalShape {
  /** A snapshot of the group-commit counters since the journal opened. */
  readonly stats: Effect.Effect<SqliteJournalStats>
  /** The tasks quarantined as damaged since the journal opened (found by the open-time scan or a read). */
  readonly damagedTasks: Effect.Effect<ReadonlyArray<DamagedTask>, JournalError>
}

/**
 * The schema version this release writes. Opening a database migrates it up to this version; a database
 * at a higher version (written by a newer release) is refused.
 */
export const schemaVersion: number = currentSchemaVersion

const defaults = { synchronous: "full", busyTimeoutMs: 5_000, maxBatchEvents: 2_048, driver: "auto" } as const

const settingsFrom = (
  options: SqliteJournalOptions
): Effect.Effect<ConnectionSettings & { readonly maxBatchEvents: number }, JournalError> => {
  const settings = {
    filename: options.filename,
    synchronous: options.synchronous ?? defaults.synchronous,
    busyTimeoutMs: options.busyTimeoutMs ?? defaults.busyTimeoutMs,
    maxBatchEvents: options.maxBatchEvents ?? defaults.maxBatchEvents,
    driver: options.driver ?? defaults.driver
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
  if (!sqliteDriverChoices.includes(settings.driver)) {
    return invalid(`driver must be one of ${sqliteDriverChoices.join(", ")}, got ${JSON.stringify(settings.driver)}`)
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

/**
 * Opens the journal in the current scope and returns it with its `stats`; closing the scope commits what
 * is queued and closes the database. Use it when you need the counters or manage the scope yourself;
 * otherwise provide `layer`.
 *
 * Opening takes the file's exclusive ownership (`SqliteJournalRefused` `Locked`, naming the holder, when
 * another journal has it), creates the file if needed, enables WAL, applies schema migrations, verifies
 * the data and compares it with the high-water mark (see the README). It fails with `SqliteJournalRefused`
 * `DataLost` when acknowledged events are missing, with a `JournalError` (`Corrupt` for a damaged file
 * structure, `Unavailable`) rather than running over a damaged or newer journal. Damaged tasks (a row
 * failing its checksum, a gap in a task's events) do not fail the open: they are quarantined and listed
 * by `damagedTasks`.
 */
export const make = (
  options: SqliteJournalOptions
): Effect.Effect<SqliteJournalShape, JournalError | SqliteJournalRefused, Scope.Scope> =>
  Effect.gen(function* () {
    const settings = yield* settingsFrom(options)
    const { filename } = settings
    const openedAt = yield* Clock.currentTimeMillis
    const driver = yield* attempt(`opening ${filename}`, () => {
      const found = driverFor(settings.driver)
      return found instanceof DatabaseRefused
        ? new JournalError({ reason: "Unavailable", detail: found.detail })
        : found
    })
    // Ownership before anything else: a second opener must not recover (and re-run) the holder's tasks.
    yield* Effect.acquireRelease(
      Effect.flatMap(
        attempt(`locking ${filename}`, () => acquireJournalLock(driver, filename, openedAt)),
        (lock) => (lock instanceof SqliteJournalRefused ? Effect.fail(lock) : Effect.succeed(lock))
      ),
      (lock) => Effect.sync(() => lock.release())
    )
    const db = yield* Effect.acquireRelease(
      attempt(`opening ${filename}`, () => {
        const opened = openDatabase(settings)
        return opened instanceof DatabaseRefused
          ? new JournalError({ reason: "Unavailable", detail: opened.detail })
          : opened
      }),
      (db) => Effect.sync(() => db.close())
    )
    yield* attempt(`migrating ${filename}`, () => migrate(db, openedAt))
    const statements = yield* attempt(`preparing ${filename}`, () => prepareStatements(db))
    const idempotencyKeys = yield* attempt(`preparing ${filename}`, () => prepareIdempotencyKeys(db))
    const quarantine = new Quarantine()
    yield* attempt(`verifying ${filename}`, () => verifyJournal(db, statements, quarantine))
    const found = yield* attempt(`reading ${filename}`, () => statements.lastPosition.get() ?? 0)
    const expected = yield* attempt(`reading ${markFileOf(filename)}`, () => readMark(filename))
    if (expected._tag === "Position" && expected.position > found) {
      return yield* new SqliteJournalRefused({
        reason: "DataLost",
        filename,
        detail:
          `acknowledged events are missing: ${markFileOf(filename)} records position ${expected.position}, ` +
          `the database ends at position ${found} (its -wal file was lost, truncated or replaced). Restore the ` +
          "database with its -wal file from a backup, or remove the mark file to accept the loss",
        expectedPosition: expected.position,
        foundPosition: found
      })
    }
    if (expected._tag === "Unreadable") {
      return yield* new SqliteJournalRefused({
        reason: "DataLost",
        filename,
        detail:
          `${markFileOf(filename)} is not a position mark ('${expected.text}'), so lost acknowledged events ` +
          "could not be detected; remove it to start without that check for this open",
        foundPosition: found
      })
    }
    const mark = yield* Effect.acquireRelease(
      attempt(`opening ${markFileOf(filename)}`, () => {
        const opened = openMark(filename, settings.synchronous === "full")
        opened.write(found)
        return opened
      }),
      (mark) => Effect.sync(() => mark.close())
    )
    const listTasks = makeListTasks(db, quarantine)
    const records = new RecordCache()
    const committer = makeGroupCommit(db, {
      maxBatchEvents: settings.maxBatchEvents,
      // A mark that cannot be written weakens only the loss detection, not the commit: the writes are
      // still acknowledged, and the probe (health) fails until the mark can be written again.
      afterCommit: () => {
        try {
          mark.write(statements.lastPosition.get() ?? 0)
        } catch {}
      }
    })
    // Added after the connection's release, so it runs before it: queued writes commit, then it closes.
    yield* Effect.addFinalizer(() => Effect.sync(() => committer.close()))

    /** Events of rows, or the first damaged row's `Corrupt` (its task quarantined). */
    const eventsFromRows = (rows: ReadonlyArray<EventRow>): ReadonlyArray<TaskEventEnvelope> | JournalError => {
      const envelopes: Array<TaskEventEnvelope> = []
      for (const row of rows) {
        const envelope = eventFromRow(row)
        if (envelope instanceof JournalError) return quarantine.note(envelope)
        envelopes.push(envelope)
      }
      return envelopes
    }

    /** `readAll` skips the events of damaged tasks, reading on so a page is short only at the end. */
    const readAll = (afterPosition: number, limit: number): ReadonlyArray<TaskEventEnvelope> => {
      const wanted = sqlLimit(limit)
      const envelopes: Array<TaskEventEnvelope> = []
      let cursor = Math.max(0, afterPosition)
      while (wanted !== 0) {
        const asked = wanted === -1 ? -1 : wanted - envelopes.length
        const rows = statements.readAll.all(cursor, asked)
        for (const row of rows) {
          if (quarantine.has(row.task_id)) continue
          const envelope = eventFromRow(row)
          if (envelope instanceof JournalError) quarantine.note(envelope)
          else envelopes.push(envelope)
        }
        const last = rows.at(-1)
        if (last === undefined || asked === -1 || rows.length < asked || envelopes.length >= wanted) break
        cursor = last.position
      }
      return envelopes
    }

    const refuseDamaged = (events: ReadonlyArray<{ readonly taskId: string }>): JournalError | undefined => {
      for (const event of events) {
        const refusal = quarantine.refusal(event.taskId)
        if (refusal !== undefined) return refusal
      }
      return undefined
    }

    const journal: SqliteJournalShape = {
      append: (events) =>
        events.length === 0
          ? Effect.succeed([])
          : Effect.suspend(() => {
              // Checked in the caller's fiber, so the shared commit does only SQLite work.
              const checked = checkPendingEvents(events)
              if (checked instanceof JournalError) return Effect.fail(checked)
              const damaged = refuseDamaged(checked)
              return damaged !== undefined
                ? Effect.fail(damaged)
                : committer.submit("append", checked.length, () =>
                    appendEvents(statements, records, quarantine, checked)
                  )
            }),
      readTask: (taskId, afterSeq) =>
        attempt(
          "reading a task's events",
          () => quarantine.refusal(taskId) ?? eventsFromRows(statements.readTask.all(taskId, afterSeq))
        ),
      readAll: (afterPosition, limit) => attempt("reading events", () => readAll(afterPosition, limit)),
      lastPosition: attempt("reading the last position", () => statements.lastPosition.get() ?? 0),
      loadTask: (taskId) =>
        attempt("loading a task", () => {
          const refusal = quarantine.refusal(taskId)
          if (refusal !== undefined) return refusal
          const row = statements.loadRecord.get(taskId)
          if (row === undefined) return Option.none<TaskRecord>()
          const record = records.read(row)
          return record instanceof JournalError ? quarantine.note(record) : Option.some(record)
        }),
      listTasks: (query, page) =>
        attempt("listing tasks", () => listTasks(query, page)).pipe(
          Effect.flatMap((listed) => (listed instanceof InvalidRequest ? Effect.fail(listed) : Effect.succeed(listed)))
        ),
      activeTasks: attempt("reading active tasks", () => {
        const active: Array<TaskRecord> = []
        for (const row of statements.activeTasks.all()) {
          if (quarantine.has(row.id)) continue
          const record = recordFromRow(row)
          if (record instanceof JournalError) quarantine.note(record)
          else active.push(record)
        }
        return active
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
          const row = quarantine.refusal(taskId) ?? checkpointToRow(taskId, data)
          return row instanceof JournalError
            ? Effect.fail(row)
            : committer.submit("checkpoint", 1, () => {
                statements.saveCheckpoint.run(taskId, row.data, row.crc, now)
              })
        }),
      loadCheckpoint: (taskId) =>
        attempt("loading a checkpoint", () => {
          const refusal = quarantine.refusal(taskId)
          if (refusal !== undefined) return refusal
          const row = statements.loadCheckpoint.get(taskId)
          if (row === undefined) return Option.none()
          const data = checkpointFromRow(taskId, row)
          return data instanceof JournalError ? quarantine.note(data) : Option.some(data)
        }),
      claimIdempotencyKey: (claim, now) => committer.submit("claim", 1, () => idempotencyKeys.claim(claim, now)),
      // A committed write, not only a lock: it proves the WAL can grow and be synced right now.
      probe: Effect.flatMap(Clock.currentTimeMillis, (now) =>
        attempt("probing the journal", () => {
          statements.probe.run(now)
          mark.write(statements.lastPosition.get() ?? 0)
        })
      ),
      damagedTasks: Effect.sync(() => quarantine.list()),
      stats: Effect.sync(() => committer.stats())
    }
    return journal
  })

/**
 * The `Journal` stored in a SQLite file: what a runtime that must survive restarts provides. The database
 * opens when the layer is built and closes when its scope closes; building fails with a `JournalError` when
 * the file cannot be opened, is newer than this release, or its structure is damaged, and with
 * `SqliteJournalRefused` when another journal owns the file or acknowledged events are missing.
 */
export const layer = (options: SqliteJournalOptions): Layer.Layer<Journal, JournalError | SqliteJournalRefused> =>
  Layer.effect(Journal, make(options))

/** What `check` found in a journal file. */
export type SqliteJournalCheck = JournalFileCheck

/**
 * Checks a journal file without opening it as a journal: no lock is taken and nothing is written, so it
 * runs beside the server that owns the file (`coderclaw doctor` uses it). Reports the file structure
 * (`quick_check`), every damaged task (rows failing their checksum, gaps in a task's events), the
 * acknowledged and stored positions (lost `-wal` data shows as `acknowledged > stored`) and the holder.
 * `driver` as in `SqliteJournalOptions`.
 */
export const check = (
  filename: string,
  options: { readonly driver?: SqliteDriverChoice | undefined } = {}
): Effect.Effect<SqliteJournalCheck, JournalError> =>
  attempt(`checking ${filename}`, () => {
    const driver = driverFor(options.driver ?? defaults.driver)
    return driver instanceof DatabaseRefused
      ? new JournalError({ reason: "Unavailable", detail: driver.detail })
      : checkJournalFile(driver, filename)
  })
