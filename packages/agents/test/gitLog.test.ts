import { writeFile } from "node:fs/promises"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { gitLog } from "../src/index.js"
import { git, makeRepository } from "./support/fixtures.js"
import { callSkill, failureOf, startRuntime } from "./support/harness.js"

type Log = {
  commits: Array<{
    hash: string
    shortHash: string
    author: { name: string; email: string }
    date: string
    subject: string
  }>
}

const history = async () => {
  const root = await makeRepository({ "README.md": "# Demo\n" }, { commit: "Add the readme" })
  await writeFile(join(root, "a.ts"), "export const a = 1\n")
  git(root, "add", "a.ts")
  git(root, "commit", "--quiet", "-m", "Add a")
  await writeFile(join(root, "README.md"), "# Demo\n\nMore.\n")
  git(root, "commit", "--quiet", "-am", 'Expand the readme: with | pipes and "quotes"')
  return root
}

describe("git.log", () => {
  it("returns the newest commits first with hash, author, date and subject", async () => {
    const root = await history()
    const task = await callSkill(startRuntime({ skills: [gitLog({ root })] }), "git.log", {})
    expect(task.status).toBe("completed")
    const { commits } = task.result as Log
    expect(commits.map((commit) => commit.subject)).toEqual([
      'Expand the readme: with | pipes and "quotes"',
      "Add a",
      "Add the readme"
    ])
    expect(commits[0]?.hash).toBe(git(root, "rev-parse", "HEAD").trim())
    expect(commits[0]?.hash).toMatch(/^[0-9a-f]{40}$/)
    expect(commits[0]?.hash.startsWith(commits[0]?.shortHash ?? "-")).toBe(true)
    expect(commits[0]?.author).toEqual({ name: "Ada Lovelace", email: "ada@example.com" })
    expect(Number.isNaN(Date.parse(commits[0]?.date ?? ""))).toBe(false)
  })

  it("limits, filters by path and starts from a ref", async () => {
    const root = await history()
    const client = startRuntime({ skills: [gitLog({ root })] })
    const subjects = async (input: Record<string, unknown>) =>
      ((await callSkill(client, "git.log", input as never)).result as Log).commits.map((commit) => commit.subject)
    expect(await subjects({ limit: 1 })).toEqual(['Expand the readme: with | pipes and "quotes"'])
    expect(await subjects({ path: "a.ts" })).toEqual(["Add a"])
    expect(await subjects({ ref: "HEAD~1" })).toEqual(["Add a", "Add the readme"])
    git(root, "branch", "first", "HEAD~2")
    expect(await subjects({ ref: "first" })).toEqual(["Add the readme"])
  })

  it("returns no commits for a repository without any", async () => {
    const root = await makeRepository({ "a.txt": "a\n" }, { commit: false })
    const task = await callSkill(startRuntime({ skills: [gitLog({ root })] }), "git.log", {})
    expect(task.result).toEqual({ commits: [] })
  })

  it("refuses option-like refs, unknown refs, traversal and non-repositories", async () => {
    const root = await history()
    const skill = gitLog({ root })
    expect(await failureOf(skill, { ref: "--output=/tmp/x" })).toMatchObject({ reason: "InvalidInput" })
    expect(await failureOf(skill, { limit: 0 })).toMatchObject({ reason: "InvalidInput" })
    expect(await failureOf(skill, { ref: "no-such-branch" })).toMatchObject({ reason: "GitFailed" })
    expect(await failureOf(skill, { path: "../x" })).toMatchObject({ reason: "OutsideRepository" })
    const plain = await makeRepository({ "a.txt": "a\n" }, { git: false })
    expect(await failureOf(gitLog({ root: plain }), {})).toMatchObject({ reason: "NotAGitRepository" })
  })
})
