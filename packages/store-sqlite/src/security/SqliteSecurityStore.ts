import { closeSync, mkdirSync, openSync } from "node:fs"
import { dirname } from "node:path"
import {
  AuditStore,
  type AuditStoreShape,
  DeviceStore,
  type DeviceStoreShape,
  SessionStore,
  type SessionStoreShape,
  SigningKeyStore,
  type SigningKeyStoreShape,
  UserStore,
  type UserStoreShape
} from "@coderclaw/security"
import { Clock, Context, Effect, Layer, type Scope } from "effect"
import { DatabaseRefused } from "../internal/DatabaseRefused.js"
import { type SqliteDriverChoice, sqliteDriverChoices } from "../internal/driver/resolveDriver.js"
import type { SqliteConnection } from "../internal/driver/SqliteConnection.js"
import { type ConnectionSettings, openDatabase } from "../internal/openDatabase.js"
import { NewerSchema } from "../internal/runMigrations.js"
import { makeAuditStore } from "./internal/makeAuditStore.js"
import { makeDeviceStore } from "./internal/makeDeviceStore.js"
import { makeSessionStore } from "./internal/makeSessionStore.js"
import { makeSigningKeyStore } from "./internal/makeSigningKeyStore.js"
import { makeUserStore } from "./internal/makeUserStore.js"
import { migrateSecurity, securitySchemaVersion } from "./internal/migrateSecurity.js"
import { describeThrown } from "./internal/storeAttempt.js"
import { SqliteSecurityStoreError } from "./SqliteSecurityStoreError.js"

/** How to open the SQLite security stores. Only `filename` is required. */
export interface SqliteSecurityStoreOptions {
  /**
   * The database file; it and its folder are created when missing (the file readable by its owner only).
   * It may be the journal's file: the security tables are all named `security_*` and migrate on their own.
   */
  readonly filename: string
  /**
   * When a write counts as durable. `"full"` (default): fsynced before the call returns. `"normal"`: survives
   * the process being killed; the last writes may be lost (never corrupted) on a power loss or OS crash.
   */
  readonly synchronous?: "full" | "normal" | undefined
  /** How long a write waits for another connection's lock (e.g. the journal's) before failing. Default 5000 ms. */
  readonly busyTimeoutMs?: number | undefined
  /**
   * The SQLite implementation, as the journal's `driver` option: `"auto"` (default) takes better-sqlite3
   * when it loads, else Node's built-in `node:sqlite`. Use the journal's driver when sharing its file.
   */
  readonly driver?: SqliteDriverChoice | undefined
}

/** The five security stores on one SQLite connection, as `make` returns them. */
export interface SqliteSecurityStores {
  readonly users: UserStoreShape
  readonly sessions: SessionStoreShape
  readonly signingKeys: SigningKeyStoreShape
  readonly devices: DeviceStoreShape
  readonly audit: AuditStoreShape
}

/** Every service `layer` provides: all the stores `@coderclaw/security` keeps its state in. */
export type SqliteSecurityServices = UserStore | SessionStore | SigningKeyStore | DeviceStore | AuditStore

/**
 * The security schema version this release writes (independent of the journal's `schemaVersion`). Opening
 * migrates the `security_*` tables up to it; a file whose security tables are at a higher version is refused.
 */
export const schemaVersion: number = securitySchemaVersion

const defaults = { synchronous: "full", busyTimeoutMs: 5_000, driver: "auto" } as const

const settingsFrom = (
  options: SqliteSecurityStoreOptions
): Effect.Effect<ConnectionSettings, SqliteSecurityStoreError> => {
  const settings = {
    filename: options.filename,
    synchronous: options.synchronous ?? defaults.synchronous,
    busyTimeoutMs: options.busyTimeoutMs ?? defaults.busyTimeoutMs,
    driver: options.driver ?? defaults.driver
  }
  const invalid = (detail: string) =>
    Effect.fail(new SqliteSecurityStoreError({ reason: "Unavailable", detail: `invalid option: ${detail}` }))
  if (typeof settings.filename !== "string" || settings.filename.length === 0) return invalid("filename is empty")
  if (settings.synchronous !== "full" && settings.synchronous !== "normal") {
    return invalid(`synchronous must be "full" or "normal", got ${JSON.stringify(settings.synchronous)}`)
  }
  if (!Number.isInteger(settings.busyTimeoutMs) || settings.busyTimeoutMs < 0) {
    return invalid(`busyTimeoutMs must be a non-negative integer, got ${settings.busyTimeoutMs}`)
  }
  if (!sqliteDriverChoices.includes(settings.driver)) {
    return invalid(`driver must be one of ${sqliteDriverChoices.join(", ")}, got ${JSON.stringify(settings.driver)}`)
  }
  return Effect.succeed(settings)
}

