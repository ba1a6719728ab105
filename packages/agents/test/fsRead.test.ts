import { symlink, writeFile } from "node:fs/promises"
import { basename, join } from "node:path"
import { Exit } from "effect"
import { describe, expect, it } from "vitest"
import { fsRead } from "../src/index.js"
import { makeRepository, tempDir } from "./support/fixtures.js"
import { callSkill, failureOf, runSkillDirectly, startRuntime } from "./support/harness.js"

const files = {
  "README.md": "# Demo\n\nHello.\n",
  "src/app.ts": "export const answer = 42\n",
  "src/empty.ts": ""
}

describe("fs.read", () => {
  it("reads a text file inside the repository through the runtime", async () => {
    const root = await makeRepository(files, { git: false })
    const client = startRuntime({ skills: [fsRead({ root })] })
    const task = await callSkill(client, "fs.read", { path: "./src//app.ts" })
    expect(task.status).toBe("completed")
    expect(task.result).toEqual({ path: "src/app.ts", bytes: 25, lines: 1, content: "export const answer = 42\n" })
  })

  it("reads a batch, reporting unreadable files one by one", async () => {
    const root = await makeRepository(files, { git: false })
    await writeFile(join(root, "logo.png"), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01]))
    const client = startRuntime({ skills: [fsRead({ root })] })
    const task = await callSkill(client, "fs.read", { paths: ["README.md", "missing.txt", "logo.png", "src/empty.ts"] })
    expect(task.status).toBe("completed")
    const result = task.result as { files: Array<Record<string, unknown>> }
    expect(
      result.files.map((file) => [file.path, "error" in file ? (file.error as { reason: string }).reason : "ok"])
    ).toEqual([
      ["README.md", "ok"],
      ["missing.txt", "NotFound"],
      ["logo.png", "Binary"],
      ["src/empty.ts", "ok"]
    ])
    expect(result.files[3]).toMatchObject({ bytes: 0, lines: 0, content: "" })
  })

  it("refuses `..`, absolute paths and backslashes before touching the disk", async () => {
    const root = await makeRepository(files, { git: false })
    const skill = fsRead({ root })
    for (const path of ["../outside.txt", "src/../../outside.txt", "/etc/passwd", "src\\app.ts", "C:/Windows"]) {
      expect(await failureOf(skill, { path })).toMatchObject({ _tag: "RepositoryError", reason: "OutsideRepository" })
    }
    const client = startRuntime({ skills: [skill] })
    const task = await callSkill(client, "fs.read", { path: "../outside.txt" })
    expect(task.status).toBe("failed")
    expect(task.error?.code).toBe("SKILL_ERROR")
    expect(task.error?.message).toContain("OutsideRepository")
    // A batch with one hostile path is refused as a whole.
    const batch = await callSkill(client, "fs.read", { paths: ["README.md", "../outside.txt"] })
    expect(batch.status).toBe("failed")
  })

  it("refuses a symlink that leads outside the root, and follows one that stays inside", async () => {
    const outside = await tempDir()
    await writeFile(join(outside, "secret.txt"), "top secret\n")
    const root = await makeRepository(files, { git: false })
    await symlink(join(outside, "secret.txt"), join(root, "leak.txt"))
    await symlink(outside, join(root, "leakdir"))
    await symlink(join(root, "src", "app.ts"), join(root, "alias.ts"))
    const skill = fsRead({ root })
    expect(await failureOf(skill, { path: "leak.txt" })).toMatchObject({ reason: "OutsideRepository" })
    expect(await failureOf(skill, { path: "leakdir/secret.txt" })).toMatchObject({ reason: "OutsideRepository" })
    const client = startRuntime({ skills: [skill] })
    const task = await callSkill(client, "fs.read", { path: "alias.ts" })
    expect(task.result).toMatchObject({ path: "alias.ts", content: "export const answer = 42\n" })
  })

  it("refuses a missing file, a directory, an oversized file and bad input with a typed reason", async () => {
    const root = await makeRepository({ ...files, "big.txt": "x".repeat(64) }, { git: false })
    const skill = fsRead({ root, maxBytes: 32 })
    expect(await failureOf(skill, { path: "nope.md" })).toMatchObject({
      reason: "NotFound",
      message: expect.stringContaining("nope.md")
    })
    expect(await failureOf(skill, { path: "src" })).toMatchObject({ reason: "NotAFile" })
    expect(await failureOf(skill, { path: "big.txt" })).toMatchObject({ reason: "TooLarge" })
    expect(await failureOf(fsRead({ root }), { path: "big.txt", maxBytes: 10 })).toMatchObject({ reason: "TooLarge" })
    expect(await failureOf(skill, { path: 42 })).toMatchObject({ reason: "InvalidInput" })
    expect(await failureOf(skill, { path: "README.md", mode: "w" })).toMatchObject({ reason: "InvalidInput" })
    expect(await failureOf(skill, null)).toMatchObject({ reason: "InvalidInput" })

    const client = startRuntime({ skills: [skill] })
    const task = await callSkill(client, "fs.read", { file: "README.md" })
    expect(task.status).toBe("failed")
    expect(task.error?.message).toContain("Invalid fs.read input")
  })

  it("acts on the repository the call's scope names, and only within its authorised paths", async () => {
    const root = await makeRepository(files, { git: false })
    const other = await makeRepository({ "NOTES.md": "other repo\n" }, { git: false })
    const skill = fsRead({ root, repository: "demo", repositories: { notes: other } })
    const client = startRuntime({ skills: [skill] })
    const fromOther = await callSkill(client, "fs.read", { path: "NOTES.md" }, { repository: "notes" })
    expect(fromOther.result).toMatchObject({ content: "other repo\n" })
    const fromDemo = await callSkill(client, "fs.read", { path: "README.md" }, { repository: "demo" })
    expect(fromDemo.status).toBe("completed")

    expect(await failureOf(skill, { path: "README.md" }, { repository: "elsewhere" })).toMatchObject({
      reason: "UnknownRepository"
    })
    expect(await failureOf(skill, { path: "README.md" }, { repository: "toString" })).toMatchObject({
      reason: "UnknownRepository"
    })
    expect(await failureOf(skill, { path: "src/app.ts" }, { paths: ["docs"] })).toMatchObject({
      reason: "OutsideScope"
    })
    expect(await failureOf(skill, { paths: ["src/app.ts", "README.md"] }, { paths: ["src"] })).toMatchObject({
      reason: "OutsideScope"
    })
    const scoped = await callSkill(client, "fs.read", { path: "src/app.ts" }, { paths: ["src"] })
    expect(scoped.status).toBe("completed")
    // Without a repository name the skill goes by the directory's base name.
    const byBaseName = await runSkillDirectly(fsRead({ root }), { path: "README.md" }, { repository: basename(root) })
    expect(Exit.isSuccess(byBaseName)).toBe(true)
  })
})
