import { createHash } from "node:crypto"
import type { PostgresConnection } from "@coderclaw/postgres-harness"
import type {} from "@coderclaw/postgres-harness/globalSetup"
import { PgClient } from "@effect/sql-pg"
import { Effect, Redacted } from "effect"
import * as Reactivity from "effect/reactivity/Reactivity"
import type { SqlClient } from "effect/sql/SqlClient"
import { inject } from "vitest"
import type { PostgresJournalOptions } from "../../src/index.js"

/** The project's PostgreSQL server (started once by the harness's globalSetup). */
export const server = (): PostgresConnection => inject("postgres")

/** A schema name of its own for each folder the conformance suites hand out. */
export const schemaFor = (directory: string): string =>
  `t_${createHash("sha256").update(directory).digest("hex").slice(0, 20)}`

let counter = 0
/** A fresh schema name for one test. */
export const freshSchema = (prefix = "t"): string => `${prefix}_${process.pid}_${++counter}_${Date.now() % 1e6}`

/** Journal options for the project's server and `schema`; the password comes from the options, not the URL. */
export const journalOptions = (schema: string, extra: Partial<PostgresJournalOptions> = {}): PostgresJournalOptions => {
  const pg = server()
  return {
    url: `postgres://${pg.user}@${pg.host}:${pg.port}/${pg.database}`,
    password: Redacted.make(pg.password),
    schema,
    ...extra
  }
}

/** Runs SQL statements on the project's server with a client of its own (behind any journal's back). */
export const withSql = <A>(use: (sql: SqlClient) => Effect.Effect<A, unknown>): Promise<A> => {
  const pg = server()
  return Effect.runPromise(
    Effect.scoped(
      Effect.flatMap(
        PgClient.make({
          host: pg.host,
          port: pg.port,
          database: pg.database,
          username: pg.user,
          password: Redacted.make(pg.password),
          maxConnections: 1
        }),
        use
      )
    ).pipe(Effect.provide(Reactivity.layer)) as Effect.Effect<A, unknown>
  )
}
