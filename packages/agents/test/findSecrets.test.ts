import { performance } from "node:perf_hooks"
import { secretLintProfiler } from "@secretlint/profiler"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { findSecrets } from "../src/internal/findSecrets.js"

// Built at run time, so this file itself holds no secret-looking string for a scanner to trip on.
const githubToken = ["ghp", "Z7xQ4mBv2Kd9TlWe8RtY6uIo3PaS1dFgHj0K"].join("_")

const secretlintMarks = () => performance.getEntriesByType("mark").filter((mark) => mark.name.startsWith("@core>"))

describe("findSecrets", () => {
  it("finds a token, masked, and leaves no profiling data behind however many files it scans", async () => {
    const before = secretlintMarks().length
    for (let file = 0; file < 50; file++) {
      const hits = await Effect.runPromise(findSecrets(`src/file${file}.ts`, `export const token = "${githubToken}"\n`))
      expect(hits).toEqual([
        {
          rule: "secretlint/github",
          severity: "critical",
          message: "a secret is committed (GITHUB_TOKEN)",
          line: 1,
          preview: 'export const token = "ghp_…(40 chars)"',
          docsUrl: expect.stringContaining("secretlint-rule-github")
        }
      ])
    }
    // secretlint 11's profiler would have kept dozens of marks per file: none are made.
    await new Promise((resolve) => setTimeout(resolve, 10))
    expect(secretlintMarks().length).toBe(before)
    expect(await secretLintProfiler.getEntries()).toEqual([])
  })

  it("honours secretlint-disable comments", async () => {
    const content = `// secretlint-disable-next-line\nconst fixture = "${githubToken}"\n`
    expect(await Effect.runPromise(findSecrets("src/fixture.ts", content))).toEqual([])
  })
})
