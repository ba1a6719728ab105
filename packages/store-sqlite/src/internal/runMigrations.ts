import type { SqliteConnection } from "./driver/SqliteConnection.js"

/** One step of a schema, applied once, in order, inside the opening transaction. */
export interface Migration {
  readonly version: number
  readonly sql: string
}

/** A schema and the table its applied versions are recorded in. */
export interface Schema {
  /** The version table, e.g. `schema_migrations`; each schema sharing a file has its own. */
  readonly table: string
  readonly migrations: ReadonlyArray<Migration>
}

/** The file holds a schema version a newer release wrote; nothing was changed. */
export class NewerSchema {
  readonly _tag = "NewerSchema"
  constructor(
    readonly found: number,
    readonly known: number
  ) {}
}

/** The version a schema's code writes: its highest migration. */
export const latestVersion = (schema: Schema): number =>
  schema.migrations.reduce((latest, migration) => Math.max(latest, migration.version), 0)

/**
 * Brings one schema to its latest version in one immediate transaction (two processes opening the same new
 * file cannot both migrate it), recording each applied step in the schema's version table. A file already
 * at a higher version was written by a newer release, whose tables this code may misread or damage: it is
 * answered `NewerSchema`, unchanged. The journal and the security stores both migrate through here, each
 * with its own table, so either can share a file with the other and move on its own schedule.
 */
export const runMigrations = (db: SqliteConnection, schema: Schema, now: number): NewerSchema | undefined =>
  db
    .transaction((): NewerSchema | undefined => {
      db.exec(`CREATE TABLE IF NOT EXISTS ${schema.table} (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)`)
      const current = db.prepare<[], number>(`SELECT coalesce(max(version), 0) FROM ${schema.table}`).pluck().get() ?? 0
      const known = latestVersion(schema)
      if (current > known) return new NewerSchema(current, known)
      const record = db.prepare<[number, number]>(`INSERT INTO ${schema.table} (version, applied_at) VALUES (?, ?)`)
      for (const migration of schema.migrations) {
        if (migration.version <= current) continue
        db.exec(migration.sql)
        record.run(migration.version, now)
      }
      return undefined
    })
    .immediate()
