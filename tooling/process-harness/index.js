import { spawn } from "node:child_process"
import { createInterface } from "node:readline"

/**
 * Starts `node <script> ...args` as a real child process whose stdout is one JSON value per line. The lines
 * are collected as they arrive; `until` waits for a condition over them (failing with the child's stderr
 * after `timeoutMs`), `exited` resolves with the exit code, and `child` can be killed (e.g. `SIGKILL`).
 *
 * @param {string} script
 * @param {ReadonlyArray<string>} args
 */
export const launchJsonLines = (script, args) => {
  const child = spawn(process.execPath, [script, ...args], { stdio: ["ignore", "pipe", "pipe"] })
  /** @type {Array<any>} */
  const lines = []
  let stderr = ""
  child.stderr.on("data", (chunk) => {
    stderr += String(chunk)
  })
  createInterface({ input: child.stdout }).on("line", (line) => lines.push(JSON.parse(line)))
  /** @type {Promise<number | null>} */
  const exited = new Promise((resolve) => child.on("exit", (code) => resolve(code)))
  /**
   * @param {(lines: ReadonlyArray<any>) => boolean} predicate
   * @param {number} [timeoutMs]
   */
  const until = async (predicate, timeoutMs = 30_000) => {
    const end = Date.now() + timeoutMs
    while (!predicate(lines)) {
      if (Date.now() > end) throw new Error(`timed out; stderr: ${stderr}`)
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
  }
  return { child, lines, until, exited, stderr: () => stderr }
}
