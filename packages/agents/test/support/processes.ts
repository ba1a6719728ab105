import { readdirSync, readFileSync } from "node:fs"
import { readFile } from "node:fs/promises"
import { afterEach } from "vitest"

/** Whether a process exists (and is not a zombie waiting to be reaped). */
export const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
  } catch {
    return false
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"))
  } catch {
    return true
  }
}

const leftovers: Array<number> = []

// A test that fails half-way must not leave its processes running.
afterEach(() => {
  for (const pid of leftovers.splice(0)) {
    try {
      process.kill(pid, "SIGKILL")
    } catch {
      // gone, as it should be
    }
  }
})

/** Kills `pids` after the test, should they still run. */
export const killAfterTest = (...pids: ReadonlyArray<number>): void => {
  leftovers.push(...pids)
}

/** The process id a command wrote to `path` (followed by a newline once it is complete). */
export const readPid = async (path: string): Promise<number> => Number((await readFile(path, "utf8")).trim())

/**
 * The ids, as this machine sees them, of the processes whose command line contains `marker`: a process in a
 * sandbox's PID namespace knows only its id inside it, so tests find it from outside by a unique argument.
 */
export const pidsWithArgument = (marker: string): ReadonlyArray<number> => {
  const found: Array<number> = []
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0").includes(marker)) found.push(Number(entry))
    } catch {
      // gone meanwhile
    }
  }
  return found
}
