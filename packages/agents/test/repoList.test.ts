import { symlink, writeFile } from "node:fs/promises"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { repoList } from "../src/index.js"
import { git, makeRepository, tempDir } from "./support/fixtures.js"
import { callSkill, failureOf, startRuntime } from "./support/harness.js"

const tree = {
  ".gitignore": "node_modules/\n*.log\n/build\n",
  "README.md": "# Demo\n",
  "app.log": "ignored by *.log\n",
  "build/out.js": "ignored by /build\n",
  "node_modules/lib/index.js": "ignored\n",
  "packages/a/.gitignore": "dist/\n!keep.log\n",
  "packages/a/keep.log": "re-included by the nested .gitignore\n",
  "packages/a/debug.log": "still ignored by the root *.log\n",
  "packages/a/dist/out.js": "ignored by the nested dist/\n",
  "packages/a/src/index.ts": "export {}\n",
  "packages/a/build/kept.js": "/build only matches at the root\n",
  "packages/b/src/Main.ts": "export {}\n",
  "local-notes.txt": "excluded by .git/info/exclude\n"
}

type Listing = { path: string; files: Array<{ path: string; bytes: number }>; count: number; truncated: boolean }

describe("repo.list", () => {
  it("lists the files git sees: nested .gitignore files, negations and .git/info/exclude honoured, .git skipped", async () => {
    const root = await makeRepository(tree, { commit: false })
    await writeFile(join(root, ".git", "info", "exclude"), "local-notes.txt\n")
    const client = startRuntime({ skills: [repoList({ root })] })
    const task = await callSkill(client, "repo.list", {})
    expect(task.status).toBe("completed")
    const listing = task.result as Listing
    // git itself is the reference.
    const expected = git(root, "ls-files", "--others", "--cached", "--exclude-standard")
      .split("\n")
      .filter((line) => line !== "")
      .sort()
    expect(listing.files.map((file) => file.path)).toEqual(expected)
    expect(listing.files.map((file) => file.path)).toContain("packages/a/keep.log")
    expect(listing.files.some((file) => file.path.startsWith(".git/"))).toBe(false)
    expect(listing.files.find((file) => file.path === "README.md")?.bytes).toBe(7)
    expect(listing).toMatchObject({ path: ".", count: expected.length, truncated: false })
  })

  it("lists a directory with the ignore files above it applied", async () => {
    const root = await makeRepository(tree, { git: false })
    const client = startRuntime({ skills: [repoList({ root })] })
    const task = await callSkill(client, "repo.list", { path: "packages/a" })
    expect((task.result as Listing).files.map((file) => file.path)).toEqual([
      "packages/a/.gitignore",
      "packages/a/build/kept.js",
      "packages/a/keep.log",
      "packages/a/src/index.ts"
    ])
  })

  it("caps the number of files and says so", async () => {
    const root = await makeRepository(tree, { git: false })
    const client = startRuntime({ skills: [repoList({ root, maxFiles: 100 })] })
    const task = await callSkill(client, "repo.list", { maxFiles: 2 })
    expect(task.result).toMatchObject({ count: 2, truncated: true })
    const capped = await callSkill(startRuntime({ skills: [repoList({ root, maxFiles: 3 })] }), "repo.list", {
      maxFiles: 50
    })
    expect(capped.result).toMatchObject({ count: 3, truncated: true })
  })

  it("does not follow symlinks out of the repository", async () => {
    const outside = await tempDir()
    await writeFile(join(outside, "secret.txt"), "secret\n")
    const root = await makeRepository({ "a.txt": "a\n" }, { git: false })
    await symlink(outside, join(root, "linked"))
    const skill = repoList({ root })
    const task = await callSkill(startRuntime({ skills: [skill] }), "repo.list", {})
    expect((task.result as Listing).files.map((file) => file.path)).toEqual(["a.txt"])
    expect(await failureOf(skill, { path: "linked" })).toMatchObject({ reason: "OutsideRepository" })
  })

  it("refuses traversal, a missing directory, a file and bad input", async () => {
    const root = await makeRepository(tree, { git: false })
    const skill = repoList({ root })
    expect(await failureOf(skill, { path: ".." })).toMatchObject({ reason: "OutsideRepository" })
    expect(await failureOf(skill, { path: "nowhere" })).toMatchObject({ reason: "NotFound" })
    expect(await failureOf(skill, { path: "README.md" })).toMatchObject({ reason: "NotADirectory" })
    expect(await failureOf(skill, { maxFiles: 0 })).toMatchObject({ reason: "InvalidInput" })
    expect(await failureOf(skill, { recursive: true })).toMatchObject({ reason: "InvalidInput" })
  })
})
