import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { type SqliteDriverChoice, SqliteJournal } from "@coderclaw/store-sqlite"
import { startRuntime, timed } from "./driveRuntime.js"

/**
 * The runtime on the SQLite journal with crash-safe commits (`synchronous: "full"`: every commit fsynced
 * before `append` returns) and group commit: submit → completed for `tasks` echo tasks, 256 in flight.
 * `driver` picks the SQLite implementation (default `auto`), to compare better-sqlite3 with node:sqlite.
 */
export const measureDurable = async (options: {
  readonly tasks: number
  readonly warmup: number
  readonly driver?: SqliteDriverChoice
}) => {
  const directory = await mkdtemp(join(tmpdir(), "coderclaw-bench-"))
  try {
    const mesh = await startRuntime(
      SqliteJournal.layer({
        filename: join(directory, "journal.db"),
        synchronous: "full",
        driver: options.driver ?? "auto"
      })
    )
    try {
      await mesh.runTasks(options.warmup)
      const { seconds, cpuMicros } = await timed(() => mesh.runTasks(options.tasks))
      return { tasksPerSecond: options.tasks / seconds, cpuMicrosPerTask: cpuMicros / options.tasks }
    } finally {
      await mesh.close()
    }
  } finally {
    await rm(directory, { recursive: true, force: true })
  }
}
