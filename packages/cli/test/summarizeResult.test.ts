import type { TestRun } from "@coderclaw/agents"
import type { WorkflowResult } from "@coderclaw/orchestrator"
import { describe, expect, it } from "vitest"
import { summarizeResult } from "../src/output/summarizeResult.js"

// Results shaped by the agents' own types: a change of shape breaks the type check before the summary.
describe("summarizeResult", () => {
  it("test-runner: passed or failed, the counts, the last output lines as lines (no \\n escapes)", () => {
    const run = {
      kind: "test-run",
      command: "vitest run",
      cwd: "packages/protocol",
      passed: false,
      exitCode: 1,
      signal: null,
      timedOut: false,
      durationMs: 4_200,
      counts: { reporter: "vitest", from: "report", passed: 10, failed: 2, skipped: 1, total: 13 },
      outputTail: " FAIL  test/a.test.ts > adds\n Tests  2 failed | 10 passed | 1 skipped (13)\n"
    } satisfies TestRun
    expect(summarizeResult(run).split("\n")).toEqual([
      "tests FAILED: vitest run (in packages/protocol, exit code 1, 4.2 s)",
      "counts: 10 passed, 2 failed, 1 skipped of 13 (vitest)",
      "last lines of the output:",
      "  │  FAIL  test/a.test.ts > adds",
      "  │  Tests  2 failed | 10 passed | 1 skipped (13)"
    ])
  })

  it("git-changes: branch, changed paths and commits", () => {
    const text = summarizeResult({
      kind: "changes",
      status: {
        branch: { head: "main", upstream: "origin/main", ahead: 1, behind: 0, initial: false },
        entries: [
          { path: "src/a.ts", code: " M", index: "unmodified", worktree: "modified", staged: false, conflicted: false }
        ]
      },
      commits: [
        {
          hash: "f".repeat(40),
          shortHash: "fffffff",
          author: { name: "Ada", email: "a@b" },
          date: "2026-01-01",
          subject: "Fix it"
        }
      ]
    })
    expect(text.split("\n")).toEqual([
      "on main (origin/main: 1 ahead, 0 behind): 1 changed path",
      "   M src/a.ts",
      "newest 1 commit:",
      "  fffffff Fix it (Ada)"
    ])
  })

  it("a workflow: one row per step with the first line of the step's own summary", () => {
    const result = {
      name: "check",
      status: "failed",
      steps: {
        scan: { status: "completed", taskId: "t1", result: { kind: "search", searches: [] } },
        test: { status: "failed", taskId: "t2", error: { code: "AGENT_FAILED", message: "exit code 1" } },
        review: { status: "skipped", reason: "test failed" }
      }
    } satisfies WorkflowResult
    expect(summarizeResult(result).split("\n")).toEqual([
      "workflow check failed",
      "  STEP    STATUS     RESULT",
      "  scan    completed  no search ran",
      "  test    failed     AGENT_FAILED: exit code 1",
      "  review  skipped    test failed"
    ])
  })

  it("lists are cut after ten entries and say how to see the rest", () => {
    const matches = Array.from({ length: 12 }, (_, i) => ({ path: "a.ts", line: i + 1, column: 1, preview: "x" }))
    const lines = summarizeResult({ kind: "search", searches: [{ query: "x", matches, truncated: false }] }).split("\n")
    expect(lines).toHaveLength(12)
    expect(lines.at(-1)).toBe("  … 2 more (use --json)")
  })

  it("any other result: indented JSON", () => {
    expect(summarizeResult({ echoed: 1 })).toBe('{\n  "echoed": 1\n}')
  })
})
