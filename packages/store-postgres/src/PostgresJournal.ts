import type { TaskEventEnvelope } from "@coderclaw/protocol"
import { InvalidRequest } from "@coderclaw/protocol"
import {
  type DamagedTask,
  Journal,
  JournalError,
  JournalQuarantine,
  JournalRows,
  type JournalShape
} from "@coderclaw/runtime"
import { Clock, Effect, Layer, type Scope, type Stream } from "effect"
import type { SqlError } from "effect/sql/SqlError"
import {
  BadConnectionOption,
  openClient,
  type PostgresConnectionOptions,
  resolveConnection
} from "./internal/connection.js"
import { follow } from "./internal/follow.js"
import { fromSqlError } from "./internal/fromSqlError.js"
import { type GroupCommitStats, makeGroupCommit } from "./internal/GroupCommit.js"
import { acquireJournalLock, type JournalLock } from "./internal/JournalLock.js"
import { makeListTasks } from "./internal/makeListTasks.js"
import { makeReads } from "./internal/makeReads.js"
import { schemaVersion as currentSchemaVersion, migrate } from "./internal/migrate.js"
import { scanDamage } from "./internal/scanDamage.js"
import { lockKeys } from "./internal/schemaName.js"
import type { PostgresJournalRefused } from "./PostgresJournalRefused.js"

/** How to open the PostgreSQL journal: where the server is (see `PostgresConnectionOptions`) and tuning. */
export interface PostgresJournalOptions extends PostgresConnectionOptions {
  /**
   * Group commit: the most events one transaction takes. Appends requested while a transaction is in
   * flight are committed together in the next one, up to this size. Default 2048.
   */
  readonly maxBatchEvents?: number | undefined
  /**
   * `true` (default): this journal owns its schema, as a SQLite journal owns its file; a second opener is
   * refused (`PostgresJournalRefused` `Locked`) naming the holder. `false`: several writers share the
   * schema (positions stay gap-free and in commit order), and the caller decides who runs which task.
   */
  readonly exclusive?: boolean | undefined
  /** How often `follow` reads the journal even without a notification (the safety net). Default 1000 ms. */
  readonly pollIntervalMs?: number | undefined
}

/** The PostgreSQL journal: the `Journal` port plus its counters, damaged tasks and a live tail. */
export interface PostgresJournalShape extends JournalShape {
  /** A snapshot of the group-commit counters since the journal opened. */
  readonly stats: Effect.Effect<GroupCommitStats>
  /** The tasks quarantined as damaged since the journal opened (found by the open-time scan or a read). */
  readonly damagedTasks: Effect.Effect<ReadonlyArray<DamagedTask>, JournalError>
  /**
   * Every event with `position > afterPosition`, in position order, then live: woken by PostgreSQL
   * `LISTEN/NOTIFY` when any writer commits, and reading at least every `pollIntervalMs` in case a
   * notification is lost (the listening connection dropped). Never skips or repeats a position. Ends only
   * when interrupted; an outage is waited out, not reported.
   */
  follow(afterPosition: number): Stream.Stream<TaskEventEnvelope, JournalError>
}

/** Counters of the journal's group commit. */
export type PostgresJournalStats = GroupCommitStats

/** The schema version this release writes; a schema at a higher version is refused. */
export const schemaVersion: number = currentSchemaVersion

const invalid = (detail: string) =>
  new JournalError({ reason: "Unavailable", detail: `invalid PostgreSQL journal option: ${detail}` })

const positiveInteger = (name: string, value: number | undefined, fallback: number): number | JournalError => {
  const chosen = value ?? fallback
  return Number.isInteger(chosen) && chosen >= 1 ? chosen : invalid(`${name} must be a positive integer, got ${chosen}`)
}

const settingsFrom = (options: PostgresJournalOptions) => {
  const target = resolveConnection(options)
  if (target instanceof BadConnectionOption) return invalid(target.detail)
  const maxBatchEvents = positiveInteger("maxBatchEvents", options.maxBatchEvents, 2_048)
  if (maxBatchEvents instanceof JournalError) return maxBatchEvents
  const pollIntervalMs = positiveInteger("pollIntervalMs", options.pollIntervalMs, 1_000)
  if (pollIntervalMs instanceof JournalError) return pollIntervalMs
  return { target, maxBatchEvents, pollIntervalMs, exclusive: options.exclusive ?? true }
}

/**
 * Opens the journal in the current scope; closing the scope commits what is queued and closes the
 * connections. Opening connects, takes the schema's ownership (unless `exclusive: false`), applies the
 * schema migrations and scans every row's checksum (damaged tasks are quarantined, listed by
 * `damagedTasks`). Fails with `JournalError` (`Io` when the server is unreachable, `Unavailable` for bad
 * options, refused credentials or a newer schema) or `PostgresJournalRefused` (`Locked`).
 */
