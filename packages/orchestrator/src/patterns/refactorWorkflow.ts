import type { WorkflowDefinition } from "@coderclaw/protocol"
import { pattern } from "../internal/pattern.js"
import type { PatternOptions } from "./PatternOptions.js"

/** The roles of the refactor pattern. */
export type RefactorRole = "reviewer" | "refactorer" | "tester"

/** Refactoring: `review` (find what to change) → `refactor` → `tests` (behaviour kept). */
export const refactorWorkflow = (scope: string, options: PatternOptions<RefactorRole> = {}): WorkflowDefinition =>
  pattern(
    `refactor: ${scope}`,
    [
      { id: "review", role: "reviewer", description: `Find refactoring opportunities in: ${scope}`, input: { scope } },
      {
        id: "refactor",
        role: "refactorer",
        description: `Refactor: ${scope}`,
        input: { scope, opportunities: { $step: "review" } },
        dependsOn: ["review"]
      },
      {
        id: "tests",
        role: "tester",
        description: `Check the tests still cover: ${scope}`,
        input: { scope, refactor: { $step: "refactor" } },
        dependsOn: ["refactor"]
      }
    ],
    options
  )
