import { defineSkill, Journal, makeInMemoryJournal, type SkillDefinition } from "@coderclaw/runtime"
import { createLocalRuntime } from "@coderclaw/transport-local"
import { Effect, Layer } from "effect"
import { describe, expect, it } from "vitest"
import { fsRead, repoList, repoScanner } from "../src/index.js"
import { makeRepository } from "./support/fixtures.js"
import { alice, collect, runTask, settle, startRuntime, until } from "./support/harness.js"

const files = {
  ".gitignore": "dist/\n*.log\n",
  "README.md": "# Demo\nTODO: write the docs\n",
  "src/app.ts": "export const TODOS = []\nexport const run = () => {\n  // TODO: handle errors\n  return 1\n}\n",
  "src/util.ts": "// FIXME: slow, TODO: cache\nexport const id = <A>(a: A) => a\n",
  "lib/tool.py": "def main():\n    # FIXME: parse args\n    pass\n",
  "data.txt": "a\0b\n",
  "logo.png": "\x89PNG\r\n\x1a\n\0\0",
  // Ignored by .gitignore: neither listed nor read, so their TODOs do not count.
  "dist/bundle.js": "// TODO: generated\n",
  "debug.log": "TODO ignored\n"
}

/** The exact report of `files`. */
const expected = {
  kind: "repo-scan",
  path: ".",
  files: 7,
  truncated: false,
  lines: 12,
  languages: [
    { language: "TypeScript", files: 2, lines: 7 },
    { language: "Python", files: 1, lines: 3 },
    { language: "Markdown", files: 1, lines: 2 },
    { language: "Other", files: 2, lines: 0 },
    { language: "Text", files: 1, lines: 0 }
  ],
  todos: {
    count: 5,
    byKind: { TODO: 3, FIXME: 2 },
    items: [
      { path: "README.md", line: 2, kind: "TODO", text: "TODO: write the docs" },
      { path: "lib/tool.py", line: 2, kind: "FIXME", text: "# FIXME: parse args" },
      { path: "src/app.ts", line: 3, kind: "TODO", text: "// TODO: handle errors" },
      { path: "src/util.ts", line: 1, kind: "FIXME", text: "// FIXME: slow, TODO: cache" },
      { path: "src/util.ts", line: 1, kind: "TODO", text: "// FIXME: slow, TODO: cache" }
    ],
    truncated: false
  },
  skipped: { tooLarge: 0, binary: 1, unreadable: 0, other: 2 }
}

const runtimeFor = (root: string) =>
  startRuntime({ agents: [repoScanner()], skills: [repoList({ root }), fsRead({ root })] })

describe("repo-scanner", () => {
  it("reports exact languages, line counts and TODO/FIXME comments, honouring .gitignore", async () => {
    const root = await makeRepository(files)
    const client = runtimeFor(root)
    const task = await runTask(client, "repo-scanner", null)
    expect(task.status).toBe("completed")
    expect(task.result).toEqual(expected)
  })

  it("reports progress after each batch of files", async () => {
    const root = await makeRepository(files)
    const client = runtimeFor(root)
    const task = await client.submit({ agentId: "repo-scanner", description: "scan", input: { batchSize: 2 } })
    const events = await collect(client.subscribe(task.id))
    const progress = events.flatMap(({ event }) => (event.type === "progress" ? [[event.percent, event.message]] : []))
    expect(progress).toEqual([
      [0, "listing files"],
      [5 + (95 * 2) / 5, "scanned 2 of 5 files"],
      [5 + (95 * 4) / 5, "scanned 4 of 5 files"],
      [100, "scanned 5 of 5 files"]
    ])
    expect((await client.get(task.id)).result).toEqual(expected)
  })

  it("scans a directory only, and caps the TODO items it lists", async () => {
    const root = await makeRepository(files)
    const client = runtimeFor(root)
    const task = await runTask(client, "repo-scanner", { path: "./src/", maxTodos: 1 })
    expect(task.result).toMatchObject({
      path: "src",
      files: 2,
      lines: 7,
      languages: [{ language: "TypeScript", files: 2, lines: 7 }],
      todos: { count: 3, byKind: { TODO: 2, FIXME: 1 }, truncated: true }
    })
    expect((task.result as { todos: { items: Array<unknown> } }).todos.items).toEqual([
      { path: "src/app.ts", line: 3, kind: "TODO", text: "// TODO: handle errors" }
    ])
  })

  it("fails at once on bad input and on a path outside the repository", async () => {
    const root = await makeRepository(files)
    const client = runtimeFor(root)
    const bad = await runTask(client, "repo-scanner", { depth: 3 })
    expect(bad).toMatchObject({ status: "failed", error: { code: "INVALID_INPUT" } })
    expect(bad.error?.message).toContain("depth")
    const outside = await runTask(client, "repo-scanner", { path: "../elsewhere" })
    expect(outside).toMatchObject({ status: "failed", error: { code: "INVALID_INPUT" } })
    expect(outside.error?.message).toContain("`..`")
    // A path that is fine in form but missing: the skill's reason reaches the task's error.
    const missing = await runTask(client, "repo-scanner", { path: "nowhere" })
    expect(missing).toMatchObject({ status: "failed", error: { code: "SKILL_FAILED" } })
    expect(missing.error?.message).toContain("NotFound")
  })

  it("continues from its checkpoint after the runtime stopped mid-scan, without reading the scanned files again", async () => {
    const root = await makeRepository(files)
    const journal = Layer.succeed(Journal, makeInMemoryJournal())
    const reads: Array<ReadonlyArray<string>> = []
    /** `fs.read`, recording each batch; with `stallAt`, that call never returns (the runtime stops meanwhile). */
    const recordingRead = (stallAt?: number): SkillDefinition => {
      const real = fsRead({ root })
      return defineSkill({
        ...real.descriptor,
        run: (input, call) =>
          Effect.suspend(() => {
            reads.push((input as { paths: Array<string> }).paths)
            return reads.length === stallAt ? Effect.never : real.run(input, call)
          })
      })
    }
    const start = (read: SkillDefinition) =>
      createLocalRuntime({
        agents: [repoScanner()],
        skills: [repoList({ root }), read],
        journal,
        shutdownGraceMs: 50
      })

    const first = start(recordingRead(2))
    const task = await first.client(alice).submit({
      agentId: "repo-scanner",
      description: "scan",
      input: { batchSize: 2 },
      maxAttempts: 2
    })
    await until(() => reads.length === 2, { timeoutMs: 10_000 })
    await first.close()

    const second = start(recordingRead())
    try {
      const client = second.client(alice)
      const done = await settle(client, task.id)
      expect(done).toMatchObject({ status: "completed", attempt: 2 })
      expect(done.result).toEqual(expected)
      expect(reads).toEqual([
        ["README.md", "data.txt"],
        ["lib/tool.py", "src/app.ts"],
        // The second attempt starts after the checkpointed first batch.
        ["lib/tool.py", "src/app.ts"],
        ["src/util.ts"]
      ])
      const events = await collect(client.subscribe(task.id))
      expect(events.some(({ event }) => event.type === "attempt_failed" && event.error.code === "INTERRUPTED")).toBe(
        true
      )
    } finally {
      await second.close()
    }
  })
})
