import { existsSync } from "node:fs"
import { rm, unlink, writeFile } from "node:fs/promises"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { gitStatus } from "../src/index.js"
import { git, makeRepository, tempDir } from "./support/fixtures.js"
import { callSkill, failureOf, startRuntime } from "./support/harness.js"

const files = {
  "README.md": "# Demo\n",
  "src/a.ts": "export const a = 1\n",
  "src/b.ts": "export const b = 2\n",
  "src/old.ts": "export const old = true\n"
}

type Status = {
  branch: { head: string | null; upstream: string | null; ahead: number; behind: number; initial: boolean }
  entries: Array<{
    path: string
    originalPath?: string
    code: string
    index: string
    worktree: string
    staged: boolean
  }>
  clean: boolean
  counts: { staged: number; unstaged: number; untracked: number; conflicted: number }
  truncated: boolean
}

describe("git.status", () => {
  it("reports a clean repository on its branch", async () => {
    const root = await makeRepository(files)
    const task = await callSkill(startRuntime({ skills: [gitStatus({ root })] }), "git.status", {})
    expect(task.status).toBe("completed")
    expect(task.result).toMatchObject({
      branch: { head: "main", upstream: null, ahead: 0, behind: 0, initial: false },
      entries: [],
      clean: true
    })
  })

  it("parses modified, added, deleted, renamed and untracked files, names with spaces included", async () => {
    const root = await makeRepository(files)
    await writeFile(join(root, "src/a.ts"), "export const a = 10\n")
    await writeFile(join(root, "src/new file.ts"), "export {}\n")
    git(root, "add", "src/new file.ts")
    git(root, "rm", "--quiet", "src/b.ts")
    git(root, "mv", "src/old.ts", "src/renamed.ts")
    await writeFile(join(root, "notes – draft.md"), "untracked\n")
    const task = await callSkill(startRuntime({ skills: [gitStatus({ root })] }), "git.status", {})
    const status = task.result as Status
    const byPath = Object.fromEntries(status.entries.map((entry) => [entry.path, entry]))
    expect(byPath["src/a.ts"]).toMatchObject({ code: " M", index: "unmodified", worktree: "modified", staged: false })
    expect(byPath["src/new file.ts"]).toMatchObject({ code: "A ", index: "added", staged: true })
    expect(byPath["src/b.ts"]).toMatchObject({ code: "D ", index: "deleted", staged: true })
    expect(byPath["src/renamed.ts"]).toMatchObject({ code: "R ", index: "renamed", originalPath: "src/old.ts" })
    expect(byPath["notes – draft.md"]).toMatchObject({ code: "??", index: "untracked", worktree: "untracked" })
    expect(status.entries).toHaveLength(5)
    expect(status.clean).toBe(false)
    expect(status.counts).toEqual({ staged: 3, unstaged: 1, untracked: 1, conflicted: 0 })
  })

  it("reports the upstream and how far ahead the branch is", async () => {
    const origin = await makeRepository(files)
    const clone = await tempDir()
    git(clone, "clone", "--quiet", origin, ".")
    await writeFile(join(clone, "README.md"), "# Demo, changed\n")
    git(clone, "commit", "--quiet", "-am", "Change the readme")
    const task = await callSkill(startRuntime({ skills: [gitStatus({ root: clone })] }), "git.status", {})
    expect((task.result as Status).branch).toEqual({
      head: "main",
      upstream: "origin/main",
      ahead: 1,
      behind: 0,
      initial: false
    })
  })

  it("reports a repository before its first commit", async () => {
    const root = await makeRepository(files, { commit: false })
    const task = await callSkill(startRuntime({ skills: [gitStatus({ root })] }), "git.status", { maxEntries: 2 })
    expect(task.result).toMatchObject({
      branch: { head: "main", initial: true },
      counts: { untracked: 4 },
      truncated: true
    })
    expect((task.result as Status).entries).toHaveLength(2)
  })

  it("refuses a directory that is not a git repository root", async () => {
    const plain = await makeRepository(files, { git: false })
    expect(await failureOf(gitStatus({ root: plain }), {})).toMatchObject({
      _tag: "RepositoryError",
      reason: "NotAGitRepository"
    })
    const task = await callSkill(startRuntime({ skills: [gitStatus({ root: plain })] }), "git.status", {})
    expect(task.status).toBe("failed")
    expect(task.error?.message).toContain("NotAGitRepository")
    // A directory inside a repository is not its root: status would report files outside it.
    const repository = await makeRepository(files)
    expect(await failureOf(gitStatus({ root: join(repository, "src") }), {})).toMatchObject({
      reason: "NotAGitRepository"
    })
    expect(await failureOf(gitStatus({ root: repository }), { verbose: true })).toMatchObject({
      reason: "InvalidInput"
    })
  })

  it("does not run programs a hostile repository configures (core.fsmonitor)", async () => {
    const root = await makeRepository(files)
    git(root, "config", "core.fsmonitor", "touch pwned")
    const marker = join(root, "pwned")
    // Plain git would run it:
    git(root, "status", "--porcelain")
    expect(existsSync(marker)).toBe(true)
    await unlink(marker)
    for (const leftover of git(root, "ls-files", "--others")
      .split("\n")
      .filter((line) => line !== "")) {
      await rm(join(root, leftover), { force: true })
    }
    const task = await callSkill(startRuntime({ skills: [gitStatus({ root })] }), "git.status", {})
    expect(task.status).toBe("completed")
    expect(existsSync(marker)).toBe(false)
  })
})
