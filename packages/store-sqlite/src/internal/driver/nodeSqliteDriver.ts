import { existsSync } from "node:fs"
import type {
  SqliteConnection,
  SqliteDriver,
  SqliteOpenOptions,
  SqliteRunResult,
  SqliteStatement,
  SqliteTransaction,
  TransactionBody
} from "./SqliteConnection.js"
import { sqliteCodeName } from "./sqliteCodeName.js"

// The part of `node:sqlite` used here, typed locally: the `@types/node` of Node 20 (the oldest supported
// Node) does not describe the module.
interface NodeStatementSync {
  run(...params: Array<unknown>): { changes: number | bigint; lastInsertRowid: number | bigint }
  get(...params: Array<unknown>): unknown
  all(...params: Array<unknown>): Array<unknown>
  iterate(...params: Array<unknown>): IterableIterator<unknown>
  setAllowUnknownNamedParameters?(enabled: boolean): void
}
interface NodeDatabaseSync {
  prepare(sql: string): NodeStatementSync
  exec(sql: string): void
  function(
    name: string,
    options: { deterministic?: boolean; varargs?: boolean },
    body: (...args: Array<unknown>) => unknown
  ): void
  readonly isTransaction: boolean
  close(): void
}
interface NodeSqliteModule {
  readonly DatabaseSync: new (filename: string, options?: { readOnly?: boolean }) => NodeDatabaseSync
}

/**
 * Loads `node:sqlite` without printing its `ExperimentalWarning`: Node releases that still mark the module
 * experimental (22.x) warn once on load, on stderr of the application. Only that one warning is held back,
 * only during this synchronous load; every other warning passes. `undefined` when this Node has no
 * `node:sqlite` (Node 20) or only behind a flag.
 */
const loadModule = (): NodeSqliteModule | undefined => {
  const original = process.emitWarning
  process.emitWarning = function emitWarning(this: unknown, warning: string | Error, ...rest: Array<unknown>) {
    const type = typeof rest[0] === "string" ? rest[0] : (rest[0] as { type?: unknown } | undefined)?.type
    const text = typeof warning === "string" ? warning : warning.message
    if (type === "ExperimentalWarning" && text.startsWith("SQLite")) return
    return Reflect.apply(original, process, [warning, ...rest])
  } as typeof process.emitWarning
  try {
    return process.getBuiltinModule?.("node:sqlite") as NodeSqliteModule | undefined
  } catch {
    return undefined
  } finally {
    process.emitWarning = original
  }
}

/**
 * Gives an error of `node:sqlite` (`code: "ERR_SQLITE_ERROR"`, the number in `errcode`) the `code`
 * better-sqlite3 would give it (`SQLITE_BUSY`…), so both drivers' failures are classified alike.
 */
const withSqliteCode = (error: unknown): unknown => {
  if (
    error instanceof Error &&
    "code" in error &&
    error.code === "ERR_SQLITE_ERROR" &&
    "errcode" in error &&
    typeof error.errcode === "number"
  ) {
    Object.defineProperty(error, "code", { value: sqliteCodeName(error.errcode), configurable: true, writable: true })
  }
  return error
}

const guarded = <A>(work: () => A): A => {
  try {
    return work()
  } catch (error) {
    throw withSqliteCode(error)
  }
}

const firstColumn = (row: unknown): unknown =>
  row === undefined || row === null ? undefined : Object.values(row as Record<string, unknown>)[0]

