import { join } from "node:path"
import { Exit } from "effect"
import { describe, expect, it } from "vitest"
import { fsRead, repoList, shellRun, textSearch } from "../src/index.js"
import { makeRepository } from "./support/fixtures.js"
import { failureOf, runSkillDirectly } from "./support/harness.js"

// A server that keeps its database inside the repository it serves hides it: otherwise an agent could read
// the accounts and session-signing keys through the repository tools.
const files = {
  "src/app.ts": "export const app = 'needle'\n",
  ".coderclaw/coderclaw.db": "needle: password hashes and session keys\n",
  ".coderclaw/runtime.yaml": "port: 8787\n",
  "notes/private.txt": "needle in a hidden file\n"
}

const hiddenOf = (root: string) => [join(root, ".coderclaw"), join(root, "notes/private.txt")]

describe("hidden paths", () => {
  it("are refused by fs.read, whatever form the path takes", async () => {
    const root = await makeRepository(files, { git: false })
    const skill = fsRead({ root, hidden: hiddenOf(root) })
    for (const path of [".coderclaw/coderclaw.db", "./.coderclaw//coderclaw.db", "notes/private.txt"]) {
      expect(await failureOf(skill, { path })).toMatchObject({ _tag: "RepositoryError", reason: "Hidden" })
    }
    const visible = await runSkillDirectly(skill, { path: "src/app.ts" })
    expect(Exit.isSuccess(visible)).toBe(true)
  })

  it("are left out of listings and searches as if they did not exist", async () => {
    const root = await makeRepository(files, { git: false })
    const listed = await runSkillDirectly(repoList({ root, hidden: hiddenOf(root) }), {})
    if (!Exit.isSuccess(listed)) throw new Error("repo.list failed")
    expect((listed.value as { files: Array<{ path: string }> }).files.map((file) => file.path)).toEqual(["src/app.ts"])
    const searched = await runSkillDirectly(textSearch({ root, hidden: hiddenOf(root) }), { query: "needle" })
    if (!Exit.isSuccess(searched)) throw new Error("text.search failed")
    expect((searched.value as { matches: Array<{ path: string }> }).matches.map((match) => match.path)).toEqual([
      "src/app.ts"
    ])
    expect(await failureOf(repoList({ root, hidden: hiddenOf(root) }), { path: ".coderclaw" })).toMatchObject({
      reason: "Hidden"
    })
  })

  it("cannot be a command's working directory", async () => {
    const root = await makeRepository(files, { git: false })
    const skill = shellRun({ root, hidden: hiddenOf(root) })
    expect(await failureOf(skill, { command: ["ls"], cwd: ".coderclaw" })).toMatchObject({ reason: "Hidden" })
  })

  it("outside the repository, or not yet created, change nothing else", async () => {
    const root = await makeRepository(files, { git: false })
    const skill = repoList({ root, hidden: ["/somewhere/else", join(root, "later.db")] })
    const listed = await runSkillDirectly(skill, {})
    if (!Exit.isSuccess(listed)) throw new Error("repo.list failed")
    expect((listed.value as { files: Array<unknown> }).files).toHaveLength(4)
  })

  it("include every git directory, nested ones too, whatever its case, in reads, listings and searches", async () => {
    const root = await makeRepository(
      {
        "src/app.ts": "export const app = 'needle'\n",
        "vendor/lib/.git/config": "url = https://needle:TOKEN@example.com/lib.git\n",
        "vendor/lib/index.ts": "export const lib = 'needle'\n"
      },
      { git: false }
    )
    for (const path of [".git/config", "vendor/lib/.git/config", "vendor/lib/.GIT/config", "./vendor/lib/.git"]) {
      expect(await failureOf(fsRead({ root }), { path }), path).toMatchObject({ reason: "Hidden" })
    }
    const searched = await runSkillDirectly(textSearch({ root }), { query: "needle" })
    if (!Exit.isSuccess(searched)) throw new Error("text.search failed")
    expect(JSON.stringify(searched.value)).not.toContain("TOKEN")
    expect((searched.value as { skipped: Array<unknown> }).skipped).toContainEqual({
      path: "vendor/lib/.git",
      reason: "hidden"
    })
    expect(await failureOf(repoList({ root }), { path: "vendor/lib/.git" })).toMatchObject({ reason: "Hidden" })
  })
})
