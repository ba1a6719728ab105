import type { WorkflowDefinition } from "@coderclaw/protocol"
import { pattern } from "../internal/pattern.js"
import type { PatternOptions } from "./PatternOptions.js"

/** The roles of the bugfix pattern. */
export type BugfixRole = "analyst" | "coder" | "tester" | "reviewer"

/** Fixing a bug: `analysis` → `fix` → `tests` (regression) → `review`. */
export const bugfixWorkflow = (bug: string, options: PatternOptions<BugfixRole> = {}): WorkflowDefinition =>
  pattern(
    `bugfix: ${bug}`,
    [
      { id: "analysis", role: "analyst", description: `Find the cause of: ${bug}`, input: { bug } },
      {
        id: "fix",
        role: "coder",
        description: `Fix: ${bug}`,
        input: { bug, analysis: { $step: "analysis" } },
        dependsOn: ["analysis"]
      },
      {
        id: "tests",
        role: "tester",
        description: `Write regression tests for: ${bug}`,
        input: { bug, analysis: { $step: "analysis" }, fix: { $step: "fix" } },
        dependsOn: ["fix"]
      },
      {
        id: "review",
        role: "reviewer",
        description: `Review the fix for: ${bug}`,
        input: { bug, fix: { $step: "fix" }, tests: { $step: "tests" } },
        dependsOn: ["tests"]
      }
    ],
    options
  )
