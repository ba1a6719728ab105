/**
 * The part of a SQLite connection the stores use: the subset of better-sqlite3's API that `node:sqlite`
 * can offer too. better-sqlite3's `Database` is used as it is (it already has this shape); `node:sqlite`
 * is adapted by `nodeSqliteDriver`. Errors thrown by either carry SQLite's result code name as `code`
 * (`SQLITE_BUSY`, `SQLITE_CONSTRAINT_UNIQUE`…), so failures are classified the same way on both.
 */

/** What `run` reports. */
export interface SqliteRunResult {
  readonly changes: number
  readonly lastInsertRowid: number | bigint
}

/** A prepared statement; `P` the bound parameters, `R` a row (or the single column after `pluck`). */
export interface SqliteStatement<P extends Array<unknown> = Array<unknown>, R = unknown> {
  run(...params: P): SqliteRunResult
  get(...params: P): R | undefined
  all(...params: P): Array<R>
  iterate(...params: P): IterableIterator<R>
  /** From now on, rows are returned as the value of their first column. */
  pluck(): this
}

// biome-ignore lint/suspicious/noExplicitAny: the transaction's function keeps its own parameter types
export type TransactionBody = (...args: Array<any>) => unknown

/**
 * A function running `body` in a transaction: `BEGIN` (deferred) when called directly, `.immediate` /
 * `.exclusive` / `.deferred` for the other modes; inside another transaction, in a savepoint. A throw rolls
 * back (the savepoint only, when nested) and is rethrown; returning commits.
 */
export type SqliteTransaction<F extends TransactionBody> = F & {
  readonly deferred: F
  readonly immediate: F
  readonly exclusive: F
}

/** An open connection. */
export interface SqliteConnection {
  /** The file name the connection was opened with. */
  readonly name: string
  /** Prepares a statement; `P` lists its parameters, or is the one object whose keys bind `@name`s. */
  prepare<P extends Array<unknown> | object = Array<unknown>, R = unknown>(
    sql: string
  ): P extends Array<unknown> ? SqliteStatement<P, R> : SqliteStatement<[P], R>
  exec(sql: string): unknown
  transaction<F extends TransactionBody>(body: F): SqliteTransaction<F>
  /** Runs `PRAGMA <source>`: its rows, or with `simple` the first column of the first row. */
  pragma(source: string, options?: { readonly simple?: boolean }): unknown
  /** Registers a SQL function on this connection. */
  function(
    name: string,
    options: { readonly deterministic?: boolean; readonly varargs?: boolean },
    body: (...args: Array<unknown>) => unknown
  ): unknown
  /** True while a transaction is open (SQLite may end one on its own after a disk or I/O error). */
  readonly inTransaction: boolean
  close(): unknown
}

/** How to open a connection. */
export interface SqliteOpenOptions {
  /** Open read-only; the file must exist. */
  readonly readonly?: boolean
  /** Fail instead of creating a missing file. */
  readonly fileMustExist?: boolean
  /** How long a statement waits for another connection's lock, in ms (SQLite's busy timeout). Default 5000. */
  readonly timeout?: number
}

/** A SQLite implementation the stores can run on. */
export interface SqliteDriver {
  readonly name: "better-sqlite3" | "node:sqlite"
  open(filename: string, options?: SqliteOpenOptions): SqliteConnection
}
