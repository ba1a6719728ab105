import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { hostname } from "node:os"
import { dirname } from "node:path"
import { Schema } from "effect"
import { JournalHolder, SqliteJournalRefused } from "../SqliteJournalRefused.js"
import type { SqliteConnection, SqliteDriver } from "./driver/SqliteConnection.js"

/** The sidecar files of a journal's ownership: the lock database and the note naming its holder. */
export const lockFileOf = (filename: string): string => `${filename}.lock`
export const ownerFileOf = (filename: string): string => `${filename}.owner`

/** The lock on a journal file, held until `release`. */
export interface JournalLock {
  readonly holder: JournalHolder
  release(): void
}

// The connections holding locks, pinned here until released. A driver may close a connection that is
// garbage-collected, which would drop its lock silently: a journal whose scope is still open but no longer
// reachable (e.g. a process parked forever) must keep its lock all the same.
const held = new Set<SqliteConnection>()

const decodeHolder = Schema.decodeUnknownOption(Schema.fromJsonString(JournalHolder))

/** The holder named by the owner file, if it is there and readable. */
export const readHolder = (filename: string): JournalHolder | undefined => {
  let text: string
  try {
    text = readFileSync(ownerFileOf(filename), "utf8")
  } catch {
    return undefined
  }
  const decoded = decodeHolder(text)
  return decoded._tag === "Some" ? decoded.value : undefined
}

const isBusy = (error: unknown): boolean =>
  typeof error === "object" &&
  error !== null &&
  "code" in error &&
  typeof error.code === "string" &&
  error.code.startsWith("SQLITE_BUSY")

/** How a holder reads in an error: who, where, since when. */
export const describeHolder = (holder: JournalHolder | undefined): string =>
  holder === undefined
    ? "another process (its owner file is missing or unreadable)"
    : `process ${holder.pid} on ${holder.host}, open since ${new Date(holder.startedAt).toISOString()}`

/**
 * Takes the exclusive ownership of a journal file, or refuses with `Locked` naming the holder.
 *
 * Node has no `flock`, but SQLite's locks are POSIX `fcntl` locks, which the OS drops when their process
 * ends in any way (`kill -9` included): a sidecar database `<db>.lock`, held in `locking_mode=EXCLUSIVE`
 * inside an open write transaction, is a lock that cannot outlive its process. SQLite's unix
 * VFS also tracks locks per file inside one process, so a second journal on the same file in the same
 * process is refused too. The main database stays shareable: the security stores and the admin commands
 * open it beside a running server.
 *
 * The lock file is never deleted (a process waiting on the old file would lock a ghost); the owner file
 * `<db>.owner` (JSON: pid, host, startedAt) is written after the lock is taken, only to name the holder,
 * and removed on release.
 */
export const acquireJournalLock = (
  driver: SqliteDriver,
  filename: string,
  startedAt: number
): JournalLock | SqliteJournalRefused => {
  mkdirSync(dirname(filename), { recursive: true })
  const lock = driver.open(lockFileOf(filename), { timeout: 0 })
  try {
    // A real write first, so the lock is the one SQLite takes for writing (kept after the commit in
    // exclusive locking mode), then an open write transaction holds it for good. The rollback journal
    // stays in memory: nothing of the lock file is worth recovering after a crash.
    lock.pragma("locking_mode = EXCLUSIVE")
    lock.pragma("journal_mode = MEMORY")
    lock.exec("CREATE TABLE IF NOT EXISTS owner (id INTEGER PRIMARY KEY CHECK (id = 1))")
    lock.exec("BEGIN EXCLUSIVE")
    lock.exec("INSERT OR REPLACE INTO owner (id) VALUES (1)")
  } catch (error) {
    lock.close()
    if (!isBusy(error)) throw error
    const holder = readHolder(filename)
    return new SqliteJournalRefused({
      reason: "Locked",
      filename,
      detail: `the journal is already open in ${describeHolder(holder)}; only one writer may own it`,
      ...(holder === undefined ? {} : { holder })
    })
  }
  held.add(lock)
  const holder: JournalHolder = { pid: process.pid, host: hostname(), startedAt }
  try {
    writeFileSync(ownerFileOf(filename), JSON.stringify(holder), { mode: 0o600 })
  } catch (error) {
    held.delete(lock)
    lock.close()
    throw error
  }
  let released = false
  return {
    holder,
    release: () => {
      if (released) return
      released = true
      // The note first: once the lock is gone, a new holder may write its own.
      rmSync(ownerFileOf(filename), { force: true })
      held.delete(lock)
      lock.close()
    }
  }
}
