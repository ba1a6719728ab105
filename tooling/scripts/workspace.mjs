// Helpers shared by the root `npm start` / `npm test` entry points. Plain Node, no dependencies: they run
// before anything is installed.
import { spawnSync } from "node:child_process"
import { existsSync } from "node:fs"
import { delimiter, dirname, join } from "node:path"
import { fileURLToPath } from "node:url"

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..")

/** The pnpm this repository pins (package.json `packageManager`). */
export const PNPM = "pnpm@10.34.8"

const isWindows = process.platform === "win32"

/** Prints a step header so long runs show where they are. */
export const step = (title) => {
  process.stdout.write(`\n▶ ${title}\n`)
}

/** Runs a command (in the repository unless `options.cwd` says otherwise), streaming its output; returns its exit code. */
export const run = (command, args, options = {}) => {
  const result = spawnSync(command, args, {
    cwd: options.cwd ?? repoRoot,
    stdio: "inherit",
    shell: isWindows,
    env: {
      ...process.env,
      // turbo looks for the pinned pnpm on PATH; the workspace installs it as a dev dependency.
      PATH: [join(repoRoot, "node_modules", ".bin"), process.env.PATH].join(delimiter),
      TURBO_TELEMETRY_DISABLED: "1",
      DO_NOT_TRACK: "1",
      ...options.env
    }
  })
  if (result.error) {
    console.error(`Could not run ${command}: ${result.error.message}`)
    return 1
  }
  return result.status ?? 1
}

/** Runs a command and exits the process with its code if it fails. */
export const runOrExit = (command, args, options) => {
  const code = run(command, args, options)
  if (code !== 0) {
    console.error(`\n✗ ${[command, ...args].join(" ")} failed with exit code ${code}`)
    process.exit(code)
  }
}

/** Runs the pinned pnpm through npx, so a machine with only Node and npm needs nothing else. */
export const pnpm = (args) => runOrExit("npx", ["--yes", PNPM, ...args])

/** A binary installed in the root node_modules. */
export const bin = (name) => join(repoRoot, "node_modules", ".bin", isWindows ? `${name}.cmd` : name)

/**
 * Installs the workspace's dependencies from the lockfile. pnpm makes this a quick no-op when nothing
 * changed; the first run compiles native modules and takes a few minutes.
 */
export const install = () => {
  const first = !existsSync(join(repoRoot, "node_modules", ".pnpm"))
  step(first ? "Installing dependencies (first run: this takes a minute or two)" : "Checking dependencies")
  pnpm(["install", "--frozen-lockfile", "--prefer-offline", "--reporter=append-only"])
}

/** Builds every package that changed (turbo caches the rest). */
export const build = (filter) => {
  step("Building")
  runOrExit(bin("turbo"), ["run", "build", "--output-logs=errors-only", ...(filter ? [`--filter=${filter}...`] : [])])
}
