import { mkdir, symlink, writeFile } from "node:fs/promises"
import { join } from "node:path"
import type { JsonValue, RuntimeClient } from "@coderclaw/protocol"
import { Authorizer } from "@coderclaw/runtime"
import { Security, type SecurityConfig } from "@coderclaw/security"
import { createLocalRuntime } from "@coderclaw/transport-local"
import { Effect, Layer, ManagedRuntime } from "effect"
import { afterEach, describe, expect, it } from "vitest"
import { builtinAgents, builtinSkills } from "../src/index.js"
import { git, makeRepository, tempDir } from "./support/fixtures.js"
import { callerAgent, settle } from "./support/harness.js"

// Every line a leak would show carries one of these; none may come back from any skill or agent.
const secrets = ["SECRET-KEY", "WORKFLOW-TOKEN", "ENV-PASSWORD", "CREDENTIAL-URL", "OTHER-USERS-TASK"]

const config: SecurityConfig = {
  sessions: { issuer: "coderclaw-test", audience: "coderclaw", defaultTtlMs: 60 * 60_000 },
  providers: { local: {} },
  policies: {
    repositories: [{ id: "app-protected", repository: "*", protectedPaths: ["secret", ".github/workflows", "**/.env"] }]
  }
}

const closers: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close()
})

/** A git repository with protected files, a committed symlink to them, and one to a server state dir outside. */
const repositoryWithSecrets = async () => {
  const root = await makeRepository({
    "src/app.ts": "export const needle = 'public'\n",
    "secret/key.txt": "needle SECRET-KEY\n",
    ".github/workflows/ci.yml": "needle: WORKFLOW-TOKEN\n",
    ".github/README.md": "needle in a public .github file\n",
    "config/.env": "needle=ENV-PASSWORD\n",
    ".env": "needle=ENV-PASSWORD\n"
  })
  git(root, "remote", "add", "origin", "https://needle:CREDENTIAL-URL@example.com/acme/app.git")
  await symlink("secret", join(root, "alias"))
  const state = await tempDir()
  await mkdir(join(state, "logs"))
  await writeFile(join(state, "inspect.jsonl"), '{"needle":"OTHER-USERS-TASK"}\n')
  await symlink(state, join(root, "server-state"))
  git(root, "add", "--all")
  git(root, "commit", "--quiet", "-m", "symlinks")
  return root
}

/** A runtime whose authorizer is security's (real sessions, real Cedar policies), and a developer's client. */
const start = async (root: string): Promise<RuntimeClient> => {
  const security = ManagedRuntime.make(Security.layerInMemory(config))
  closers.push(() => security.dispose())
  const service = await security.runPromise(Effect.service(Security))
  const principal = await security.runPromise(
    Effect.gen(function* () {
      yield* service.users.createUser({ username: "dev", password: "dev-password-123", roles: ["developer"] })
      return (yield* service.loginWithPassword("dev", "dev-password-123")).principal
    })
  )
  const options = { root, llm: false } as const
  const skills = builtinSkills(options)
  const runtime = createLocalRuntime({
    agents: [...builtinAgents(options), callerAgent(skills)],
    skills,
    authorizer: Layer.succeed(Authorizer, service.authorizer),
    defaultMaxAttempts: 1,
    shutdownGraceMs: 100
  })
  closers.push(() => runtime.close())
  return runtime.client(principal)
}

const run = async (client: RuntimeClient, agentId: string, input: JsonValue) => {
  const task = await client.submit({ agentId, description: `run ${agentId}`, input })
  return settle(client, task.id)
}

const leaks = (value: unknown) => {
  const text = JSON.stringify(value)
  return secrets.filter((secret) => text.includes(secret))
}

