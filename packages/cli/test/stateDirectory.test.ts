import { execFileSync } from "node:child_process"
import { existsSync, statSync } from "node:fs"
import { mkdir, readdir, writeFile } from "node:fs/promises"
import { join } from "node:path"
import { Effect } from "effect"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { loadRuntimeConfig } from "../src/config/loadRuntimeConfig.js"
import { repositoryId } from "../src/config/stateDirectory.js"
import { type CoderclawServer, startServer } from "../src/server/startServer.js"
import { password, removeDir, runCli, tempDir } from "./support/harness.js"

// The server's state (password hashes, session-signing keys, every task's inputs) lives outside the
// repository it serves, in a 0700 directory: no repository skill, git command or accidental commit sees it.

let dir: string
let repo: string
let state: string
const servers: Array<CoderclawServer> = []

beforeEach(async () => {
  dir = await tempDir("state")
  repo = join(dir, "repo")
  state = join(dir, "xdg-state")
  await mkdir(repo)
  execFileSync("git", ["init", "-q", repo])
})

afterEach(async () => {
  await Promise.allSettled(servers.splice(0).map((server) => server.close()))
  await removeDir(dir)
})

const start = async (config: Record<string, unknown> = {}) => {
  const server = await startServer({
    cwd: repo,
    config: { port: 0, ...config },
    builtins: false,
    env: { XDG_STATE_HOME: state }
  })
  servers.push(server)
  return server
}

const mode = (path: string) => statSync(path).mode & 0o777

describe("the server's state directory", () => {
  it("keeps the database outside the repository by default, in a 0700 per-repository directory", async () => {
    const server = await start({ inspect: { file: "inspect.jsonl" } })
    const expected = join(state, "coderclaw", repositoryId(repo))
    expect(server.config.dataDir).toBe(expected)
    expect(server.config.database).toBe(join(expected, "coderclaw.db"))
    expect(existsSync(server.config.database)).toBe(true)
    expect(mode(expected)).toBe(0o700)
    expect(mode(server.config.database)).toBe(0o600)
    // A relative inspection log lives in the state directory too, readable by its owner only.
    expect(server.config.inspect?.file).toBe(join(expected, "inspect.jsonl"))
    expect(mode(join(expected, "inspect.jsonl"))).toBe(0o600)

    // Nothing of the server's appears in the repository, for git or anyone else.
    expect(await readdir(repo)).toEqual([".git"])
    expect(execFileSync("git", ["status", "--porcelain"], { cwd: repo, encoding: "utf8" })).toBe("")
  })

  it("tightens an existing state directory to 0700", async () => {
    const dataDir = join(dir, "loose")
    await mkdir(dataDir, { mode: 0o755 })
    const server = await start({ dataDir })
    expect(server.config.database).toBe(join(dataDir, "coderclaw.db"))
    expect(mode(dataDir)).toBe(0o700)
  })

  it("gives checkouts with the same name different directories", async () => {
    const other = join(dir, "elsewhere", "repo")
    await mkdir(other, { recursive: true })
    expect(repositoryId(other)).not.toBe(repositoryId(repo))
    expect(repositoryId(repo)).toMatch(/^repo-[0-9a-f]{12}$/)
  })

  it("--data-dir wins over runtime.yaml's dataDir, which wins over the default", async () => {
    await mkdir(join(repo, ".coderclaw"))
    await writeFile(join(repo, ".coderclaw", "runtime.yaml"), "dataDir: ../from-file\n")
    const env = { XDG_STATE_HOME: state }
    const fromFile = await Effect.runPromise(loadRuntimeConfig(undefined, repo, { env }))
    expect(fromFile.resolved.database).toBe(join(dir, "from-file", "coderclaw.db"))
    const flag = await Effect.runPromise(loadRuntimeConfig(undefined, repo, { dataDir: "/srv/coderclaw", env }))
    expect(flag.resolved.database).toBe("/srv/coderclaw/coderclaw.db")
  })

  it("refuses to start on an empty state directory while an earlier database sits inside the repository", async () => {
    await mkdir(join(repo, ".coderclaw"))
    await writeFile(join(repo, ".coderclaw", "coderclaw.db"), "")
    await expect(start()).rejects.toMatchObject({ _tag: "StateDirectoryError", reason: "LegacyDatabase" })
    // The admin commands say the same, with the command that moves it.
    const ran = await runCli(["users", "list"], { home: join(dir, "home"), cwd: repo, env: { XDG_STATE_HOME: state } })
    expect(ran.code).toBe(1)
    expect(ran.stderr).toContain("inside the repository")
    expect(ran.stderr).toContain("mv ")
  })

  it("users add creates the database in the state directory, where serve then finds the account", async () => {
    const home = join(dir, "home")
    const added = await runCli(["users", "add", "root", "--role", "admin", "--password-stdin"], {
      home,
      cwd: repo,
      env: { XDG_STATE_HOME: state },
      stdin: password
    })
    expect(added.code, added.stderr).toBe(0)
    const server = await start()
    expect(mode(server.config.dataDir)).toBe(0o700)
    const users = await Effect.runPromise(server.security.users.listUsers)
    expect(users.map((user) => user.username)).toEqual(["root"])
    expect(await readdir(repo)).toEqual([".git"])
  })
})
