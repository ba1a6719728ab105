import { writeFile } from "node:fs/promises"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { gitChanges, gitLog, gitStatus } from "../src/index.js"
import { git, makeRepository } from "./support/fixtures.js"
import { collect, runTask, startRuntime } from "./support/harness.js"

const runtimeFor = (root: string) =>
  startRuntime({ agents: [gitChanges()], skills: [gitStatus({ root }), gitLog({ root })] })

type Changes = {
  kind: "changes"
  status: { clean: boolean; counts: Record<string, number>; entries: Array<{ path: string; code: string }> }
  commits: Array<{ subject: string; author: { name: string } }>
}

describe("git-changes", () => {
  it("reports the working tree's changes and the newest commits, from the real git", async () => {
    const root = await makeRepository(
      { "README.md": "# Demo\n", "src/a.ts": "export const a = 1\n" },
      { commit: "First" }
    )
    await writeFile(join(root, "src/b.ts"), "export const b = 2\n")
    git(root, "add", "src/b.ts")
    git(root, "commit", "--quiet", "-m", "Add b")
    await writeFile(join(root, "src/a.ts"), "export const a = 10\n")
    await writeFile(join(root, "notes.txt"), "draft\n")

    const client = runtimeFor(root)
    const task = await client.submit({ agentId: "git-changes", description: "changes", input: null })
    const events = await collect(client.subscribe(task.id))
    const changes = (await client.get(task.id)).result as Changes
    expect(changes.kind).toBe("changes")
    expect(changes.status.clean).toBe(false)
    expect(changes.status.counts).toEqual({ staged: 0, unstaged: 1, untracked: 1, conflicted: 0 })
    expect(changes.status.entries.map((entry) => [entry.code, entry.path])).toEqual([
      [" M", "src/a.ts"],
      ["??", "notes.txt"]
    ])
    expect(changes.commits.map((commit) => commit.subject)).toEqual(["Add b", "First"])
    expect(changes.commits[0]?.author.name).toBe("Ada Lovelace")
    expect(events.some(({ event }) => event.type === "progress" && event.message === "status read")).toBe(true)

    const limited = await runTask(client, "git-changes", { limit: 1, maxEntries: 1 })
    expect((limited.result as Changes).commits.map((commit) => commit.subject)).toEqual(["Add b"])
    expect((limited.result as Changes).status).toMatchObject({ truncated: true, entries: [{ path: "src/a.ts" }] })
  })

  it("reports a clean repository without commits", async () => {
    const root = await makeRepository({}, { commit: false })
    const task = await runTask(runtimeFor(root), "git-changes", {})
    expect(task.result).toMatchObject({ kind: "changes", status: { clean: true }, commits: [] })
  })

  it("fails with the skill's reason outside a git repository, and on bad input", async () => {
    const client = runtimeFor(await makeRepository({ "a.txt": "a\n" }, { git: false }))
    const task = await runTask(client, "git-changes", {})
    expect(task).toMatchObject({ status: "failed", error: { code: "SKILL_FAILED" } })
    expect(task.error?.message).toContain("NotAGitRepository")
    expect(await runTask(client, "git-changes", { limit: 0 })).toMatchObject({
      status: "failed",
      error: { code: "INVALID_INPUT" }
    })
  })
})
