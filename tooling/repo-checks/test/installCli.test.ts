import { lstat, mkdir, mkdtemp, readFile, readlink } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { beforeAll, describe, expect, it } from "vitest"
import { runTracked } from "../../process-harness/index.js"
import { cleanUpAfterTests } from "./cleanUp.js"
import { workspacePrebuilds } from "./localPrebuilds.js"
import { repoRoot } from "./workspace.js"

const run = runTracked
let prefix: string
let installOutput: string

// `npm run install-cli -- --prefix <dir>`, as the README tells users, into a scratch prefix: nothing of the
// CLI is on the registry, so this is the only way to get a `coderclaw` command from the repository.
beforeAll(async () => {
  prefix = await mkdtemp(join(tmpdir(), "coderclaw-prefix-"))
  const prebuilds = join(prefix, "prebuilds")
  await mkdir(prebuilds)
  const { stdout } = await run("npm", ["run", "--silent", "install-cli", "--", "--prefix", prefix], {
    cwd: repoRoot,
    env: { ...process.env, ...(await workspacePrebuilds(prebuilds)) }
  })
  installOutput = stdout
})

cleanUpAfterTests(() => prefix)

describe("npm run install-cli", () => {
  it("links <prefix>/bin/coderclaw into <prefix>/lib/coderclaw, relatively", async () => {
    const bin = join(prefix, "bin", "coderclaw")
    expect((await lstat(bin)).isSymbolicLink()).toBe(true)
    expect(await readlink(bin)).toBe(join("..", "lib", "coderclaw", "node_modules", ".bin", "coderclaw"))
    expect(installOutput).toContain(`coderclaw installed: ${bin}`)
  })

  it("installs a working command: --version prints the CLI's version", async () => {
    const manifest = JSON.parse(await readFile(join(repoRoot, "packages", "cli", "package.json"), "utf8"))
    const { stdout } = await run(join(prefix, "bin", "coderclaw"), ["--version"], { cwd: prefix })
    expect(stdout.trim()).toBe(manifest.version)
  })

  it("--help lists the commands, and a command runs from the installed packages", async () => {
    const bin = join(prefix, "bin", "coderclaw")
    const { stdout } = await run(bin, ["--help"], { cwd: prefix })
    for (const command of ["serve", "login", "submit", "watch", "workflow", "users", "doctor"]) {
      expect(stdout).toMatch(new RegExp(`^  ${command}\\b`, "m"))
    }
    // The installed copy, not the repository's: the workspace packages came from their tarballs.
    const installed = join(prefix, "lib", "coderclaw", "node_modules", "@coderclaw")
    for (const name of ["cli", "runtime", "store-sqlite", "transport-ws"]) {
      expect((await lstat(join(installed, name))).isDirectory(), name).toBe(true)
    }
  })

  it("refuses an unknown option with a usage message", async () => {
    const failure = await run("node", [join(repoRoot, "tooling", "scripts", "installCli.mjs"), "--prefx", prefix], {
      cwd: repoRoot
    }).catch((error: { code: number; stderr: string }) => error)
    expect(failure).toMatchObject({ code: 2 })
    expect((failure as { stderr: string }).stderr).toContain("Unknown option '--prefx'")
  })
})
