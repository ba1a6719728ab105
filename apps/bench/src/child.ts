import { spawn } from "node:child_process"
import { createInterface } from "node:readline"
import { fileURLToPath } from "node:url"

/**
 * The compiled script of a benchmark that runs in its own process. Resolved against `dist/` from both
 * `src/` and `dist/`, so the suite runs the same way from the built CLI and from its vitest smoke test.
 */
export const childScript = (name: string): string => fileURLToPath(new URL(`../dist/${name}.js`, import.meta.url))

/** Runs `node [flags] <script> <args>` (with `env`) to its end and returns the JSON lines it printed. */
export const runChild = (
  script: string,
  args: ReadonlyArray<string>,
  nodeFlags: ReadonlyArray<string> = [],
  env: NodeJS.ProcessEnv = process.env
): Promise<ReadonlyArray<Record<string, unknown>>> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeFlags, script, ...args], { stdio: ["ignore", "pipe", "pipe"], env })
    const lines: Array<Record<string, unknown>> = []
    let stderr = ""
    child.stderr.on("data", (chunk) => {
      stderr += String(chunk)
    })
    createInterface({ input: child.stdout }).on("line", (line) => lines.push(JSON.parse(line)))
    child.on("error", reject)
    child.on("close", (code) =>
      code === 0 ? resolve(lines) : reject(new Error(`${script} exited with ${code}: ${stderr.slice(-2_000)}`))
    )
  })

/** Prints one JSON line for the parent process. */
export const report = (line: Record<string, unknown>): void => {
  process.stdout.write(`${JSON.stringify(line)}\n`)
}
