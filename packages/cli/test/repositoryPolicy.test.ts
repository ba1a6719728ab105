import { mkdir, writeFile } from "node:fs/promises"
import { basename, join } from "node:path"
import { defineAgent } from "@coderclaw/runtime"
import { until } from "@coderclaw/test-kit"
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { defaultSecurityConfig } from "../src/config/loadSecurityFile.js"
import { type CoderclawServer, startServer } from "../src/server/startServer.js"
import { type CliAs, loggedInAdmin, removeDir, tempDir } from "./support/harness.js"

let dir: string
let server: CoderclawServer
let alice: CliAs

/** Reads a file of the repository through `fs.read`, as any agent's skill call does. */
const reader = defineAgent({
  id: "reader",
  name: "Reader",
  skills: ["fs.read", "shell.run"],
  run: (input, ctx) =>
    Effect.gen(function* () {
      const read = (yield* ctx.callSkill("fs.read", { path: (input as { path: string }).path })) as { lines: number }
      return { lines: read.lines }
    })
})

const policyFile = () => join(dir, ".coderclaw", "policy.yaml")

const submit = async (path: string) => {
  const submitted = await alice(["submit", "reader", JSON.stringify({ path }), "--json"])
  if (submitted.code !== 0) return { refused: submitted.stderr }
  return { id: (JSON.parse(submitted.stdout) as { id: string }).id }
}

const show = async (id: string) => JSON.parse((await alice(["show", id, "--json"])).stdout) as Record<string, unknown>

beforeAll(async () => {
  dir = await tempDir("repo-policy")
  await mkdir(join(dir, ".coderclaw"))
  await mkdir(join(dir, "src"))
  await writeFile(join(dir, "src", "main.ts"), "export const a = 1\n")
  await writeFile(join(dir, "src", "keys.txt"), "secret\n")
  server = await startServer({
    cwd: dir,
    config: { port: 0, database: "db/coderclaw.db" },
    agents: [reader],
    env: {},
    security: {
      ...defaultSecurityConfig,
      policies: {
        repositories: [{ id: "no-shell", repository: basename(dir), skills: { deny: ["shell.run"] } }]
      }
    }
  })
  alice = await loggedInAdmin(server.url, dir, join(dir, "home"))
})

afterAll(async () => {
  await server?.close()
  await removeDir(dir)
})

describe("a repository's .coderclaw/policy.yaml on a real server", { timeout: 300_000 }, () => {
  it("adds a protected path: the read is refused though the server allows it", async () => {
    const before = await submit("src/keys.txt")
    await until(async () => (await show(before.id ?? "")).status === "completed", {
      what: "the read before the policy"
    })
    await writeFile(policyFile(), "protectedPaths: [src/keys.txt]\n")
    const after = await submit("src/keys.txt")
    await until(async () => (await show(after.id ?? "")).status === "failed", {
      timeoutMs: 60_000,
      what: "the refused read"
    })
    expect(JSON.stringify((await show(after.id ?? "")).error)).toContain("protected by policy")
  })

  it("requires approval for a skill the server runs without one", async () => {
    await writeFile(policyFile(), "requireApproval: [fs.read]\n")
    const task = await submit("src/main.ts")
    await until(async () => (await show(task.id ?? "")).status === "waiting", {
      timeoutMs: 60_000,
      what: "the task to wait"
    })
    expect(await show(task.id ?? "")).toMatchObject({ status: "waiting", waitingFor: "approval" })
    expect((await alice(["cancel", task.id ?? ""])).code).toBe(0)
  })

  it("refuses a file that would allow a skill the server denies, and takes no work until it is fixed", async () => {
    await writeFile(policyFile(), "skills:\n  allow: [fs.read, shell.run]\n")
    const refused = await submit("src/main.ts")
    expect(refused.refused).toContain(".coderclaw/policy.yaml#invalid")
    expect(refused.refused).toContain(
      `${policyFile()} would widen the server's policy: skills.allow.1: shell.run is denied by the server's policy no-shell; it cannot be allowed here`
    )
    await writeFile(policyFile(), "skills:\n  allow: [fs.read]\n")
    const task = await submit("src/main.ts")
    await until(async () => (await show(task.id ?? "")).status === "completed", {
      timeoutMs: 60_000,
      what: "the task once fixed"
    })
  })

  it("raises the minimum trust: a device that is not paired submits nothing to this repository", async () => {
    await writeFile(policyFile(), "minTrust: trusted\n")
    const refused = await submit("src/main.ts")
    expect(refused.refused).toContain(".coderclaw/policy.yaml#minTrust")
  })
})