export const make = (
  options: PostgresJournalOptions
): Effect.Effect<PostgresJournalShape, JournalError | PostgresJournalRefused, Scope.Scope> =>
  Effect.gen(function* () {
    const settings = settingsFrom(options)
    if (settings instanceof JournalError) return yield* settings
    const { target } = settings
    const where = `${target.display} schema "${target.schema}"`
    const orFail = <A, E, R>(doing: string, effect: Effect.Effect<A, E | SqlError, R>) =>
      Effect.catchTag(effect, "SqlError" as never, (error: SqlError) =>
        Effect.fail(fromSqlError(error, `${doing} (${where})`))
      ) as Effect.Effect<A, Exclude<E, SqlError> | JournalError, R>
    const sql = yield* orFail("connecting", openClient(target, options))
    const keys = lockKeys(target.schema)
    const openedAt = yield* Clock.currentTimeMillis
    // Ownership before anything else: a second opener must not recover (and re-run) the holder's tasks.
    const lock: JournalLock | undefined = settings.exclusive
      ? yield* acquireJournalLock(sql, target.schema, keys.owner)
      : undefined
    yield* migrate(sql, target.schema, keys.order, openedAt)
    const quarantine = new JournalQuarantine()
    yield* orFail("verifying the journal", scanDamage(sql, quarantine))
    const channel = `coderclaw_${target.schema}`.slice(0, 63)
    const committer = yield* makeGroupCommit(sql, {
      maxBatchEvents: settings.maxBatchEvents,
      orderKey: keys.order,
      ownerKey: keys.owner,
      lock,
      quarantine,
      channel
    })
    const listTasks = makeListTasks(sql, quarantine)

    const reads = makeReads(sql, quarantine)

    const refuseDamaged = (events: ReadonlyArray<{ readonly taskId: string }>): JournalError | undefined => {
      for (const event of events) {
        const refusal = quarantine.refusal(event.taskId)
        if (refusal !== undefined) return refusal
      }
      return undefined
    }

    const journal: PostgresJournalShape = {
      append: (events) =>
        events.length === 0
          ? Effect.succeed([])
          : Effect.suspend(() => {
              const checked = JournalRows.checkPendingEvents(events)
              if (checked instanceof JournalError) return Effect.fail(checked)
              const damaged = refuseDamaged(checked)
              return damaged !== undefined ? Effect.fail(damaged) : committer.append(checked)
            }),
      readTask: (taskId, afterSeq) => orFail("reading a task's events", reads.readTask(taskId, afterSeq)),
      readAll: (afterPosition, limit) => orFail("reading events", reads.readAll(afterPosition, limit)),
      lastPosition: orFail("reading the last position", reads.lastPosition),
      loadTask: (taskId) => orFail("loading a task", reads.loadTask(taskId)),
      listTasks: (query, page) =>
        orFail("listing tasks", listTasks(query, page)).pipe(
          Effect.flatMap((listed) => (listed instanceof InvalidRequest ? Effect.fail(listed) : Effect.succeed(listed)))
        ),
      activeTasks: orFail("reading active tasks", reads.activeTasks),
      countByStatus: orFail("counting tasks", reads.countByStatus),
      saveCheckpoint: (taskId, data) =>
        Effect.flatMap(Clock.currentTimeMillis, (now) => {
          const row = quarantine.refusal(taskId) ?? JournalRows.checkpointToRow(taskId, data)
          return row instanceof JournalError ? Effect.fail(row) : committer.saveCheckpoint(taskId, row, now)
        }),
      loadCheckpoint: (taskId) => orFail("loading a checkpoint", reads.loadCheckpoint(taskId)),
      claimIdempotencyKey: (claim, now) => committer.claim(claim, now),
      // A committed write, not only a connection: it proves the server takes writes right now.
      probe: Effect.flatMap(Clock.currentTimeMillis, (now) =>
        orFail(
          "probing the journal",
          Effect.asVoid(sql`INSERT INTO health (id, probed_at) VALUES (1, ${now})
            ON CONFLICT (id) DO UPDATE SET probed_at = excluded.probed_at`)
        )
      ),
      damagedTasks: Effect.sync(() => quarantine.list()),
      stats: Effect.sync(() => committer.stats()),
      follow: (afterPosition) =>
        follow(
          {
            sql,
            channel,
            pollIntervalMs: settings.pollIntervalMs,
            read: (after) => orFail("following the journal", reads.readAll(after, 1_000))
          },
          afterPosition
        )
    }
    return journal
  })

/**
 * The `Journal` stored in PostgreSQL: what a runtime whose history must live on a database server
 * provides (several nodes of a cluster, a team that already runs PostgreSQL). The connections open when
 * the layer is built and close when its scope closes.
 */
export const layer = (options: PostgresJournalOptions): Layer.Layer<Journal, JournalError | PostgresJournalRefused> =>
  Layer.effect(Journal, make(options))