// Runs synchronous opening work; SQLite's corruption codes become `corrupt`, every other failure `unavailable`.
const opening = <A>(
  doing: string,
  work: () => A
): Effect.Effect<Exclude<A, DatabaseRefused | NewerSchema>, SqliteSecurityStoreError> =>
  Effect.flatMap(
    Effect.try({
      try: work,
      catch: (error) => {
        const { kind, detail } = describeThrown(error, doing)
        return new SqliteSecurityStoreError({ reason: kind, detail })
      }
    }),
    (result) => {
      if (result instanceof DatabaseRefused) {
        return Effect.fail(new SqliteSecurityStoreError({ reason: "Unavailable", detail: result.detail }))
      }
      if (result instanceof NewerSchema) {
        return Effect.fail(
          new SqliteSecurityStoreError({
            reason: "Unavailable",
            detail:
              `${doing}: the security tables have schema version ${result.found}, newer than the ` +
              `${result.known} this @coderclaw/store-sqlite understands; open it with a newer release`
          })
        )
      }
      return Effect.succeed(result as Exclude<A, DatabaseRefused | NewerSchema>)
    }
  )

// The file holds password hashes and the session-signing private keys: a file this store creates is made
// readable by its owner only (SQLite gives the `-wal` and `-shm` files the same permissions). An existing
// file keeps the permissions its operator chose.
const createPrivately = (filename: string): void => {
  if (filename === ":memory:") return
  mkdirSync(dirname(filename), { recursive: true })
  closeSync(openSync(filename, "a", 0o600))
}

const connect = (settings: ConnectionSettings): SqliteConnection | DatabaseRefused => {
  createPrivately(settings.filename)
  return openDatabase(settings)
}

/**
 * Opens the security stores in the current scope: one connection to `filename` (WAL, busy timeout, the
 * `security_*` tables migrated) shared by all five stores; closing the scope closes it. Use it to hold the
 * stores yourself; otherwise provide `layer`. Fails with `SqliteSecurityStoreError` when the file cannot
 * be opened, is damaged, or holds a newer security schema.
 */
export const make = (
  options: SqliteSecurityStoreOptions
): Effect.Effect<SqliteSecurityStores, SqliteSecurityStoreError, Scope.Scope> =>
  Effect.gen(function* () {
    const settings = yield* settingsFrom(options)
    const db = yield* Effect.acquireRelease(
      opening(`opening ${settings.filename}`, () => connect(settings)),
      (db) => Effect.sync(() => db.close())
    )
    const openedAt = yield* Clock.currentTimeMillis
    yield* opening(`migrating ${settings.filename}`, () => migrateSecurity(db, openedAt))
    return yield* opening(`preparing ${settings.filename}`, () => ({
      users: makeUserStore(db),
      sessions: makeSessionStore(db),
      signingKeys: makeSigningKeyStore(db),
      devices: makeDeviceStore(db),
      audit: makeAuditStore(db)
    }))
  })

/**
 * Every store of `@coderclaw/security` (`UserStore`, `SessionStore`, `SigningKeyStore`, `DeviceStore`,
 * `AuditStore`) kept in a SQLite file: what a runtime whose accounts, sessions, devices and audit log must
 * survive restarts provides. Point it at the journal's file to keep the whole runtime state in one file.
 * The database opens when the layer is built and closes when its scope closes.
 */
export const layer = (
  options: SqliteSecurityStoreOptions
): Layer.Layer<SqliteSecurityServices, SqliteSecurityStoreError> =>
  Layer.effectContext(
    Effect.map(make(options), (stores) =>
      Context.make(UserStore, stores.users).pipe(
        Context.add(SessionStore, stores.sessions),
        Context.add(SigningKeyStore, stores.signingKeys),
        Context.add(DeviceStore, stores.devices),
        Context.add(AuditStore, stores.audit)
      )
    )
  )