describe("protected and hidden paths under security's policies", () => {
  it("a whole-repository search returns no line of a protected file and lists what it skipped", async () => {
    const root = await repositoryWithSecrets()
    const client = await start(root)
    const done = await run(client, "caller", { skill: "text.search", input: { query: "needle" } })
    expect(done.status).toBe("completed")
    expect(leaks(done.result)).toEqual([])
    const result = done.result as { matches: Array<{ path: string }>; skipped: Array<{ path: string; reason: string }> }
    expect(result.matches.map((match) => match.path)).toEqual([".github/README.md", "src/app.ts"])
    expect(result.skipped).toEqual(
      expect.arrayContaining([
        { path: ".git", reason: "hidden" },
        { path: "secret", reason: "protected" },
        { path: ".github/workflows", reason: "protected" },
        { path: ".env", reason: "protected" },
        { path: "config/.env", reason: "protected" },
        { path: "alias", reason: "protected" },
        { path: "server-state", reason: "outside-repository" }
      ])
    )
  })

  it("a search of .github, of a symlink to a protected directory, or of .git is refused or returns nothing protected", async () => {
    const root = await repositoryWithSecrets()
    const client = await start(root)
    const github = await run(client, "caller", { skill: "text.search", input: { query: "needle", path: ".github" } })
    expect(github.status).toBe("completed")
    expect(leaks(github.result)).toEqual([])
    expect((github.result as { skipped: Array<unknown> }).skipped).toContainEqual({
      path: ".github/workflows",
      reason: "protected"
    })
    for (const path of ["alias", ".git", "server-state", ".github/workflows", "secret"]) {
      const refused = await run(client, "caller", { skill: "text.search", input: { query: "needle", path } })
      expect(refused.status, path).toBe("failed")
      expect(leaks(refused), path).toEqual([])
      expect(refused.error?.message, path).toMatch(/Protected|Hidden|OutsideRepository/)
    }
  })

  it("fs.read and repo.list refuse protected, hidden and outside paths, however they are named", async () => {
    const root = await repositoryWithSecrets()
    const client = await start(root)
    for (const path of [
      "secret/key.txt",
      "alias/key.txt",
      ".github/workflows/ci.yml",
      ".env",
      "config/.env",
      ".git/config",
      "server-state/inspect.jsonl"
    ]) {
      const read = await run(client, "caller", { skill: "fs.read", input: { path } })
      expect(read.status, path).toBe("failed")
      expect(leaks(read), path).toEqual([])
    }
    // A refusal says nothing of what exists under a protected path.
    const probe = await run(client, "caller", { skill: "fs.read", input: { path: "secret/no-such-file.txt" } })
    expect(probe.error?.message).toContain("Protected")
    const batch = await run(client, "caller", { skill: "fs.read", input: { paths: ["src/app.ts", "alias/key.txt"] } })
    expect(leaks(batch)).toEqual([])
    const listed = await run(client, "caller", { skill: "repo.list", input: {} })
    const paths = (listed.result as { files: Array<{ path: string }> }).files.map((file) => file.path)
    expect(paths).toEqual([".github/README.md", "src/app.ts"])
    for (const path of [".git", "alias", "secret"]) {
      const refused = await run(client, "caller", { skill: "repo.list", input: { path } })
      expect(refused.status, path).toBe("failed")
    }
  })

  it("the agents built on the file skills see none of it either", async () => {
    const root = await repositoryWithSecrets()
    const client = await start(root)
    const scanned = await run(client, "repo-scanner", {})
    expect(scanned.status).toBe("completed")
    expect(leaks(scanned.result)).toEqual([])
    const found = await run(client, "code-search", { query: "needle" })
    expect(found.status).toBe("completed")
    expect(leaks(found.result)).toEqual([])
    expect((found.result as { searches: Array<{ skipped: Array<unknown> }> }).searches[0]?.skipped).toContainEqual({
      path: "secret",
      reason: "protected"
    })
    const reviewed = await run(client, "reviewer", {})
    expect(leaks(reviewed.result)).toEqual([])
  })
})