class NodeStatement<P extends Array<unknown>, R> implements SqliteStatement<P, R> {
  #plucked = false
  constructor(private readonly statement: NodeStatementSync) {
    // better-sqlite3 ignores object keys that name no parameter (rows passed as they are); so does this.
    statement.setAllowUnknownNamedParameters?.(true)
  }
  run(...params: P): SqliteRunResult {
    const { changes, lastInsertRowid } = guarded(() => this.statement.run(...params))
    return { changes: Number(changes), lastInsertRowid }
  }
  get(...params: P): R | undefined {
    const row = guarded(() => this.statement.get(...params))
    return (this.#plucked ? firstColumn(row) : row) as R | undefined
  }
  all(...params: P): Array<R> {
    const rows = guarded(() => this.statement.all(...params))
    return (this.#plucked ? rows.map(firstColumn) : rows) as Array<R>
  }
  *iterate(...params: P): IterableIterator<R> {
    const rows = guarded(() => this.statement.iterate(...params))
    while (true) {
      const next = guarded(() => rows.next())
      if (next.done === true) return
      yield (this.#plucked ? firstColumn(next.value) : next.value) as R
    }
  }
  pluck(): this {
    this.#plucked = true
    return this
  }
}

// The savepoint name better-sqlite3 uses for nested transactions has no meaning beyond this connection.
const savepoint = '"coderclaw_nested"'

class NodeConnection implements SqliteConnection {
  constructor(
    private readonly db: NodeDatabaseSync,
    readonly name: string
  ) {}

  get inTransaction(): boolean {
    return this.db.isTransaction
  }
  prepare<P extends Array<unknown> | object = Array<unknown>, R = unknown>(
    sql: string
  ): P extends Array<unknown> ? SqliteStatement<P, R> : SqliteStatement<[P], R> {
    return new NodeStatement(guarded(() => this.db.prepare(sql))) as never
  }
  exec(sql: string): this {
    guarded(() => this.db.exec(sql))
    return this
  }
  pragma(source: string, options?: { readonly simple?: boolean }): unknown {
    const rows = guarded(() => this.db.prepare(`PRAGMA ${source}`).all())
    return options?.simple === true ? firstColumn(rows[0]) : rows
  }
  function(
    name: string,
    options: { readonly deterministic?: boolean; readonly varargs?: boolean },
    body: (...args: Array<unknown>) => unknown
  ): this {
    guarded(() => this.db.function(name, { ...options }, body))
    return this
  }
  // better-sqlite3's transaction functions, with the same rules: a savepoint inside an open transaction;
  // on a throw, roll back only if SQLite has not already ended the transaction itself (disk full, I/O).
  transaction<F extends TransactionBody>(body: F): SqliteTransaction<F> {
    const make = (begin: string): F =>
      ((...args: Parameters<F>) => {
        const nested = this.inTransaction
        this.exec(nested ? `SAVEPOINT ${savepoint}` : begin)
        try {
          const result = body(...args)
          this.exec(nested ? `RELEASE ${savepoint}` : "COMMIT")
          return result
        } catch (error) {
          if (this.inTransaction) {
            if (nested) this.exec(`ROLLBACK TO ${savepoint}`).exec(`RELEASE ${savepoint}`)
            else this.exec("ROLLBACK")
          }
          throw error
        }
      }) as F
    return Object.assign(make("BEGIN"), {
      deferred: make("BEGIN DEFERRED"),
      immediate: make("BEGIN IMMEDIATE"),
      exclusive: make("BEGIN EXCLUSIVE")
    })
  }
  close(): this {
    guarded(() => this.db.close())
    return this
  }
}

/** Why `node:sqlite` cannot be used on this Node, or `undefined` when it can (probed on a memory database). */
const unusable = (module: NodeSqliteModule | undefined): string | undefined => {
  if (module === undefined) return `Node ${process.version} has no node:sqlite (it needs Node 22.13 or later)`
  const probe = new module.DatabaseSync(":memory:")
  try {
    const missing = [
      typeof probe.isTransaction === "boolean" ? undefined : "isTransaction",
      typeof probe.function === "function" ? undefined : "function()"
    ].filter((member) => member !== undefined)
    return missing.length === 0
      ? undefined
      : `the node:sqlite of Node ${process.version} lacks DatabaseSync ${missing.join(" and ")} (use Node 24)`
  } finally {
    probe.close()
  }
}

let loaded: SqliteDriver | string | undefined

/**
 * The `node:sqlite` driver (built into Node 24 and recent 22.x), or why this Node cannot offer it.
 * Loaded on first use and remembered.
 */
export const nodeSqliteDriver = (): SqliteDriver | string => {
  if (loaded !== undefined) return loaded
  const module = loadModule()
  const reason = unusable(module)
  if (module === undefined || reason !== undefined) {
    loaded = reason ?? "node:sqlite is unavailable"
    return loaded
  }
  const { DatabaseSync } = module
  loaded = {
    name: "node:sqlite",
    open: (filename: string, options: SqliteOpenOptions = {}): SqliteConnection => {
      if ((options.fileMustExist === true || options.readonly === true) && !existsSync(filename)) {
        throw Object.assign(new Error(`unable to open database file: ${filename} does not exist`), {
          code: "SQLITE_CANTOPEN"
        })
      }
      const db = guarded(() => new DatabaseSync(filename, { readOnly: options.readonly === true }))
      try {
        // better-sqlite3's default busy timeout, applied the same way to both drivers.
        db.exec(`PRAGMA busy_timeout = ${Math.max(0, Math.floor(options.timeout ?? 5_000))}`)
      } catch (error) {
        db.close()
        throw withSqliteCode(error)
      }
      return new NodeConnection(db, filename)
    }
  }
  return loaded
}
