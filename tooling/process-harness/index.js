import { spawn } from "node:child_process"
import { readFileSync } from "node:fs"
import { createServer } from "node:net"
import { createInterface } from "node:readline"

/**
 * Every child process started through this module that has not exited yet. Tests kill them in `afterEach`
 * (`killTracked`); whatever is still alive when the test process itself exits (an uncaught error, a
 * `process.exit`, a worker torn down after a timeout) is killed by the `exit` hook below, so a failing or
 * timed-out test never leaves a server running.
 *
 * @type {Set<import("node:child_process").ChildProcess>}
 */
const tracked = new Set()

const isRunning = (/** @type {import("node:child_process").ChildProcess} */ child) =>
  child.exitCode === null && child.signalCode === null

const killAllNow = () => {
  // Only synchronous work is possible at exit: SIGKILL cannot be ignored and needs no waiting.
  for (const child of tracked) {
    try {
      child.kill("SIGKILL")
    } catch {
      // Already gone.
    }
  }
}

process.on("exit", killAllNow)
// A test process stopped by a signal emits no `exit`: kill the children, then let the signal do what it
// would have done (unless the program has its own handler for it, which then decides).
for (const signal of /** @type {const} */ (["SIGTERM", "SIGINT", "SIGHUP"])) {
  process.once(signal, () => {
    killAllNow()
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal)
  })
}

/**
 * `spawn`, with the child tracked until it exits: `killTracked` and the exit hook of this module kill it.
 *
 * @param {string} command
 * @param {ReadonlyArray<string>} args
 * @param {import("node:child_process").SpawnOptions} [options]
 */
export const spawnTracked = (command, args, options = {}) => {
  const child = spawn(command, args, options)
  tracked.add(child)
  child.once("exit", () => tracked.delete(child))
  // A failed spawn (missing binary) emits `error` and never `exit`.
  child.once("error", () => tracked.delete(child))
  return child
}

/**
 * Waits until `child` has exited; resolves at once if it already has.
 *
 * @param {import("node:child_process").ChildProcess} child
 * @returns {Promise<void>}
 */
export const exitOf = (child) =>
  isRunning(child) ? new Promise((resolve) => child.once("exit", () => resolve())) : Promise.resolve()

/**
 * Kills every tracked child that is still running (SIGKILL, or `signal`) and waits until each has exited.
 * Call it from `afterEach`/`finally` of every test that starts processes.
 *
 * @param {NodeJS.Signals} [signal]
 * @returns {Promise<void>}
 */
export const killTracked = async (signal = "SIGKILL") => {
  const running = [...tracked].filter(isRunning)
  for (const child of running) child.kill(signal)
  await Promise.all(running.map(exitOf))
}

/** The pids of tracked children still running. */
export const trackedPids = () => [...tracked].filter(isRunning).map((child) => /** @type {number} */ (child.pid))

/**
 * Whether a process with this pid exists (and is not a zombie we could still reap).
 *
 * @param {number} pid
 */
export const isAlive = (pid) => {
  try {
    process.kill(pid, 0)
  } catch {
    return false
  }
  try {
    // A killed child whose parent is gone stays a zombie until something reaps it: it runs nothing.
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8")
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z"
  } catch {
    return true
  }
}

/**
 * Starts `node [...nodeArgs] <script> ...args` as a tracked child process whose stdout is one JSON value per
 * line. The lines are collected as they arrive (a line that is not JSON is kept with the stderr text);
 * `until` waits for a condition over them (failing with the child's stderr after `timeoutMs`), `exited`
 * resolves with the exit code, `send` writes a line to its stdin, and `child` can be killed (e.g. `SIGKILL`).
 *
 * @param {string} script
 * @param {ReadonlyArray<string>} args
 * @param {{ readonly nodeArgs?: ReadonlyArray<string>, readonly env?: NodeJS.ProcessEnv, readonly cwd?: string }} [options]
 */
export const launchJsonLines = (script, args, options = {}) => {
  const child = spawnTracked(process.execPath, [...(options.nodeArgs ?? []), script, ...args], {
    stdio: ["pipe", "pipe", "pipe"],
    ...(options.env === undefined ? {} : { env: options.env }),
    ...(options.cwd === undefined ? {} : { cwd: options.cwd })
  })
  /** @type {Array<any>} */
  const lines = []
  let stderr = ""
  child.stderr?.on("data", (chunk) => {
    stderr += String(chunk)
  })
  // A write to a child that already died must not become an uncaught error of the test process.
  child.stdin?.on("error", () => undefined)
  createInterface({ input: /** @type {import("node:stream").Readable} */ (child.stdout) }).on("line", (line) => {
    try {
      lines.push(JSON.parse(line))
    } catch {
      stderr += `(stdout, not JSON) ${line}\n`
    }
  })
  /** @type {Promise<number | null>} */
  const exited = new Promise((resolve) => child.on("exit", (code) => resolve(code)))
  /**
   * @param {(lines: ReadonlyArray<any>) => boolean} predicate
   * @param {number} [timeoutMs]
   */
  const until = async (predicate, timeoutMs = 60_000) => {
    const end = Date.now() + timeoutMs
    while (!predicate(lines)) {
      if (Date.now() > end)
        throw new Error(`timed out after ${timeoutMs} ms; lines: ${JSON.stringify(lines)}; stderr: ${stderr}`)
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
  }
  /** @param {string} line */
  const send = (line) => {
    child.stdin?.write(`${line}\n`)
  }
  return { child, lines, until, exited, send, stderr: () => stderr }
}

/**
 * Runs a command to its end as a tracked child (so `killTracked` stops it if the test ends first), like a
 * promisified `execFile`: resolves with its output when it exits with 0, rejects with an `Error` carrying
 * `code`, `signal`, `stdout` and `stderr` otherwise.
 *
 * @param {string} command
 * @param {ReadonlyArray<string>} args
 * @param {import("node:child_process").SpawnOptions} [options]
 * @returns {Promise<{ stdout: string, stderr: string }>}
 */
export const runTracked = (command, args, options = {}) =>
  new Promise((resolve, reject) => {
    const child = spawnTracked(command, args, { stdio: ["ignore", "pipe", "pipe"], ...options })
    let stdout = ""
    let stderr = ""
    child.stdout?.on("data", (chunk) => {
      stdout += String(chunk)
    })
    child.stderr?.on("data", (chunk) => {
      stderr += String(chunk)
    })
    child.once("error", reject)
    child.once("close", (code, signal) => {
      if (code === 0) resolve({ stdout, stderr })
      else
        reject(
          Object.assign(new Error(`${command} ${args.join(" ")} exited with ${code ?? signal}: ${stderr}`), {
            code,
            signal,
            stdout,
            stderr
          })
        )
    })
  })

/**
 * A free loopback TCP port below the ephemeral range (32768+), for a server that is stopped and started
 * again on the same port: while it is down, no client's own outbound port can take it.
 * @returns {Promise<number>}
 */
export const freeFixedPort = async () => {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 12_000)
    const free = await new Promise((resolve) => {
      const probe = createServer()
      probe.once("error", () => resolve(false))
      probe.listen(port, "127.0.0.1", () => probe.close(() => resolve(true)))
    })
    if (free) return port
  }
}
