import { type ChildProcess, spawn } from "node:child_process"
import { Effect } from "effect"
import { CommandError } from "../CommandError.js"

/** How a process ended: its exit code, or the signal that stopped it. */
export interface ProcessExit {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
}

/** A process started as the leader of its own process group. */
export interface GroupProcess {
  readonly pid: number
  readonly child: ChildProcess
  /** Resolves when the process has exited (its output may still be flowing). */
  readonly exit: Promise<ProcessExit>
  /** Resolves when the process has exited and its output streams are closed. */
  readonly closed: Promise<void>
}

/** Whether any process of the group led by `pid` still exists. */
export const groupAlive = (pid: number): boolean => {
  try {
    process.kill(-pid, 0)
    return true
  } catch (error) {
    return (error as { code?: unknown }).code === "EPERM"
  }
}

const signalGroup = (pid: number, signal: NodeJS.Signals) => {
  try {
    process.kill(-pid, signal)
  } catch {
    // The group is gone already.
  }
}

/**
 * Starts a program (no shell) as the leader of a new process group, so the whole tree it starts can be
 * stopped at once. Fails with `SpawnFailed` when it cannot start (e.g. no such program).
 */
export const spawnGroup = (
  file: string,
  args: ReadonlyArray<string>,
  options: {
    readonly cwd: string
    readonly env: NodeJS.ProcessEnv
    readonly onStdout: (chunk: string) => void
    readonly onStderr: (chunk: string) => void
  }
): Effect.Effect<GroupProcess, CommandError> =>
  Effect.callback<GroupProcess, CommandError>((resume) => {
    let child: ChildProcess
    try {
      child = spawn(file, args, {
        cwd: options.cwd,
        env: options.env,
        detached: true,
        shell: false,
        stdio: ["ignore", "pipe", "pipe"],
        windowsHide: true
      })
    } catch (error) {
      resume(
        Effect.fail(
          new CommandError({
            reason: "SpawnFailed",
            detail: `cannot start ${file}: ${error instanceof Error ? error.message : String(error)}`
          })
        )
      )
      return
    }
    const exit = new Promise<ProcessExit>((resolve) => {
      child.once("exit", (code, signal) => resolve({ code, signal }))
    })
    const closed = new Promise<void>((resolve) => {
      child.once("close", () => resolve())
    })
    child.stdout?.setEncoding("utf8").on("data", options.onStdout)
    child.stderr?.setEncoding("utf8").on("data", options.onStderr)
    child.once("spawn", () => {
      if (child.pid === undefined) return
      resume(Effect.succeed({ pid: child.pid, child, exit, closed }))
    })
    child.once("error", (error: NodeJS.ErrnoException) => {
      resume(
        Effect.fail(
          new CommandError({
            reason: "SpawnFailed",
            detail:
              error.code === "ENOENT"
                ? `cannot start ${file}: no such program (or the working directory is missing)`
                : `cannot start ${file}: ${error.code ?? error.message}`
          })
        )
      )
    })
  })

const waitUntilGone = (pid: number, deadline: number) =>
  Effect.gen(function* () {
    while (groupAlive(pid) && Date.now() < deadline) yield* Effect.sleep(15)
    return !groupAlive(pid)
  })

/**
 * Stops every process of the group: `SIGTERM`, then `SIGKILL` for whatever is left after `graceMs`. Returns
 * once the group is gone (or, if even `SIGKILL` did not end it, after a bounded wait). Does nothing when the
 * group has already ended.
 */
export const terminateGroup = (group: GroupProcess, graceMs: number): Effect.Effect<void> =>
  Effect.gen(function* () {
    if (!groupAlive(group.pid)) return
    signalGroup(group.pid, "SIGTERM")
    if (yield* waitUntilGone(group.pid, Date.now() + graceMs)) return
    signalGroup(group.pid, "SIGKILL")
    yield* waitUntilGone(group.pid, Date.now() + 5_000)
  }).pipe(Effect.uninterruptible)
